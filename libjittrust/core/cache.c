// SPDX-License-Identifier: MIT
/*
 * core: the TTL + LRU cache with a hard footprint cap (see cache.h). A
 * keyed SipHash-2-4 picks a bucket of a power-of-two array of singly linked
 * chains; every entry is also on one doubly linked LRU list (most recently
 * used at the head). Each entry is one allocation: header, host, NUL,
 * value. Sans-IO: time only arrives as now_ms.
 */
#include "jittrust/cache.h"

#include <assert.h>
#include <stdbool.h>
#include <string.h>

#include "jittrust/error.h"

#include "alloc-int.h"
#include "cache-int.h"

struct ent {
    struct ent *hnext; /* next in the bucket chain */
    struct ent *newer; /* LRU neighbour towards the head (NULL at head) */
    struct ent *older; /* LRU neighbour towards the tail (NULL at tail) */
    uint64_t hash;
    uint64_t expires; /* live while now < expires */
    uint64_t gen;     /* cache generation at put */
    uint32_t policy;
    uint32_t vlen;
    uint16_t port;
    uint16_t hlen;
    unsigned char data[]; /* host (hlen bytes), NUL, value (vlen bytes) */
};

struct jt_cache {
    const struct jt_alloc *a;
    struct ent **buckets;
    size_t nbuckets; /* power of two */
    struct ent *mru; /* LRU list head */
    struct ent *lru; /* LRU list tail: evicted first */
    size_t count;
    size_t footprint;
    size_t max_footprint;
    size_t max_value;
    size_t max_entry; /* footprint of the largest entry put may store */
    uint64_t now;     /* largest now_ms seen */
    uint64_t gen;
    uint64_t hits, misses, evictions, expirations;
    uint32_t max_ttl;
    bool busy; /* inside jt_cache_foreach() */
    uint8_t seed[JT_CACHE_SEED_LEN];
};

/* ---- SipHash-2-4 (Aumasson & Bernstein), little-endian ---- */

