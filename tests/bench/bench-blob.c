// SPDX-License-Identifier: MIT
/*
 * bench: trust blob lookups over the system Mozilla roots ($JT_MOZILLA_DIR).
 * Rows: jt_blob_find of a present SKID (first match, and every match until
 * the end), of an absent SKID, of a subject key; the baseline is a linear
 * scan over the same index keys (what a TBLB-style reader does), and every
 * row prints its ratio to it. Also prints the full and index-only blob
 * sizes and the time to open (validate) each. --smoke: a few iterations,
 * exit 0. Times are never asserted.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <mbedtls/sha256.h>

#include "jittrust/blob.h"
#include "jittrust/error.h"
#include "jittrust/hash.h"
#include "jittrust/key.h"

#include "testutil.h"

static double
now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Every certificate in the *.crt files of the Mozilla directory. */
static size_t
load_mozilla(struct jt_blob_input **out)
{
    const char *dir = getenv("JT_MOZILLA_DIR");
    struct jt_blob_input *in = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    DIR *d;

    d = opendir(dir ? dir : "/usr/share/ca-certificates/mozilla");
    if (d == NULL)
        return 0;
    while ((de = readdir(d)) != NULL) {
        char path[1024];
        uint8_t *pem, **ders;
        size_t len, *lens, nc;

        if (strstr(de->d_name, ".crt") == NULL)
            continue;
        snprintf(path, sizeof(path), "%s/%s",
                 dir ? dir : "/usr/share/ca-certificates/mozilla", de->d_name);
        if ((pem = th_read_file(path, &len)) == NULL)
            continue;
        nc = th_pem_certs((const char *)pem, &ders, &lens);
        for (size_t c = 0; c < nc; c++) {
            if (n == cap) {
                cap = cap ? 2 * cap : 64;
                in = realloc(in, cap * sizeof(*in));
                if (in == NULL)
                    abort();
            }
            memset(&in[n], 0, sizeof(in[n]));
            in[n].der = ders[c];
            in[n].len = lens[c];
            mbedtls_sha256_ret(ders[c], lens[c], in[n].sha256, 0);
            n++;
        }
        free(ders); /* the DERs now belong to |in| */
        free(lens);
        free(pem);
    }
    closedir(d);
    *out = in;
    return n;
}

static uint8_t *
write_blob(const struct jt_blob_input *in, size_t n, int kind, size_t *len)
{
    struct jt_blob_write_opts o = {kind, 1,   0, "bench", jt_hash_ops_mbedtls(),
                                   0,    NULL};
    size_t need = 0;
    uint8_t *out;

    if (jt_blob_write(in, n, &o, NULL, 0, &need) != JT_ERR_NOSPC ||
        (out = malloc(need)) == NULL ||
        jt_blob_write(in, n, &o, out, need, len) != 0) {
        fprintf(stderr, "bench-blob: writing the blob failed\n");
        exit(1);
    }
    return out;
}

static volatile size_t sink;

/* Lookup kinds measured. */
enum mode { M_FIRST, M_ALL, M_SCAN };

/* Index keys: every key, the SKID/COMPUTED ones asked as SKID (as a
 * child's AKID asks), those with their last byte changed (absent), and the
 * subject keys. */
struct keysets {
    struct jt_key *all, *skid, *absent, *subj;
    size_t nall, ns, nsub;
};

/* Linear scan: how many of the |nall| keys equal |q|. */
static size_t
scan(const struct jt_key *all, size_t nall, const struct jt_key *q)
{
    size_t hits = 0;

    for (size_t j = 0; j < nall; j++)
        hits += all[j].type == q->type && all[j].len == q->len &&
                memcmp(all[j].b, q->b, q->len) == 0;
    return hits;
}

/* jt_blob_find of |q|: the first match only, or every match. */
static size_t
lookup(const struct jt_blob *b, const struct jt_key *q, int first)
{
    struct jt_blob_iter it = {0};
    size_t acc = 0, e;

    while (jt_blob_find(b, q, &it, &e) == 1) {
        acc += e + 1;
        if (first)
            break;
    }
    return acc;
}

/* ns per lookup of each key of |q| (|nq| keys), |iters| rounds. */
static double
run(const struct jt_blob *b, const struct keysets *k, const struct jt_key *q,
    size_t nq, enum mode m, long iters)
{
    double t0 = now_ns();
    size_t acc = 0;

    for (long it = 0; it < iters; it++)
        for (size_t i = 0; i < nq; i++)
            acc += m == M_SCAN ? scan(k->all, k->nall, &q[i])
                               : lookup(b, &q[i], m == M_FIRST);
    sink = acc;
    return (now_ns() - t0) / ((double)iters * (double)nq);
}

