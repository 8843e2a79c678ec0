// SPDX-License-Identifier: MIT
/*
 * fuzz: jt_der_cert_parse() on arbitrary bytes. On success every span must
 * lie inside the input, the SAN and AIA iterators must end, and every key
 * type is made and printed (with a trivial non-crypto hash: core has none,
 * and the keys' bytes do not matter here, only that making them is safe).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jittrust/der.h"
#include "jittrust/error.h"
#include "jittrust/key.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* FNV-1a spread over |n| output bytes; reads every input byte. */
static void
toy_hash(const uint8_t *p, size_t len, uint8_t *out, size_t n)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 16777619u;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ (uint32_t)i) * 16777619u;
        out[i] = (uint8_t)(h >> 24);
    }
}

static int
toy_sha1(void *ud, const uint8_t *p, size_t len, uint8_t out[20])
{
    (void)ud;
    toy_hash(p, len, out, 20);
    return 0;
}

static int
toy_sha256(void *ud, const uint8_t *p, size_t len, uint8_t out[32])
{
    (void)ud;
    toy_hash(p, len, out, 32);
    return 0;
}

static void
check_span(struct jt_span s, const uint8_t *data, size_t size)
{
    if (s.len == 0)
        return;
    if (s.p < data || s.len > size || s.p + s.len > data + size)
        abort();
}

static void
check_spans(const struct jt_der_cert *c, const uint8_t *data, size_t size)
{
    const struct jt_span spans[] = {
        c->raw,         c->tbs,    c->serial, c->issuer, c->subject,
        c->spki,        c->pubkey, c->skid,   c->akid,   c->akid_issuer,
        c->akid_serial, c->san,    c->aia};

    for (size_t i = 0; i < sizeof(spans) / sizeof(spans[0]); i++)
        check_span(spans[i], data, size);
    if (c->raw.p != data || c->raw.len != size)
        abort();
    if (c->skid.len > JT_DER_KEYID_MAX || c->akid.len > JT_DER_KEYID_MAX)
        abort();
    if (c->version < 1 || c->version > 3)
        abort();
}

static void
walk(const struct jt_der_cert *c, const uint8_t *data, size_t size)
{
    struct jt_der_iter it = {0};
    enum jt_der_gn kind;
    struct jt_span v;
    int rc;

    while ((rc = jt_der_san_next(c, &it, &kind, &v)) == 1) {
        check_span(v, data, size);
        if (kind == JT_DER_GN_IP && v.len != 4 && v.len != 16)
            abort();
    }
    if (rc > 0 || (rc != 0 && (rc > -100 || rc <= -200)))
        abort();
    memset(&it, 0, sizeof(it));
    while ((rc = jt_der_aia_ca_issuers_next(c, &it, &v)) == 1)
        check_span(v, data, size);
    if (rc > 0 || (rc != 0 && (rc > -100 || rc <= -200)))
        abort();
}

static void
keys(const struct jt_der_cert *c)
{
    static const struct jt_hash_ops ops = {toy_sha1, toy_sha256, NULL};
    struct jt_key k[7];
    int rc[7];
    char hex[2 * JT_KEY_MAX + 1];

    rc[0] = jt_key_skid(&k[0], c);
    rc[1] = jt_key_computed(&k[1], c, &ops);
    rc[2] = jt_key_issuer_serial(&k[2], c, &ops);
    rc[3] = jt_key_subject(&k[3], c, &ops);
    rc[4] = jt_key_akid(&k[4], c);
    rc[5] = jt_key_akid_issuer_serial(&k[5], c, &ops);
    rc[6] = jt_key_issuer(&k[6], c, &ops);
    for (int i = 0; i < 7; i++) {
        if (rc[i] != 0) {
            if (k[i].len != 0)
                abort();
            continue;
        }
        if (k[i].len == 0 || k[i].len > JT_KEY_MAX)
            abort();
        if (jt_key_hex(&k[i], 0, hex, sizeof(hex)) != 2 * k[i].len ||
            jt_key_hex(&k[i], 1, hex, sizeof(hex)) <= 0)
            abort();
        if (jt_key_cmp(&k[i], &k[i]) != 0 ||
            jt_key_cmp(&k[i], &k[0]) != -jt_key_cmp(&k[0], &k[i]))
            abort();
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct jt_der_cert c;
    int rc;

    /* libFuzzer may pass NULL for an empty input: parse "" instead. */
    rc = jt_der_cert_parse(&c, size > 0 ? data : (const uint8_t *)"", size);
    if (rc != 0) {
        if (rc > -100 || rc <= -200)
            abort();
        return 0;
    }
    check_spans(&c, data, size);
    walk(&c, data, size);
    keys(&c);
    return 0;
}