static uint64_t
rd64le(const uint8_t *p)
{
    /* Compilers turn this into one load on little-endian hosts. */
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
           (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
           (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

static uint64_t
rotl(uint64_t x, unsigned b)
{
    return (x << b) | (x >> (64u - b));
}

static void
sipround(uint64_t v[4])
{
    v[0] += v[1];
    v[1] = rotl(v[1], 13) ^ v[0];
    v[0] = rotl(v[0], 32);
    v[2] += v[3];
    v[3] = rotl(v[3], 16) ^ v[2];
    v[0] += v[3];
    v[3] = rotl(v[3], 21) ^ v[0];
    v[2] += v[1];
    v[1] = rotl(v[1], 17) ^ v[2];
    v[2] = rotl(v[2], 32);
}

static void
sipblock(uint64_t v[4], uint64_t m)
{
    v[3] ^= m;
    sipround(v);
    sipround(v);
    v[0] ^= m;
}

uint64_t
jti_siphash24(const uint8_t seed[JT_CACHE_SEED_LEN], const void *msg,
              size_t len)
{
    const uint8_t *p = msg;
    uint64_t k0 = rd64le(seed), k1 = rd64le(seed + 8);
    uint64_t v[4] = {k0 ^ 0x736f6d6570736575u, k1 ^ 0x646f72616e646f6du,
                     k0 ^ 0x6c7967656e657261u, k1 ^ 0x7465646279746573u};
    uint64_t last = (uint64_t)len << 56;
    size_t i;

    for (i = 0; len - i >= 8; i += 8)
        sipblock(v, rd64le(p + i));
    for (unsigned j = 0; i + j < len; j++)
        last |= (uint64_t)p[i + j] << (8 * j);
    sipblock(v, last);
    v[2] ^= 0xff;
    for (int r = 0; r < 4; r++)
        sipround(v);
    return v[0] ^ v[1] ^ v[2] ^ v[3];
}

uint64_t
jti_cache_hash(const uint8_t seed[JT_CACHE_SEED_LEN],
               const struct jt_cache_key *key)
{
    uint8_t m[JT_CACHE_HOST_MAX + 6];
    size_t n = key->host_len;

    memcpy(m, key->host, n);
    m[n++] = (uint8_t)(key->port >> 8);
    m[n++] = (uint8_t)key->port;
    m[n++] = (uint8_t)(key->policy >> 24);
    m[n++] = (uint8_t)(key->policy >> 16);
    m[n++] = (uint8_t)(key->policy >> 8);
    m[n++] = (uint8_t)key->policy;
    return jti_siphash24(seed, m, n);
}

/* ---- sizes ---- */

size_t
jti_cache_buckets_footprint(size_t n)
{
    return n * sizeof(struct ent *);
}

size_t
jt_cache_min_footprint(void)
{
    return sizeof(struct jt_cache) +
           jti_cache_buckets_footprint(JTI_CACHE_BUCKETS_INIT);
}

size_t
jt_cache_entry_footprint(size_t host_len, size_t value_len)
{
    return sizeof(struct ent) + host_len + 1 + value_len;
}

/* Object + bucket array: the footprint an empty cache has. */
static size_t
fixed_footprint(const struct jt_cache *c)
{
    return sizeof(*c) + jti_cache_buckets_footprint(c->nbuckets);
}

/* ---- keys, time, liveness ---- */

/* 0, JT_ERR_INVAL, JT_ERR_CACHE_BAD_HOST or JT_ERR_CACHE_HOST_TOO_LONG. */
static int
check_key(const struct jt_cache_key *key)
{
    if (key == NULL || key->host == NULL)
        return JT_ERR_INVAL;
    if (key->host_len == 0)
        return JT_ERR_CACHE_BAD_HOST;
    if (key->host_len > JT_CACHE_HOST_MAX)
        return JT_ERR_CACHE_HOST_TOO_LONG;
    if (memchr(key->host, 0, key->host_len) != NULL)
        return JT_ERR_CACHE_BAD_HOST;
    return 0;
}

/* The effective time: never earlier than any time seen before. */
static uint64_t
advance(struct jt_cache *c, uint64_t now_ms)
{
    if (now_ms > c->now)
        c->now = now_ms;
    return c->now;
}

static bool
is_live(const struct jt_cache *c, const struct ent *e, uint64_t now)
{
    return e->gen == c->gen && now < e->expires;
}

static bool
key_equal(const struct ent *e, uint64_t hash, const struct jt_cache_key *k)
{
    return e->hash == hash && e->port == k->port && e->policy == k->policy &&
           e->hlen == k->host_len && memcmp(e->data, k->host, e->hlen) == 0;
}

static struct ent *
find(const struct jt_cache *c, uint64_t hash, const struct jt_cache_key *k)
{
    struct ent *e = c->buckets[hash & (c->nbuckets - 1)];

    while (e != NULL && !key_equal(e, hash, k))
        e = e->hnext;
    return e;
}

/* ---- list and table surgery (cannot fail) ---- */

static void
lru_unlink(struct jt_cache *c, struct ent *e)
{
    if (e->newer != NULL)
        e->newer->older = e->older;
    else
        c->mru = e->older;
    if (e->older != NULL)
        e->older->newer = e->newer;
    else
        c->lru = e->newer;
    e->newer = e->older = NULL;
}

static void
lru_push_head(struct jt_cache *c, struct ent *e)
{
    e->newer = NULL;
    e->older = c->mru;
    if (c->mru != NULL)
        c->mru->newer = e;
    else
        c->lru = e;
    c->mru = e;
}

static void
bucket_insert(struct ent **buckets, size_t nbuckets, struct ent *e)
{
    struct ent **slot = &buckets[e->hash & (nbuckets - 1)];

    e->hnext = *slot;
    *slot = e;
}

/* Unlink |e| from table and list, free it, fix count and footprint. */
static void
remove_entry(struct jt_cache *c, struct ent *e)
{
    struct ent **pp = &c->buckets[e->hash & (c->nbuckets - 1)];

    while (*pp != e)
        pp = &(*pp)->hnext;
    *pp = e->hnext;
    lru_unlink(c, e);
    c->count--;
    c->footprint -= jt_cache_entry_footprint(e->hlen, e->vlen);
    jti_free(c->a, e);
}

/* Remove |e| because it is expired or stale (counted). */
static void
reclaim(struct jt_cache *c, struct ent *e)
{
    c->expirations++;
    remove_entry(c, e);
}

/* Move every entry to |nt| (|n| buckets) and free the old array. */
static void
rehash(struct jt_cache *c, struct ent **nt, size_t n)
{
    for (size_t i = 0; i < c->nbuckets; i++) {
        struct ent *e = c->buckets[i];

        while (e != NULL) {
            struct ent *next = e->hnext;

            bucket_insert(nt, n, e);
            e = next;
        }
    }
    c->footprint -= jti_cache_buckets_footprint(c->nbuckets);
    c->footprint += jti_cache_buckets_footprint(n);
    jti_free(c->a, c->buckets);
    c->buckets = nt;
    c->nbuckets = n;
}

/* ---- create / destroy ---- */

/* A zeroed array of |n| buckets (n small enough: see grow_target()). */
static struct ent **
alloc_buckets(const struct jt_alloc *a, size_t n)
{
    struct ent **b = jti_alloc(a, jti_cache_buckets_footprint(n));

    if (b != NULL)
        memset(b, 0, jti_cache_buckets_footprint(n));
    return b;
}

int
jt_cache_create(struct jt_cache **out, const struct jt_cache_opts *opts,
                const struct jt_alloc *a)
{
    struct jt_cache *c;

    if (out != NULL)
        *out = NULL;
    if (out == NULL || opts == NULL)
        return JT_ERR_INVAL;
    if (opts->max_footprint < jt_cache_min_footprint() ||
        opts->max_value == 0 || opts->max_value > JT_CACHE_VALUE_MAX ||
        opts->max_ttl_ms == 0)
        return JT_ERR_CACHE_BAD_OPTS;
    c = jti_calloc(a, 1, sizeof(*c));
    if (c == NULL)
        return JT_ERR_NOMEM;
    c->a = a;
    c->nbuckets = JTI_CACHE_BUCKETS_INIT;
    c->buckets = alloc_buckets(a, c->nbuckets);
    if (c->buckets == NULL) {
        jti_free(a, c);
        return JT_ERR_NOMEM;
    }
    c->footprint = fixed_footprint(c);
    c->max_footprint = opts->max_footprint;
    c->max_value = opts->max_value;
    c->max_entry = jt_cache_entry_footprint(JT_CACHE_HOST_MAX, c->max_value);
    c->max_ttl = opts->max_ttl_ms;
    memcpy(c->seed, opts->seed, sizeof(c->seed));
    *out = c;
    return 0;
}

static void
free_entries(struct jt_cache *c)
{
    struct ent *e = c->mru;

    while (e != NULL) {
        struct ent *next = e->older;

        jti_free(c->a, e);
        e = next;
    }
    c->mru = c->lru = NULL;
    c->count = 0;
    c->footprint = fixed_footprint(c);
    memset(c->buckets, 0, jti_cache_buckets_footprint(c->nbuckets));
}

void
jt_cache_destroy(struct jt_cache *c)
{
    if (c == NULL)
        return;
    free_entries(c);
    jti_free(c->a, c->buckets);
    jti_free(c->a, c);
}

/* ---- put ---- */

/* The argument checks of jt_cache_put(), in the order documented. */
static int
put_check(const struct jt_cache *c, const struct jt_cache_key *key,
          const void *value, size_t len, uint32_t ttl_ms)
{
    int rc;

    if (c == NULL || (value == NULL && len > 0))
        return JT_ERR_INVAL;
    rc = check_key(key);
    if (rc != 0)
        return rc;
    if (len > c->max_value)
        return JT_ERR_CACHE_VALUE_TOO_BIG;
    if (ttl_ms == 0)
        return JT_ERR_CACHE_BAD_TTL;
    if (c->busy)
        return JT_ERR_STATE;
    if (jt_cache_entry_footprint(key->host_len, len) >
        c->max_footprint - fixed_footprint(c))
        return JT_ERR_NOSPC;
    return 0;
}

/*
 * The bucket count to grow to before holding |n| entries, or 0 to stay:
 * double when entries would outnumber buckets, if object + doubled array +
 * a largest entry still fit under the cap (so growth never makes a valid
 * put fail with JT_ERR_NOSPC).
 */
static size_t
grow_target(const struct jt_cache *c, size_t n)
{
    size_t nb = c->nbuckets;

    if (n <= nb || nb > SIZE_MAX / 2 / sizeof(struct ent *))
        return 0;
    if (c->max_entry > c->max_footprint ||
        sizeof(*c) + jti_cache_buckets_footprint(nb * 2) >
            c->max_footprint - c->max_entry)
        return 0;
    return nb * 2;
}

static struct ent *
make_entry(struct jt_cache *c, const struct jt_cache_key *key, uint64_t hash,
           const void *value, size_t len)
{
    struct ent *e =
        jti_alloc(c->a, jt_cache_entry_footprint(key->host_len, len));

    if (e == NULL)
        return NULL;
    memset(e, 0, sizeof(*e));
    e->hash = hash;
    e->gen = c->gen;
    e->policy = key->policy;
    e->port = key->port;
    e->hlen = (uint16_t)key->host_len;
    e->vlen = (uint32_t)len;
    memcpy(e->data, key->host, key->host_len);
    e->data[key->host_len] = 0;
    if (len > 0)
        memcpy(e->data + key->host_len + 1, value, len);
    return e;
}

/*
 * Evict from the LRU tail until |need| more bytes fit. The caller checked
 * that fixed footprint + |need| <= cap, so the list cannot run dry.
 */
static void
make_room(struct jt_cache *c, size_t need, uint64_t now)
{
    while (c->footprint + need > c->max_footprint) {
        struct ent *e = c->lru;

        assert(e != NULL);
        if (is_live(c, e, now))
            c->evictions++;
        else
            c->expirations++;
        remove_entry(c, e);
    }
}

int
jt_cache_put(struct jt_cache *c, const struct jt_cache_key *key,
             const void *value, size_t len, uint32_t ttl_ms, uint64_t now_ms)
{
    struct ent *e, *old, **nt = NULL;
    uint64_t hash, now;
    size_t nb;
    int rc = put_check(c, key, value, len, ttl_ms);

    if (rc != 0)
        return rc;
    hash = jti_cache_hash(c->seed, key);
    old = find(c, hash, key);
    e = make_entry(c, key, hash, value, len);
    if (e == NULL)
        return JT_ERR_NOMEM;
    nb = grow_target(c, c->count - (old != NULL ? 1 : 0) + 1);
    if (nb != 0) {
        nt = alloc_buckets(c->a, nb);
        if (nt == NULL) {
            jti_free(c->a, e);
            return JT_ERR_NOMEM;
        }
    }
    /* Nothing fails from here on. */
    now = advance(c, now_ms);
    ttl_ms = ttl_ms < c->max_ttl ? ttl_ms : c->max_ttl;
    e->expires = now > UINT64_MAX - ttl_ms ? UINT64_MAX : now + ttl_ms;
    if (old != NULL)
        remove_entry(c, old);
    if (nt != NULL)
        rehash(c, nt, nb);
    make_room(c, jt_cache_entry_footprint(e->hlen, e->vlen), now);
    bucket_insert(c->buckets, c->nbuckets, e);
    lru_push_head(c, e);
    c->count++;
    c->footprint += jt_cache_entry_footprint(e->hlen, e->vlen);
    return 0;
}

/* ---- get / del ---- */

int
jt_cache_get(struct jt_cache *c, const struct jt_cache_key *key,
             uint64_t now_ms, void *buf, size_t cap, size_t *used)
{
    struct ent *e;
    uint64_t now;
    int rc;

    if (used != NULL)
        *used = 0;
    if (c == NULL || used == NULL || (buf == NULL && cap > 0))
        return JT_ERR_INVAL;
    rc = check_key(key);
    if (rc != 0)
        return rc;
    if (c->busy)
        return JT_ERR_STATE;
    now = advance(c, now_ms);
    e = find(c, jti_cache_hash(c->seed, key), key);
    if (e != NULL && !is_live(c, e, now)) {
        reclaim(c, e);
        e = NULL;
    }
    if (e == NULL) {
        c->misses++;
        return JT_ERR_NOT_FOUND;
    }
    *used = e->vlen;
    if (cap < e->vlen)
        return JT_ERR_CACHE_BUF_TOO_SMALL;
    if (e->vlen > 0)
        memcpy(buf, e->data + e->hlen + 1, e->vlen);
    lru_unlink(c, e);
    lru_push_head(c, e);
    c->hits++;
    return 0;
}

int
jt_cache_del(struct jt_cache *c, const struct jt_cache_key *key,
             uint64_t now_ms)
{
    struct ent *e;
    uint64_t now;
    int rc;

    if (c == NULL)
        return JT_ERR_INVAL;
    rc = check_key(key);
    if (rc != 0)
        return rc;
    if (c->busy)
        return JT_ERR_STATE;
    now = advance(c, now_ms);
    e = find(c, jti_cache_hash(c->seed, key), key);
    if (e == NULL)
        return JT_ERR_NOT_FOUND;
    if (!is_live(c, e, now)) {
        reclaim(c, e);
        return JT_ERR_NOT_FOUND;
    }
    remove_entry(c, e);
    return 0;
}

/* ---- whole-cache operations ---- */

int
jt_cache_clear(struct jt_cache *c)
{
    if (c == NULL)
        return JT_ERR_INVAL;
    if (c->busy)
        return JT_ERR_STATE;
    free_entries(c);
    return 0;
}

int
jt_cache_expire(struct jt_cache *c, uint64_t now_ms)
{
    struct ent *e;
    uint64_t now;

    if (c == NULL)
        return JT_ERR_INVAL;
    if (c->busy)
        return JT_ERR_STATE;
    now = advance(c, now_ms);
    e = c->lru;
    while (e != NULL) {
        struct ent *newer = e->newer;

        if (!is_live(c, e, now))
            reclaim(c, e);
        e = newer;
    }
    return 0;
}

int
jt_cache_bump_generation(struct jt_cache *c, uint64_t *gen)
{
    if (c == NULL)
        return JT_ERR_INVAL;
    if (c->busy)
        return JT_ERR_STATE;
    if (c->gen == UINT64_MAX)
        return JT_ERR_OVERFLOW;
    c->gen++;
    if (gen != NULL)
        *gen = c->gen;
    return 0;
}

int
jt_cache_set_generation(struct jt_cache *c, uint64_t gen)
{
    if (c == NULL)
        return JT_ERR_INVAL;
    if (c->busy)
        return JT_ERR_STATE;
    if (gen < c->gen)
        return JT_ERR_CACHE_GEN_BACKWARDS;
    c->gen = gen;
    return 0;
}

int
jt_cache_stats(const struct jt_cache *c, struct jt_cache_stats *out)
{
    if (c == NULL || out == NULL)
        return JT_ERR_INVAL;
    memset(out, 0, sizeof(*out));
    out->entries = c->count;
    out->footprint = c->footprint;
    out->max_footprint = c->max_footprint;
    out->buckets = c->nbuckets;
    out->hits = c->hits;
    out->misses = c->misses;
    out->evictions = c->evictions;
    out->expirations = c->expirations;
    out->generation = c->gen;
    return 0;
}

int
jt_cache_foreach(struct jt_cache *c, uint64_t now_ms, jt_cache_foreach_cb cb,
                 void *ud)
{
    struct jt_cache_entry info;
    uint64_t now;
    int rc = 0;

    if (c == NULL || cb == NULL)
        return JT_ERR_INVAL;
    if (c->busy)
        return JT_ERR_STATE;
    now = now_ms > c->now ? now_ms : c->now;
    c->busy = true;
    for (struct ent *e = c->lru; e != NULL && rc == 0; e = e->newer) {
        if (!is_live(c, e, now))
            continue;
        info.key.host = (const char *)e->data;
        info.key.host_len = e->hlen;
        info.key.port = e->port;
        info.key.policy = e->policy;
        info.value = e->data + e->hlen + 1;
        info.value_len = e->vlen;
        info.expires_ms = e->expires;
        rc = cb(ud, &info);
    }
    c->busy = false;
    return rc;
}
