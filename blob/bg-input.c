// SPDX-License-Identifier: MIT
/*
 * jt-blob (tool layer): certificate sets. Reads a directory of certificate
 * files, a PEM bundle, one DER certificate or a certdata.txt, checks that
 * every certificate parses (libjittrust's DER walker) and is a CA, refuses
 * duplicates, and names the source for the blob header (the version of the
 * ca-certificates package when the source is its Mozilla directory).
 */
#define _GNU_SOURCE
#include "bg.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <mbedtls/base64.h>
#include <mbedtls/sha256.h>

#include "jittrust/error.h"

#define PEM_BEGIN "-----BEGIN "
#define PEM_CERT_BEGIN "-----BEGIN CERTIFICATE-----"
#define PEM_CERT_END "-----END CERTIFICATE-----"

int
bg_set_add(struct bg_set *s, const uint8_t *der, size_t len,
           int64_t distrust_after, const char *origin)
{
    struct jt_der_cert c;
    struct bg_cert *e;
    int rc = jt_der_cert_parse(&c, der, len);

    if (rc != 0)
        return bg_err(origin, "not a valid certificate: %s", jt_strerror(rc));
    if (s->n >= BG_CERTS_MAX)
        return bg_err(origin, "more than %u certificates", BG_CERTS_MAX);
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        struct bg_cert *nc = realloc(s->c, cap * sizeof(*nc));
        if (nc == NULL)
            return bg_err(origin, "out of memory");
        s->c = nc;
        s->cap = cap;
    }
    e = &s->c[s->n];
    memset(e, 0, sizeof(*e));
    e->der = malloc(len);
    if (e->der == NULL)
        return bg_err(origin, "out of memory");
    memcpy(e->der, der, len);
    e->len = len;
    e->distrust_after = distrust_after;
    mbedtls_sha256_ret(der, len, e->sha256, 0);
    snprintf(e->origin, sizeof(e->origin), "%s", origin);
    s->n++;
    return 0;
}

void
bg_set_free(struct bg_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->c[i].der);
    free(s->c);
    memset(s, 0, sizeof(*s));
}

static int
is_b64(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
}

/* Decode the base64 body of one PEM block and add it. */
static int
add_pem_block(struct bg_set *s, const char *path, const char *p, size_t n,
              size_t nblock, size_t line)
{
    char origin[160];
    uint8_t *der;
    char *b64 = malloc(n + 1);
    size_t k = 0, dlen = 0;
    int rc;

    if (b64 == NULL)
        return bg_err(path, "out of memory");
    for (size_t i = 0; i < n; i++) {
        if (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n')
            continue;
        if (!is_b64((unsigned char)p[i])) {
            free(b64);
            return bg_err(path, "line %zu: bad base64 inside a PEM block",
                          line);
        }
        b64[k++] = p[i];
    }
    der = malloc(k / 4 * 3 + 3);
    if (der == NULL ||
        mbedtls_base64_decode(der, k / 4 * 3 + 3, &dlen, (uint8_t *)b64, k)) {
        free(b64);
        free(der);
        return bg_err(path, "line %zu: bad base64 inside a PEM block", line);
    }
    free(b64);
    snprintf(origin, sizeof(origin), "%s#%zu", path, nblock);
    rc = bg_set_add(s, der, dlen, 0, nblock > 1 ? origin : path);
    free(der);
    return rc;
}

/* A line outside PEM blocks: printable text (comments, titles, openssl
 * -text output) is skipped; a control byte means junk. */
static int
text_line(const char *p, const char *e)
{
    for (; p < e; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 && c != '\t' && c != '\r')
            return 0;
        if (c == 0x7f)
            return 0;
    }
    return 1;
}

int
bg_pem_load(struct bg_set *s, const char *path, const char *buf, size_t len)
{
    const char *p = buf, *end = buf + len, *body = NULL;
    size_t line = 0, nblock = 0, start_line = 0;

    while (p < end) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        size_t ll;
        if (e == NULL)
            e = end;
        ll = (size_t)(e - p);
        line++;
        if (body == NULL && ll >= strlen(PEM_BEGIN) &&
            memcmp(p, PEM_BEGIN, strlen(PEM_BEGIN)) == 0) {
            if (ll < strlen(PEM_CERT_BEGIN) ||
                memcmp(p, PEM_CERT_BEGIN, strlen(PEM_CERT_BEGIN)) != 0)
                return bg_err(path, "line %zu: PEM block is not a CERTIFICATE",
                              line);
            body = e;
            start_line = line;
        } else if (body != NULL && ll >= strlen(PEM_CERT_END) &&
                   memcmp(p, PEM_CERT_END, strlen(PEM_CERT_END)) == 0) {
            if (add_pem_block(s, path, body, (size_t)(p - body), ++nblock,
                              start_line) != 0)
                return -1;
            body = NULL;
        } else if (body == NULL && !text_line(p, e)) {
            return bg_err(path,
                          "line %zu: junk (binary bytes) between PEM "
                          "blocks",
                          line);
        }
        p = e < end ? e + 1 : end;
    }
    if (body != NULL)
        return bg_err(path, "line %zu: PEM block has no END line (truncated)",
                      start_line);
    if (nblock == 0)
        return bg_err(path, "no CERTIFICATE in the PEM file");
    return 0;
}

