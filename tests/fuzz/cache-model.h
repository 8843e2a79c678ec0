/* SPDX-License-Identifier: MIT */
/*
 * tests: a naive reference model of jt_cache and a driver that reads a byte
 * string as a script of operations (put, get, del, time forward and back,
 * generation, clear, expire, foreach, fail the next allocation), runs each
 * on a real cache and on the model, and compares return codes, values,
 * every stats field, the allocator's live bytes and the foreach listing
 * after every step. Used by fuzz-cache.c (abort on disagreement) and by
 * the 10,000-entry stress test in test-cache.c.
 *
 * The model keeps one slot per key index (direct addressing, no hashing,
 * no lists): LRU order is a stamp per entry, eviction scans for the lowest
 * stamp. It follows the sizing rules cache.h documents (entry footprint,
 * bucket doubling while a largest entry still fits) but shares no code
 * with cache.c beyond jt_cache_entry_footprint().
 */
#ifndef JT_TEST_CACHE_MODEL_H
#define JT_TEST_CACHE_MODEL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jittrust/cache.h"
#include "jittrust/error.h"

#include "cache-int.h"

#define CM_MAXV 128 /* largest max_value the model supports */

enum cm_op {
    CM_PUT,
    CM_GET,
    CM_DEL,
    CM_ADVANCE,
    CM_BACK,
    CM_GEN,
    CM_CLEAR,
    CM_EXPIRE,
    CM_FOREACH,
    CM_FAILNEXT,
    CM_NOPS
};

struct cm_cfg {
    size_t max_footprint;
    size_t max_value; /* <= CM_MAXV */
    uint32_t max_ttl_ms;
    uint32_t ttl_scale; /* ttl = byte * ttl_scale */
    uint32_t adv_scale; /* time step = byte * adv_scale */
    uint32_t nkeys;     /* distinct valid keys */
    uint8_t weight[CM_NOPS];
};

/* A counting allocator that can fail the |fail_at|th call. */
struct cm_alloc {
    struct jt_alloc a;
    long fail_at, calls, live;
    size_t bytes;
};

union cm_hdr {
    size_t size;
    max_align_t align;
};

static void *
cm_alloc_fn(void *ud, size_t size)
{
    struct cm_alloc *al = ud;
    union cm_hdr *h;

    if (++al->calls == al->fail_at)
        return NULL;
    h = malloc(sizeof(*h) + size);
    if (h == NULL)
        abort();
    h->size = size;
    al->live++;
    al->bytes += size;
    return h + 1;
}

static void
cm_free_fn(void *ud, void *ptr)
{
    struct cm_alloc *al = ud;
    union cm_hdr *h = (union cm_hdr *)ptr - 1;

    al->live--;
    al->bytes -= h->size;
    free(h);
}

struct cm_ent {
    int present;
    size_t hlen, vlen;
    uint64_t expires, gen, stamp;
    uint8_t val[CM_MAXV];
};

struct cm {
    const struct cm_cfg *cfg;
    struct jt_cache *c;
    struct cm_alloc al;
    struct cm_ent *m;
    const uint8_t *p, *end;
    uint64_t t; /* the caller's clock */
    uint64_t now, gen, stamp;
    size_t obj, nb, count, footprint;
    uint64_t hits, misses, evictions, expirations;
    int fail_next;
    size_t nops, peak; /* operations run, most entries at once */
    char *why;
    size_t whylen;
};

static unsigned
cm_rd8(struct cm *s)
{
    return s->p < s->end ? *s->p++ : 0;
}

static unsigned
cm_rd16(struct cm *s)
{
    unsigned hi = cm_rd8(s);

    return (hi << 8) | cm_rd8(s);
}

/*
 * The host of key index |k| (valid when k < nkeys) into |buf| (>= 260
 * bytes): lengths from 4 to 253 bytes; port and policy come from k's low
 * bits, so one host appears under four keys. k = nkeys, +1, +2 give an
 * empty host, a 254-byte host and one with a NUL byte.
 */
