// SPDX-License-Identifier: MIT
/*
 * fuzz: the trust state machine (core/trust.c). One input is a small
 * script, all lengths big-endian:
 *
 *   byte 0   bits 0-4: max_certs - 1; bit 5: authenticated index on;
 *            bit 6: hash ops fail every 5th call; bit 7: failing allocator
 *   byte 1   bits 0-3: max_paths - 1; bits 4-5: max_per_key - 1;
 *            bits 6-7: answer order (1 root first, 2 odd keys first,
 *            else leaf first)
 *   byte 2   which allocation fails (with byte 0 bit 7)
 *   records  tag (1 byte), length (2 bytes), bytes. Even tag: the next
 *            certificate the server sent. Odd tag: a trust-source
 *            certificate, answered for key (tag >> 1) % key count, or for
 *            every key when tag >> 1 == 127.
 *
 * The harness adds, builds, answers every key, reads the anchors, resets,
 * and rebuilds; it abort()s when an invariant breaks: every path starts at
 * cert 0 and links subject to issuer, keys are distinct, pending counts
 * down, a second answer is refused, every anchor is a copy of a trust-source
 * certificate (never a sent one), and nothing leaks.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jittrust/error.h"
#include "jittrust/trust.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_RECS 1100
#define MAX_PER_CALL 16

struct rec {
    const uint8_t *p;
    size_t len;
    unsigned tag;
};

struct fz {
    struct rec sent[MAX_RECS];
    size_t nsent;
    struct rec pool[MAX_RECS];
    size_t npool;
    unsigned cfg0, cfg1, fail_at;
    /* allocator */
    struct jt_alloc alloc;
    long calls, live;
    /* hash */
    unsigned hash_calls;
};

static void *
fz_alloc(void *ud, size_t size)
{
    struct fz *f = ud;

    f->calls++;
    if ((f->cfg0 & 0x80) && f->calls == (long)f->fail_at)
        return NULL;
    f->live++;
    return malloc(size);
}

static void
fz_free(void *ud, void *p)
{
    struct fz *f = ud;

    if (p != NULL)
        f->live--;
    free(p);
}

/* A cheap, deterministic stand-in for a hash (FNV-1a, widened). */
static int
fake_hash(struct fz *f, const uint8_t *p, size_t len, uint8_t *out,
          size_t outlen)
{
    uint64_t h = 1469598103934665603ull;

    f->hash_calls++;
    if ((f->cfg0 & 0x40) && f->hash_calls % 5 == 0)
        return -1;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    for (size_t i = 0; i < outlen; i++) {
        h = (h ^ i) * 1099511628211ull;
        out[i] = (uint8_t)(h >> 56);
    }
    return 0;
}

static int
fz_sha1(void *ud, const uint8_t *p, size_t len, uint8_t out[20])
{
    return fake_hash(ud, p, len, out, 20);
}

static int
fz_sha256(void *ud, const uint8_t *p, size_t len, uint8_t out[32])
{
    return fake_hash(ud, p, len, out, 32);
}

/* Index: accept hashes whose first byte is even. */
static int
fz_index(void *ud, const struct jt_key *asked, const uint8_t sha256[32])
{
    (void)ud;
    if (asked == NULL)
        abort();
    return (sha256[0] & 1) == 0;
}

static void
split(struct fz *f, const uint8_t *data, size_t size)
{
    size_t off = 3;

    while (off + 3 <= size) {
        struct rec r;

        r.tag = data[off];
        r.len = (size_t)data[off + 1] << 8 | data[off + 2];
        off += 3;
        if (r.len > size - off)
            r.len = size - off;
        r.p = data + off;
        off += r.len;
        if ((r.tag & 1) == 0 && f->nsent < MAX_RECS)
            f->sent[f->nsent++] = r;
        else if ((r.tag & 1) != 0 && f->npool < MAX_RECS)
            f->pool[f->npool++] = r;
    }
}

/* Add every sent cert; the first error, or 0. */
static int
add_all(struct jt_trust *t, const struct fz *f)
{
    for (size_t i = 0; i < f->nsent; i++) {
        int rc = jt_trust_add_cert(t, f->sent[i].p, f->sent[i].len);

        if (rc != 0)
            return rc;
    }
    return 0;
}

static void
check_paths(const struct jt_trust *t)
{
    size_t n = jt_trust_cert_count(t);

    if (jt_trust_path_count(t) == 0)
        abort();
    for (size_t i = 0; i < jt_trust_path_count(t); i++) {
        const size_t *idx;
        size_t len;

        if (jt_trust_path(t, i, &idx, &len) != 0 || len == 0 || idx[0] != 0)
            abort();
        for (size_t k = 0; k < len; k++) {
            if (idx[k] >= n)
                abort();
            for (size_t m = 0; m < k; m++)
                if (idx[m] == idx[k])
                    abort();
        }
        for (size_t k = 0; k + 1 < len; k++) {
            const struct jt_der_cert *c = jt_trust_cert(t, idx[k]);
            const struct jt_der_cert *u = jt_trust_cert(t, idx[k + 1]);

            if (c->issuer.len != u->subject.len ||
                memcmp(c->issuer.p, u->subject.p, c->issuer.len) != 0)
                abort();
        }
    }
}

static void
check_keys(const struct jt_trust *t)
{
    size_t nk = jt_trust_key_count(t);

    if (nk == 0 || nk > 2 * jt_trust_cert_count(t) ||
        jt_trust_pending(t) != nk || jt_trust_key(t, nk) != NULL)
        abort();
    for (size_t i = 0; i < nk; i++)
        for (size_t j = i + 1; j < nk; j++)
            if (jt_key_cmp(jt_trust_key(t, i), jt_trust_key(t, j)) == 0)
                abort();
}

