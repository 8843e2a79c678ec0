// SPDX-License-Identifier: MIT
/*
 * core: read-only support for the libwebsockets TBLB v1 trust blob
 * (blob/FORMAT.md section 9). Every table bound is checked once at open with
 * 64-bit sums; lookups are a linear scan (the format has no index) with exact
 * SKID matching plus the documented 40-byte SKID||AKID compatibility rule.
 * No 32 KiB minimum size, no prefix matching, no allocation.
 *
 * In struct jt_blob a TBLB uses: off_entries = DER length table (u16 each),
 * off_index = SKID length table (u8 each), off_keys/len_keys = SKID table,
 * off_der = 0x1c (first DER).
 */
#include <string.h>

#include "jittrust/blob.h"
#include "jittrust/error.h"

#include "blob-int.h"

#define TBLB_VERSION 0x04
#define TBLB_COUNT 0x06
#define TBLB_TIME 0x08
#define TBLB_OFF_DERLEN 0x0c
#define TBLB_OFF_SKIDLEN 0x10
#define TBLB_OFF_SKID 0x14
#define TBLB_TOTAL 0x18

/* The three tables: bounds (SECTION) first, then adjacency (LAYOUT). */
static int
check_tables(const uint8_t *buf, uint64_t n, uint64_t total)
{
    uint64_t dl = jti_be32(buf + TBLB_OFF_DERLEN);
    uint64_t sl = jti_be32(buf + TBLB_OFF_SKIDLEN);
    uint64_t sk = jti_be32(buf + TBLB_OFF_SKID);

    if (dl > total || 2 * n > total - dl)
        return JT_ERR_BLOB_SECTION;
    if (dl < JTI_TBLB_HEADER_LEN)
        return JT_ERR_BLOB_LAYOUT;
    if (sl > total || n > total - sl)
        return JT_ERR_BLOB_SECTION;
    if (sl != dl + 2 * n)
        return JT_ERR_BLOB_LAYOUT;
    if (sk > total)
        return JT_ERR_BLOB_SECTION;
    if (sk != sl + n)
        return JT_ERR_BLOB_LAYOUT;
    return 0;
}

/* DERs fill 0x1c..DER length table; SKIDs fill SKID table..end. */
static int
check_sums(struct jt_blob *b, uint64_t total)
{
    uint64_t ders = 0, skids = 0;
    unsigned dlen, slen;

    for (size_t i = 0; i < b->count; i++) {
        dlen = jti_be16(b->buf + b->off_entries + 2 * i);
        slen = b->buf[b->off_index + i];
        if (dlen == 0)
            return JT_ERR_BLOB_ENTRY;
        if (slen > JT_KEY_MAX)
            return JT_ERR_BLOB_KEY;
        ders += dlen;
        skids += slen;
        if (slen != 0)
            b->nkeys++;
    }
    if (ders != b->off_entries - (uint64_t)JTI_TBLB_HEADER_LEN ||
        skids != total - b->off_keys)
        return JT_ERR_BLOB_LAYOUT;
    return 0;
}

int
jti_blob_lws_open(struct jt_blob *b, const uint8_t *buf, size_t len)
{
    uint32_t total;
    int rc;

    if (len < TBLB_COUNT)
        return JT_ERR_BLOB_TRUNCATED;
    if (jti_be16(buf + TBLB_VERSION) != 1)
        return JT_ERR_BLOB_VERSION;
    if (len < JTI_TBLB_HEADER_LEN)
        return JT_ERR_BLOB_TRUNCATED;
    if (jti_be16(buf + TBLB_COUNT) == 0)
        return JT_ERR_BLOB_EMPTY;
    total = jti_be32(buf + TBLB_TOTAL);
    if (total > len)
        return JT_ERR_BLOB_TRUNCATED;
    if (total < len)
        return JT_ERR_BLOB_LENGTH;
    rc = check_tables(buf, jti_be16(buf + TBLB_COUNT), total);
    if (rc != 0)
        return rc;
    memset(b, 0, sizeof(*b));
    b->buf = buf;
    b->len = len;
    b->format = JT_BLOB_FMT_TBLB;
    b->kind = JT_BLOB_FULL;
    b->count = jti_be16(buf + TBLB_COUNT);
    b->generation = b->time = jti_be32(buf + TBLB_TIME);
    b->off_entries = jti_be32(buf + TBLB_OFF_DERLEN);
    b->off_index = jti_be32(buf + TBLB_OFF_SKIDLEN);
    b->off_keys = jti_be32(buf + TBLB_OFF_SKID);
    b->len_keys = total - b->off_keys;
    b->off_der = JTI_TBLB_HEADER_LEN;
    b->off_sig = total;
    return check_sums(b, total);
}

/* Exact match, or a stored 40-byte SKID||AKID whose SKID half is |k|. */
static int
skid_matches(const uint8_t *p, size_t len, const struct jt_key *k)
{
    if (len == k->len)
        return memcmp(p, k->b, len) == 0;
    return len == 40 && k->len == 20 && memcmp(p, k->b, 20) == 0;
}

int
jti_blob_lws_find(const struct jt_blob *b, const struct jt_key *k,
                  struct jt_blob_iter *it, size_t *entry)
{
    size_t slen;

    if (k->type != JT_KEY_SKID || it->phase > 1)
        return 0;
    if (it->phase == 0) {
        it->phase = 1;
        it->pos = 0;
        it->aux = b->off_keys;
    }
    /* The iterator is caller memory: re-check it before every read. */
    while (it->pos < b->count && it->aux >= b->off_keys && it->aux <= b->len) {
        slen = b->buf[b->off_index + it->pos];
        if (slen > b->len - it->aux)
            break;
        it->pos++;
        it->aux += slen;
        if (slen != 0 && skid_matches(b->buf + it->aux - slen, slen, k)) {
            *entry = it->pos - 1;
            return 1;
        }
    }
    it->phase = 2;
    return 0;
}

int
jti_blob_lws_entry(const struct jt_blob *b, size_t i, struct jt_blob_entry *e)
{
    size_t off = b->off_der;

    for (size_t j = 0; j < i; j++)
        off += jti_be16(b->buf + b->off_entries + 2 * j);
    memset(e, 0, sizeof(*e));
    e->der.p = b->buf + off;
    e->der.len = jti_be16(b->buf + b->off_entries + 2 * i);
    e->flags = JT_BLOB_E_NO_SHA256 | JT_BLOB_E_NO_META;
    return 0;
}

int
jti_blob_lws_key(const struct jt_blob *b, size_t i, struct jt_key *k,
                 size_t *entry)
{
    size_t off = b->off_keys, seen = 0, slen;

    for (size_t j = 0; j < b->count; j++) {
        slen = b->buf[b->off_index + j];
        if (slen != 0 && seen++ == i) {
            memset(k, 0, sizeof(*k));
            k->type = JT_KEY_SKID;
            k->len = (uint8_t)slen;
            memcpy(k->b, b->buf + off, slen);
            *entry = j;
            return 0;
        }
        off += slen;
    }
    return JT_ERR_INVAL; /* unreachable: i < nkeys was checked */
}
