// SPDX-License-Identifier: MIT
/* tests: the failing, counting allocator (see failalloc.h). */
#include "failalloc.h"

#include <stdlib.h>

/* Each block carries its size in front so bytes/peak can be tracked. */
union hdr {
    size_t size;
    max_align_t align;
};

static void *
fa_alloc(void *ud, size_t size)
{
    struct th_failalloc *fa = ud;
    union hdr *h;

    fa->calls++;
    if (fa->fail_at != 0 && fa->calls == fa->fail_at)
        return NULL;
    h = malloc(sizeof(*h) + size);
    if (h == NULL)
        return NULL;
    h->size = size;
    fa->live++;
    fa->bytes += size;
    if (fa->bytes > fa->peak)
        fa->peak = fa->bytes;
    return h + 1;
}

static void
fa_free(void *ud, void *ptr)
{
    struct th_failalloc *fa = ud;
    union hdr *h;

    if (ptr == NULL)
        return;
    h = (union hdr *)ptr - 1;
    fa->live--;
    fa->bytes -= h->size;
    free(h);
}

void
th_failalloc_init(struct th_failalloc *fa, long fail_at)
{
    fa->alloc.alloc = fa_alloc;
    fa->alloc.free = fa_free;
    fa->alloc.ud = fa;
    fa->fail_at = fail_at;
    fa->calls = 0;
    fa->live = 0;
    fa->bytes = 0;
    fa->peak = 0;
}
