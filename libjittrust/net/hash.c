// SPDX-License-Identifier: MIT
/* net: jt_hash_ops_mbedtls(), the one mbedTLS-backed struct jt_hash_ops. */
#include "jittrust/hash.h"

#include <mbedtls/sha1.h>
#include <mbedtls/sha256.h>

static int
sha1_op(void *ud, const uint8_t *p, size_t len, uint8_t out[20])
{
    (void)ud;
    return mbedtls_sha1_ret(p, len, out);
}

static int
sha256_op(void *ud, const uint8_t *p, size_t len, uint8_t out[32])
{
    (void)ud;
    return mbedtls_sha256_ret(p, len, out, 0);
}

static const struct jt_hash_ops mbedtls_ops = {sha1_op, sha256_op, NULL};

const struct jt_hash_ops *
jt_hash_ops_mbedtls(void)
{
    return &mbedtls_ops;
}
