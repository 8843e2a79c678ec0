// SPDX-License-Identifier: MIT
/*
 * core: the lookup keys of JIT trust (see key.h), made from parsed
 * certificates with caller-supplied hash ops, compared and printed.
 */
#include "jittrust/key.h"

#include <string.h>

#include "jittrust/error.h"

#include "der-int.h"

#define SHA1_LEN 20
#define SHA256_LEN 32
/* Longest serial in an issuer+serial key. */
#define KEY_SERIAL_MAX (JT_KEY_MAX - SHA256_LEN)

/* Start |k| as an empty key of |type|; JT_ERR_INVAL if |k| or |c| NULL. */
static int
key_start(struct jt_key *k, const struct jt_der_cert *c, int type)
{
    if (k == NULL)
        return JT_ERR_INVAL;
    memset(k, 0, sizeof(*k));
    if (c == NULL)
        return JT_ERR_INVAL;
    k->type = (uint8_t)type;
    return 0;
}

/* Empty |k| again after a failure and pass |rc| on. */
static int
key_fail(struct jt_key *k, int rc)
{
    memset(k, 0, sizeof(*k));
    return rc;
}

/* A key of |type| whose bytes are |s| (1..JT_KEY_MAX bytes). */
static int
key_bytes(struct jt_key *k, const struct jt_der_cert *c, int type,
          const struct jt_span *s)
{
    int rc = key_start(k, c, type);

    if (rc != 0)
        return rc;
    if (s->len == 0 || s->p == NULL)
        return key_fail(k, JT_ERR_NOT_FOUND);
    if (s->len > JT_KEY_MAX)
        return key_fail(k, JT_ERR_TRUST_KEY_TOO_LONG);
    memcpy(k->b, s->p, s->len);
    k->len = (uint8_t)s->len;
    return 0;
}

/* SHA-256 of |name| into |k|->b, then |serial| (may be empty) after it. */
static int
key_hash_name(struct jt_key *k, const struct jt_span *name,
              const struct jt_span *serial, const struct jt_hash_ops *h)
{
    if (h == NULL || h->sha256 == NULL)
        return key_fail(k, JT_ERR_INVAL);
    if (name->len == 0 || name->p == NULL)
        return key_fail(k, JT_ERR_NOT_FOUND);
    if (serial->len > KEY_SERIAL_MAX)
        return key_fail(k, JT_ERR_TRUST_KEY_TOO_LONG);
    if (h->sha256(h->ud, name->p, name->len, k->b) != 0)
        return key_fail(k, JT_ERR_TRUST_HASH);
    if (serial->len != 0)
        memcpy(k->b + SHA256_LEN, serial->p, serial->len);
    k->len = (uint8_t)(SHA256_LEN + serial->len);
    return 0;
}

int
jt_key_skid(struct jt_key *k, const struct jt_der_cert *ca)
{
    return key_bytes(k, ca, JT_KEY_SKID, ca != NULL ? &ca->skid : NULL);
}

int
jt_key_akid(struct jt_key *k, const struct jt_der_cert *child)
{
    return key_bytes(k, child, JT_KEY_SKID,
                     child != NULL ? &child->akid : NULL);
}

int
jt_key_computed(struct jt_key *k, const struct jt_der_cert *ca,
                const struct jt_hash_ops *h)
{
    int rc = key_start(k, ca, JT_KEY_COMPUTED);

    if (rc != 0)
        return rc;
    if (h == NULL || h->sha1 == NULL)
        return key_fail(k, JT_ERR_INVAL);
    if (ca->pubkey.p == NULL)
        return key_fail(k, JT_ERR_NOT_FOUND);
    if (h->sha1(h->ud, ca->pubkey.p, ca->pubkey.len, k->b) != 0)
        return key_fail(k, JT_ERR_TRUST_HASH);
    k->len = SHA1_LEN;
    return 0;
}

int
jt_key_issuer_serial(struct jt_key *k, const struct jt_der_cert *ca,
                     const struct jt_hash_ops *h)
{
    int rc = key_start(k, ca, JT_KEY_ISSUER_SERIAL);

    if (rc != 0)
        return rc;
    if (h == NULL || h->sha256 == NULL)
        return key_fail(k, JT_ERR_INVAL);
    if (ca->serial.len == 0 || ca->serial.p == NULL)
        return key_fail(k, JT_ERR_NOT_FOUND);
    return key_hash_name(k, &ca->issuer, &ca->serial, h);
}

