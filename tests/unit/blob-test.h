/* SPDX-License-Identifier: MIT */
/*
 * unit: helpers shared by test-blob.c and test-blob-malformed.c: hash ops
 * over mbedTLS, certificate sets (the system Mozilla roots, the test PKI's
 * CAs), writing a blob of a set, running the independent TBLB generator,
 * the keys of a certificate and lookups collecting every match.
 * Header-only (static inline) because each unit test is one source file.
 */
#ifndef JT_TEST_BLOB_TEST_H
#define JT_TEST_BLOB_TEST_H

#define _DEFAULT_SOURCE
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <mbedtls/sha1.h>
#include <mbedtls/sha256.h>

#include "jittrust/blob.h"
#include "jittrust/der.h"
#include "jittrust/error.h"
#include "jittrust/key.h"

#include "manifest.h"
#include "testutil.h"

static inline int
bt_sha1(void *ud, const uint8_t *p, size_t len, uint8_t out[20])
{
    (void)ud;
    return mbedtls_sha1_ret(p, len, out);
}

static inline int
bt_sha256(void *ud, const uint8_t *p, size_t len, uint8_t out[32])
{
    (void)ud;
    return mbedtls_sha256_ret(p, len, out, 0);
}

static const struct jt_hash_ops bt_hash = {bt_sha1, bt_sha256, NULL};

/* A set of certificates with their blob inputs (all malloc'd). */
struct bt_set {
    size_t n, cap;
    struct jt_blob_input *in;
    char (*name)[96];
};

static inline void
bt_add(struct bt_set *s, const uint8_t *der, size_t len, const char *name)
{
    uint8_t *copy;

    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 32;
        s->in = realloc(s->in, s->cap * sizeof(*s->in));
        s->name = realloc(s->name, s->cap * sizeof(*s->name));
        assert_non_null(s->in);
        assert_non_null(s->name);
    }
    copy = malloc(len);
    assert_non_null(copy);
    memcpy(copy, der, len);
    memset(&s->in[s->n], 0, sizeof(s->in[s->n]));
    s->in[s->n].der = copy;
    s->in[s->n].len = len;
    assert_int_equal(mbedtls_sha256_ret(der, len, s->in[s->n].sha256, 0), 0);
    snprintf(s->name[s->n], sizeof(s->name[0]), "%s", name);
    s->n++;
}

static inline void
bt_free(struct bt_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        free((void *)s->in[i].der);
    free(s->in);
    free(s->name);
    memset(s, 0, sizeof(*s));
}

/* Every certificate of every *.crt / *.pem file in $JT_MOZILLA_DIR. */
static inline void
bt_load_mozilla(struct bt_set *s)
{
    const char *dir = getenv("JT_MOZILLA_DIR");
    struct dirent **ents;
    int ne;

    if (dir == NULL)
        dir = "/usr/share/ca-certificates/mozilla";
    ne = scandir(dir, &ents, NULL, alphasort);
    assert_true(ne > 0);
    for (int i = 0; i < ne; i++) {
        char path[1024];
        uint8_t *pem, **ders;
        size_t len, *lens, nc;

        snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
        if (strstr(ents[i]->d_name, ".crt") == NULL ||
            (pem = th_read_file(path, &len)) == NULL) {
            free(ents[i]);
            continue;
        }
        nc = th_pem_certs((const char *)pem, &ders, &lens);
        for (size_t c = 0; c < nc; c++)
            bt_add(s, ders[c], lens[c], ents[i]->d_name);
        th_free_ders(ders, lens, nc);
        free(pem);
        free(ents[i]);
    }
    free(ents);
    assert_true(s->n > 0);
}

/* The test PKI's roots and intermediates (manifest kinds root/inter). */
static inline void
bt_load_pki_cas(struct bt_set *s)
{
    struct th_mrow *rows;
    size_t n = th_manifest_load(&rows);

    for (size_t i = 0; i < n; i++) {
        uint8_t *der;
        size_t len;

        if (strcmp(rows[i].kind, "root") != 0 &&
            strcmp(rows[i].kind, "inter") != 0)
            continue;
        der = th_pki_der(rows[i].name, &len);
        bt_add(s, der, len, rows[i].name);
        free(der);
    }
    free(rows);
}

/* Index of the PKI certificate |name| in |s| (fails the test if absent). */
static inline size_t
bt_find_name(const struct bt_set *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->name[i], name) == 0)
            return i;
    fail_msg("no certificate %s in the set", name);
    return 0;
}

