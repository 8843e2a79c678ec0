/* SPDX-License-Identifier: MIT */
/*
 * core: cache internals shared with tests and the bench (the key hash, so
 * a bench can measure it alone, and the sizing rules a reference model
 * must follow).
 */
#ifndef JITTRUST_CORE_CACHE_INT_H
#define JITTRUST_CORE_CACHE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "jittrust/cache.h"

/* Buckets in a new cache; the array doubles from here. */
#define JTI_CACHE_BUCKETS_INIT 16u

/*
 * SipHash-2-4 of |len| bytes at |msg| under the 16-byte key |seed|
 * (little-endian, as in the reference implementation).
 */
uint64_t jti_siphash24(const uint8_t seed[JT_CACHE_SEED_LEN], const void *msg,
                       size_t len);

/*
 * The hash the cache uses for |key|: SipHash-2-4 over host bytes, port
 * (2 bytes, big-endian) and policy (4 bytes, big-endian). |key| must be
 * valid (host_len <= JT_CACHE_HOST_MAX).
 */
uint64_t jti_cache_hash(const uint8_t seed[JT_CACHE_SEED_LEN],
                        const struct jt_cache_key *key);

/* Bytes of a bucket array of |n| buckets. */
size_t jti_cache_buckets_footprint(size_t n);

#endif /* JITTRUST_CORE_CACHE_INT_H */
