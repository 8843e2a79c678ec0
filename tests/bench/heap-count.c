// SPDX-License-Identifier: MIT
/* bench: heap accounting by interposing malloc (see heap-count.h). */
#define _GNU_SOURCE
#include "heap-count.h"

#include <errno.h>
#include <malloc.h>
#include <stddef.h>
#include <stdlib.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define HEAP_COUNTED 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) ||     \
    __has_feature(thread_sanitizer)
#define HEAP_COUNTED 0
#endif
#endif
#ifndef HEAP_COUNTED
#define HEAP_COUNTED 1
#endif

static long long live_bytes, peak_bytes;

#if HEAP_COUNTED
/* glibc's allocator under its exported internal names. */
void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t n);
void *__libc_memalign(size_t al, size_t n);
void __libc_free(void *p);

static void
add(long long d)
{
    long long now = __atomic_add_fetch(&live_bytes, d, __ATOMIC_RELAXED);
    long long pk = __atomic_load_n(&peak_bytes, __ATOMIC_RELAXED);

    while (now > pk &&
           !__atomic_compare_exchange_n(&peak_bytes, &pk, now, 1,
                                        __ATOMIC_RELAXED, __ATOMIC_RELAXED))
        ;
}

static void *
counted(void *p)
{
    if (p != NULL)
        add((long long)malloc_usable_size(p));
    return p;
}

void *
malloc(size_t n)
{
    return counted(__libc_malloc(n));
}

void *
calloc(size_t n, size_t size)
{
    return counted(__libc_calloc(n, size));
}

void *
realloc(void *p, size_t n)
{
    long long old = p != NULL ? (long long)malloc_usable_size(p) : 0;
    void *q = __libc_realloc(p, n);

    if (q != NULL)
        add((long long)malloc_usable_size(q) - old);
    else if (n == 0) /* glibc: realloc(p, 0) frees p */
        add(-old);
    return q;
}

void
free(void *p)
{
    if (p != NULL)
        add(-(long long)malloc_usable_size(p));
    __libc_free(p);
}

void *
memalign(size_t al, size_t n)
{
    return counted(__libc_memalign(al, n));
}

void *
aligned_alloc(size_t al, size_t n)
{
    return counted(__libc_memalign(al, n));
}

int
posix_memalign(void **out, size_t al, size_t n)
{
    void *p;

    if (al < sizeof(void *) || (al & (al - 1)) != 0)
        return EINVAL;
    p = counted(__libc_memalign(al, n));
    if (p == NULL)
        return ENOMEM;
    *out = p;
    return 0;
}
#endif /* HEAP_COUNTED */

int
bh_counted(void)
{
    return HEAP_COUNTED;
}

long long
bh_live(void)
{
    return __atomic_load_n(&live_bytes, __ATOMIC_RELAXED);
}

long long
bh_peak(void)
{
    return __atomic_load_n(&peak_bytes, __ATOMIC_RELAXED);
}

long long
bh_open(void)
{
    long long live = bh_live();

    __atomic_store_n(&peak_bytes, live, __ATOMIC_RELAXED);
    return live;
}

long long
bh_close(long long base)
{
    return HEAP_COUNTED ? bh_peak() - base : -1;
}

long long
bh_held(long long base)
{
    return HEAP_COUNTED ? bh_live() - base : -1;
}
