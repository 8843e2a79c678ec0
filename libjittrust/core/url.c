// SPDX-License-Identifier: MIT
/*
 * core: absolute http/https URLs and RFC 3986 reference resolution (see
 * url.h). The host goes through jt_host_normalise(); the request target is
 * built in the caller's buffer: the path percent-encoded (bytes >= 0x80
 * only), dot segments removed in place (no recursion, no allocation), then
 * the query. Pure: no allocation, no locale, no libc URL helpers.
 */
#include "jittrust/url.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "jittrust/error.h"

#include "h1-int.h"

static void
set_empty(struct jt_url *u)
{
    memset(&u->host, 0, sizeof(u->host));
    u->target_len = 0;
    if (u->target_cap > 0)
        u->target[0] = '\0';
    u->port = 0;
    u->scheme = 0;
}

void
jt_url_init(struct jt_url *u, char *buf, size_t cap)
{
    u->target = buf;
    u->target_cap = buf != NULL ? cap : 0;
    set_empty(u);
}

uint16_t
jt_url_default_port(int scheme)
{
    if (scheme == JT_URL_HTTP)
        return 80;
    if (scheme == JT_URL_HTTPS)
        return 443;
    return 0;
}

static int
is_alpha(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(uint8_t c)
{
    return c >= '0' && c <= '9';
}

/* Space and control bytes are refused anywhere in a URL. */
static int
check_chars(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        uint8_t c = (uint8_t)s[i];

        if (c <= 0x20 || c == 0x7f)
            return JT_ERR_H1_URL_BAD_CHAR;
    }
    return 0;
}

/*
 * Length of the scheme in "scheme:..." (RFC 3986 3.1: ALPHA *( ALPHA /
 * DIGIT / "+" / "-" / "." ) then ':'), or 0 when |s| starts with none.
 */
static size_t
scheme_len(const char *s, size_t len)
{
    if (len == 0 || !is_alpha((uint8_t)s[0]))
        return 0;
    for (size_t i = 1; i < len; i++) {
        uint8_t c = (uint8_t)s[i];

        if (c == ':')
            return i;
        if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.')
            return 0;
    }
    return 0;
}

/* Append |n| bytes to the target, keeping it NUL-terminated. */
static int
put(struct jt_url *u, const char *s, size_t n)
{
    if (u->target_cap == 0 || n > u->target_cap - 1 - u->target_len)
        return JT_ERR_NOSPC;
    if (n > 0)
        memcpy(u->target + u->target_len, s, n);
    u->target_len += n;
    u->target[u->target_len] = '\0';
    return 0;
}

/* Append |n| bytes, each byte >= 0x80 as "%HH". */
static int
put_encoded(struct jt_url *u, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t i = 0;

    while (i < n) {
        size_t run = i;
        int rc;

        while (run < n && (uint8_t)s[run] < 0x80)
            run++;
        rc = put(u, s + i, run - i);
        if (rc == 0 && run < n) {
            uint8_t c = (uint8_t)s[run];
            char esc[3] = {'%', hex[c >> 4], hex[c & 15]};

            rc = put(u, esc, sizeof(esc));
            run++;
        }
        if (rc != 0)
            return rc;
        i = run;
    }
    return 0;
}

/*
 * RFC 3986 5.2.4 over a path of |len| >= 1 bytes starting with '/', in
 * place; returns the new length (>= 1). The output is a run of "/seg"
 * pieces copied from the input, so the write index never passes the read
 * index; "." drops a segment, ".." also drops the last one written, and
 * either as the final segment leaves a trailing '/'.
 */
static size_t
remove_dots(char *p, size_t len)
{
    size_t r = 0, w = 0;

    while (r < len) {
        size_t s = r + 1, e = s;

        while (e < len && p[e] != '/')
            e++;
        if (e - s == 2 && p[s] == '.' && p[s + 1] == '.') {
            while (w > 0 && p[--w] != '/')
                ;
        } else if (!(e - s == 1 && p[s] == '.')) {
            memmove(p + w, p + r, e - r);
            w += e - r;
            r = e;
            continue;
        }
        if (e == len)
            p[w++] = '/';
        r = e;
    }
    return w;
}

/*
 * Build the target from |dir| (already encoded, may be empty) followed by
 * the reference tail |p| = path [ "?" query ] [ "#" fragment ]: path
 * encoded and merged, dot segments removed, query appended, fragment
 * dropped.
 */
