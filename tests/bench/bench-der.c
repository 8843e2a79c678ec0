// SPDX-License-Identifier: MIT
/*
 * bench: key-id extraction per certificate, over every Mozilla root in
 * $JT_MOZILLA_DIR: jt_der_cert_parse() + jt_key_skid() + jt_key_akid()
 * against the baseline mbedtls_x509_crt_parse_der() + free on the same
 * DER, measured in the same run. Prints ns/cert and the ratio; asserts no
 * time. --smoke: one pass, to check it runs.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mbedtls/sha1.h>
#include <mbedtls/x509_crt.h>

#include "jittrust/der.h"
#include "jittrust/error.h"
#include "jittrust/key.h"

#include "testutil.h"

struct certs {
    uint8_t **der;
    size_t *len;
    size_t n;
};

static volatile unsigned sink;

static double
now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void
unload(struct certs *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->der[i]);
    free(c->der);
    free(c->len);
    memset(c, 0, sizeof(*c));
}

/* Every *.crt of |dir|, one certificate each. Returns -1 on failure. */
static int
load(const char *dir, struct certs *c)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    size_t cap = 0;

    memset(c, 0, sizeof(*c));
    if (d == NULL)
        return -1;
    while ((de = readdir(d)) != NULL) {
        size_t nl = strlen(de->d_name), plen, *lens;
        uint8_t **ders;
        char path[1024];
        char *pem;

        if (nl < 5 || strcmp(de->d_name + nl - 4, ".crt") != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        pem = (char *)th_read_file(path, &plen);
        if (pem == NULL || th_pem_certs(pem, &ders, &lens) != 1) {
            free(pem);
            closedir(d);
            unload(c);
            return -1;
        }
        if (c->n == cap) {
            cap = cap ? cap * 2 : 256;
            c->der = realloc(c->der, cap * sizeof(*c->der));
            c->len = realloc(c->len, cap * sizeof(*c->len));
            if (c->der == NULL || c->len == NULL)
                abort();
        }
        c->der[c->n] = ders[0];
        c->len[c->n++] = lens[0];
        free(ders);
        free(lens);
        free(pem);
    }
    closedir(d);
    if (c->n == 0) {
        unload(c);
        return -1;
    }
    return 0;
}

static int
op_sha1(void *ud, const uint8_t *p, size_t len, uint8_t out[20])
{
    (void)ud;
    return mbedtls_sha1_ret(p, len, out);
}

/* Ours: parse, then the SKID and AKID keys (plus the computed key). */
static double
run_ours(const struct certs *c, int passes, int computed)
{
    static const struct jt_hash_ops ops = {op_sha1, NULL, NULL};
    double t0 = now_ns();

    for (int r = 0; r < passes; r++) {
        for (size_t i = 0; i < c->n; i++) {
            struct jt_der_cert crt;
            struct jt_key k;

            if (jt_der_cert_parse(&crt, c->der[i], c->len[i]) != 0)
                abort();
            if (jt_key_skid(&k, &crt) == 0)
                sink += k.b[0];
            if (jt_key_akid(&k, &crt) == 0)
                sink += k.b[0];
            if (computed && jt_key_computed(&k, &crt, &ops) == 0)
                sink += k.b[0];
        }
    }
    return (now_ns() - t0) / ((double)passes * (double)c->n);
}

/* Baseline: what a client without our walker pays to read a cert. */
static double
run_mbedtls(const struct certs *c, int passes)
{
    double t0 = now_ns();

    for (int r = 0; r < passes; r++) {
        for (size_t i = 0; i < c->n; i++) {
            mbedtls_x509_crt crt;

            mbedtls_x509_crt_init(&crt);
            if (mbedtls_x509_crt_parse_der(&crt, c->der[i], c->len[i]) != 0)
                abort();
            sink += crt.serial.p[0];
            mbedtls_x509_crt_free(&crt);
        }
    }
    return (now_ns() - t0) / ((double)passes * (double)c->n);
}

int
main(int argc, char **argv)
{
    const char *dir = getenv("JT_MOZILLA_DIR");
    int smoke = argc > 1 && strcmp(argv[1], "--smoke") == 0;
    int passes = smoke ? 1 : 300;
    double ours, ours_c, mbed;
    struct certs c;

    if (dir == NULL)
        dir = "/usr/share/ca-certificates/mozilla";
    if (load(dir, &c) != 0) {
        fprintf(stderr, "bench-der: cannot load the roots in %s\n", dir);
        return 1;
    }
    /* Warm up caches, then alternate so drift hits both alike. */
    run_ours(&c, 1, 0);
    run_mbedtls(&c, 1);
    mbed = run_mbedtls(&c, passes);
    ours = run_ours(&c, passes, 0);
    ours_c = run_ours(&c, passes, 1);
    mbed = (mbed + run_mbedtls(&c, passes)) / 2;
    printf("bench-der: %zu Mozilla roots, %d passes%s\n", c.n, passes,
           smoke ? " (smoke)" : "");
    printf("  jt_der_cert_parse + skid + akid      %9.0f ns/cert\n", ours);
    printf("  ... + computed key (mbedTLS SHA-1)   %9.0f ns/cert\n", ours_c);
    printf("  mbedtls_x509_crt_parse_der + free    %9.0f ns/cert\n", mbed);
    printf("  ratio mbedTLS / ours: %.1fx (with computed key: %.1fx)\n",
           mbed / ours, mbed / ours_c);
    unload(&c);
    return 0;
}
