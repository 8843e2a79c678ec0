// SPDX-License-Identifier: MIT
/*
 * core: the one host normalisation (see host.h). Lower-cases DNS names,
 * strips one trailing dot, validates LDH labels, parses IPv4 strictly and
 * IPv6 with compression, and prints IP literals canonically. Pure: no
 * allocation, no libc address parsing (inet_aton accepts forms we refuse).
 */
#include "jittrust/host.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "jittrust/error.h"

#define LABEL_MAX 63u

static int
is_digit(uint8_t c)
{
    return c >= '0' && c <= '9';
}

static int
hex_value(uint8_t c)
{
    if (is_digit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/*
 * One decimal IPv4 part of |len| bytes: 1..3 digits, no leading zero
 * unless it is "0", value <= 255. Returns the value or -1.
 */
static int
ipv4_part(const char *s, size_t len)
{
    int v = 0;

    if (len == 0 || len > 3 || (len > 1 && s[0] == '0'))
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (!is_digit((uint8_t)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v <= 255 ? v : -1;
}

/* Strict dotted quad: exactly four parts. Returns 0 or -1. */
static int
parse_ipv4(const char *s, size_t len, uint8_t out[4])
{
    size_t start = 0;
    unsigned part = 0;

    for (size_t i = 0; i <= len; i++) {
        int v;

        if (i < len && s[i] != '.')
            continue;
        if (part == 4)
            return -1;
        v = ipv4_part(s + start, i - start);
        if (v < 0)
            return -1;
        out[part++] = (uint8_t)v;
        start = i + 1;
    }
    return part == 4 ? 0 : -1;
}

/* 1..4 hex digits into |g|. Returns 0 or -1. */
static int
hex_group(const char *s, size_t len, uint16_t *g)
{
    unsigned v = 0;

    if (len == 0 || len > 4)
        return -1;
    for (size_t i = 0; i < len; i++) {
        int h = hex_value((uint8_t)s[i]);

        if (h < 0)
            return -1;
        v = v * 16u + (unsigned)h;
    }
    *g = (uint16_t)v;
    return 0;
}

/*
 * One piece of an IPv6 literal at s[*i]: a hex group, or (last) an IPv4
 * tail worth two groups. Advances *i to the ':' or end after the piece.
 */
static int
ipv6_piece(const char *s, size_t len, size_t *i, uint16_t *g, unsigned *n)
{
    size_t j = *i;
    uint8_t v4[4];

    while (j < len && s[j] != ':')
        j++;
    if (memchr(s + *i, '.', j - *i) == NULL) {
        if (*n >= 8 || hex_group(s + *i, j - *i, &g[*n]) != 0)
            return -1;
        *n += 1;
        *i = j;
        return 0;
    }
    if (j != len || *n > 6 || parse_ipv4(s + *i, j - *i, v4) != 0)
        return -1;
    g[(*n)++] = (uint16_t)(v4[0] << 8 | v4[1]);
    g[(*n)++] = (uint16_t)(v4[2] << 8 | v4[3]);
    *i = j;
    return 0;
}

/*
 * Parse an unbracketed IPv6 literal into |addr|. "::" at most once and
 * standing for at least one group. Returns 0 or -1.
 */
static int
parse_ipv6(const char *s, size_t len, uint8_t addr[16])
{
    uint16_t g[8] = {0};
    unsigned n = 0;
    int dc = -1; /* groups before "::", or -1 */
    size_t i = 0;

    if (len >= 2 && s[0] == ':' && s[1] == ':') {
        dc = 0;
        i = 2;
    }
    while (i < len) {
        if (ipv6_piece(s, len, &i, g, &n) != 0)
            return -1;
        if (i == len)
            break;
        i++; /* the ':' */
        if (i < len && s[i] == ':') {
            if (dc >= 0)
                return -1;
            dc = (int)n;
            i++;
        } else if (i == len) {
            return -1; /* a trailing single ':' */
        }
    }
    if ((dc < 0 && n != 8) || (dc >= 0 && n > 7))
        return -1;
    memset(addr, 0, 16);
    for (unsigned k = 0; k < n; k++) {
        size_t pos = (dc >= 0 && k >= (unsigned)dc) ? k + 8 - n : k;

        addr[2 * pos] = (uint8_t)(g[k] >> 8);
        addr[2 * pos + 1] = (uint8_t)(g[k] & 0xff);
    }
    return 0;
}

/* Append |c| to out->name (caller guarantees room). */
static void
put(struct jt_host *out, char c)
{
    out->name[out->len++] = c;
}

static void
put_hex16(struct jt_host *out, unsigned v)
{
    static const char hex[] = "0123456789abcdef";
    int started = 0;

    for (int shift = 12; shift >= 0; shift -= 4) {
        unsigned d = (v >> (unsigned)shift) & 0xfu;

        if (d != 0 || started || shift == 0) {
            put(out, hex[d]);
            started = 1;
        }
    }
}

static void
put_dec8(struct jt_host *out, unsigned v)
{
    if (v >= 100)
        put(out, (char)('0' + v / 100));
    if (v >= 10)
        put(out, (char)('0' + v / 10 % 10));
    put(out, (char)('0' + v % 10));
}

static void
put_ipv4(struct jt_host *out, const uint8_t *a)
{
    for (int k = 0; k < 4; k++) {
        if (k > 0)
            put(out, '.');
        put_dec8(out, a[k]);
    }
}

/* The longest run of >= 2 zero groups (first on a tie): start, or 8. */
static unsigned
zero_run(const uint16_t *g, unsigned *run_len)
{
    unsigned best = 8, best_len = 1;

    for (unsigned k = 0; k < 8;) {
        unsigned e = k;

        while (e < 8 && g[e] == 0)
            e++;
        if (e - k > best_len) {
            best = k;
            best_len = e - k;
        }
        k = e > k ? e : k + 1;
    }
    *run_len = best_len;
    return best;
}

/* RFC 5952 text of out->addr into out->name. */
static void
format_ipv6(struct jt_host *out)
{
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0,    0,
                                       0, 0, 0, 0, 0xff, 0xff};
    uint16_t g[8];
    unsigned run, run_len;

    out->len = 0;
    if (memcmp(out->addr, mapped, sizeof(mapped)) == 0) {
        memcpy(out->name, "::ffff:", 7);
        out->len = 7;
        put_ipv4(out, out->addr + 12);
        return;
    }
    for (size_t k = 0; k < 8; k++)
        g[k] = (uint16_t)(out->addr[2 * k] << 8 | out->addr[2 * k + 1]);
    run = zero_run(g, &run_len);
    for (unsigned k = 0; k < 8; k++) {
        if (k == run) {
            put(out, ':');
            put(out, ':');
            k += run_len - 1;
            continue;
        }
        if (k > 0 && k != run + run_len)
            put(out, ':');
        put_hex16(out, g[k]);
    }
}

static int
normalise_ipv6(const char *in, size_t len, struct jt_host *out)
{
    if (in[0] == '[') {
        if (len < 2 || in[len - 1] != ']')
            return JT_ERR_NET_HOST_BAD_IPV6;
        in++;
        len -= 2;
    }
    if (len == 0 || parse_ipv6(in, len, out->addr) != 0)
        return JT_ERR_NET_HOST_BAD_IPV6;
    out->kind = JT_HOST_IPV6;
    format_ipv6(out);
    out->name[out->len] = '\0';
    return 0;
}

/* Check one finished label name[start .. end). */
static int
check_label(const char *name, size_t start, size_t end)
{
    if (end == start)
        return JT_ERR_NET_HOST_EMPTY_LABEL;
    if (end - start > LABEL_MAX)
        return JT_ERR_NET_HOST_LABEL_TOO_LONG;
    if (name[start] == '-' || name[end - 1] == '-')
        return JT_ERR_NET_HOST_HYPHEN;
    return 0;
}

/* Lower-case one name byte, or an error code for a bad one. */
static int
name_byte(uint8_t c)
{
    if (c >= 0x80)
        return JT_ERR_NET_HOST_NOT_ASCII;
    if (c >= 'A' && c <= 'Z')
        return c + ('a' - 'A');
    if ((c >= 'a' && c <= 'z') || is_digit(c) || c == '-' || c == '_' ||
        c == '.')
        return c;
    return JT_ERR_NET_HOST_BAD_CHAR;
}

static int
normalise_name(const char *in, size_t len, struct jt_host *out)
{
    size_t label = 0, last = 0;
    int rc;

    if (len > 0 && in[len - 1] == '.')
        len--;
    if (len == 0)
        return JT_ERR_NET_HOST_EMPTY;
    if (len > JT_HOST_MAX)
        return JT_ERR_NET_HOST_TOO_LONG;
    for (size_t i = 0; i <= len; i++) {
        int c = i < len ? name_byte((uint8_t)in[i]) : '.';

        if (c < 0)
            return c;
        if (c == '.') {
            rc = check_label(out->name, label, i);
            if (rc != 0)
                return rc;
            last = label;
            label = i + 1;
        }
        if (i < len)
            out->name[i] = (char)c;
    }
    out->len = (uint8_t)len;
    out->kind = JT_HOST_NAME;
    if (!is_digit((uint8_t)out->name[last]))
        return 0;
    if (parse_ipv4(out->name, len, out->addr) != 0)
        return JT_ERR_NET_HOST_BAD_IPV4;
    out->kind = JT_HOST_IPV4;
    return 0;
}

int
jt_host_normalise(const char *in, size_t len, struct jt_host *out)
{
    int rc;

    if (out == NULL)
        return JT_ERR_INVAL;
    memset(out, 0, sizeof(*out));
    if (in == NULL)
        return JT_ERR_INVAL;
    if (len == 0)
        return JT_ERR_NET_HOST_EMPTY;
    if (in[0] == '[' || memchr(in, ':', len) != NULL)
        rc = normalise_ipv6(in, len, out);
    else
        rc = normalise_name(in, len, out);
    if (rc != 0)
        memset(out, 0, sizeof(*out));
    return rc;
}

int
jt_host_is_ip(const struct jt_host *h)
{
    return h != NULL && (h->kind == JT_HOST_IPV4 || h->kind == JT_HOST_IPV6);
}

const char *
jt_host_sni(const struct jt_host *h)
{
    if (h == NULL || h->kind != JT_HOST_NAME)
        return NULL;
    return h->name;
}
