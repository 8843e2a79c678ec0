// SPDX-License-Identifier: MIT
/*
 * jt-blob (tool layer): distinguished names as text, "C=US, O=Org, CN=Name"
 * in DER order with OpenSSL's short attribute names, read straight from the
 * Name DER (mbedTLS 2.28 cannot parse every CA, e.g. one with
 * nameConstraints). Used for webroot names, index.json and lookup output.
 */
#include "bg.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *der; /* OID contents */
    size_t len;
    const char *name;
} oids[] = {
    {"\x55\x04\x03", 3, "CN"},
    {"\x55\x04\x06", 3, "C"},
    {"\x55\x04\x07", 3, "L"},
    {"\x55\x04\x08", 3, "ST"},
    {"\x55\x04\x09", 3, "street"},
    {"\x55\x04\x0a", 3, "O"},
    {"\x55\x04\x0b", 3, "OU"},
    {"\x55\x04\x05", 3, "serialNumber"},
    {"\x55\x04\x0f", 3, "businessCategory"},
    {"\x55\x04\x11", 3, "postalCode"},
    {"\x55\x04\x2e", 3, "dnQualifier"},
    {"\x55\x04\x61", 3, "organizationIdentifier"},
    {"\x2a\x86\x48\x86\xf7\x0d\x01\x09\x01", 9, "emailAddress"},
    {"\x09\x92\x26\x89\x93\xf2\x2c\x64\x01\x19", 10, "DC"},
    {"\x09\x92\x26\x89\x93\xf2\x2c\x64\x01\x01", 10, "UID"},
};

/* Read one TLV at *p (< end): tag, contents. 0 or -1. */
static int
tlv(const uint8_t **p, const uint8_t *end, unsigned *tag, const uint8_t **c,
    size_t *len)
{
    size_t n, k;

    if (end - *p < 2)
        return -1;
    *tag = (*p)[0];
    n = (*p)[1];
    *p += 2;
    if (n & 0x80) {
        k = n & 0x7f;
        if (k == 0 || k > 3 || (size_t)(end - *p) < k)
            return -1;
        for (n = 0; k > 0; k--)
            n = n << 8 | *(*p)++;
    }
    if ((size_t)(end - *p) < n)
        return -1;
    *c = *p;
    *len = n;
    *p += n;
    return 0;
}

struct out {
    char *b;
    size_t cap, n;
};

static void
put(struct out *o, const char *s, size_t len)
{
    for (size_t i = 0; i < len && o->n + 1 < o->cap; i++)
        o->b[o->n++] = s[i];
    o->b[o->n] = 0;
}

static void
put_oid(struct out *o, const uint8_t *p, size_t len)
{
    char num[48];
    unsigned long v = 0;
    int first = 1;

    for (size_t i = 0; i < sizeof(oids) / sizeof(oids[0]); i++)
        if (oids[i].len == len && memcmp(oids[i].der, p, len) == 0) {
            put(o, oids[i].name, strlen(oids[i].name));
            return;
        }
    for (size_t i = 0; i < len; i++) {
        v = v << 7 | (p[i] & 0x7fu);
        if (p[i] & 0x80)
            continue;
        if (first)
            snprintf(num, sizeof(num), "%lu.%lu", v < 80 ? v / 40 : 2,
                     v < 80 ? v % 40 : v - 80);
        else
            snprintf(num, sizeof(num), ".%lu", v);
        put(o, num, strlen(num));
        first = 0;
        v = 0;
    }
}

/* A string value: bytes as they are (UTF-8 and the 8-bit types), BMP as
 * UTF-8; control bytes become '?'. */
static void
put_value(struct out *o, unsigned tag, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned c = p[i];
        char u[3];
        if (tag == 0x1e) { /* BMPString */
            if (i + 1 >= len)
                break;
            c = (unsigned)p[i] << 8 | p[i + 1];
            i++;
            if (c >= 0x80) {
                int n = c < 0x800 ? 2 : 3;
                u[0] = (char)(n == 2 ? 0xc0 | c >> 6 : 0xe0 | c >> 12);
                u[1] = (char)(n == 2 ? 0x80 | (c & 0x3f)
                                     : 0x80 | ((c >> 6) & 0x3f));
                u[2] = (char)(0x80 | (c & 0x3f));
                put(o, u, (size_t)n);
                continue;
            }
        }
        u[0] = (char)(c < 0x20 || c == 0x7f ? '?' : c);
        put(o, u, 1);
    }
}

int
bg_dn_text(struct jt_span name, char *buf, size_t cap)
{
    struct out o = {buf, cap, 0};
    const uint8_t *p = name.p, *end = name.p + name.len, *c, *rdn, *ava, *v;
    size_t len, rl, al, vl, ol;
    unsigned tag;

    if (cap == 0)
        return -1;
    buf[0] = 0;
    if (name.len == 0 || tlv(&p, end, &tag, &c, &len) != 0 || tag != 0x30)
        return -1;
    for (p = c, end = c + len; p < end;) {
        if (tlv(&p, end, &tag, &rdn, &rl) != 0 || tag != 0x31)
            return -1;
        for (const uint8_t *q = rdn; q < rdn + rl;) {
            if (tlv(&q, rdn + rl, &tag, &ava, &al) != 0 || tag != 0x30)
                return -1;
            const uint8_t *a = ava, *oid;
            if (tlv(&a, ava + al, &tag, &oid, &ol) != 0 || tag != 0x06 ||
                tlv(&a, ava + al, &tag, &v, &vl) != 0)
                return -1;
            if (o.n > 0)
                put(&o, ", ", 2);
            put_oid(&o, oid, ol);
            put(&o, "=", 1);
            put_value(&o, tag, v, vl);
        }
    }
    return 0;
}
