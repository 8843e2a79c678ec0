// SPDX-License-Identifier: MIT
/*
 * core: the strict DER cursor (see der-int.h): element headers, the
 * primitive types certificates are made of (INTEGER, BOOLEAN, BIT STRING,
 * OBJECT IDENTIFIER, UTCTime, GeneralizedTime) and the time arithmetic.
 * Bounded by the caller's end pointer everywhere; no allocation.
 */
#include "der-int.h"

#include <limits.h>
#include <string.h>

#include "jittrust/error.h"

/* Read a long-form length of |n| octets (1..4) at *p into |*len|. */
static int
long_length(const uint8_t **p, const uint8_t *end, unsigned n, size_t *len)
{
    size_t v = 0;

    if (n == 0 || n > 4) /* indefinite (0x80), or over 4 GiB / 0xFF */
        return JT_ERR_DER_BAD_LENGTH;
    if ((size_t)(end - *p) < n)
        return JT_ERR_DER_TRUNCATED;
    if ((*p)[0] == 0) /* a leading zero octet: not minimal */
        return JT_ERR_DER_BAD_LENGTH;
    for (unsigned i = 0; i < n; i++)
        v = (v << 8) | (*p)[i];
    *p += n;
    if (v < 0x80) /* fits the short form */
        return JT_ERR_DER_BAD_LENGTH;
    *len = v;
    return 0;
}

int
jti_der_next(const uint8_t **p, const uint8_t *end, struct jti_der_tlv *t)
{
    const uint8_t *q = *p;
    size_t len;
    int rc;

    if (q >= end)
        return JT_ERR_DER_TRUNCATED;
    t->hdr = q;
    t->tag = *q++;
    if ((t->tag & 0x1Fu) == 0x1Fu)
        return JT_ERR_DER_TAG_NUMBER;
    if (q >= end)
        return JT_ERR_DER_TRUNCATED;
    len = *q++;
    if (len & 0x80u) {
        rc = long_length(&q, end, (unsigned)(len & 0x7Fu), &len);
        if (rc != 0)
            return rc;
    }
    if (len > (size_t)(end - q))
        return JT_ERR_DER_TRUNCATED;
    t->p = q;
    t->len = len;
    *p = q + len;
    return 0;
}

int
jti_der_expect(const uint8_t **p, const uint8_t *end, uint8_t tag,
               struct jti_der_tlv *t)
{
    int rc = jti_der_next(p, end, t);

    if (rc != 0)
        return rc;
    return t->tag == tag ? 0 : JT_ERR_DER_BAD_TAG;
}

int
jti_der_peek(const uint8_t *p, const uint8_t *end)
{
    return p < end ? *p : -1;
}

int
jti_der_done(const uint8_t *p, const uint8_t *end)
{
    return p == end ? 0 : JT_ERR_DER_TRAILING;
}

struct jt_span
jti_der_span(const struct jti_der_tlv *t)
{
    struct jt_span s;

    s.p = t->hdr;
    s.len = (size_t)(t->p - t->hdr) + t->len;
    return s;
}

struct jt_span
jti_der_body(const struct jti_der_tlv *t)
{
    struct jt_span s;

    s.p = t->p;
    s.len = t->len;
    return s;
}

int
jti_der_integer(const struct jti_der_tlv *t, size_t max)
{
    if (t->len == 0 || t->len > max)
        return JT_ERR_DER_BAD_INTEGER;
    if (t->len >= 2) {
        uint8_t a = t->p[0], b = t->p[1] & 0x80u;

        if ((a == 0x00 && b == 0) || (a == 0xFF && b != 0))
            return JT_ERR_DER_BAD_INTEGER;
    }
    return 0;
}

