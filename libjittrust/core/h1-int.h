/* SPDX-License-Identifier: MIT */
/*
 * core: small text helpers shared by the HTTP/1 codec, the URL parser and
 * the redirect rules (url.c, h1-req.c, h1-resp.c, h1-redirect.c): byte
 * classes from RFC 9110, an ASCII case-insensitive compare, and a bounded
 * output sink that counts what it could not write.
 */
#ifndef JITTRUST_CORE_H1_INT_H
#define JITTRUST_CORE_H1_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* RFC 9110 5.6.2 tchar: "!#$%&'*+-.^_`|~", DIGIT, ALPHA. */
static inline int
jti_h1_is_tchar(uint8_t c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        (c >= '0' && c <= '9'))
        return 1;
    return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* 1 when |s| (|len| bytes) is a non-empty token. */
static inline int
jti_h1_is_token(const char *s, size_t len)
{
    if (len == 0)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!jti_h1_is_tchar((uint8_t)s[i]))
            return 0;
    return 1;
}

/* A byte allowed in a field value: HTAB, SP, VCHAR, obs-text (>= 0x80). */
static inline int
jti_h1_is_field_byte(uint8_t c)
{
    return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static inline uint8_t
jti_h1_lower(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + ('a' - 'A')) : c;
}

/* 1 when |s| (|len| bytes) equals the lower-case literal |lit|, any case. */
static inline int
jti_h1_ci_eq(const char *s, size_t len, const char *lit)
{
    size_t n = strlen(lit);

    if (len != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (jti_h1_lower((uint8_t)s[i]) != (uint8_t)lit[i])
            return 0;
    return 1;
}

/*
 * A bounded writer: bytes that fit are copied, |len| always counts every
 * byte asked for, so after a run len > cap means "did not fit, needs len".
 */
struct jti_sink {
    uint8_t *buf;
    size_t cap;
    size_t len;
};

static inline void
jti_sink_put(struct jti_sink *s, const void *p, size_t n)
{
    if (s->len <= s->cap && n <= s->cap - s->len && n > 0)
        memcpy(s->buf + s->len, p, n);
    s->len = (n > SIZE_MAX - s->len) ? SIZE_MAX : s->len + n;
}

static inline void
jti_sink_str(struct jti_sink *s, const char *str)
{
    jti_sink_put(s, str, strlen(str));
}

/* Append |v| in decimal (base 10) or lower-case hex (base 16). */
static inline void
jti_sink_num(struct jti_sink *s, uint64_t v, unsigned base)
{
    char tmp[20];
    size_t i = sizeof(tmp);

    do {
        tmp[--i] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v != 0);
    jti_sink_put(s, tmp + i, sizeof(tmp) - i);
}

#endif /* JITTRUST_CORE_H1_INT_H */
