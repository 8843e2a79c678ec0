/* SPDX-License-Identifier: MIT */
/*
 * tests: an allocator that fails the nth allocation and counts what is
 * live, so a test can walk every allocation failure of an API and check
 * that each returns cleanly and leaks nothing.
 */
#ifndef JT_TEST_FAILALLOC_H
#define JT_TEST_FAILALLOC_H

#include <stddef.h>

#include "jittrust/alloc.h"

struct th_failalloc {
    struct jt_alloc alloc; /* pass &fa.alloc to the API under test */
    long fail_at;          /* 1-based call to fail; 0 = never */
    long calls;            /* allocations attempted so far */
    long live;             /* allocations not yet freed */
    size_t bytes;          /* bytes currently allocated */
    size_t peak;           /* most bytes allocated at once */
};

/* Reset |fa| to fail the |fail_at|th allocation (0: never fail). */
void th_failalloc_init(struct th_failalloc *fa, long fail_at);

#endif /* JT_TEST_FAILALLOC_H */