int
jt_key_subject(struct jt_key *k, const struct jt_der_cert *ca,
               const struct jt_hash_ops *h)
{
    static const struct jt_span none = {NULL, 0};
    int rc = key_start(k, ca, JT_KEY_SUBJECT);

    return rc != 0 ? rc : key_hash_name(k, &ca->subject, &none, h);
}

int
jt_key_issuer(struct jt_key *k, const struct jt_der_cert *child,
              const struct jt_hash_ops *h)
{
    static const struct jt_span none = {NULL, 0};
    int rc = key_start(k, child, JT_KEY_SUBJECT);

    return rc != 0 ? rc : key_hash_name(k, &child->issuer, &none, h);
}

/*
 * The Name inside the first directoryName ([4] EXPLICIT Name) of the
 * GeneralNames contents |gns|. 0, JT_ERR_NOT_FOUND or JT_ERR_DER_*.
 */
static int
first_dir_name(const struct jt_span *gns, struct jt_span *name)
{
    struct jti_der_tlv gn, n;
    const uint8_t *p = gns->p, *end = gns->p + gns->len, *q;
    int rc;

    while (p < end) {
        if ((rc = jti_der_next(&p, end, &gn)) != 0)
            return rc;
        if (gn.tag != 0xA4)
            continue;
        q = gn.p;
        if ((rc = jti_der_expect(&q, gn.p + gn.len, JTI_DER_SEQUENCE, &n)) ||
            (rc = jti_der_done(q, gn.p + gn.len)) != 0)
            return rc;
        *name = jti_der_span(&n);
        return 0;
    }
    return JT_ERR_NOT_FOUND;
}

int
jt_key_akid_issuer_serial(struct jt_key *k, const struct jt_der_cert *child,
                          const struct jt_hash_ops *h)
{
    struct jt_span name;
    int rc = key_start(k, child, JT_KEY_ISSUER_SERIAL);

    if (rc != 0)
        return rc;
    if (h == NULL || h->sha256 == NULL)
        return key_fail(k, JT_ERR_INVAL);
    if (child->akid_issuer.p == NULL || child->akid_serial.len == 0 ||
        child->akid_serial.p == NULL)
        return key_fail(k, JT_ERR_NOT_FOUND);
    rc = first_dir_name(&child->akid_issuer, &name);
    if (rc != 0)
        return key_fail(k, rc);
    return key_hash_name(k, &name, &child->akid_serial, h);
}

int
jt_key_cmp(const struct jt_key *a, const struct jt_key *b)
{
    size_t n = a->len < b->len ? a->len : b->len;
    int c;

    if (a->type != b->type)
        return a->type < b->type ? -1 : 1;
    c = memcmp(a->b, b->b, n);
    if (c != 0)
        return c < 0 ? -1 : 1;
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    return 0;
}

/* Append the upper-case hex of |n| bytes at |b| to |out|. */
static char *
hex_bytes(char *out, const uint8_t *b, size_t n)
{
    static const char digits[] = "0123456789ABCDEF";

    for (size_t i = 0; i < n; i++) {
        *out++ = digits[b[i] >> 4];
        *out++ = digits[b[i] & 0x0Fu];
    }
    return out;
}

int
jt_key_hex(const struct jt_key *k, int abbrev, char *buf, size_t cap)
{
    static const char ellipsis[] = "\xE2\x80\xA6"; /* U+2026, UTF-8 */
    int shorten;
    size_t need;
    char *o;

    if (k == NULL || buf == NULL || k->len > JT_KEY_MAX)
        return JT_ERR_INVAL;
    shorten = abbrev && k->len > 8;
    need = shorten ? 8 + sizeof(ellipsis) - 1 : (size_t)2 * k->len;
    if (cap < need + 1) {
        if (cap > 0)
            buf[0] = '\0';
        return JT_ERR_NOSPC;
    }
    if (shorten) {
        o = hex_bytes(buf, k->b, 2);
        memcpy(o, ellipsis, sizeof(ellipsis) - 1);
        o = hex_bytes(o + sizeof(ellipsis) - 1, k->b + k->len - 2, 2);
    } else {
        o = hex_bytes(buf, k->b, k->len);
    }
    *o = '\0';
    return (int)need;
}

const char *
jt_key_type_name(int type)
{
    switch (type) {
    case JT_KEY_SKID:
        return "skid";
    case JT_KEY_COMPUTED:
        return "computed";
    case JT_KEY_ISSUER_SERIAL:
        return "issuer+serial";
    case JT_KEY_SUBJECT:
        return "subject";
    default:
        return "unknown";
    }
}
