// SPDX-License-Identifier: MIT
/*
 * fuzz: the HTTP/1 response parser (jt_h1_resp_*). Input: 4 bytes of
 * set-up (flags: HEAD request, clean close, small caps, one-byte feeding;
 * a seed for the split sizes), then the bytes a server sent, which may hold
 * several responses back to back (keep-alive: begin again after each).
 * Properties: the parser never crashes or loops; feeding in pieces of
 * random sizes (or one byte at a time) gives exactly the one-shot events
 * (hashed), results, consumed counts and keep-alive verdicts; callback
 * strings are NUL-terminated at their length; body bytes never pass
 * max_body; a complete Content-Length body has exactly its length; a
 * reusable connection implies a complete response.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jittrust/error.h"
#include "jittrust/h1.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_RESPONSES 4

struct trace {
    uint64_t hash;
    uint64_t body; /* body bytes of the current response */
    uint64_t max_body;
    int in_body;
};

struct outcome {
    uint64_t hash;
    int rc[MAX_RESPONSES];
    size_t consumed[MAX_RESPONSES];
    int keep_alive[MAX_RESPONSES];
    int n;
};

static void
die(const char *what)
{
    fprintf(stderr, "fuzz-h1: %s\n", what);
    abort();
}

static void
mix(struct trace *t, const void *p, size_t n)
{
    const uint8_t *b = p;

    for (size_t i = 0; i < n; i++) {
        t->hash ^= b[i];
        t->hash *= 0x100000001b3ull;
    }
}

static void
event(struct trace *t, char tag, const char *s, size_t len)
{
    if (s != NULL && strlen(s) != len)
        die("callback string not NUL-terminated at its length");
    t->in_body = 0;
    mix(t, &tag, 1);
    mix(t, &len, sizeof(len));
    if (s != NULL)
        mix(t, s, len);
}

static int
on_status(void *ud, int status, int version, const char *reason, size_t len)
{
    struct trace *t = ud;

    if (status < 200 || status > 999 || (version != 0 && version != 1))
        die("bad status or version delivered");
    mix(t, &status, sizeof(status));
    mix(t, &version, sizeof(version));
    event(t, 'S', reason, len);
    return 0;
}

static int
on_header(void *ud, const char *n, size_t nl, const char *v, size_t vl)
{
    if (nl == 0)
        die("empty header name");
    event(ud, 'H', n, nl);
    event(ud, 'V', v, vl);
    return 0;
}

static int
on_trailer(void *ud, const char *n, size_t nl, const char *v, size_t vl)
{
    event(ud, 'T', n, nl);
    event(ud, 'V', v, vl);
    return 0;
}

static int
on_headers_done(void *ud, const struct jt_h1_resp_info *i)
{
    struct trace *t = ud;

    event(t, 'D', NULL, 0);
    mix(t, i, sizeof(*i));
    t->body = 0;
    return 0;
}

static int
on_body(void *ud, const uint8_t *data, size_t len)
{
    struct trace *t = ud;

    if (len == 0)
        die("empty body piece");
    if (!t->in_body)
        event(t, 'B', NULL, 0);
    t->in_body = 1;
    t->body += len;
    if (t->max_body != 0 && t->body > t->max_body)
        die("body passed max_body");
    mix(t, data, len); /* piece boundaries are not hashed */
    return 0;
}

static int
on_complete(void *ud)
{
    event(ud, 'C', NULL, 0);
    return 0;
}

static const struct jt_h1_resp_cb cbs = {
    on_status, on_header, on_headers_done, on_body, on_trailer, on_complete,
};

/* Piece size: 0 = everything, else 1 or a PRNG step. */
static size_t
piece(uint32_t *seed, int mode, size_t left)
{
    if (mode == 0)
        return left;
    if (mode == 1)
        return 1;
    *seed = *seed * 1103515245u + 12345u;
    return 1 + (size_t)((*seed >> 16) % (left < 64 ? left : 64));
}

static void
check_done(const struct jt_h1_resp *r, const struct trace *t, int rc)
{
    const struct jt_h1_resp_info *i = jt_h1_resp_info(r);

    if (jt_h1_resp_keep_alive(r) && !jt_h1_resp_done(r))
        die("reusable but not complete");
    if (rc == 0 && i->body == JT_H1_BODY_LENGTH && t->body != i->content_length)
        die("Content-Length body of another length completed");
    if (rc == 0 && i->body == JT_H1_BODY_NONE && t->body != 0)
        die("body bytes for a body-less response");
}

static void
run(const uint8_t *cfg, const uint8_t *in, size_t len, int mode,
    struct outcome *o)
{
    static char buf[4096];
    struct trace t = {0xcbf29ce484222325ull, 0, 0, 0};
    struct jt_h1_resp_opts opts = {buf, sizeof(buf), 0, 0, 0, &cbs, &t};
    struct jt_h1_resp r;
    uint32_t seed =
        (uint32_t)cfg[1] | (uint32_t)cfg[2] << 8 | (uint32_t)cfg[3] << 16;
    size_t off = 0;

    if (cfg[0] & 4) { /* small caps, derived from the seed */
        opts.buf_size = 32 + cfg[1] % 64;
        opts.max_head = 64 + cfg[2];
        opts.max_headers = 1 + cfg[3] % 8;
        opts.max_body = 1 + cfg[1] % 128;
        t.max_body = opts.max_body;
    }
    memset(o, 0, sizeof(*o));
    if (jt_h1_resp_setup(&r, &opts) != 0)
        die("setup failed");
    for (o->n = 0; o->n < MAX_RESPONSES; o->n++) {
        int rc = JT_ERR_WANT_READ;
        size_t start = off;

        jt_h1_resp_begin(&r, (cfg[0] & 1) ? "HEAD" : "GET");
        t.body = 0;
        while (off < len && rc == JT_ERR_WANT_READ) {
            size_t used = 0;

            rc = jt_h1_resp_feed(&r, in + off, piece(&seed, mode, len - off),
                                 &used);
            off += used;
        }
        if (rc == JT_ERR_WANT_READ)
            rc = jt_h1_resp_finish(&r, (cfg[0] & 2) != 0);
        check_done(&r, &t, rc);
        o->rc[o->n] = rc;
        o->consumed[o->n] = off - start;
        o->keep_alive[o->n] = jt_h1_resp_keep_alive(&r);
        if (rc != 0 || off >= len)
            break;
    }
    o->hash = t.hash;
}

static int
same(const struct outcome *a, const struct outcome *b)
{
    if (a->hash != b->hash || a->n != b->n)
        return 0;
    for (int i = 0; i < MAX_RESPONSES; i++)
        if (a->rc[i] != b->rc[i] || a->consumed[i] != b->consumed[i] ||
            a->keep_alive[i] != b->keep_alive[i])
            return 0;
    return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct outcome one, split;

    if (size < 4)
        return 0;
    run(data, data + 4, size - 4, 0, &one);
    run(data, data + 4, size - 4, (data[0] & 8) ? 1 : 2, &split);
    if (!same(&one, &split)) {
        fprintf(stderr,
                "one-shot: n %d rc %d consumed %zu; split: n %d "
                "rc %d consumed %zu\n",
                one.n, one.rc[0], one.consumed[0], split.n, split.rc[0],
                split.consumed[0]);
        die("split feeding differs from one-shot feeding");
    }
    return 0;
}