static struct jt_cache_key
cm_key(const struct cm *s, uint32_t k, char *buf)
{
    struct jt_cache_key key = {buf, 0, (uint16_t)(k & 1 ? 8443 : 443),
                               (k >> 1) & 1};
    uint32_t h = k >> 2, d = 1;
    const char *sfx = h % 3 == 0 ? ".example.test" : ".t";
    size_t n = 0;

    if (k >= s->cfg->nkeys) {
        memset(buf, 'z', 254);
        key.host_len = k == s->cfg->nkeys       ? 0
                       : k == s->cfg->nkeys + 1 ? 254
                                                : 8;
        buf[3] = 0;
        return key;
    }
    /* "h<decimal>" + suffix, by hand: snprintf is slow under ASan. */
    buf[n++] = 'h';
    while (h / d >= 10)
        d *= 10;
    for (; d > 0; d /= 10)
        buf[n++] = (char)('0' + h / d % 10);
    memcpy(buf + n, sfx, strlen(sfx) + 1);
    n += strlen(sfx);
    key.host_len = n;
    if (h % 7 == 6) {
        key.host_len = 240 + h % 14;
        memset(buf + n, 'a', key.host_len - n);
    }
    return key;
}

static int
cm_key_rc(const struct cm *s, uint32_t k)
{
    if (k < s->cfg->nkeys)
        return 0;
    return k == s->cfg->nkeys + 1 ? JT_ERR_CACHE_HOST_TOO_LONG
                                  : JT_ERR_CACHE_BAD_HOST;
}

static int
cm_fail(struct cm *s, const char *what, long want, long got)
{
    snprintf(s->why, s->whylen, "%s: want %ld, got %ld", what, want, got);
    return -1;
}

static int
cm_live(const struct cm *s, const struct cm_ent *e, uint64_t now)
{
    return e->present && e->gen == s->gen && now < e->expires;
}

static void
cm_remove(struct cm *s, struct cm_ent *e)
{
    s->footprint -= jt_cache_entry_footprint(e->hlen, e->vlen);
    s->count--;
    e->present = 0;
}

static void
cm_advance(struct cm *s)
{
    if (s->t > s->now)
        s->now = s->t;
}

/* Lowest-stamp (least recently used) present entry. */
static struct cm_ent *
cm_oldest(struct cm *s)
{
    struct cm_ent *best = NULL;

    for (uint32_t i = 0; i < s->cfg->nkeys; i++)
        if (s->m[i].present && (best == NULL || s->m[i].stamp < best->stamp))
            best = &s->m[i];
    return best;
}

static int
cm_grows(const struct cm *s, size_t n_after)
{
    size_t max_entry =
        jt_cache_entry_footprint(JT_CACHE_HOST_MAX, s->cfg->max_value);

    return n_after > s->nb &&
           s->obj + jti_cache_buckets_footprint(s->nb * 2) + max_entry <=
               s->cfg->max_footprint;
}

/* The model's put; returns the code the cache must return. */
static int
cm_model_put(struct cm *s, uint32_t k, size_t hlen, const uint8_t *val,
             size_t vlen, uint32_t ttl)
{
    struct cm_ent *e;
    size_t sz = jt_cache_entry_footprint(hlen, vlen);
    int rc = cm_key_rc(s, k), grow;

    if (rc != 0)
        return rc;
    if (vlen > s->cfg->max_value)
        return JT_ERR_CACHE_VALUE_TOO_BIG;
    if (ttl == 0)
        return JT_ERR_CACHE_BAD_TTL;
    if (sz >
        s->cfg->max_footprint - s->obj - jti_cache_buckets_footprint(s->nb))
        return JT_ERR_NOSPC;
    e = &s->m[k];
    grow = cm_grows(s, s->count - (e->present ? 1 : 0) + 1);
    if (s->fail_next == 1 || (s->fail_next == 2 && grow))
        return JT_ERR_NOMEM;
    cm_advance(s);
    if (e->present)
        cm_remove(s, e);
    if (grow) {
        s->footprint += jti_cache_buckets_footprint(s->nb);
        s->nb *= 2;
    }
    while (s->footprint + sz > s->cfg->max_footprint) {
        struct cm_ent *old = cm_oldest(s);

        if (cm_live(s, old, s->now))
            s->evictions++;
        else
            s->expirations++;
        cm_remove(s, old);
    }
    ttl = ttl < s->cfg->max_ttl_ms ? ttl : s->cfg->max_ttl_ms;
    e->present = 1;
    e->hlen = hlen;
    e->vlen = vlen;
    memcpy(e->val, val, vlen);
    e->expires = s->now > UINT64_MAX - ttl ? UINT64_MAX : s->now + ttl;
    e->gen = s->gen;
    e->stamp = ++s->stamp;
    s->count++;
    s->footprint += sz;
    return 0;
}

