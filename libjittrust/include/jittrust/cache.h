/* SPDX-License-Identifier: MIT */
/*
 * A TTL + LRU cache with a hard byte-footprint cap (core, sans-IO).
 *
 * Keys are (host bytes, port, trust-policy id); values are opaque bytes.
 * The cache does not normalise hosts: the caller passes the one normalised
 * host string (lower-case, no trailing dot, A-labels). Time comes in as
 * |now_ms| on every call, from any monotonic millisecond clock the caller
 * likes; the cache never reads a clock. It backs host -> SKIDs and the
 * negative entries of the JIT trust flow, and is generic otherwise.
 *
 * Memory: every byte the cache allocates goes through the injected
 * allocator and is counted in the footprint: the cache object, the hash
 * bucket array and each entry (header + host + NUL + value, one allocation
 * each). The footprint never exceeds |max_footprint|: a put evicts least
 * recently used entries until the new one fits. Allocator overhead per
 * block is not counted (the cache cannot see it).
 *
 * Expiry: an entry put at time T with TTL t (clamped to |max_ttl_ms|) is
 * returned while now_ms < T + t and never from T + t on (the sum saturates
 * at UINT64_MAX). Expired entries are reclaimed lazily: when a get or del
 * meets them, when eviction reaches them, or by jt_cache_expire(). Time
 * never runs backwards inside the cache: a now_ms below the largest one
 * already passed in is treated as that largest one.
 *
 * Generation: every entry remembers the generation it was stored under and
 * is returned only while that is still the cache's generation. Raising the
 * generation (a trust source changed) drops every entry at once, in O(1);
 * the stale entries are reclaimed lazily like expired ones.
 *
 * Hashing is SipHash-2-4 keyed with the 16-byte seed given at create, so a
 * peer that chooses host names cannot aim them at one bucket. The bucket
 * array starts at 16 and doubles when entries outnumber buckets, but only
 * while a largest possible entry still fits beside it under the cap.
 *
 * Objects are single-thread. No function here blocks or does I/O.
 */
#ifndef JITTRUST_CACHE_H
#define JITTRUST_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "jittrust/alloc.h"
#include "jittrust/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Longest host accepted, in bytes, not counting a NUL (a DNS name). */
#define JT_CACHE_HOST_MAX 253u

/* Largest |max_value| a cache may be created with, in bytes. */
#define JT_CACHE_VALUE_MAX 65536u

/* Length of the hash seed in jt_cache_opts, in bytes. */
#define JT_CACHE_SEED_LEN 16u

struct jt_cache;

/*
 * A key. |host| points at |host_len| bytes (1..JT_CACHE_HOST_MAX, no NUL
 * byte among them; a terminating NUL is not needed). Two keys are equal when
 * host bytes, port and policy are all equal.
 */
struct jt_cache_key {
    const char *host;
    size_t host_len;
    uint16_t port;
    uint32_t policy; /* trust-policy id, opaque to the cache */
};

/* Creation options; all fields are required. */
struct jt_cache_opts {
    /*
     * Hard cap on the bytes the cache allocates (object + bucket array +
     * entries). It must at least hold the object and the initial bucket
     * array (jt_cache_min_footprint()).
     */
    size_t max_footprint;
    /* Largest value accepted by put, 1..JT_CACHE_VALUE_MAX bytes. */
    size_t max_value;
    /* TTLs passed to put are clamped to this (> 0), e.g. 30000 for a
     * negative cache. */
    uint32_t max_ttl_ms;
    /* Hash key; fill it from a random source so bucket choice is not
     * predictable. All-zero works but gives no such protection. */
    uint8_t seed[JT_CACHE_SEED_LEN];
};

/* Counters and sizes, for tests and the trace. */
struct jt_cache_stats {
    size_t entries;       /* stored, including expired or stale entries not
                             reclaimed yet */
    size_t footprint;     /* bytes allocated now: object + buckets + entries */
    size_t max_footprint; /* the cap */
    size_t buckets;       /* size of the bucket array */
    uint64_t hits;        /* gets that returned a value */
    uint64_t misses;      /* gets that found no live entry */
    uint64_t evictions;   /* live entries removed to make room */
    uint64_t expirations; /* entries reclaimed because their TTL ran out or
                             their generation is stale */
    uint64_t generation;  /* current generation */
};

