/* SPDX-License-Identifier: MIT */
/*
 * core: internals shared by the blob reader (blob.c), the libwebsockets TBLB
 * reader (blob-lws.c) and the writer (blob-write.c): the JTBL v1 layout
 * constants of blob/FORMAT.md, byte-wise big-endian access, the key order
 * and the label (UTF-8) rules.
 */
#ifndef JITTRUST_CORE_BLOB_INT_H
#define JITTRUST_CORE_BLOB_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "jittrust/blob.h"

/* JTBL v1 header fields (FORMAT.md section 3). */
#define JTI_BH_MAGIC 0x00
#define JTI_BH_VERSION 0x04
#define JTI_BH_KIND 0x06
#define JTI_BH_RESERVED 0x07
#define JTI_BH_FLAGS 0x08
#define JTI_BH_COUNT 0x0c
#define JTI_BH_NKEYS 0x10
#define JTI_BH_TOTAL 0x14
#define JTI_BH_GENERATION 0x18
#define JTI_BH_TIME 0x20
#define JTI_BH_SECTIONS 0x28 /* 6 x (u32 offset, u32 length) */
#define JTI_BH_SIG_OFF 0x50  /* the signature block's (offset, length) */
#define JTI_BH_LABEL_LEN 0x58
#define JTI_BH_LABEL 0x59
#define JTI_BLOB_VERSION 1
#define JTI_BLOB_FLAG_SIGNED 0x1u

/* Sections, in layout order (index into the header's section table). */
enum jti_blob_sec {
    JTI_SEC_ENTRIES = 0,
    JTI_SEC_INDEX = 1,
    JTI_SEC_KEYS = 2,
    JTI_SEC_LABELS = 3,
    JTI_SEC_DER = 4,
    JTI_SEC_SIG = 5,
    JTI_SEC_COUNT = 6,
};

/* Entry record (FORMAT.md section 4). */
#define JTI_BE_SIZE 76
#define JTI_BE_SHA256 0x00
#define JTI_BE_NOT_BEFORE 0x20
#define JTI_BE_NOT_AFTER 0x28
#define JTI_BE_DISTRUST 0x30
#define JTI_BE_FLAGS 0x38
#define JTI_BE_DER_OFF 0x3c
#define JTI_BE_DER_LEN 0x40
#define JTI_BE_LABEL_OFF 0x44
#define JTI_BE_LABEL_LEN 0x48
#define JTI_BE_RESERVED 0x49
#define JTI_BE_FLAGS_KNOWN (JT_BLOB_E_COMPUTED | JT_BLOB_E_SELF_ISSUED)

/* Index record (FORMAT.md section 5). */
#define JTI_BK_SIZE 10
#define JTI_BK_TYPE 0
#define JTI_BK_LEN 1
#define JTI_BK_ENTRY 2
#define JTI_BK_OFF 6

/* Signature block (FORMAT.md section 6). */
#define JTI_BS_ALG 0x00
#define JTI_BS_LEN 0x02
#define JTI_BS_KEYID 0x04
#define JTI_BS_SIG 0x0c

/* libwebsockets TBLB v1 (FORMAT.md section 9). */
#define JTI_TBLB_HEADER_LEN 0x1c

static inline uint16_t
jti_be16(const uint8_t *p)
{
    return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t
jti_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

static inline uint64_t
jti_be64(const uint8_t *p)
{
    return (uint64_t)jti_be32(p) << 32 | jti_be32(p + 4);
}

/* Two's complement i64 without implementation-defined conversion. */
static inline int64_t
jti_bei64(const uint8_t *p)
{
    uint64_t u = jti_be64(p);

    if (u <= (uint64_t)INT64_MAX)
        return (int64_t)u;
    return -(int64_t)(~u) - 1;
}

static inline void
jti_put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void
jti_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static inline void
jti_put64(uint8_t *p, uint64_t v)
{
    jti_put32(p, (uint32_t)(v >> 32));
    jti_put32(p + 4, (uint32_t)v);
}

static inline void
jti_puti64(uint8_t *p, int64_t v)
{
    jti_put64(p, (uint64_t)v); /* modulo 2^64: well defined */
}

/*
 * Key order of jt_key_cmp(): type, then memcmp over the shorter length,
 * then length. Returns <0, 0 or >0. Inline: it is the binary search's
 * inner comparison.
 */
static inline int
jti_blob_keycmp(unsigned ta, const uint8_t *a, size_t la, unsigned tb,
                const uint8_t *b, size_t lb)
{
    int c;

    if (ta != tb)
        return ta < tb ? -1 : 1;
    c = memcmp(a, b, la < lb ? la : lb);
    if (c != 0)
        return c;
    return la < lb ? -1 : (la > lb ? 1 : 0);
}

/*
 * Decode one UTF-8 character at |p| (< |end|) into |*cp|. Returns its byte
 * length (1..4), or 0 when the bytes there are not well-formed UTF-8
 * (overlong, surrogate, above U+10FFFF, bad or missing continuation).
 */
size_t jti_utf8_next(const uint8_t *p, const uint8_t *end, uint32_t *cp);

/* 1 when |cp| may appear in a label (no C0/C1 control, no DEL). */
int jti_label_char_ok(uint32_t cp);

/* 1 when |p|/|len| is a valid label (FORMAT.md section 3). */
int jti_label_ok(const uint8_t *p, size_t len);

/* TBLB reader (blob-lws.c); contracts as the public jt_blob_* ones. */
int jti_blob_lws_open(struct jt_blob *b, const uint8_t *buf, size_t len);
int jti_blob_lws_find(const struct jt_blob *b, const struct jt_key *k,
                      struct jt_blob_iter *it, size_t *entry);
int jti_blob_lws_entry(const struct jt_blob *b, size_t i,
                       struct jt_blob_entry *e);
int jti_blob_lws_key(const struct jt_blob *b, size_t i, struct jt_key *k,
                     size_t *entry);

#endif /* JITTRUST_CORE_BLOB_INT_H */