static int
cm_op_put(struct cm *s)
{
    char hbuf[260];
    uint8_t val[CM_MAXV + 1];
    uint32_t k = cm_rd16(s) % (s->cfg->nkeys + 3);
    size_t vlen = cm_rd8(s) % (s->cfg->max_value + 2);
    unsigned seed = cm_rd8(s);
    uint32_t ttl = cm_rd8(s) * s->cfg->ttl_scale;
    struct jt_cache_key key = cm_key(s, k, hbuf);
    int want, got;

    for (size_t i = 0; i < vlen; i++)
        val[i] = (uint8_t)(seed + i * 31);
    want = cm_model_put(s, k, key.host_len, val, vlen, ttl);
    s->al.fail_at = s->fail_next ? s->al.calls + s->fail_next : 0;
    s->fail_next = 0;
    got = jt_cache_put(s->c, &key, val, vlen, ttl, s->t);
    s->al.fail_at = 0;
    return want == got ? 0 : cm_fail(s, "put rc", want, got);
}

static int
cm_op_get(struct cm *s)
{
    char hbuf[260];
    uint8_t buf[CM_MAXV];
    uint32_t k = cm_rd16(s) % (s->cfg->nkeys + 3);
    unsigned cb = cm_rd8(s);
    size_t cap = cb < 200 ? s->cfg->max_value : cb % (s->cfg->max_value + 1);
    struct jt_cache_key key = cm_key(s, k, hbuf);
    struct cm_ent *e = k < s->cfg->nkeys ? &s->m[k] : NULL;
    size_t used = 7, want_used = 0;
    int want = cm_key_rc(s, k), got;

    if (want == 0) {
        cm_advance(s);
        if (e->present && !cm_live(s, e, s->now)) {
            s->expirations++;
            cm_remove(s, e);
        }
        want = e->present ? 0 : JT_ERR_NOT_FOUND;
        want_used = e->present ? e->vlen : 0;
        if (want == JT_ERR_NOT_FOUND)
            s->misses++;
        else if (cap < e->vlen)
            want = JT_ERR_CACHE_BUF_TOO_SMALL;
    }
    got = jt_cache_get(s->c, &key, s->t, cap ? buf : NULL, cap, &used);
    if (want != got)
        return cm_fail(s, "get rc", want, got);
    if (used != want_used)
        return cm_fail(s, "get used", (long)want_used, (long)used);
    if (got != 0)
        return 0;
    if (memcmp(buf, e->val, e->vlen) != 0)
        return cm_fail(s, "get value differs, key", (long)k, 0);
    s->hits++;
    e->stamp = ++s->stamp;
    return 0;
}

static int
cm_op_del(struct cm *s)
{
    char hbuf[260];
    uint32_t k = cm_rd16(s) % (s->cfg->nkeys + 3);
    struct jt_cache_key key = cm_key(s, k, hbuf);
    int want = cm_key_rc(s, k), got;

    if (want == 0) {
        struct cm_ent *e = &s->m[k];

        cm_advance(s);
        want = cm_live(s, e, s->now) ? 0 : JT_ERR_NOT_FOUND;
        if (e->present && want != 0)
            s->expirations++;
        if (e->present)
            cm_remove(s, e);
    }
    got = jt_cache_del(s->c, &key, s->t);
    return want == got ? 0 : cm_fail(s, "del rc", want, got);
}

static int
cm_op_gen(struct cm *s)
{
    unsigned b = cm_rd8(s);
    uint64_t g;
    int want = 0, got;

    if (b % 4 == 0) {
        want = s->gen == UINT64_MAX ? JT_ERR_OVERFLOW : 0;
        s->gen += want == 0;
        got = jt_cache_bump_generation(s->c, &g);
        return want == got ? 0 : cm_fail(s, "bump rc", want, got);
    }
    if (b == 255)
        g = UINT64_MAX;
    else if (b % 4 == 1)
        g = s->gen;
    else if (b % 4 == 2)
        g = s->gen > UINT64_MAX - 300 ? UINT64_MAX : s->gen + 1 + b;
    else
        g = s->gen - (s->gen > 0);
    if (g < s->gen)
        want = JT_ERR_CACHE_GEN_BACKWARDS;
    else
        s->gen = g;
    got = jt_cache_set_generation(s->c, g);
    return want == got ? 0 : cm_fail(s, "set_generation rc", want, got);
}

