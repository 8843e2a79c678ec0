/* SPDX-License-Identifier: MIT */
/*
 * The injected allocator.
 *
 * Core code never calls malloc directly: objects that allocate take a
 * const struct jt_alloc *, where NULL means the C library's malloc/free.
 * Tests pass an allocator that fails the nth call to prove every error path.
 */
#ifndef JITTRUST_ALLOC_H
#define JITTRUST_ALLOC_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * An allocator. alloc() returns NULL on failure (never for size 0: callers
 * do not ask for 0 bytes). free() accepts NULL. |ud| is passed back as is.
 * The struct must outlive every object created with it.
 */
struct jt_alloc {
    void *(*alloc)(void *ud, size_t size);
    void (*free)(void *ud, void *ptr);
    void *ud;
};

#ifdef __cplusplus
}
#endif

#endif /* JITTRUST_ALLOC_H */