static int
load_file(struct bg_set *s, const char *path, int allow_certdata)
{
    size_t len = 0;
    uint8_t *buf = bg_read_file(path, BG_FILE_MAX, &len);
    int rc;

    if (buf == NULL)
        return -1;
    if (len == 0)
        rc = bg_err(path, "empty file");
    else if (allow_certdata && bg_is_certdata(buf, len))
        rc = bg_certdata_load(s, path, (const char *)buf, len);
    else if (memmem(buf, len, PEM_BEGIN, strlen(PEM_BEGIN)) != NULL)
        rc = bg_pem_load(s, path, (const char *)buf, len);
    else if (buf[0] == 0x30)
        rc = bg_set_add(s, buf, len, 0, path);
    else
        rc = bg_err(path, "not a certificate (neither PEM, DER nor "
                          "certdata.txt)");
    free(buf);
    return rc;
}

static int
cert_name(const char *n)
{
    const char *dot = strrchr(n, '.');

    return n[0] != '.' && dot != NULL &&
           (strcmp(dot, ".crt") == 0 || strcmp(dot, ".pem") == 0 ||
            strcmp(dot, ".der") == 0 || strcmp(dot, ".cer") == 0);
}

static int
load_dir(struct bg_set *s, const char *dir)
{
    struct dirent **ents = NULL;
    int ne = scandir(dir, &ents, NULL, alphasort), rc = 0, used = 0;

    if (ne < 0)
        return bg_err(dir, "cannot read the directory: %s", strerror(errno));
    for (int i = 0; i < ne; i++) {
        if (rc == 0 && cert_name(ents[i]->d_name)) {
            size_t cap = strlen(dir) + strlen(ents[i]->d_name) + 2;
            char *path = malloc(cap);
            if (path == NULL) {
                rc = bg_err(dir, "out of memory");
            } else {
                snprintf(path, cap, "%s/%s", dir, ents[i]->d_name);
                rc = load_file(s, path, 0);
                used++;
            }
            free(path);
        }
        free(ents[i]);
    }
    free(ents);
    if (rc == 0 && used == 0)
        rc = bg_err(dir, "no .crt, .pem, .der or .cer file in the directory");
    return rc;
}

/* The installed ca-certificates version, from dpkg's status file. */
static void
package_version(char *out, size_t cap)
{
    size_t len = 0;
    uint8_t *st = bg_read_file("/var/lib/dpkg/status", BG_FILE_MAX, &len);
    const char *p, *v, *e;

    out[0] = 0;
    if (st == NULL)
        return;
    p = strstr((const char *)st, "\nPackage: ca-certificates\n");
    if (p != NULL) {
        const char *stanza_end = strstr(p + 1, "\n\n");
        v = strstr(p, "\nVersion: ");
        if (v != NULL && (stanza_end == NULL || v < stanza_end)) {
            v += strlen("\nVersion: ");
            e = strchr(v, '\n');
            snprintf(out, cap, "ca-certificates %.*s",
                     (int)(e ? e - v : (long)strlen(v)), v);
        }
    }
    free(st);
}

static void
set_label(struct bg_set *s, const char *src, int is_default)
{
    const char *base = strrchr(src, '/');
    size_t n = 0;

    if (is_default) {
        package_version(s->label, sizeof(s->label));
        if (s->label[0] != 0)
            return;
    }
    base = base && base[1] ? base + 1 : src;
    /* Printable ASCII only, cut to the header's limit. */
    for (; *base && n < JT_BLOB_SOURCE_MAX; base++)
        s->label[n++] = (char)((*base >= 0x20 && *base < 0x7f) ? *base : '?');
    s->label[n] = 0;
}

static int
sha_cmp(const void *a, const void *b)
{
    return memcmp(((const struct bg_cert *)a)->sha256,
                  ((const struct bg_cert *)b)->sha256, 32);
}

int
bg_set_check(struct bg_set *s, const char *src)
{
    struct jt_der_cert c;

    if (s->n == 0)
        return bg_err(src, "no trusted certificate in the source");
    for (size_t i = 0; i < s->n; i++) {
        jt_der_cert_parse(&c, s->c[i].der, s->c[i].len);
        if (!(c.flags & JT_DER_IS_CA))
            return bg_err(s->c[i].origin, "not a CA certificate "
                                          "(basicConstraints cA not TRUE)");
    }
    qsort(s->c, s->n, sizeof(*s->c), sha_cmp);
    for (size_t i = 1; i < s->n; i++)
        if (memcmp(s->c[i - 1].sha256, s->c[i].sha256, 32) == 0)
            return bg_err(s->c[i].origin,
                          "duplicate certificate (the same "
                          "as %s)",
                          s->c[i - 1].origin);
    return 0;
}

int
bg_set_load(struct bg_set *s, const char *src)
{
    struct stat st;
    int is_default = src == NULL, rc;

    memset(s, 0, sizeof(*s));
    if (src == NULL)
        src = BG_MOZILLA_DIR;
    if (stat(src, &st) != 0)
        return bg_err(src, "cannot read: %s", strerror(errno));
    if (S_ISDIR(st.st_mode))
        rc = load_dir(s, src);
    else
        rc = load_file(s, src, 1);
    if (rc == 0)
        rc = bg_set_check(s, src);
    if (rc == 0)
        set_label(s, src, is_default || strcmp(src, BG_MOZILLA_DIR) == 0);
    if (rc != 0)
        bg_set_free(s);
    return rc;
}
