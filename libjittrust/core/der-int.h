/* SPDX-License-Identifier: MIT */
/*
 * core: the strict DER cursor shared by the core parsers (certificates in
 * der.c, and any other component that reads DER, such as the blob reader).
 *
 * A cursor is a pair (p, end). jti_der_next() reads one whole element at
 * *p: a single-octet tag (the high tag number form is refused), a definite
 * length in its minimal form that fits before |end|, and moves *p past the
 * element. The element's contents are then walked with their own cursor
 * (t.p, t.p + t.len), and every level ends with jti_der_done() ("consumed
 * exactly"). Nothing allocates and nothing recurses.
 */
#ifndef JITTRUST_CORE_DER_INT_H
#define JITTRUST_CORE_DER_INT_H

#include <stddef.h>
#include <stdint.h>

#include "jittrust/der.h"

/* Universal tags and the context-specific forms this code meets. */
#define JTI_DER_BOOLEAN 0x01u
#define JTI_DER_INTEGER 0x02u
#define JTI_DER_BIT_STRING 0x03u
#define JTI_DER_OCTET_STRING 0x04u
#define JTI_DER_NULL 0x05u
#define JTI_DER_OID 0x06u
#define JTI_DER_UTC_TIME 0x17u
#define JTI_DER_GEN_TIME 0x18u
#define JTI_DER_SEQUENCE 0x30u
#define JTI_DER_SET 0x31u
#define JTI_DER_CONTEXT 0x80u     /* class bits 10 */
#define JTI_DER_CONSTRUCTED 0x20u /* constructed bit */
#define JTI_DER_CLASS_MASK 0xC0u

/* One element read by jti_der_next(). */
struct jti_der_tlv {
    const uint8_t *hdr; /* first octet of the element (its tag) */
    const uint8_t *p;   /* first octet of its contents */
    size_t len;         /* contents length */
    uint8_t tag;
};

/*
 * jti_der_next() - read the element at *p, bounded by |end|, into |t| and
 * move *p past it.
 *
 * Returns 0, JT_ERR_DER_TRUNCATED (no tag, a short length, or contents
 * running past |end|), JT_ERR_DER_TAG_NUMBER (tag low bits 0x1F) or
 * JT_ERR_DER_BAD_LENGTH (indefinite 0x80, reserved 0xFF, non-minimal long
 * form, or a length of more than 4 octets). On error *p and |t| are
 * unspecified.
 */
int jti_der_next(const uint8_t **p, const uint8_t *end, struct jti_der_tlv *t);

/*
 * jti_der_expect() - jti_der_next(), then require tag |tag|.
 *
 * Returns 0, the codes of jti_der_next(), or JT_ERR_DER_BAD_TAG.
 */
int jti_der_expect(const uint8_t **p, const uint8_t *end, uint8_t tag,
                   struct jti_der_tlv *t);

/*
 * jti_der_peek() - the tag at |p|, or -1 when |p| == |end|. Does not check
 * the element; read it with jti_der_next().
 */
int jti_der_peek(const uint8_t *p, const uint8_t *end);

/* jti_der_done() - 0 if |p| == |end|, else JT_ERR_DER_TRAILING. */
int jti_der_done(const uint8_t *p, const uint8_t *end);

/* jti_der_span() - the whole element (tag and length included) of |t|. */
struct jt_span jti_der_span(const struct jti_der_tlv *t);

/* jti_der_body() - the contents of |t|. */
struct jt_span jti_der_body(const struct jti_der_tlv *t);

/*
 * jti_der_integer() - check the contents of |t| as an INTEGER of 1 to |max|
 * octets in minimal two's complement form (any tag: IMPLICIT ones too).
 *
 * Returns 0 or JT_ERR_DER_BAD_INTEGER (empty, non-minimal or too long).
 */
int jti_der_integer(const struct jti_der_tlv *t, size_t max);

/*
 * jti_der_uint() - read the contents of |t| as a non-negative INTEGER that
 * fits in an int into |*v|.
 *
 * Returns 0, JT_ERR_DER_BAD_INTEGER (malformed) or JT_ERR_DER_BAD_EXT
 * (negative, or above INT_MAX).
 */
int jti_der_uint(const struct jti_der_tlv *t, int *v);

/*
 * jti_der_boolean() - the contents of |t| as a BOOLEAN: |*v| = 0 for 0x00,
 * 1 for 0xFF.
 *
 * Returns 0 or JT_ERR_DER_BAD_BOOLEAN (length not 1, or another value).
 */
int jti_der_boolean(const struct jti_der_tlv *t, int *v);

/*
 * jti_der_bitstring() - check the contents of |t| as a BIT STRING and set
 * |*bits| to the octets after the unused-bits octet.
 *
 * Returns 0 or JT_ERR_DER_BAD_BITSTRING: no unused-bits octet, a count over
 * 7, unused bits with no octets, or unused bits that are not zero.
 */
int jti_der_bitstring(const struct jti_der_tlv *t, struct jt_span *bits);

/*
 * jti_der_oid() - check the contents of |t| as an OBJECT IDENTIFIER: not
 * empty, every subidentifier minimal (no leading 0x80), the last one
 * complete.
 *
 * Returns 0 or JT_ERR_DER_BAD_OID.
 */
int jti_der_oid(const struct jti_der_tlv *t);

/*
 * jti_der_eq() - 1 when the contents of |t| are the |len| bytes at |b|,
 * else 0.
 */
int jti_der_eq(const struct jti_der_tlv *t, const uint8_t *b, size_t len);

/*
 * jti_der_time() - a UTCTime (YYMMDDHHMMSSZ, years 50..99 are 19YY) or
 * GeneralizedTime (YYYYMMDDHHMMSSZ) as seconds since the epoch.
 *
 * Returns 0, JT_ERR_DER_BAD_TAG (another tag) or JT_ERR_DER_BAD_TIME
 * (another length or form, a non-digit, or a field out of range).
 */
int jti_der_time(const struct jti_der_tlv *t, int64_t *secs);

#endif /* JITTRUST_CORE_DER_INT_H */
