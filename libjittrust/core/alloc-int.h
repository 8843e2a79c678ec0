/* SPDX-License-Identifier: MIT */
/*
 * core: internal allocation helpers over struct jt_alloc (NULL = libc).
 * This is the only core file that may name malloc/free.
 */
#ifndef JITTRUST_CORE_ALLOC_INT_H
#define JITTRUST_CORE_ALLOC_INT_H

#include <stddef.h>

#include "jittrust/alloc.h"

/* Allocate |size| (> 0) bytes through |a|; NULL on failure. */
void *jti_alloc(const struct jt_alloc *a, size_t size);

/*
 * Allocate |n| * |size| zeroed bytes through |a|; NULL on failure or when
 * the product overflows.
 */
void *jti_calloc(const struct jt_alloc *a, size_t n, size_t size);

/* Free |ptr| (may be NULL) through |a|. */
void jti_free(const struct jt_alloc *a, void *ptr);

#endif /* JITTRUST_CORE_ALLOC_INT_H */
