// SPDX-License-Identifier: MIT
/*
 * core: the default (libc) allocator and the helpers every core object uses
 * to reach the injected one.
 */
#include "alloc-int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void *
jti_alloc(const struct jt_alloc *a, size_t size)
{
    if (size == 0)
        return NULL;
    if (a == NULL)
        return malloc(size);
    return a->alloc(a->ud, size);
}

void *
jti_calloc(const struct jt_alloc *a, size_t n, size_t size)
{
    void *p;

    if (n != 0 && size > SIZE_MAX / n)
        return NULL;
    p = jti_alloc(a, n * size);
    if (p != NULL)
        memset(p, 0, n * size);
    return p;
}

void
jti_free(const struct jt_alloc *a, void *ptr)
{
    if (ptr == NULL)
        return;
    if (a == NULL)
        free(ptr);
    else
        a->free(a->ud, ptr);
}