static int
cm_op_sweep(struct cm *s, int clear)
{
    int got;

    if (!clear)
        cm_advance(s); /* jt_cache_clear() takes no time */
    for (uint32_t i = 0; i < s->cfg->nkeys; i++) {
        struct cm_ent *e = &s->m[i];

        if (!e->present || (!clear && cm_live(s, e, s->now)))
            continue;
        s->expirations += !clear;
        cm_remove(s, e);
    }
    got = clear ? jt_cache_clear(s->c) : jt_cache_expire(s->c, s->t);
    return got == 0 ? 0 : cm_fail(s, "clear/expire rc", 0, got);
}

struct cm_walk {
    struct cm *s;
    uint32_t *order; /* expected key indexes, LRU first */
    size_t n, i;
    int bad;
};

static int
cm_walk_cb(void *ud, const struct jt_cache_entry *ent)
{
    struct cm_walk *w = ud;
    char hbuf[260];
    struct jt_cache_key key;
    const struct cm_ent *e;

    if (w->i >= w->n) {
        w->bad = cm_fail(w->s, "foreach: extra entry at", (long)w->i, 0);
        return 1;
    }
    key = cm_key(w->s, w->order[w->i], hbuf);
    e = &w->s->m[w->order[w->i]];
    if (ent->key.host_len != key.host_len ||
        memcmp(ent->key.host, key.host, key.host_len) != 0 ||
        ent->key.host[key.host_len] != 0 || ent->key.port != key.port ||
        ent->key.policy != key.policy || ent->value_len != e->vlen ||
        memcmp(ent->value, e->val, e->vlen) != 0 ||
        ent->expires_ms != e->expires) {
        w->bad = cm_fail(w->s, "foreach: entry differs at", (long)w->i,
                         (long)w->order[w->i]);
        return 1;
    }
    w->i++;
    /* A callback must not change the cache. */
    if (jt_cache_clear(w->s->c) != JT_ERR_STATE) {
        w->bad = cm_fail(w->s, "clear inside foreach", JT_ERR_STATE, 0);
        return 1;
    }
    return 0;
}

static int
cm_op_foreach(struct cm *s)
{
    uint64_t now = s->t > s->now ? s->t : s->now;
    struct cm_walk w = {s, NULL, 0, 0, 0};
    int got;

    w.order = malloc((s->count + 1) * sizeof(*w.order));
    if (w.order == NULL)
        abort();
    /* Insertion sort by stamp: the model stays naive. */
    for (uint32_t k = 0; k < s->cfg->nkeys; k++) {
        size_t j;

        if (!cm_live(s, &s->m[k], now))
            continue;
        for (j = w.n; j > 0 && s->m[w.order[j - 1]].stamp > s->m[k].stamp; j--)
            w.order[j] = w.order[j - 1];
        w.order[j] = k;
        w.n++;
    }
    got = jt_cache_foreach(s->c, s->t, cm_walk_cb, &w);
    free(w.order);
    if (w.bad)
        return -1;
    if (got != 0)
        return cm_fail(s, "foreach rc", 0, got);
    return w.i == w.n ? 0 : cm_fail(s, "foreach count", (long)w.n, (long)w.i);
}

/* Compare every stats field and the allocator with the model. */
static int
cm_check(struct cm *s)
{
    struct jt_cache_stats st;

    if (jt_cache_stats(s->c, &st) != 0)
        return cm_fail(s, "stats rc", 0, -1);
    if (st.entries != s->count)
        return cm_fail(s, "entries", (long)s->count, (long)st.entries);
    if (st.footprint != s->footprint)
        return cm_fail(s, "footprint", (long)s->footprint, (long)st.footprint);
    if (st.footprint != s->al.bytes)
        return cm_fail(s, "footprint vs allocator", (long)s->al.bytes,
                       (long)st.footprint);
    if (st.footprint > s->cfg->max_footprint)
        return cm_fail(s, "footprint over cap", (long)s->cfg->max_footprint,
                       (long)st.footprint);
    if (s->al.live != (long)s->count + 2)
        return cm_fail(s, "live allocations", (long)s->count + 2, s->al.live);
    if (st.buckets != s->nb)
        return cm_fail(s, "buckets", (long)s->nb, (long)st.buckets);
    if (st.hits != s->hits || st.misses != s->misses)
        return cm_fail(s, "hits/misses", (long)(s->hits * 1000 + s->misses),
                       (long)(st.hits * 1000 + st.misses));
    if (st.evictions != s->evictions)
        return cm_fail(s, "evictions", (long)s->evictions, (long)st.evictions);
    if (st.expirations != s->expirations)
        return cm_fail(s, "expirations", (long)s->expirations,
                       (long)st.expirations);
    if (st.generation != s->gen)
        return cm_fail(s, "generation", (long)s->gen, (long)st.generation);
    return 0;
}

