// SPDX-License-Identifier: MIT
/*
 * core: the trust blob reader (JTBL v1, blob/FORMAT.md). jt_blob_open()
 * validates every bound, count, order and reserved byte once, with 64-bit
 * arithmetic that cannot overflow; after it, lookups binary-search the key
 * index straight in the caller's buffer, reading integers byte by byte, and
 * never allocate. TBLB blobs are handed to blob-lws.c.
 */
#include "jittrust/blob.h"

#include <string.h>

#include "jittrust/error.h"

#include "blob-int.h"

/* ---- shared helpers (declared in blob-int.h) ---- */

size_t
jti_utf8_next(const uint8_t *p, const uint8_t *end, uint32_t *cp)
{
    uint32_t c = p[0], min;
    size_t n;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2, c &= 0x1f, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
        n = 3, c &= 0x0f, min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4, c &= 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if ((size_t)(end - p) < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        c = c << 6 | (p[i] & 0x3fu);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return n;
}

int
jti_label_char_ok(uint32_t cp)
{
    return cp >= 0x20 && !(cp >= 0x7f && cp <= 0x9f);
}

int
jti_label_ok(const uint8_t *p, size_t len)
{
    const uint8_t *end = p + len;
    uint32_t cp;
    size_t n;

    while (p < end) {
        n = jti_utf8_next(p, end, &cp);
        if (n == 0 || !jti_label_char_ok(cp))
            return 0;
        p += n;
    }
    return 1;
}

/* ---- open: header, sections, entries, index, signature ---- */

static int
is_zero(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (p[i] != 0)
            return 0;
    return 1;
}

/* FORMAT.md section 7 steps 1 (after the magic) to 3. */
static int
check_header(const uint8_t *buf, size_t len)
{
    size_t lab;
    uint32_t total;

    if (len < JTI_BH_KIND)
        return JT_ERR_BLOB_TRUNCATED;
    if (jti_be16(buf + JTI_BH_VERSION) != JTI_BLOB_VERSION)
        return JT_ERR_BLOB_VERSION;
    if (len < JT_BLOB_HEADER_LEN)
        return JT_ERR_BLOB_TRUNCATED;
    lab = buf[JTI_BH_LABEL_LEN];
    if ((buf[JTI_BH_KIND] != JT_BLOB_FULL &&
         buf[JTI_BH_KIND] != JT_BLOB_INDEX_ONLY) ||
        buf[JTI_BH_RESERVED] != 0 ||
        (jti_be32(buf + JTI_BH_FLAGS) & ~JTI_BLOB_FLAG_SIGNED) != 0 ||
        lab > JT_BLOB_SOURCE_MAX ||
        !is_zero(buf + JTI_BH_LABEL + lab, JT_BLOB_SOURCE_MAX - lab))
        return JT_ERR_BLOB_HEADER;
    if (!jti_label_ok(buf + JTI_BH_LABEL, lab))
        return JT_ERR_BLOB_LABEL;
    total = jti_be32(buf + JTI_BH_TOTAL);
    if (total > len)
        return JT_ERR_BLOB_TRUNCATED;
    if (total < len)
        return JT_ERR_BLOB_LENGTH;
    return 0;
}

static uint32_t
sec_off(const uint8_t *buf, enum jti_blob_sec s)
{
    return jti_be32(buf + JTI_BH_SECTIONS + 8 * (size_t)s);
}

static uint32_t
sec_len(const uint8_t *buf, enum jti_blob_sec s)
{
    return jti_be32(buf + JTI_BH_SECTIONS + 8 * (size_t)s + 4);
}

/* Steps 4 and 5: counts, then six contiguous sections ending at T. */
static int
check_sections(const uint8_t *buf)
{
    uint64_t n = jti_be32(buf + JTI_BH_COUNT);
    uint64_t k = jti_be32(buf + JTI_BH_NKEYS);
    uint32_t total = jti_be32(buf + JTI_BH_TOTAL), expect, off, len;
    int sig = (jti_be32(buf + JTI_BH_FLAGS) & JTI_BLOB_FLAG_SIGNED) != 0;

    if (n == 0)
        return JT_ERR_BLOB_EMPTY;
    if (k == 0 || sec_len(buf, JTI_SEC_ENTRIES) != n * JTI_BE_SIZE ||
        sec_len(buf, JTI_SEC_INDEX) != k * JTI_BK_SIZE)
        return JT_ERR_BLOB_COUNT;
    if (sec_len(buf, JTI_SEC_SIG) != (sig ? JT_BLOB_SIG_BLOCK_LEN : 0))
        return JT_ERR_BLOB_SIG;
    expect = JT_BLOB_HEADER_LEN;
    for (int s = 0; s < JTI_SEC_COUNT; s++) {
        off = sec_off(buf, (enum jti_blob_sec)s);
        len = sec_len(buf, (enum jti_blob_sec)s);
        if (off > total || len > total - off)
            return JT_ERR_BLOB_SECTION;
        if (off != expect)
            return JT_ERR_BLOB_LAYOUT;
        expect = off + len;
    }
    if (expect != total || (buf[JTI_BH_KIND] == JT_BLOB_INDEX_ONLY &&
                            sec_len(buf, JTI_SEC_DER) != 0))
        return JT_ERR_BLOB_LAYOUT;
    return 0;
}

static void
load_header(struct jt_blob *b, const uint8_t *buf, size_t len)
{
    b->buf = buf;
    b->len = len;
    b->format = JT_BLOB_FMT_JTBL;
    b->kind = buf[JTI_BH_KIND];
    b->hflags = jti_be32(buf + JTI_BH_FLAGS);
    b->count = jti_be32(buf + JTI_BH_COUNT);
    b->nkeys = jti_be32(buf + JTI_BH_NKEYS);
    b->generation = jti_be64(buf + JTI_BH_GENERATION);
    b->time = jti_be64(buf + JTI_BH_TIME);
    b->off_entries = sec_off(buf, JTI_SEC_ENTRIES);
    b->off_index = sec_off(buf, JTI_SEC_INDEX);
    b->off_keys = sec_off(buf, JTI_SEC_KEYS);
    b->len_keys = sec_len(buf, JTI_SEC_KEYS);
    b->off_labels = sec_off(buf, JTI_SEC_LABELS);
    b->off_der = sec_off(buf, JTI_SEC_DER);
    b->off_sig = sec_off(buf, JTI_SEC_SIG);
}

static const uint8_t *
entry_rec(const struct jt_blob *b, size_t i)
{
    return b->buf + b->off_entries + i * JTI_BE_SIZE;
}

static const uint8_t *
index_rec(const struct jt_blob *b, size_t i)
{
    return b->buf + b->off_index + i * JTI_BK_SIZE;
}

/* One entry of step 6; |run| holds the running DER and label offsets. */
static int
check_entry(const struct jt_blob *b, const uint8_t *e, uint32_t run[2])
{
    uint32_t doff = jti_be32(e + JTI_BE_DER_OFF);
    uint32_t dlen = jti_be32(e + JTI_BE_DER_LEN);
    uint32_t loff = jti_be32(e + JTI_BE_LABEL_OFF);
    uint32_t llen = e[JTI_BE_LABEL_LEN];
    uint32_t dsec = b->off_sig - b->off_der;
    uint32_t lsec = b->off_der - b->off_labels;

    if ((jti_be32(e + JTI_BE_FLAGS) & ~JTI_BE_FLAGS_KNOWN) != 0 ||
        !is_zero(e + JTI_BE_RESERVED, 3))
        return JT_ERR_BLOB_ENTRY;
    if (b->kind == JT_BLOB_FULL) {
        if (dlen == 0 || doff != run[0] || dlen > dsec - run[0])
            return JT_ERR_BLOB_ENTRY;
        run[0] += dlen;
    } else if (doff != 0 || dlen != 0) {
        return JT_ERR_BLOB_ENTRY;
    }
    if (loff != run[1] || llen > JT_BLOB_LABEL_MAX || llen > lsec - run[1])
        return JT_ERR_BLOB_ENTRY;
    if (!jti_label_ok(b->buf + b->off_labels + loff, llen))
        return JT_ERR_BLOB_LABEL;
    run[1] += llen;
    return 0;
}

static int
check_entries(const struct jt_blob *b)
{
    uint32_t run[2] = {0, 0};
    const uint8_t *e;
    int rc;

    for (size_t i = 0; i < b->count; i++) {
        e = entry_rec(b, i);
        rc = check_entry(b, e, run);
        if (rc != 0)
            return rc;
        if (i > 0 && memcmp(e - JTI_BE_SIZE, e, 32) >= 0)
            return JT_ERR_BLOB_UNSORTED;
    }
    if (run[0] != b->off_sig - b->off_der ||
        run[1] != b->off_der - b->off_labels)
        return JT_ERR_BLOB_ENTRY;
    return 0;
}

/* Key length rule of each type (FORMAT.md section 5). */
static int
key_len_ok(unsigned type, unsigned len)
{
    switch (type) {
    case JT_KEY_SKID:
        return len >= 1 && len <= JT_KEY_MAX;
    case JT_KEY_COMPUTED:
        return len == 20;
    case JT_KEY_ISSUER_SERIAL:
        return len >= 33 && len <= JT_KEY_MAX;
    case JT_KEY_SUBJECT:
        return len == 32;
    default:
        return 0;
    }
}

static int
check_record(const struct jt_blob *b, const uint8_t *r)
{
    uint32_t entry = jti_be32(r + JTI_BK_ENTRY);
    uint32_t off = jti_be32(r + JTI_BK_OFF);
    uint32_t eflags;

    if (!key_len_ok(r[JTI_BK_TYPE], r[JTI_BK_LEN]) || entry >= b->count ||
        off > b->len_keys || r[JTI_BK_LEN] > b->len_keys - off)
        return JT_ERR_BLOB_KEY;
    eflags = jti_be32(entry_rec(b, entry) + JTI_BE_FLAGS);
    if ((r[JTI_BK_TYPE] == JT_KEY_COMPUTED) !=
            ((eflags & JT_BLOB_E_COMPUTED) != 0) &&
        r[JTI_BK_TYPE] <= JT_KEY_COMPUTED)
        return JT_ERR_BLOB_KEY;
    return 0;
}

/* Compare index records |a| and |b| by (key, entry). */
static int
record_cmp(const struct jt_blob *b, const uint8_t *ra, const uint8_t *rb)
{
    const uint8_t *pool = b->buf + b->off_keys;
    int c = jti_blob_keycmp(ra[JTI_BK_TYPE], pool + jti_be32(ra + JTI_BK_OFF),
                            ra[JTI_BK_LEN], rb[JTI_BK_TYPE],
                            pool + jti_be32(rb + JTI_BK_OFF), rb[JTI_BK_LEN]);
    uint32_t ea = jti_be32(ra + JTI_BK_ENTRY), eb = jti_be32(rb + JTI_BK_ENTRY);

    if (c != 0)
        return c;
    return ea < eb ? -1 : (ea > eb ? 1 : 0);
}

/* Step 7; also records where each key type's records start and end. */
static int
check_index(struct jt_blob *b)
{
    const uint8_t *r;
    unsigned t;
    int rc;

    for (size_t i = 0; i < b->nkeys; i++) {
        r = index_rec(b, i);
        rc = check_record(b, r);
        if (rc != 0)
            return rc;
        if (i > 0 && record_cmp(b, r - JTI_BK_SIZE, r) >= 0)
            return JT_ERR_BLOB_UNSORTED;
        t = r[JTI_BK_TYPE] - 1u;
        if (i == 0 || r[JTI_BK_TYPE] != (r - JTI_BK_SIZE)[JTI_BK_TYPE])
            b->type_lo[t] = (uint32_t)i;
        b->type_hi[t] = (uint32_t)i + 1;
    }
    return 0;
}

/* Step 8. */
static int
check_sig(const struct jt_blob *b, unsigned oflags)
{
    const uint8_t *s = b->buf + b->off_sig;
    unsigned slen;

    if ((b->hflags & JTI_BLOB_FLAG_SIGNED) == 0)
        return 0;
    if (is_zero(s, JT_BLOB_SIG_BLOCK_LEN))
        return (oflags & JT_BLOB_OPEN_ALLOW_PENDING) ? 0
                                                     : JT_ERR_BLOB_SIG_PENDING;
    slen = jti_be16(s + JTI_BS_LEN);
    if (jti_be16(s + JTI_BS_ALG) != JT_BLOB_SIG_ECDSA_P256_SHA256 ||
        slen == 0 || slen > JT_BLOB_SIG_MAX ||
        !is_zero(s + JTI_BS_SIG + slen, JT_BLOB_SIG_MAX - slen))
        return JT_ERR_BLOB_SIG;
    return 0;
}

static int
open_jtbl(struct jt_blob *b, const uint8_t *buf, size_t len, unsigned oflags)
{
    int rc = check_header(buf, len);

    if (rc == 0)
        rc = check_sections(buf);
    if (rc != 0)
        return rc;
    load_header(b, buf, len);
    rc = check_entries(b);
    if (rc == 0)
        rc = check_index(b);
    if (rc == 0)
        rc = check_sig(b, oflags);
    return rc;
}

int
jt_blob_open(struct jt_blob *b, const uint8_t *buf, size_t len,
             const struct jt_blob_open_opts *o)
{
    struct jt_blob_open_opts none = {0, 0};
    struct jt_blob t;
    int rc;

    if (b == NULL)
        return JT_ERR_INVAL;
    memset(b, 0, sizeof(*b));
    if (buf == NULL)
        return JT_ERR_INVAL;
    if (o == NULL)
        o = &none;
    if (o->flags & ~(JT_BLOB_OPEN_REQUIRE_SIGNED | JT_BLOB_OPEN_ALLOW_PENDING))
        return JT_ERR_INVAL;
    if (len < 4)
        return JT_ERR_BLOB_TRUNCATED;
    memset(&t, 0, sizeof(t));
    if (memcmp(buf, "JTBL", 4) == 0)
        rc = open_jtbl(&t, buf, len, o->flags);
    else if (memcmp(buf, "TBLB", 4) == 0)
        rc = jti_blob_lws_open(&t, buf, len);
    else
        rc = JT_ERR_BLOB_MAGIC;
    if (rc != 0)
        return rc;
    if ((o->flags & JT_BLOB_OPEN_REQUIRE_SIGNED) &&
        (t.hflags & JTI_BLOB_FLAG_SIGNED) == 0)
        return JT_ERR_BLOB_UNSIGNED;
    if (t.generation < o->min_generation)
        return JT_ERR_BLOB_ROLLBACK;
    *b = t;
    return 0;
}

/* ---- lookups ---- */

static int
is_open(const struct jt_blob *b)
{
    return b != NULL && b->format != 0;
}

static int
query_ok(const struct jt_key *k)
{
    return k->type >= JT_KEY_SKID && k->type <= JT_KEY_SUBJECT && k->len >= 1 &&
           k->len <= JT_KEY_MAX;
}

static const uint8_t *
rec_key(const struct jt_blob *b, const uint8_t *r)
{
    return b->buf + b->off_keys + jti_be32(r + JTI_BK_OFF);
}

/* First record of type |t| whose key is >= |k|'s bytes (index order). */
static size_t
lower_bound(const struct jt_blob *b, unsigned t, const struct jt_key *k)
{
    size_t lo = b->type_lo[t - 1], hi = b->type_hi[t - 1], mid;
    const uint8_t *r;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        r = index_rec(b, mid);
        if (jti_blob_keycmp(t, rec_key(b, r), r[JTI_BK_LEN], t, k->b, k->len) <
            0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Does record |pos| hold exactly type |t| and |k|'s bytes? */
static int
rec_matches(const struct jt_blob *b, size_t pos, unsigned t,
            const struct jt_key *k)
{
    const uint8_t *r;

    if (pos >= b->nkeys)
        return 0;
    r = index_rec(b, pos);
    return r[JTI_BK_TYPE] == t && r[JTI_BK_LEN] == k->len &&
           memcmp(rec_key(b, r), k->b, k->len) == 0;
}

int
jt_blob_find(const struct jt_blob *b, const struct jt_key *k,
             struct jt_blob_iter *it, size_t *entry)
{
    unsigned t;

    if (b == NULL || k == NULL || it == NULL || entry == NULL || !query_ok(k))
        return JT_ERR_INVAL;
    if (!is_open(b))
        return JT_ERR_STATE;
    if (b->format == JT_BLOB_FMT_TBLB)
        return jti_blob_lws_find(b, k, it, entry);
    if (it->phase == 0) {
        it->phase = 1;
        it->pos = lower_bound(b, k->type, k);
    }
    while (it->phase == 1 || it->phase == 2) {
        t = it->phase == 1 ? k->type : (unsigned)JT_KEY_COMPUTED;
        if (rec_matches(b, it->pos, t, k)) {
            *entry = jti_be32(index_rec(b, it->pos) + JTI_BK_ENTRY);
            it->pos++;
            return 1;
        }
        if (it->phase == 1 && k->type == JT_KEY_SKID && k->len == 20) {
            it->phase = 2;
            it->pos = lower_bound(b, JT_KEY_COMPUTED, k);
        } else {
            it->phase = 3;
        }
    }
    return 0;
}

int
jt_blob_find_sha256(const struct jt_blob *b, const uint8_t sha256[32],
                    size_t *entry)
{
    size_t lo = 0, hi, mid;
    int c;

    if (b == NULL || sha256 == NULL || entry == NULL)
        return JT_ERR_INVAL;
    if (!is_open(b))
        return JT_ERR_STATE;
    if (b->format != JT_BLOB_FMT_JTBL)
        return JT_ERR_BLOB_FORMAT;
    hi = b->count;
    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        c = memcmp(entry_rec(b, mid) + JTI_BE_SHA256, sha256, 32);
        if (c == 0) {
            *entry = mid;
            return 0;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return JT_ERR_NOT_FOUND;
}

int
jt_blob_entry(const struct jt_blob *b, size_t i, struct jt_blob_entry *e)
{
    const uint8_t *r;

    if (b == NULL || e == NULL)
        return JT_ERR_INVAL;
    if (!is_open(b))
        return JT_ERR_STATE;
    if (i >= b->count)
        return JT_ERR_INVAL;
    if (b->format == JT_BLOB_FMT_TBLB)
        return jti_blob_lws_entry(b, i, e);
    r = entry_rec(b, i);
    memset(e, 0, sizeof(*e));
    if (b->kind == JT_BLOB_FULL) {
        e->der.p = b->buf + b->off_der + jti_be32(r + JTI_BE_DER_OFF);
        e->der.len = jti_be32(r + JTI_BE_DER_LEN);
    }
    if (r[JTI_BE_LABEL_LEN] != 0) {
        e->label.p = b->buf + b->off_labels + jti_be32(r + JTI_BE_LABEL_OFF);
        e->label.len = r[JTI_BE_LABEL_LEN];
    }
    e->sha256 = r + JTI_BE_SHA256;
    e->not_before = jti_bei64(r + JTI_BE_NOT_BEFORE);
    e->not_after = jti_bei64(r + JTI_BE_NOT_AFTER);
    e->distrust_after = jti_bei64(r + JTI_BE_DISTRUST);
    e->flags = jti_be32(r + JTI_BE_FLAGS);
    return 0;
}

int
jt_blob_key(const struct jt_blob *b, size_t i, struct jt_key *k, size_t *entry)
{
    const uint8_t *r;

    if (b == NULL || k == NULL || entry == NULL)
        return JT_ERR_INVAL;
    if (!is_open(b))
        return JT_ERR_STATE;
    if (i >= b->nkeys)
        return JT_ERR_INVAL;
    if (b->format == JT_BLOB_FMT_TBLB)
        return jti_blob_lws_key(b, i, k, entry);
    r = index_rec(b, i);
    memset(k, 0, sizeof(*k));
    k->type = r[JTI_BK_TYPE];
    k->len = r[JTI_BK_LEN];
    memcpy(k->b, rec_key(b, r), k->len);
    *entry = jti_be32(r + JTI_BK_ENTRY);
    return 0;
}

/* ---- accessors and the signature ---- */

size_t
jt_blob_count(const struct jt_blob *b)
{
    return is_open(b) ? b->count : 0;
}

size_t
jt_blob_key_count(const struct jt_blob *b)
{
    return is_open(b) ? b->nkeys : 0;
}

int
jt_blob_format(const struct jt_blob *b)
{
    return is_open(b) ? (int)b->format : 0;
}

int
jt_blob_kind(const struct jt_blob *b)
{
    return is_open(b) ? (int)b->kind : 0;
}

uint64_t
jt_blob_generation(const struct jt_blob *b)
{
    return is_open(b) ? b->generation : 0;
}

uint64_t
jt_blob_time(const struct jt_blob *b)
{
    return is_open(b) ? b->time : 0;
}

struct jt_span
jt_blob_source_label(const struct jt_blob *b)
{
    struct jt_span s = {NULL, 0};

    if (is_open(b) && b->format == JT_BLOB_FMT_JTBL &&
        b->buf[JTI_BH_LABEL_LEN] != 0) {
        s.p = b->buf + JTI_BH_LABEL;
        s.len = b->buf[JTI_BH_LABEL_LEN];
    }
    return s;
}

int
jt_blob_is_signed(const struct jt_blob *b)
{
    return is_open(b) && (b->hflags & JTI_BLOB_FLAG_SIGNED) != 0;
}

int
jt_blob_signed_data(const struct jt_blob *b, struct jt_span *span)
{
    if (b == NULL || span == NULL)
        return JT_ERR_INVAL;
    if (!is_open(b))
        return JT_ERR_STATE;
    if (!jt_blob_is_signed(b))
        return JT_ERR_BLOB_UNSIGNED;
    span->p = b->buf;
    span->len = b->off_sig;
    return 0;
}

int
jt_blob_signature(const struct jt_blob *b, unsigned *alg, struct jt_span *keyid,
                  struct jt_span *sig)
{
    const uint8_t *s;

    if (b == NULL || alg == NULL || keyid == NULL || sig == NULL)
        return JT_ERR_INVAL;
    if (!is_open(b))
        return JT_ERR_STATE;
    if (!jt_blob_is_signed(b))
        return JT_ERR_BLOB_UNSIGNED;
    s = b->buf + b->off_sig;
    if (jti_be16(s + JTI_BS_ALG) == 0)
        return JT_ERR_BLOB_SIG_PENDING;
    *alg = jti_be16(s + JTI_BS_ALG);
    keyid->p = s + JTI_BS_KEYID;
    keyid->len = JT_BLOB_KEYID_LEN;
    sig->p = s + JTI_BS_SIG;
    sig->len = jti_be16(s + JTI_BS_LEN);
    return 0;
}
