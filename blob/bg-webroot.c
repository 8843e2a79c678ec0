// SPDX-License-Identifier: MIT
/*
 * jt-blob (tool layer): the trust webroot, a static tree any web server can
 * serve to devices that fetch CA certificates on demand (JIT trust):
 *
 *   der/<name>_<serial>_<KEYHEX>  each CA's DER (libwebsockets layout)
 *   by-skid/<KEYHEX>              symlink to ../der/... (lws)
 *   by-iss/<name>_<serial>        symlink to ../der/... (lws)
 *   skid/<KEYHEX>.pem             PEM chain of every CA with that key
 *   sha256/<hex>.der              each CA's DER, by SHA-256
 *   index.json                    subject, key, SHA-256, dates per CA
 *
 * <name>_<serial> is what libwebsockets' mozilla-trust-gen.sh makes from
 * `openssl x509 -text`: the issuer DN's letters, digits and '_' (bytes
 * >= 0x80 as two hex digits, as openssl escapes them; cut to 150), '_',
 * the serial in decimal when it fits in 63 bits, else in lower-case hex.
 * KEYHEX is the SKID, or the computed key id (RFC 5280 method 1) of a CA
 * without one (flagged "computed" in index.json). When several CAs share a
 * key, skid/ lists all of them and by-skid/ points at the one with the
 * latest notAfter (ties: the lowest SHA-256). Any other name collision
 * fails the build. The rules are in blob/README.md.
 */
#define _GNU_SOURCE
#include "bg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/base64.h>

/* Longest issuer-name part of an lws file name (file names <= 255). */
#define NAME_MAX_PART 150

struct ca {
    const struct bg_cert *c;
    struct jt_der_cert d;
    struct jt_key key; /* SKID, or COMPUTED */
    char keyhex[2 * JT_KEY_MAX + 1];
    char iss[NAME_MAX_PART + 64]; /* <name>_<serial> */
    char subject[512];
    int primary; /* by-skid/ points here */
};

/* openssl's rendering of a serial: decimal when it fits a long, else hex
 * of the magnitude bytes (as `openssl x509 -text` prints, lws uses). */
static void
serial_text(struct jt_span s, char *out, size_t cap)
{
    const uint8_t *p = s.p;
    size_t n = s.len;
    unsigned long long v = 0;

    if (n > 0 && (p[0] & 0x80) == 0)
        while (n > 1 && p[0] == 0)
            p++, n--;
    if (n < 8 || (n == 8 && (p[0] & 0x80) == 0)) {
        for (size_t i = 0; i < n; i++)
            v = v << 8 | p[i];
        snprintf(out, cap, "%llu", v);
        return;
    }
    if (2 * n + 1 <= cap)
        bg_hex(p, n, out, 0);
    else
        out[0] = 0;
}

static int
ca_setup(struct ca *a, const struct bg_cert *c)
{
    char dn[1024], ser[2 * 64 + 1];
    size_t k = 0;

    memset(a, 0, sizeof(*a));
    a->c = c;
    if (jt_der_cert_parse(&a->d, c->der, c->len) != 0 ||
        (jt_key_skid(&a->key, &a->d) != 0 &&
         jt_key_computed(&a->key, &a->d, &bg_hash) != 0))
        return bg_err(c->origin, "cannot make its key");
    bg_hex(a->key.b, a->key.len, a->keyhex, 1);
    if (bg_dn_text(a->d.issuer, dn, sizeof(dn)) != 0 ||
        bg_dn_text(a->d.subject, a->subject, sizeof(a->subject)) != 0)
        return bg_err(c->origin, "cannot read its issuer or subject Name");
    /* As lws's `tr -cd '[a-zA-Z0-9]_'` over openssl's text, which
     * escapes each byte >= 0x80 as \XX. */
    for (const char *p = dn; *p && k + 2 < NAME_MAX_PART; p++) {
        unsigned char ch = (unsigned char)*p;
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
            (ch >= '0' && ch <= '9') || ch == '_')
            a->iss[k++] = *p;
        else if (ch >= 0x80)
            k += (size_t)snprintf(a->iss + k, 3, "%02X", ch);
    }
    serial_text(a->d.serial, ser, sizeof(ser));
    snprintf(a->iss + k, sizeof(a->iss) - k, "_%s", ser);
    return 0;
}

/* Write |buf| to dir/rel, refusing to overwrite (a name collision). */
static int
put_file(const char *dir, const char *rel, const void *buf, size_t len,
         const char *origin)
{
    char path[4096];
    int fd;
    ssize_t w;

    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return bg_err(origin,
                      "webroot name collision or write error on %s: "
                      "%s",
                      rel, strerror(errno));
    w = write(fd, buf, len);
    if (close(fd) != 0 || w < 0 || (size_t)w != len)
        return bg_err(origin, "cannot write webroot file %s", rel);
    return 0;
}

static int
put_link(const char *dir, const char *rel, const char *target,
         const char *origin)
{
    char path[4096];

    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    if (symlink(target, path) != 0)
        return bg_err(origin, "webroot name collision on %s: %s", rel,
                      strerror(errno));
    return 0;
}

static int
put_ca(const char *dir, const struct ca *a)
{
    char rel[512], tgt[512], sha[65];

    bg_hex(a->c->sha256, 32, sha, 0);
    snprintf(rel, sizeof(rel), "der/%s_%s", a->iss, a->keyhex);
    if (put_file(dir, rel, a->c->der, a->c->len, a->c->origin) != 0)
        return -1;
    snprintf(tgt, sizeof(tgt), "../der/%s_%s", a->iss, a->keyhex);
    snprintf(rel, sizeof(rel), "by-iss/%s", a->iss);
    if (put_link(dir, rel, tgt, a->c->origin) != 0)
        return -1;
    if (a->primary) {
        snprintf(rel, sizeof(rel), "by-skid/%s", a->keyhex);
        if (put_link(dir, rel, tgt, a->c->origin) != 0)
            return -1;
    }
    snprintf(rel, sizeof(rel), "sha256/%s.der", sha);
    return put_file(dir, rel, a->c->der, a->c->len, a->c->origin);
}

