// SPDX-License-Identifier: MIT
/*
 * jt-blob (tool layer): reading blobs for people. `list` shows every CA
 * (SKID or computed key id, not-after, flags, name; --json for scripts),
 * `lookup` finds CAs by SKID, `diff` shows what an update adds, removes and
 * changes. All of them read JTBL and libwebsockets TBLB v1 blobs through
 * libjittrust's reader.
 */
#define _GNU_SOURCE
#include "bg.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/sha256.h>

#include "jittrust/error.h"

/* What list/diff show of one entry. */
struct row {
    struct jt_blob_entry e;
    uint8_t sha[32];
    struct jt_key key; /* SKID or COMPUTED; len 0 when none */
    char name[256];
};

int
bg_blob_load(const char *path, int pending, struct jt_blob *b, uint8_t **buf,
             size_t *len)
{
    struct jt_blob_open_opts o = {0, pending ? JT_BLOB_OPEN_ALLOW_PENDING : 0};
    int rc;

    *buf = bg_read_file(path, BG_FILE_MAX, len);
    if (*buf == NULL)
        return -1;
    rc = jt_blob_open(b, *buf, *len, &o);
    if (rc != 0) {
        free(*buf);
        *buf = NULL;
        return bg_err(path, "not a valid trust blob: %s", jt_strerror(rc));
    }
    return 0;
}

/* The subject DN of |der|, or "" when it cannot be parsed. */
static void
subject_of(struct jt_span der, char *out, size_t cap)
{
    struct jt_der_cert c;

    out[0] = 0;
    if (der.len == 0 || jt_der_cert_parse(&c, der.p, der.len) != 0 ||
        bg_dn_text(c.subject, out, cap) != 0)
        out[0] = 0;
}

