/* SPDX-License-Identifier: MIT */
/*
 * hash: the library's own struct jt_hash_ops, backed by mbedTLS (net
 * layer), for callers of the core APIs that need hashes (jt_key_*,
 * jt_trust_create, jt_blob_write) so no program writes its own.
 */
#ifndef JITTRUST_HASH_H
#define JITTRUST_HASH_H

#include "jittrust/export.h"
#include "jittrust/key.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * jt_hash_ops_mbedtls() - SHA-1 and SHA-256 through mbedTLS. The returned
 * ops are static and stateless (ud is NULL): safe from any thread. Never
 * NULL.
 */
JT_API const struct jt_hash_ops *jt_hash_ops_mbedtls(void);

#ifdef __cplusplus
}
#endif

#endif /* JITTRUST_HASH_H */