static int
put_tail(struct jt_url *u, const char *dir, size_t dlen, const char *p,
         size_t len)
{
    size_t q = 0, f;
    int rc;

    while (q < len && p[q] != '?' && p[q] != '#')
        q++;
    for (f = q; f < len && p[f] != '#'; f++)
        ;
    u->target_len = 0;
    rc = put(u, dir, dlen);
    if (rc == 0)
        rc = put_encoded(u, p, q);
    if (rc == 0 && u->target_len == 0)
        rc = put(u, "/", 1);
    if (rc != 0)
        return rc;
    u->target_len = remove_dots(u->target, u->target_len);
    u->target[u->target_len] = '\0';
    return put_encoded(u, p + q, f - q);
}

/* ":port", ":" or "" after the host. */
static int
parse_port(struct jt_url *u, const char *p, size_t len)
{
    uint32_t v = 0;

    u->port = jt_url_default_port(u->scheme);
    if (len <= 1)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if (!is_digit((uint8_t)p[i]))
            return JT_ERR_H1_URL_PORT;
        v = v * 10 + (uint32_t)(p[i] - '0');
        if (v > 65535)
            return JT_ERR_H1_URL_PORT;
    }
    if (v == 0)
        return JT_ERR_H1_URL_PORT;
    u->port = (uint16_t)v;
    return 0;
}

/* host [ ":" [ port ] ], |u->scheme| already set. */
static int
parse_authority(struct jt_url *u, const char *p, size_t len)
{
    size_t hlen;
    int rc;

    if (memchr(p, '@', len) != NULL)
        return JT_ERR_H1_URL_USERINFO;
    if (len > 0 && p[0] == '[') {
        const char *rb = memchr(p, ']', len);

        if (rb == NULL)
            return JT_ERR_NET_HOST_BAD_IPV6;
        hlen = (size_t)(rb - p) + 1;
        if (hlen < len && p[hlen] != ':')
            return JT_ERR_H1_URL_PORT;
    } else {
        const char *colon = memchr(p, ':', len);

        hlen = colon != NULL ? (size_t)(colon - p) : len;
    }
    rc = parse_port(u, p + hlen, len - hlen);
    if (rc != 0)
        return rc;
    return jt_host_normalise(p, hlen, &u->host);
}

/* "//" authority tail, |u->scheme| already set. */
static int
parse_net_path(struct jt_url *u, const char *p, size_t len)
{
    size_t a = 2;
    int rc;

    if (len < 2 || p[0] != '/' || p[1] != '/')
        return JT_ERR_H1_URL_SYNTAX;
    while (a < len && p[a] != '/' && p[a] != '?' && p[a] != '#')
        a++;
    rc = parse_authority(u, p + 2, a - 2);
    if (rc != 0)
        return rc;
    return put_tail(u, NULL, 0, p + a, len - a);
}

static int
parse_abs(struct jt_url *u, const char *in, size_t len)
{
    size_t n;
    int rc = check_chars(in, len);

    if (rc != 0)
        return rc;
    n = scheme_len(in, len);
    if (n == 0)
        return JT_ERR_H1_URL_SYNTAX;
    if (jti_h1_ci_eq(in, n, "http"))
        u->scheme = JT_URL_HTTP;
    else if (jti_h1_ci_eq(in, n, "https"))
        u->scheme = JT_URL_HTTPS;
    else
        return JT_ERR_H1_URL_SCHEME;
    return parse_net_path(u, in + n + 1, len - n - 1);
}

int
jt_url_parse(struct jt_url *u, const char *in, size_t len)
{
    int rc;

    if (u == NULL)
        return JT_ERR_INVAL;
    rc = in == NULL ? JT_ERR_INVAL : parse_abs(u, in, len);
    if (rc != 0)
        set_empty(u);
    return rc;
}