/*
 * One live entry, as passed to a jt_cache_foreach() callback. Everything
 * it points at is borrowed and valid only during the callback. key.host is
 * also NUL-terminated. |expires_ms| is absolute, in the caller's now_ms
 * clock: the entry is live while now_ms < expires_ms.
 */
struct jt_cache_entry {
    struct jt_cache_key key;
    const void *value;
    size_t value_len;
    uint64_t expires_ms;
};

/*
 * A jt_cache_foreach() callback: return 0 to go on, anything else to stop
 * (jt_cache_foreach() then returns that value). It must not call any
 * function that changes the cache; those return JT_ERR_STATE meanwhile.
 */
typedef int (*jt_cache_foreach_cb)(void *ud,
                                   const struct jt_cache_entry *entry);

/*
 * jt_cache_min_footprint() - the smallest max_footprint jt_cache_create()
 * accepts: the cache object plus its initial bucket array. A useful cache
 * needs room for entries on top.
 */
JT_API size_t jt_cache_min_footprint(void);

/*
 * jt_cache_entry_footprint() - the bytes one entry with a |host_len|-byte
 * host and a |value_len|-byte value adds to the footprint. For sizing a
 * cap; no range check (both are small by contract).
 */
JT_API size_t jt_cache_entry_footprint(size_t host_len, size_t value_len);

/*
 * jt_cache_create() - make an empty cache.
 * @out: receives the cache; set to NULL on any failure.
 * @opts: copied; not used after the call.
 * @a: allocator (NULL = libc); must outlive the cache.
 *
 * Allocates the object and a 16-bucket array.
 * Returns 0, JT_ERR_INVAL (|out| or |opts| NULL), JT_ERR_CACHE_BAD_OPTS
 * (max_footprint below jt_cache_min_footprint(), max_value 0 or above
 * JT_CACHE_VALUE_MAX, max_ttl_ms 0) or JT_ERR_NOMEM.
 */
JT_API int jt_cache_create(struct jt_cache **out,
                           const struct jt_cache_opts *opts,
                           const struct jt_alloc *a);

/* jt_cache_destroy() - free |c| and every entry. NULL is a no-op. */
JT_API void jt_cache_destroy(struct jt_cache *c);

/*
 * jt_cache_put() - store a copy of |value| (|len| bytes, may be 0 with
 * value NULL) under |key|, replacing any entry with an equal key, as the
 * most recently used entry, live until now_ms + min(ttl_ms, max_ttl_ms).
 *
 * Evicts least recently used entries (expired and stale ones count as
 * expirations, live ones as evictions) until the new entry fits.
 * May allocate the entry and a bigger bucket array; on any failure the
 * cache is unchanged (the old entry, if any, is still there).
 * Returns 0, JT_ERR_INVAL (|c|, |key| or key->host NULL, or |value| NULL
 * with |len| > 0), JT_ERR_CACHE_BAD_HOST (host_len 0 or a NUL byte in the
 * host), JT_ERR_CACHE_HOST_TOO_LONG, JT_ERR_CACHE_VALUE_TOO_BIG (|len| >
 * max_value), JT_ERR_CACHE_BAD_TTL (ttl_ms 0), JT_ERR_NOSPC (the entry
 * alone is bigger than the cap leaves beside object and buckets),
 * JT_ERR_STATE (called from a foreach callback) or JT_ERR_NOMEM.
 */
JT_API int jt_cache_put(struct jt_cache *c, const struct jt_cache_key *key,
                        const void *value, size_t len, uint32_t ttl_ms,
                        uint64_t now_ms);