static double
time_open(const uint8_t *blob, size_t len, long iters)
{
    struct jt_blob b;
    double t0 = now_ns();

    for (long i = 0; i < iters; i++)
        if (jt_blob_open(&b, blob, len, NULL) != 0)
            exit(1);
    return (now_ns() - t0) / (double)iters;
}

static int
collect(const struct jt_blob *b, struct keysets *k)
{
    size_t e;

    k->nall = jt_blob_key_count(b);
    k->all = calloc(k->nall + 1, sizeof(*k->all));
    k->skid = calloc(k->nall + 1, sizeof(*k->skid));
    k->absent = calloc(k->nall + 1, sizeof(*k->absent));
    k->subj = calloc(k->nall + 1, sizeof(*k->subj));
    if (!k->all || !k->skid || !k->absent || !k->subj)
        return -1;
    for (size_t i = 0; i < k->nall; i++) {
        struct jt_key *x = &k->all[i];

        if (jt_blob_key(b, i, x, &e) != 0)
            return -1;
        if (x->type == JT_KEY_SUBJECT)
            k->subj[k->nsub++] = *x;
        if (x->type != JT_KEY_SKID && x->type != JT_KEY_COMPUTED)
            continue;
        k->skid[k->ns] = *x;
        k->skid[k->ns].type = JT_KEY_SKID;
        k->absent[k->ns] = k->skid[k->ns];
        k->absent[k->ns].b[x->len - 1] ^= 0x5a;
        k->ns++;
    }
    return 0;
}

static void
report(const struct jt_blob *b, const struct keysets *k, long iters)
{
    double base = run(b, k, k->skid, k->ns, M_SCAN, iters / 10 + 1);
    static const struct {
        const char *label;
        int set; /* 0 skid, 1 absent, 2 subject */
        enum mode m;
    } rows[] = {
        {"jt_blob_find present SKID, first", 0, M_FIRST},
        {"jt_blob_find present SKID, all", 0, M_ALL},
        {"jt_blob_find absent SKID", 1, M_ALL},
        {"jt_blob_find subject, all", 2, M_ALL},
    };

    printf("  %-34s %8.1f ns  1.00x (baseline)\n", "linear scan, present SKID",
           base);
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        const struct jt_key *q = rows[r].set == 0   ? k->skid
                                 : rows[r].set == 1 ? k->absent
                                                    : k->subj;
        size_t nq = rows[r].set == 2 ? k->nsub : k->ns;
        double t = run(b, k, q, nq, rows[r].m, iters);

        printf("  %-34s %8.1f ns  %.3fx\n", rows[r].label, t, t / base);
    }
}

int
main(int argc, char **argv)
{
    int smoke = argc > 1 && strcmp(argv[1], "--smoke") == 0, rc = 1;
    long iters = smoke ? 2 : 20000;
    struct jt_blob_input *in = NULL;
    struct keysets k = {0};
    size_t n = load_mozilla(&in), flen = 0, ilen = 0;
    uint8_t *full = NULL, *idx = NULL;
    struct jt_blob b;

    if (n == 0) {
        fprintf(stderr, "bench-blob: no Mozilla roots found\n");
        rc = smoke ? 0 : 1;
        goto out;
    }
    full = write_blob(in, n, JT_BLOB_FULL, &flen);
    idx = write_blob(in, n, JT_BLOB_INDEX_ONLY, &ilen);
    if (jt_blob_open(&b, idx, ilen, NULL) != 0 || collect(&b, &k) != 0)
        goto out;
    printf("bench-blob: %zu Mozilla roots, %zu index keys%s\n", n, k.nall,
           smoke ? " (smoke)" : "");
    printf("  size: full %zu B, index-only %zu B\n", flen, ilen);
    printf("  open (validate): full %.0f ns, index-only %.0f ns\n",
           time_open(full, flen, iters / 20 + 1),
           time_open(idx, ilen, iters / 20 + 1));
    report(&b, &k, iters);
    rc = 0;
out:
    for (size_t i = 0; i < n; i++)
        free((void *)in[i].der);
    free(in);
    free(k.all);
    free(k.skid);
    free(k.absent);
    free(k.subj);
    free(full);
    free(idx);
    return rc;
}