/* The key answered at step |i| of |nk| in the order cfg1 picks. */
static size_t
order(const struct fz *f, size_t i, size_t nk)
{
    switch (f->cfg1 >> 6) {
    case 1:
        return nk - 1 - i;
    case 2: {
        size_t odd = nk / 2;

        return i < odd ? 2 * i + 1 : 2 * (i - odd);
    }
    default:
        return i;
    }
}

/* Answer key |k| with every pool cert aimed at it (at most 16). */
static int
answer_key(struct jt_trust *t, const struct fz *f, size_t k, size_t nk)
{
    struct jt_span certs[MAX_PER_CALL];
    int results[MAX_PER_CALL];
    size_t n = 0;
    int rc;

    for (size_t i = 0; i < f->npool && n < MAX_PER_CALL; i++) {
        unsigned sel = f->pool[i].tag >> 1;

        if (sel == 127 || sel % nk == k) {
            certs[n].p = f->pool[i].p;
            certs[n].len = f->pool[i].len;
            n++;
        }
    }
    rc = jt_trust_answer(t, k, certs, n, results);
    if (rc > (int)n)
        abort();
    for (size_t i = 0; rc >= 0 && i < n; i++)
        if (results[i] > 0)
            abort();
    return rc;
}

static void
answer_all(struct jt_trust *t, const struct fz *f)
{
    size_t nk = jt_trust_key_count(t);

    for (size_t i = 0; i < nk; i++) {
        size_t k = order(f, i, nk), before = jt_trust_pending(t);
        int rc = answer_key(t, f, k, nk);

        if (rc == JT_ERR_NOMEM) {
            if (jt_trust_pending(t) != before ||
                jt_trust_key_answered(t, k) != 0)
                abort();
            continue;
        }
        if (rc < 0 || jt_trust_pending(t) != before - 1 ||
            jt_trust_key_answered(t, k) != 1)
            abort();
        if (jt_trust_answer(t, k, NULL, 0, NULL) != JT_ERR_TRUST_ANSWERED)
            abort();
    }
    if (jt_trust_answer(t, nk, NULL, 0, NULL) != JT_ERR_INVAL)
        abort();
}

/* Every anchor is a distinct copy of a pool cert. */
static void
check_anchors(const struct jt_trust *t, const struct fz *f, const uint8_t *data,
              size_t size)
{
    struct jt_span out[4];
    int n = jt_trust_anchors(t, out, 4);

    if (n < 0 || n > JT_TRUST_MAX_ANCHORS)
        abort();
    for (int i = 0; i < n; i++) {
        size_t k;

        if (out[i].p >= data && out[i].p < data + size)
            abort();
        for (k = 0; k < f->npool; k++)
            if (f->pool[k].len == out[i].len &&
                memcmp(f->pool[k].p, out[i].p, out[i].len) == 0)
                break;
        if (k == f->npool)
            abort();
        for (int j = 0; j < i; j++)
            if (out[j].len == out[i].len &&
                memcmp(out[j].p, out[i].p, out[i].len) == 0)
                abort();
    }
}

static void
run(struct fz *f, const uint8_t *data, size_t size)
{
    struct jt_hash_ops h = {fz_sha1, fz_sha256, f};
    struct jt_trust_opts o = {0};
    struct jt_trust *t = NULL;
    size_t nk, np;
    int rc, rc2;

    o.max_certs = (f->cfg0 & 0x1f) + 1u;
    o.max_paths = (f->cfg1 & 0x0f) + 1u;
    o.max_per_key = ((f->cfg1 >> 4) & 3) + 1u;
    o.hash = &h;
    o.index_check = (f->cfg0 & 0x20) ? fz_index : NULL;
    if (jt_trust_create(&t, &o, &f->alloc) != 0)
        return;
    rc = add_all(t, f);
    if (rc == 0)
        rc = jt_trust_build(t);
    if (rc != 0) {
        if (jt_trust_path_count(t) != 0 || jt_trust_key_count(t) != 0 ||
            jt_trust_build(t) != JT_ERR_STATE ||
            jt_trust_answer(t, 0, NULL, 0, NULL) != JT_ERR_STATE)
            abort();
    } else {
        check_paths(t);
        check_keys(t);
        answer_all(t, f);
        check_anchors(t, f, data, size);
    }
    nk = jt_trust_key_count(t);
    np = jt_trust_path_count(t);
    /* add and build allocate nothing, and the hash ops fail at the same
       calls again: a run after reset must end the same way. */
    jt_trust_reset(t);
    if (jt_trust_anchors(t, NULL, 0) != 0 || jt_trust_cert_count(t) != 0)
        abort();
    f->hash_calls = 0;
    rc2 = add_all(t, f);
    if (rc2 == 0)
        rc2 = jt_trust_build(t);
    if (rc2 != rc || jt_trust_key_count(t) != nk ||
        jt_trust_path_count(t) != np)
        abort();
    jt_trust_destroy(t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct fz f;

    if (size < 3)
        return 0;
    memset(&f, 0, sizeof(f));
    f.cfg0 = data[0];
    f.cfg1 = data[1];
    f.fail_at = data[2];
    f.alloc.alloc = fz_alloc;
    f.alloc.free = fz_free;
    f.alloc.ud = &f;
    split(&f, data, size);
    run(&f, data, size);
    if (f.live != 0)
        abort();
    return 0;
}