/*
 * jt_cache_get() - copy the value stored under |key| into |buf|.
 * @buf: output, |cap| bytes; may be NULL when |cap| is 0.
 * @used: always set: the value's length on success and on
 *        JT_ERR_CACHE_BUF_TOO_SMALL, 0 otherwise.
 *
 * A hit makes the entry the most recently used. An expired or stale entry
 * met here is reclaimed and reported as a miss. A too-small buffer changes
 * nothing (no hit, no LRU move) so the caller can retry with |used| bytes.
 * Returns 0 (hit), JT_ERR_NOT_FOUND (miss), JT_ERR_CACHE_BUF_TOO_SMALL,
 * JT_ERR_INVAL (|c|, |key|, key->host or |used| NULL, or |buf| NULL with
 * |cap| > 0), JT_ERR_CACHE_BAD_HOST, JT_ERR_CACHE_HOST_TOO_LONG or
 * JT_ERR_STATE (called from a foreach callback).
 */
JT_API int jt_cache_get(struct jt_cache *c, const struct jt_cache_key *key,
                        uint64_t now_ms, void *buf, size_t cap, size_t *used);

/*
 * jt_cache_del() - remove the entry stored under |key|.
 *
 * An expired or stale entry is reclaimed (an expiration) and reported as
 * not found. Returns 0, JT_ERR_NOT_FOUND, JT_ERR_INVAL (|c|, |key| or
 * key->host NULL), JT_ERR_CACHE_BAD_HOST, JT_ERR_CACHE_HOST_TOO_LONG or
 * JT_ERR_STATE (called from a foreach callback).
 */
JT_API int jt_cache_del(struct jt_cache *c, const struct jt_cache_key *key,
                        uint64_t now_ms);

/*
 * jt_cache_clear() - free every entry. Counters and the generation are
 * kept; the bucket array keeps its size.
 * Returns 0, JT_ERR_INVAL (|c| NULL) or JT_ERR_STATE (from a callback).
 */
JT_API int jt_cache_clear(struct jt_cache *c);

/*
 * jt_cache_expire() - reclaim every expired or stale entry now, in O(n)
 * (e.g. from a timer, or before persisting). Returns 0, JT_ERR_INVAL (|c|
 * NULL) or JT_ERR_STATE (from a callback).
 */
JT_API int jt_cache_expire(struct jt_cache *c, uint64_t now_ms);

/*
 * jt_cache_bump_generation() - raise the generation by one, so no entry
 * stored so far is returned again. |gen| (may be NULL) receives the new
 * generation. Returns 0, JT_ERR_INVAL (|c| NULL), JT_ERR_OVERFLOW (the
 * generation is UINT64_MAX; nothing changes) or JT_ERR_STATE.
 */
JT_API int jt_cache_bump_generation(struct jt_cache *c, uint64_t *gen);

/*
 * jt_cache_set_generation() - set the generation to |gen|, e.g. the
 * generation of a trust blob. Setting the current value keeps every entry;
 * a higher one drops them all. Generations never go back, so stale entries
 * cannot come back to life. Returns 0, JT_ERR_INVAL (|c| NULL),
 * JT_ERR_CACHE_GEN_BACKWARDS (|gen| below the current one; nothing
 * changes) or JT_ERR_STATE.
 */
JT_API int jt_cache_set_generation(struct jt_cache *c, uint64_t gen);

/*
 * jt_cache_stats() - copy the counters into |out|. Changes nothing.
 * Returns 0 or JT_ERR_INVAL (|c| or |out| NULL).
 */
JT_API int jt_cache_stats(const struct jt_cache *c, struct jt_cache_stats *out);

/*
 * jt_cache_foreach() - call |cb| for every live entry (not expired at
 * |now_ms|, current generation), least recently used first, so putting
 * them back in that order rebuilds the same LRU order. Does not reorder,
 * reclaim or count anything. Meanwhile every changing call on |c| returns
 * JT_ERR_STATE.
 * Returns 0 after the last entry, the callback's non-zero value if it
 * stopped early, JT_ERR_INVAL (|c| or |cb| NULL) or JT_ERR_STATE (nested
 * call from a callback).
 */
JT_API int jt_cache_foreach(struct jt_cache *c, uint64_t now_ms,
                            jt_cache_foreach_cb cb, void *ud);

#ifdef __cplusplus
}
#endif

#endif /* JITTRUST_CACHE_H */
