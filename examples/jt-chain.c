// SPDX-License-Identifier: MIT
/*
 * jt-chain: what JIT trust does with a server's chain before it verifies,
 * shown offline. Reads the certificates a server would send (a PEM file,
 * leaf first), finds the candidate paths and the keys to look up, asks a
 * trust blob for each key, checks the answers and prints the at most three
 * CAs that would be handed to the verifier.
 *
 *   jt-chain --trust ROOTS.pem CHAIN.pem   blob built in memory from ROOTS
 *   jt-chain --blob FILE CHAIN.pem         a JTBL or lws TBLB blob file
 *
 * Exit: 0 at least one anchor found, 1 none, 2 bad usage or input.
 * Uses the public API only (plus mbedTLS for PEM, hashes and names).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/pem.h>
#include <mbedtls/sha256.h>
#include <mbedtls/x509_crt.h>

#include "jittrust/blob.h"
#include "jittrust/der.h"
#include "jittrust/error.h"
#include "jittrust/hash.h"
#include "jittrust/key.h"
#include "jittrust/trust.h"

#define MAX_CERTS 256

struct certs {
    uint8_t *der[MAX_CERTS];
    size_t len[MAX_CERTS];
    size_t n;
};

static uint8_t *
read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    long sz;

    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (sz = ftell(f)) >= 0 &&
        fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)sz + 1)) &&
        fread(buf, 1, (size_t)sz, f) == (size_t)sz) {
        buf[sz] = 0;
        *len = (size_t)sz;
    } else {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

/* Decode every CERTIFICATE block of a PEM file, in file order. */
static int
read_pem(const char *path, struct certs *c)
{
    size_t len, used;
    uint8_t *pem = read_file(path, &len);
    const char *p = (const char *)pem;

    if (pem == NULL) {
        fprintf(stderr, "jt-chain: cannot read %s\n", path);
        return -1;
    }
    while (p != NULL && (p = strstr(p, "-----BEGIN CERTIFICATE-----"))) {
        mbedtls_pem_context ctx;
        const uint8_t *der;
        size_t dlen;

        mbedtls_pem_init(&ctx);
        if (c->n == MAX_CERTS ||
            mbedtls_pem_read_buffer(&ctx, "-----BEGIN CERTIFICATE-----",
                                    "-----END CERTIFICATE-----",
                                    (const unsigned char *)p, NULL, 0,
                                    &used) != 0) {
            fprintf(stderr, "jt-chain: %s: bad PEM block %zu\n", path, c->n);
            mbedtls_pem_free(&ctx);
            free(pem);
            return -1;
        }
        der = ctx.buf;
        dlen = ctx.buflen;
        c->der[c->n] = malloc(dlen);
        if (c->der[c->n] == NULL)
            abort();
        memcpy(c->der[c->n], der, dlen);
        c->len[c->n++] = dlen;
        mbedtls_pem_free(&ctx);
        p += used;
    }
    free(pem);
    if (c->n == 0) {
        fprintf(stderr, "jt-chain: %s holds no certificate\n", path);
        return -1;
    }
    return 0;
}

static void
free_certs(struct certs *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->der[i]);
    c->n = 0;
}

/* The subject as mbedTLS prints it (for people only). */
static void
subject(const uint8_t *der, size_t len, char *buf, size_t cap)
{
    mbedtls_x509_crt crt;

    mbedtls_x509_crt_init(&crt);
    if (mbedtls_x509_crt_parse_der(&crt, der, len) != 0 ||
        mbedtls_x509_dn_gets(buf, cap, &crt.subject) < 0)
        snprintf(buf, cap, "(mbedTLS cannot parse this certificate)");
    mbedtls_x509_crt_free(&crt);
}

static void
print_key(const char *what, const struct jt_key *k)
{
    char hex[2 * JT_KEY_MAX + 1];

    jt_key_hex(k, 1, hex, sizeof(hex));
    printf("%s %-13s %s", what, jt_key_type_name(k->type), hex);
}

/* Build a full blob from a PEM bundle of trusted roots, in memory. */
static uint8_t *
blob_from_roots(const char *path, size_t *used)
{
    struct certs roots = {0};
    struct jt_blob_input *in;
    struct jt_blob_write_opts o = {0};
    uint8_t *out = NULL;
    int rc;

    if (read_pem(path, &roots) != 0)
        return NULL;
    in = calloc(roots.n, sizeof(*in));
    if (in == NULL)
        abort();
    for (size_t i = 0; i < roots.n; i++) {
        in[i].der = roots.der[i];
        in[i].len = roots.len[i];
        mbedtls_sha256_ret(roots.der[i], roots.len[i], in[i].sha256, 0);
    }
    o.kind = JT_BLOB_FULL;
    o.generation = 1;
    o.hash = jt_hash_ops_mbedtls();
    rc = jt_blob_write(in, roots.n, &o, NULL, 0, used);
    if (rc == JT_ERR_NOSPC && (out = malloc(*used)) != NULL)
        rc = jt_blob_write(in, roots.n, &o, out, *used, used);
    if (rc != 0) {
        fprintf(stderr, "jt-chain: cannot build a blob from %s: %s\n", path,
                jt_strerror(rc));
        free(out);
        out = NULL;
    }
    free(in);
    free_certs(&roots);
    return out;
}