static int
cm_step(struct cm *s)
{
    unsigned total = 0, pick;
    int op = 0;

    for (int i = 0; i < CM_NOPS; i++)
        total += s->cfg->weight[i];
    pick = cm_rd8(s) % total;
    while (pick >= s->cfg->weight[op])
        pick -= s->cfg->weight[op++];
    switch (op) {
    case CM_PUT:
        return cm_op_put(s);
    case CM_GET:
        return cm_op_get(s);
    case CM_DEL:
        return cm_op_del(s);
    case CM_ADVANCE:
        s->t += (uint64_t)cm_rd8(s) * s->cfg->adv_scale;
        return 0;
    case CM_BACK: {
        uint64_t back = cm_rd8(s);

        s->t -= back < s->t ? back : s->t;
        return 0;
    }
    case CM_GEN:
        return cm_op_gen(s);
    case CM_CLEAR:
    case CM_EXPIRE:
        return cm_op_sweep(s, op == CM_CLEAR);
    case CM_FOREACH:
        return cm_op_foreach(s);
    default:
        s->fail_next = 1 + (int)(cm_rd8(s) % 2);
        return 0;
    }
}

/* What a run did, for tests that want to know the script did its job. */
struct cm_result {
    size_t nops;                /* operations run */
    size_t peak;                /* most entries held at once */
    struct jt_cache_stats last; /* stats before destroy */
};

/*
 * Run the script |data| against a fresh cache configured by |cfg|.
 * Returns 0 when cache and model agreed throughout (and nothing leaked),
 * -1 with a message in |why| otherwise. |res| (may be NULL) receives what
 * the run did.
 */
static int
cm_run(const struct cm_cfg *cfg, const uint8_t *data, size_t size, char *why,
       size_t whylen, struct cm_result *res)
{
    struct cm s;
    struct jt_cache_opts opts;
    int rc = 0;

    memset(&s, 0, sizeof(s));
    memset(&opts, 0, sizeof(opts));
    s.cfg = cfg;
    s.p = data;
    s.end = data + size;
    s.why = why;
    s.whylen = whylen;
    s.al.a.alloc = cm_alloc_fn;
    s.al.a.free = cm_free_fn;
    s.al.a.ud = &s.al;
    s.obj = jt_cache_min_footprint() -
            jti_cache_buckets_footprint(JTI_CACHE_BUCKETS_INIT);
    s.nb = JTI_CACHE_BUCKETS_INIT;
    s.footprint = jt_cache_min_footprint();
    opts.max_footprint = cfg->max_footprint;
    opts.max_value = cfg->max_value;
    opts.max_ttl_ms = cfg->max_ttl_ms;
    for (unsigned i = 0; i < sizeof(opts.seed); i++)
        opts.seed[i] = (uint8_t)(cm_rd8(&s) ^ i);
    s.m = calloc(cfg->nkeys, sizeof(*s.m));
    if (s.m == NULL || cfg->max_value > CM_MAXV ||
        jt_cache_create(&s.c, &opts, &s.al.a) != 0)
        abort();
    while (rc == 0 && s.p < s.end) {
        rc = cm_step(&s);
        if (rc == 0)
            rc = cm_check(&s);
        s.nops++;
        s.peak = s.count > s.peak ? s.count : s.peak;
    }
    if (rc == 0)
        rc = cm_op_foreach(&s);
    if (res != NULL) {
        res->nops = s.nops;
        res->peak = s.peak;
        jt_cache_stats(s.c, &res->last);
    }
    jt_cache_destroy(s.c);
    free(s.m);
    if (rc == 0 && (s.al.live != 0 || s.al.bytes != 0))
        rc = cm_fail(&s, "leak at destroy", 0, s.al.live);
    return rc;
}

#endif /* JT_TEST_CACHE_MODEL_H */