int
jti_der_uint(const struct jti_der_tlv *t, int *v)
{
    unsigned long acc = 0;
    int rc = jti_der_integer(t, 8);

    if (rc != 0)
        return rc;
    if (t->p[0] & 0x80u)
        return JT_ERR_DER_BAD_EXT;
    for (size_t i = 0; i < t->len; i++) {
        acc = (acc << 8) | t->p[i];
        if (acc > (unsigned long)INT_MAX)
            return JT_ERR_DER_BAD_EXT;
    }
    *v = (int)acc;
    return 0;
}

int
jti_der_boolean(const struct jti_der_tlv *t, int *v)
{
    if (t->len != 1 || (t->p[0] != 0x00 && t->p[0] != 0xFF))
        return JT_ERR_DER_BAD_BOOLEAN;
    *v = t->p[0] == 0xFF;
    return 0;
}

int
jti_der_bitstring(const struct jti_der_tlv *t, struct jt_span *bits)
{
    unsigned unused;

    if (t->len == 0)
        return JT_ERR_DER_BAD_BITSTRING;
    unused = t->p[0];
    if (unused > 7 || (unused != 0 && t->len == 1))
        return JT_ERR_DER_BAD_BITSTRING;
    if (unused != 0 && (t->p[t->len - 1] & ((1u << unused) - 1u)) != 0)
        return JT_ERR_DER_BAD_BITSTRING;
    bits->p = t->p + 1;
    bits->len = t->len - 1;
    return 0;
}

int
jti_der_oid(const struct jti_der_tlv *t)
{
    int start = 1; /* at the first octet of a subidentifier */

    if (t->len == 0 || (t->p[t->len - 1] & 0x80u))
        return JT_ERR_DER_BAD_OID;
    for (size_t i = 0; i < t->len; i++) {
        if (start && t->p[i] == 0x80)
            return JT_ERR_DER_BAD_OID;
        start = !(t->p[i] & 0x80u);
    }
    return 0;
}

int
jti_der_eq(const struct jti_der_tlv *t, const uint8_t *b, size_t len)
{
    return t->len == len && memcmp(t->p, b, len) == 0;
}

/* |n| decimal digits at |s| into |*v|; 0, or -1 on a non-digit. */
static int
digits(const uint8_t *s, unsigned n, int *v)
{
    int acc = 0;

    for (unsigned i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        acc = acc * 10 + (s[i] - '0');
    }
    *v = acc;
    return 0;
}

static int
leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to |y|-|m|-|d| (proleptic Gregorian). */
static int64_t
days_from_civil(int y, int m, int d)
{
    int64_t yy = y - (m <= 2);
    int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
    int64_t yoe = yy - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468;
}

int
jti_der_time(const struct jti_der_tlv *t, int64_t *secs)
{
    static const uint8_t mdays[12] = {31, 28, 31, 30, 31, 30,
                                      31, 31, 30, 31, 30, 31};
    int y, mo, d, h, mi, s;
    unsigned yl;
    const uint8_t *q = t->p;

    if (t->tag != JTI_DER_UTC_TIME && t->tag != JTI_DER_GEN_TIME)
        return JT_ERR_DER_BAD_TAG;
    yl = t->tag == JTI_DER_UTC_TIME ? 2 : 4;
    if (t->len != yl + 11 || q[yl + 10] != 'Z')
        return JT_ERR_DER_BAD_TIME;
    if (digits(q, yl, &y) || digits(q + yl, 2, &mo) ||
        digits(q + yl + 2, 2, &d) || digits(q + yl + 4, 2, &h) ||
        digits(q + yl + 6, 2, &mi) || digits(q + yl + 8, 2, &s))
        return JT_ERR_DER_BAD_TIME;
    if (yl == 2)
        y += y >= 50 ? 1900 : 2000;
    if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59)
        return JT_ERR_DER_BAD_TIME;
    if (d > mdays[mo - 1] + (mo == 2 && leap(y)))
        return JT_ERR_DER_BAD_TIME;
    *secs = days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 +
            (int64_t)mi * 60 + s;
    return 0;
}