static void
show_sent(const struct jt_trust *t, const struct certs *chain)
{
    printf("certificates sent (cert 0 is the leaf):\n");
    for (size_t i = 0; i < jt_trust_cert_count(t); i++) {
        const struct jt_der_cert *c = jt_trust_cert(t, i);
        char name[256];
        struct jt_key k;

        subject(chain->der[i], chain->len[i], name, sizeof(name));
        printf("  [%zu] %s%s\n", i, name,
               (c->flags & JT_DER_IS_CA) ? "  (CA)" : "");
        if (jt_key_skid(&k, c) == 0) {
            print_key("      SKID", &k);
            printf("\n");
        }
        if (jt_key_akid(&k, c) == 0) {
            print_key("      AKID", &k);
            printf("\n");
        }
    }
    printf("candidate paths:\n");
    for (size_t i = 0; i < jt_trust_path_count(t); i++) {
        const size_t *idx;
        size_t len;

        jt_trust_path(t, i, &idx, &len);
        printf("  path %zu:", i);
        for (size_t j = 0; j < len; j++)
            printf(" %zu", idx[j]);
        printf("\n");
    }
}

/* Ask the blob for every key and hand each answer to the trust object. */
static void
ask_blob(struct jt_trust *t, const struct jt_blob *b)
{
    printf("keys asked, leaf upward:\n");
    for (size_t i = 0; i < jt_trust_key_count(t); i++) {
        struct jt_span found[8];
        int results[8];
        struct jt_blob_iter it = {0};
        size_t n = 0, e;
        int acc;

        while (n < 8 && jt_blob_find(b, jt_trust_key(t, i), &it, &e) == 1) {
            struct jt_blob_entry ent;

            if (jt_blob_entry(b, e, &ent) == 0 && ent.der.len > 0)
                found[n++] = ent.der;
        }
        print_key("  ", jt_trust_key(t, i));
        acc = jt_trust_answer(t, i, found, n, results);
        printf("  -> %zu found, %d accepted\n", n, acc < 0 ? 0 : acc);
        for (size_t j = 0; j < n; j++)
            if (results[j] != 0)
                printf("       refused: %s\n", jt_strerror(results[j]));
    }
}

static int
run(const uint8_t *blob, size_t blob_len, const struct certs *chain)
{
    struct jt_trust_opts to = {0};
    struct jt_trust *t = NULL;
    struct jt_blob b;
    struct jt_span anchors[JT_TRUST_MAX_ANCHORS];
    int rc, n;

    rc = jt_blob_open(&b, blob, blob_len, NULL);
    if (rc != 0) {
        fprintf(stderr, "jt-chain: bad blob: %s\n", jt_strerror(rc));
        return 2;
    }
    to.max_certs = MAX_CERTS;
    to.hash = jt_hash_ops_mbedtls();
    if (jt_trust_create(&t, &to, NULL) != 0)
        return 2;
    for (size_t i = 0; i < chain->n && rc == 0; i++)
        rc = jt_trust_add_cert(t, chain->der[i], chain->len[i]);
    if (rc == 0)
        rc = jt_trust_build(t);
    if (rc != 0) {
        printf("refused: %s (certificate %d)\n", jt_strerror(rc),
               jt_trust_failed_index(t));
        jt_trust_destroy(t);
        return 1;
    }
    show_sent(t, chain);
    ask_blob(t, &b);
    n = jt_trust_anchors(t, anchors, JT_TRUST_MAX_ANCHORS);
    printf("anchors for the verifier: %d\n", n < 0 ? 0 : n);
    for (int i = 0; i < n; i++) {
        char name[256];

        subject(anchors[i].p, anchors[i].len, name, sizeof(name));
        printf("  %s\n", name);
    }
    jt_trust_destroy(t);
    return n > 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
    struct certs chain = {0};
    uint8_t *blob = NULL;
    size_t blob_len = 0;
    int rc = 2;

    if (argc != 4 ||
        (strcmp(argv[1], "--trust") != 0 && strcmp(argv[1], "--blob") != 0)) {
        fprintf(stderr,
                "usage: jt-chain --trust ROOTS.pem CHAIN.pem\n"
                "       jt-chain --blob BLOB CHAIN.pem\n"
                "Shows the candidate paths, the keys JIT trust asks for and\n"
                "the CAs the blob answers with, for a chain sent leaf "
                "first.\n");
        return 2;
    }
    if (strcmp(argv[1], "--trust") == 0)
        blob = blob_from_roots(argv[2], &blob_len);
    else if ((blob = read_file(argv[2], &blob_len)) == NULL)
        fprintf(stderr, "jt-chain: cannot read %s\n", argv[2]);
    if (blob != NULL && read_pem(argv[3], &chain) == 0)
        rc = run(blob, blob_len, &chain);
    free_certs(&chain);
    free(blob);
    return rc;
}
