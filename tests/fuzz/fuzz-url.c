// SPDX-License-Identifier: MIT
/*
 * fuzz: jt_url_parse and jt_url_resolve. Input: one byte that picks where
 * the base URL ends and a target buffer size, then base and reference.
 * Properties, for every URL produced: the target starts with '/', holds no
 * space, control or non-ASCII byte and no "." or ".." path segment; the
 * canonical form (jt_url_format) parses back to the same URL, which is its
 * own origin; resolving the canonical form against any base gives it back;
 * a smaller target buffer gives the same result or JT_ERR_NOSPC, never
 * another URL; a failure leaves the URL empty.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jittrust/error.h"
#include "jittrust/url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CAP 4096

static void
die(const char *what, const char *a, size_t alen)
{
    fprintf(stderr, "fuzz-url: %s for \"%.*s\"\n", what, (int)alen, a);
    abort();
}

static int
equal(const struct jt_url *a, const struct jt_url *b)
{
    return a->scheme == b->scheme && a->port == b->port &&
           memcmp(&a->host, &b->host, sizeof(a->host)) == 0 &&
           a->target_len == b->target_len &&
           memcmp(a->target, b->target, a->target_len) == 0;
}

/* The shape every produced target has. */
static void
check_target(const struct jt_url *u, const char *in, size_t len)
{
    const char *t = u->target;
    size_t plen = 0;

    if (u->target_len == 0 || t[0] != '/' || strlen(t) != u->target_len)
        die("target empty, not '/'-rooted or not NUL-ended", in, len);
    for (size_t i = 0; i < u->target_len; i++)
        if ((uint8_t)t[i] <= 0x20 || (uint8_t)t[i] >= 0x7f || t[i] == '#')
            die("space, control, '#' or non-ASCII byte in target", in, len);
    while (plen < u->target_len && t[plen] != '?')
        plen++;
    for (size_t s = 0; s < plen;) {
        size_t e = s + 1;

        while (e < plen && t[e] != '/')
            e++;
        if ((e - s == 2 && t[s + 1] == '.') ||
            (e - s == 3 && t[s + 1] == '.' && t[s + 2] == '.'))
            die("dot segment left in path", in, len);
        s = e;
    }
    if (u->port == 0 || (u->scheme != JT_URL_HTTP && u->scheme != JT_URL_HTTPS))
        die("bad port or scheme", in, len);
}

/* Canonical form: reparses, resolves to itself, same origin. */
static void
check_url(const struct jt_url *u, const struct jt_url *base, const char *in,
          size_t len)
{
    static char b1[CAP], b2[CAP], text[CAP + 300];
    struct jt_url again, res;
    size_t used = 0;

    check_target(u, in, len);
    if (jt_url_format(u, text, sizeof(text), &used) != 0 ||
        strlen(text) != used)
        die("format failed", in, len);
    jt_url_init(&again, b1, sizeof(b1));
    if (jt_url_parse(&again, text, used) != 0 || !equal(u, &again))
        die("canonical form does not parse back", text, used);
    if (!jt_url_same_origin(u, &again))
        die("not its own origin", text, used);
    jt_url_init(&res, b2, sizeof(b2));
    if (base != NULL &&
        (jt_url_resolve(&res, base, text, used) != 0 || !equal(u, &res)))
        die("absolute reference does not resolve to itself", text, used);
}

static void
check_empty(const struct jt_url *u, const char *in, size_t len)
{
    if (u->scheme != 0 || u->target_len != 0 || u->host.len != 0 ||
        (u->target_cap > 0 && u->target[0] != '\0'))
        die("failure left a non-empty URL", in, len);
}

/* A smaller buffer: same result, or JT_ERR_NOSPC. */
static void
check_small(const struct jt_url *big, int big_rc, int small_rc,
            const struct jt_url *small, const char *in, size_t len)
{
    if (small_rc == JT_ERR_NOSPC) {
        check_empty(small, in, len);
        return;
    }
    if (small_rc != big_rc || (small_rc == 0 && !equal(big, small)))
        die("small buffer changed the result", in, len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char bb[CAP], ub[CAP], sb[CAP];
    struct jt_url base, u, small;
    const char *in = (const char *)data + 1;
    size_t len, cut, scap;
    int rc, src;

    if (size < 1 || size > CAP / 2)
        return 0;
    len = size - 1;
    cut = len > 0 ? data[0] % (len + 1) : 0;
    scap = data[0] % 48;
    /* the whole input as one URL, with a big and a small buffer */
    jt_url_init(&u, ub, sizeof(ub));
    jt_url_init(&small, sb, scap);
    rc = jt_url_parse(&u, in, len);
    src = jt_url_parse(&small, in, len);
    if (rc != 0)
        check_empty(&u, in, len);
    else
        check_url(&u, NULL, in, len);
    check_small(&u, rc, src, &small, in, len);
    /* base = in[0..cut), reference = the rest */
    jt_url_init(&base, bb, sizeof(bb));
    if (jt_url_parse(&base, in, cut) != 0)
        return 0;
    check_url(&base, &base, in, cut);
    jt_url_init(&u, ub, sizeof(ub));
    jt_url_init(&small, sb, scap);
    rc = jt_url_resolve(&u, &base, in + cut, len - cut);
    src = jt_url_resolve(&small, &base, in + cut, len - cut);
    if (rc != 0)
        check_empty(&u, in + cut, len - cut);
    else
        check_url(&u, &base, in + cut, len - cut);
    check_small(&u, rc, src, &small, in + cut, len - cut);
    return 0;
}