/* Rows of every entry of |b| (malloc'd, jt_blob_count() of them). */
static struct row *
rows_of(const struct jt_blob *b, const char *path)
{
    size_t n = jt_blob_count(b), nk = jt_blob_key_count(b);
    struct row *r = calloc(n ? n : 1, sizeof(*r));

    if (r == NULL) {
        bg_err(path, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        jt_blob_entry(b, i, &r[i].e);
        if (r[i].e.sha256 != NULL)
            memcpy(r[i].sha, r[i].e.sha256, 32);
        else
            mbedtls_sha256_ret(r[i].e.der.p, r[i].e.der.len, r[i].sha, 0);
        if (r[i].e.label.len > 0)
            snprintf(r[i].name, sizeof(r[i].name), "%.*s",
                     (int)r[i].e.label.len, (const char *)r[i].e.label.p);
        else
            subject_of(r[i].e.der, r[i].name, sizeof(r[i].name));
    }
    for (size_t i = 0; i < nk; i++) {
        struct jt_key k;
        size_t e;
        if (jt_blob_key(b, i, &k, &e) == 0 && e < n &&
            (k.type == JT_KEY_SKID || k.type == JT_KEY_COMPUTED))
            r[e].key = k;
    }
    return r;
}

static void
flags_text(const struct row *r, char *out, size_t cap)
{
    char t[32];
    size_t n = 0;

    out[0] = 0;
    if (r->e.flags & JT_BLOB_E_COMPUTED)
        n += (size_t)snprintf(out + n, cap - n, "computed-key ");
    if (r->e.flags & JT_BLOB_E_SELF_ISSUED)
        n += (size_t)snprintf(out + n, cap - n, "self-issued ");
    if (r->e.flags & JT_BLOB_E_NO_META)
        n += (size_t)snprintf(out + n, cap - n, "lws-tblb ");
    if (r->e.distrust_after != 0 && n < cap) {
        bg_time(r->e.distrust_after, t, sizeof(t));
        n += (size_t)snprintf(out + n, cap - n, "distrust-after=%.10s ", t);
    }
    if (n > 0 && n < cap)
        out[n - 1] = 0;
    else if (n == 0)
        snprintf(out, cap, "-");
}

static void
json_str(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static void
key_hex(const struct row *r, char *out)
{
    if (r->key.len > 0)
        bg_hex(r->key.b, r->key.len, out, 1);
    else
        out[0] = 0;
}

static void
list_json(const struct jt_blob *b, const struct row *r, size_t n)
{
    struct jt_span src = jt_blob_source_label(b);
    char label[64], hex[2 * JT_KEY_MAX + 1], sha[65];

    snprintf(label, sizeof(label), "%.*s", (int)src.len, (const char *)src.p);
    printf("{\"format\": \"%s\", \"kind\": \"%s\", \"generation\": %llu, "
           "\"time\": %llu, \"signed\": %s, \"source\": ",
           jt_blob_format(b) == JT_BLOB_FMT_JTBL ? "JTBL" : "TBLB",
           jt_blob_kind(b) == JT_BLOB_INDEX_ONLY ? "index-only" : "full",
           (unsigned long long)jt_blob_generation(b),
           (unsigned long long)jt_blob_time(b),
           jt_blob_is_signed(b) ? "true" : "false");
    json_str(label);
    printf(", \"cas\": [");
    for (size_t i = 0; i < n; i++) {
        key_hex(&r[i], hex);
        bg_hex(r[i].sha, 32, sha, 0);
        printf("%s\n  {\"key\": \"%s\", \"key_type\": \"%s\", \"sha256\": "
               "\"%s\", \"name\": ",
               i ? "," : "", hex,
               r[i].key.len ? jt_key_type_name(r[i].key.type) : "none", sha);
        json_str(r[i].name);
        printf(", \"not_before\": %lld, \"not_after\": %lld, "
               "\"distrust_after\": %lld, \"computed\": %s, "
               "\"self_issued\": %s}",
               (long long)r[i].e.not_before, (long long)r[i].e.not_after,
               (long long)r[i].e.distrust_after,
               r[i].e.flags & JT_BLOB_E_COMPUTED ? "true" : "false",
               r[i].e.flags & JT_BLOB_E_SELF_ISSUED ? "true" : "false");
    }
    printf("\n]}\n");
}

static void
list_text(const struct row *r, size_t n)
{
    char hex[2 * JT_KEY_MAX + 1], t[32], fl[96];

    for (size_t i = 0; i < n; i++) {
        key_hex(&r[i], hex);
        if (r[i].e.not_after != 0)
            bg_time(r[i].e.not_after, t, sizeof(t));
        else
            snprintf(t, sizeof(t), "-");
        flags_text(&r[i], fl, sizeof(fl));
        printf("%-40s  %.10s  %-12s  %s\n", hex[0] ? hex : "-", t, fl,
               r[i].name);
    }
}

static const char usage_list[] =
    "usage: jt-blob list [--json] BLOB\n"
    "\n"
    "One line per CA: its SKID (or computed key id, flagged computed-key),\n"
    "not-after date, flags (self-issued, computed-key, distrust-after=DATE,\n"
    "lws-tblb) and name. --json prints the header and every CA with its\n"
    "SHA-256, dates (unix seconds) and flags, for scripts.\n";

int
bg_cmd_list(int argc, char **argv)
{
    static const struct option lo[] = {{"json", no_argument, NULL, 'j'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
    struct jt_blob b;
    struct row *r;
    uint8_t *buf;
    size_t len;
    int c, json = 0;

    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        if (c == 'j')
            json = 1;
        else {
            fputs(usage_list, c == 'h' ? stdout : stderr);
            return c == 'h' ? 0 : BG_EXIT_ERR;
        }
    }
    if (optind != argc - 1) {
        fputs(usage_list, stderr);
        return BG_EXIT_ERR;
    }
    if (bg_blob_load(argv[optind], 0, &b, &buf, &len) != 0)
        return BG_EXIT_ERR;
    r = rows_of(&b, argv[optind]);
    if (r != NULL && json)
        list_json(&b, r, jt_blob_count(&b));
    else if (r != NULL)
        list_text(r, jt_blob_count(&b));
    free(r);
    free(buf);
    return r ? 0 : BG_EXIT_ERR;
}

static const char usage_lookup[] =
    "usage: jt-blob lookup BLOB SKIDHEX\n"
    "\n"
    "Finds the CAs filed under a subjectKeyIdentifier (a child's AKID), also\n"
    "CAs without a SKID whose computed key id has those bytes, exactly as a\n"
    "device asks. Prints each one's subject (the label for index-only\n"
    "blobs) and exits 0; exits 1 when none is found.\n"
    "Example: jt-blob lookup trust.jtbl "
    "79B459E67BB6E5E40173800888C81A58F6E99B6E\n";

int
bg_cmd_lookup(int argc, char **argv)
{
    struct jt_blob_iter it = {0};
    struct jt_key k = {JT_KEY_SKID, 0, {0}};
    struct jt_blob b;
    uint8_t *buf;
    size_t len, e;
    int n, found = 0;

    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        fputs(usage_lookup, stdout);
        return 0;
    }
    if (argc != 3) {
        fputs(usage_lookup, stderr);
        return BG_EXIT_ERR;
    }
    n = bg_unhex(argv[2], k.b, JT_KEY_MAX);
    if (n <= 0)
        return bg_err(argv[2], "not a key in hex (1 to 64 bytes)"), BG_EXIT_ERR;
    k.len = (uint8_t)n;
    if (bg_blob_load(argv[1], 0, &b, &buf, &len) != 0)
        return BG_EXIT_ERR;
    while (jt_blob_find(&b, &k, &it, &e) == 1) {
        struct jt_blob_entry ent;
        char name[512];
        jt_blob_entry(&b, e, &ent);
        subject_of(ent.der, name, sizeof(name));
        if (name[0] == 0)
            snprintf(name, sizeof(name), "%.*s", (int)ent.label.len,
                     (const char *)ent.label.p);
        printf("%s\n", name);
        found++;
    }
    free(buf);
    return found ? 0 : BG_EXIT_NO;
}

static const char usage_diff[] =
    "usage: jt-blob diff OLD NEW\n"
    "\n"
    "What an operator checks before shipping an update: CAs added (+),\n"
    "removed (-) and changed (~: same certificate with new metadata such as\n"
    "a distrust-after date, or a new certificate for the same key), and the\n"
    "generation step (a NEW that is not newer would be refused by devices\n"
    "as a rollback). Exit 0 when the CA sets are the same, 1 when they\n"
    "differ, 2 on error.\n";

static int
find_sha(const struct row *r, size_t n, const uint8_t *sha)
{
    for (size_t i = 0; i < n; i++)
        if (memcmp(r[i].sha, sha, 32) == 0)
            return (int)i;
    return -1;
}

static int
find_key(const struct row *r, size_t n, const struct row *x,
         const struct row *other, size_t on)
{
    for (size_t i = 0; i < n; i++)
        if (x->key.len > 0 && jt_key_cmp(&r[i].key, &x->key) == 0 &&
            find_sha(other, on, r[i].sha) < 0)
            return (int)i;
    return -1;
}

static void
diff_line(char tag, const struct row *r, const char *what)
{
    char hex[2 * JT_KEY_MAX + 1], sha[65];

    key_hex(r, hex);
    bg_hex(r->sha, 32, sha, 0);
    printf("%c %s  %s  sha256:%.16s%s%s\n", tag, hex[0] ? hex : "-", r->name,
           sha, what ? "  " : "", what ? what : "");
}

/* Print the differences; returns how many there are. */
static size_t
diff_rows(const struct row *a, size_t na, const struct row *b, size_t nb)
{
    size_t d = 0;

    for (size_t i = 0; i < na; i++) {
        int j = find_sha(b, nb, a[i].sha);
        if (j < 0 && find_key(b, nb, &a[i], a, na) >= 0) {
            diff_line('~', &a[i], "replaced by a new certificate, same key");
            d++;
        } else if (j < 0) {
            diff_line('-', &a[i], NULL);
            d++;
        } else if (a[i].e.distrust_after != b[j].e.distrust_after) {
            char t[32] = "none";
            if (b[j].e.distrust_after)
                bg_time(b[j].e.distrust_after, t, sizeof(t));
            diff_line('~', &b[j], "distrust-after now");
            printf("    distrust-after: %s\n", t);
            d++;
        }
    }
    for (size_t j = 0; j < nb; j++)
        if (find_sha(a, na, b[j].sha) < 0) {
            diff_line('+', &b[j], NULL);
            d++;
        }
    return d;
}

int
bg_cmd_diff(int argc, char **argv)
{
    struct jt_blob a, b;
    uint8_t *ba = NULL, *bb = NULL;
    struct row *ra = NULL, *rb = NULL;
    size_t la, lb, d = 0;
    int rc = BG_EXIT_ERR;

    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        fputs(usage_diff, stdout);
        return 0;
    }
    if (argc != 3) {
        fputs(usage_diff, stderr);
        return BG_EXIT_ERR;
    }
    if (bg_blob_load(argv[1], 0, &a, &ba, &la) != 0 ||
        bg_blob_load(argv[2], 0, &b, &bb, &lb) != 0)
        goto out;
    ra = rows_of(&a, argv[1]);
    rb = rows_of(&b, argv[2]);
    if (ra == NULL || rb == NULL)
        goto out;
    d = diff_rows(ra, jt_blob_count(&a), rb, jt_blob_count(&b));
    printf("# %zu -> %zu CAs, %zu difference%s; generation %llu -> %llu%s\n",
           jt_blob_count(&a), jt_blob_count(&b), d, d == 1 ? "" : "s",
           (unsigned long long)jt_blob_generation(&a),
           (unsigned long long)jt_blob_generation(&b),
           jt_blob_generation(&b) < jt_blob_generation(&a)
               ? " (OLDER: devices would refuse it as a rollback)"
               : "");
    rc = d ? BG_EXIT_NO : 0;
out:
    free(ra);
    free(rb);
    free(ba);
    free(bb);
    return rc;
}