/* Write |n| inputs (sizing first with cap 0); returns a malloc'd blob. */
static inline uint8_t *
bt_write_in(const struct jt_blob_input *in, size_t n, int kind, unsigned flags,
            uint64_t gen, size_t *len)
{
    struct jt_blob_write_opts o = {
        kind, gen, 1700000000u, "jt unit tests", &bt_hash, flags, NULL};
    uint8_t *out;
    size_t need = 0, used = 0;

    assert_int_equal(jt_blob_write(in, n, &o, NULL, 0, &need), JT_ERR_NOSPC);
    out = malloc(need);
    assert_non_null(out);
    assert_int_equal(jt_blob_write(in, n, &o, out, need, &used), 0);
    assert_int_equal(used, need);
    *len = used;
    return out;
}

static inline uint8_t *
bt_write(const struct bt_set *s, int kind, unsigned flags, size_t *len)
{
    return bt_write_in(s->in, s->n, kind, flags, 7, len);
}

/*
 * Run tests/unit/gen-tblb.py (the independent TBLB generator) over |args|
 * (shell words, already quoted) and return the blob it wrote (malloc'd).
 */
static inline uint8_t *
bt_gen_tblb(const char *opts, const char *args, size_t *len)
{
    const char *root = getenv("JT_SOURCE_ROOT");
    char out[] = "/tmp/jt-test-tblb-XXXXXX";
    size_t cap;
    char *cmd;
    uint8_t *blob;
    int fd = mkstemp(out);

    if (root == NULL || fd < 0) {
        fail_msg("JT_SOURCE_ROOT unset or mkstemp failed");
        return NULL;
    }
    close(fd);
    cap = strlen(root) + strlen(opts) + strlen(args) + sizeof(out) + 128;
    cmd = malloc(cap);
    assert_non_null(cmd);
    snprintf(cmd, cap,
             "python3 '%s/tests/unit/gen-tblb.py' %s -o '%s' %s 2>/dev/null",
             root, opts, out, args);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    blob = th_read_file(out, len);
    unlink(out);
    assert_non_null(blob);
    return blob;
}

/* A heap copy of exactly |len| bytes, so ASan sees any read past it. */
static inline uint8_t *
bt_dup(const uint8_t *p, size_t len)
{
    uint8_t *c = malloc(len ? len : 1);

    assert_non_null(c);
    if (len)
        memcpy(c, p, len);
    return c;
}

/* ---- per-certificate expectations, from der.c/key.c ---- */

struct bt_keys {
    struct jt_der_cert c;
    struct jt_key k[3]; /* SKID or COMPUTED, ISSUER_SERIAL, SUBJECT */
    int computed;
};

static inline void
cert_keys(const struct jt_blob_input *in, struct bt_keys *ks)
{
    int rc;

    memset(ks, 0, sizeof(*ks));
    assert_int_equal(jt_der_cert_parse(&ks->c, in->der, in->len), 0);
    rc = jt_key_skid(&ks->k[0], &ks->c);
    if (rc == JT_ERR_NOT_FOUND) {
        ks->computed = 1;
        rc = jt_key_computed(&ks->k[0], &ks->c, &bt_hash);
    }
    assert_int_equal(rc, 0);
    assert_int_equal(jt_key_issuer_serial(&ks->k[1], &ks->c, &bt_hash), 0);
    assert_int_equal(jt_key_subject(&ks->k[2], &ks->c, &bt_hash), 0);
}

static inline int
key_eq(const struct jt_key *a, const struct jt_key *b)
{
    return a->type == b->type && a->len == b->len &&
           memcmp(a->b, b->b, a->len) == 0;
}

/* How many entries a lookup of |q| must return, by brute force. */
static inline size_t
expected_matches(const struct bt_keys *ks, size_t n, const struct jt_key *q)
{
    size_t count = 0;
    struct jt_key alt = *q;

    alt.type = JT_KEY_COMPUTED;
    for (size_t i = 0; i < n; i++)
        for (int j = 0; j < 3; j++)
            if (key_eq(&ks[i].k[j], q) ||
                (q->type == JT_KEY_SKID && key_eq(&ks[i].k[j], &alt)))
                count++;
    return count;
}

/* All entries filed under |q|; returns the count (up to |max| stored). */
static inline size_t
find_all(const struct jt_blob *b, const struct jt_key *q, size_t *out,
         size_t max)
{
    struct jt_blob_iter it = {0};
    size_t n = 0, e;
    int rc;

    while ((rc = jt_blob_find(b, q, &it, &e)) == 1) {
        assert_true(e < jt_blob_count(b));
        if (n < max)
            out[n] = e;
        n++;
    }
    assert_int_equal(rc, 0);
    assert_int_equal(jt_blob_find(b, q, &it, &e), 0); /* stays at the end */
    return n;
}

static inline int
contains(const size_t *v, size_t n, size_t x)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == x)
            return 1;
    return 0;
}

#endif /* JT_TEST_BLOB_TEST_H */
