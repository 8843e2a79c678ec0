// SPDX-License-Identifier: MIT
/*
 * net: the built-in default trust. When libjittrust is built with
 * -Ddefault_trust (auto finds the roots, or enabled), jt-builtin-trust.h
 * holds a full blob and an index-only blob of the build machine's Mozilla
 * roots, made by blob/gen-builtin.c, as static const arrays in .rodata.
 * Otherwise both functions report JT_ERR_BLOB_NO_BUILTIN.
 */
#include "jittrust/blob-verify.h"

#include "jittrust/error.h"

#if JT_HAVE_BUILTIN_TRUST
#include "jt-builtin-trust.h"

static int
give(const uint8_t *blob, size_t blob_len, const uint8_t **p, size_t *len)
{
    if (p == NULL || len == NULL)
        return JT_ERR_INVAL;
    *p = blob;
    *len = blob_len;
    return 0;
}

int
jt_builtin_blob(const uint8_t **p, size_t *len)
{
    return give(jt_builtin_full, jt_builtin_full_len, p, len);
}

int
jt_builtin_index(const uint8_t **p, size_t *len)
{
    return give(jt_builtin_idx, jt_builtin_idx_len, p, len);
}

#else

static int
none(const uint8_t **p, size_t *len)
{
    if (p == NULL || len == NULL)
        return JT_ERR_INVAL;
    *p = NULL;
    *len = 0;
    return JT_ERR_BLOB_NO_BUILTIN;
}

int
jt_builtin_blob(const uint8_t **p, size_t *len)
{
    return none(p, len);
}

int
jt_builtin_index(const uint8_t **p, size_t *len)
{
    return none(p, len);
}

#endif