/* Append the PEM of |a| to |f|. */
static int
pem_append(FILE *f, const struct ca *a)
{
    size_t olen = 0, cap = (a->c->len + 2) / 3 * 4 + 1;
    unsigned char *b64 = malloc(cap);

    if (b64 == NULL ||
        mbedtls_base64_encode(b64, cap, &olen, a->c->der, a->c->len) != 0) {
        free(b64);
        return -1;
    }
    fprintf(f, "# %s\n-----BEGIN CERTIFICATE-----\n", a->subject);
    for (size_t i = 0; i < olen; i += 64)
        fprintf(f, "%.*s\n", (int)(olen - i < 64 ? olen - i : 64), b64 + i);
    fprintf(f, "-----END CERTIFICATE-----\n");
    free(b64);
    return 0;
}

/* Order: by key, then the by-skid/ choice first (latest notAfter, then
 * lowest SHA-256). */
static int
ca_cmp(const void *x, const void *y)
{
    const struct ca *a = x, *b = y;
    size_t m = a->key.len < b->key.len ? a->key.len : b->key.len;
    int c = memcmp(a->key.b, b->key.b, m);

    /* By key bytes only: a SKID and an equal computed id share files. */
    if (c == 0 && a->key.len != b->key.len)
        c = a->key.len < b->key.len ? -1 : 1;
    if (c != 0)
        return c;
    if (a->d.not_after != b->d.not_after)
        return a->d.not_after > b->d.not_after ? -1 : 1;
    return memcmp(a->c->sha256, b->c->sha256, 32);
}

static int
same_bytes(const struct jt_key *a, const struct jt_key *b)
{
    return a->len == b->len && memcmp(a->b, b->b, a->len) == 0;
}

/* skid/<KEYHEX>.pem for the group [i, j) of CAs with the same key bytes. */
static int
put_group(const char *dir, const struct ca *v, size_t i, size_t j)
{
    char path[4096];
    FILE *f;
    int rc = 0;

    snprintf(path, sizeof(path), "%s/skid/%s.pem", dir, v[i].keyhex);
    f = fopen(path, "wx");
    if (f == NULL)
        return bg_err(v[i].c->origin, "webroot name collision on skid/%s.pem",
                      v[i].keyhex);
    for (size_t k = i; rc == 0 && k < j; k++)
        rc = pem_append(f, &v[k]);
    if (fclose(f) != 0 || rc != 0)
        return bg_err(path, "write failed");
    return 0;
}

static void
json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static int
put_index(const char *dir, const struct bg_set *s, const struct ca *v, size_t n)
{
    char path[4096], sha[65];
    FILE *f;

    snprintf(path, sizeof(path), "%s/index.json", dir);
    f = fopen(path, "wx");
    if (f == NULL)
        return bg_err(path, "cannot create: %s", strerror(errno));
    fprintf(f, "{\"source\": ");
    json_str(f, s->label);
    fprintf(f, ", \"cas\": [");
    for (size_t i = 0; i < n; i++) {
        bg_hex(v[i].c->sha256, 32, sha, 0);
        fprintf(f, "%s\n  {\"subject\": ", i ? "," : "");
        json_str(f, v[i].subject);
        fprintf(
            f,
            ", \"key\": \"%s\", \"computed\": %s, \"by_skid\": %s, "
            "\"sha256\": \"%s\", \"not_before\": %lld, \"not_after\": "
            "%lld, \"distrust_after\": %lld, \"der\": ",
            v[i].keyhex, v[i].key.type == JT_KEY_COMPUTED ? "true" : "false",
            v[i].primary ? "true" : "false", sha, (long long)v[i].d.not_before,
            (long long)v[i].d.not_after, (long long)v[i].c->distrust_after);
        snprintf(path, sizeof(path), "der/%s_%s", v[i].iss, v[i].keyhex);
        json_str(f, path);
        fputc('}', f);
    }
    fprintf(f, "\n]}\n");
    return fclose(f) == 0 ? 0 : bg_err(dir, "cannot write index.json");
}

static int
make_dirs(const char *dir)
{
    static const char *const sub[] = {"der", "by-skid", "by-iss", "skid",
                                      "sha256"};
    char path[4096];

    for (size_t i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, sub[i]);
        if (mkdir(path, 0755) != 0)
            return bg_err(path, "cannot create: %s", strerror(errno));
    }
    return 0;
}

int
bg_webroot_write(const struct bg_set *s, const char *dir, const char *final)
{
    struct ca *v = calloc(s->n ? s->n : 1, sizeof(*v));
    int rc;

    if (v == NULL)
        return bg_err(final, "out of memory");
    rc = make_dirs(dir);

    for (size_t i = 0; rc == 0 && i < s->n; i++)
        rc = ca_setup(&v[i], &s->c[i]);
    if (rc == 0)
        qsort(v, s->n, sizeof(*v), ca_cmp);
    for (size_t i = 0, j; rc == 0 && i < s->n; i = j) {
        for (j = i + 1; j < s->n && same_bytes(&v[i].key, &v[j].key); j++)
            ;
        v[i].primary = 1;
        rc = put_group(dir, v, i, j);
    }
    for (size_t i = 0; rc == 0 && i < s->n; i++)
        rc = put_ca(dir, &v[i]);
    if (rc == 0)
        rc = put_index(dir, s, v, s->n);
    free(v);
    return rc;
}