static int
resolve(struct jt_url *out, const struct jt_url *base, const char *ref,
        size_t len)
{
    const char *bt = base->target;
    size_t bp = 0, dir = 0;
    int rc = check_chars(ref, len);

    if (rc != 0)
        return rc;
    if (scheme_len(ref, len) > 0)
        return parse_abs(out, ref, len);
    out->scheme = base->scheme;
    if (len >= 2 && ref[0] == '/' && ref[1] == '/')
        return parse_net_path(out, ref, len);
    out->host = base->host;
    out->port = base->port;
    while (bp < base->target_len && bt[bp] != '?')
        bp++;
    if (len == 0 || ref[0] == '#')
        return put_tail(out, bt, bp, bt + bp, base->target_len - bp);
    if (ref[0] == '?')
        return put_tail(out, bt, bp, ref, len);
    if (ref[0] == '/')
        return put_tail(out, NULL, 0, ref, len);
    for (size_t i = 0; i < bp; i++)
        if (bt[i] == '/')
            dir = i + 1;
    return put_tail(out, bt, dir, ref, len);
}

/* 1 when the two buffers share a byte. */
static int
overlap(const char *a, size_t alen, const char *b, size_t blen)
{
    uintptr_t pa = (uintptr_t)a, pb = (uintptr_t)b;

    if (alen == 0 || blen == 0)
        return 0;
    return pa < pb + blen && pb < pa + alen;
}

int
jt_url_resolve(struct jt_url *out, const struct jt_url *base, const char *ref,
               size_t len)
{
    int rc;

    if (out == NULL || out == base)
        return JT_ERR_INVAL;
    if (base == NULL || ref == NULL || base->scheme == 0 ||
        overlap(out->target, out->target_cap, base->target, base->target_cap))
        rc = JT_ERR_INVAL;
    else
        rc = resolve(out, base, ref, len);
    if (rc != 0)
        set_empty(out);
    return rc;
}

int
jt_url_copy(struct jt_url *dst, const struct jt_url *src)
{
    if (dst == NULL || src == NULL || dst == src || src->scheme == 0)
        return JT_ERR_INVAL;
    if (src->target_len >= dst->target_cap) {
        set_empty(dst);
        return JT_ERR_NOSPC;
    }
    memmove(dst->target, src->target, src->target_len);
    dst->target[src->target_len] = '\0';
    dst->target_len = src->target_len;
    dst->host = src->host;
    dst->port = src->port;
    dst->scheme = src->scheme;
    return 0;
}

static void
sink_authority(struct jti_sink *s, const struct jt_url *u)
{
    int v6 = u->host.kind == JT_HOST_IPV6;

    if (v6)
        jti_sink_put(s, "[", 1);
    jti_sink_put(s, u->host.name, u->host.len);
    if (v6)
        jti_sink_put(s, "]", 1);
    if (u->port != jt_url_default_port(u->scheme)) {
        jti_sink_put(s, ":", 1);
        jti_sink_num(s, u->port, 10);
    }
}

/* NUL-terminate |s| and report; JT_ERR_NOSPC when the text did not fit. */
static int
sink_end(struct jti_sink *s, size_t *used)
{
    if (used != NULL)
        *used = s->len;
    if (s->len >= s->cap)
        return JT_ERR_NOSPC;
    s->buf[s->len] = '\0';
    return 0;
}

int
jt_url_authority(const struct jt_url *u, char *buf, size_t cap, size_t *used)
{
    struct jti_sink s = {(uint8_t *)buf, cap, 0};

    if (used != NULL)
        *used = 0;
    if (u == NULL || u->scheme == 0 || (buf == NULL && cap > 0))
        return JT_ERR_INVAL;
    sink_authority(&s, u);
    return sink_end(&s, used);
}

int
jt_url_format(const struct jt_url *u, char *buf, size_t cap, size_t *used)
{
    struct jti_sink s = {(uint8_t *)buf, cap, 0};

    if (used != NULL)
        *used = 0;
    if (u == NULL || u->scheme == 0 || (buf == NULL && cap > 0))
        return JT_ERR_INVAL;
    jti_sink_str(&s, u->scheme == JT_URL_HTTPS ? "https://" : "http://");
    sink_authority(&s, u);
    jti_sink_put(&s, u->target, u->target_len);
    return sink_end(&s, used);
}

int
jt_url_same_origin(const struct jt_url *a, const struct jt_url *b)
{
    if (a == NULL || b == NULL || a->scheme == 0 || b->scheme == 0)
        return 0;
    return a->scheme == b->scheme && a->port == b->port &&
           a->host.len == b->host.len &&
           memcmp(a->host.name, b->host.name, a->host.len) == 0;
}
