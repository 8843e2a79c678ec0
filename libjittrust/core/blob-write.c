// SPDX-License-Identifier: MIT
/*
 * core: the trust blob writer (JTBL v1, blob/FORMAT.md). Two passes over
 * the inputs: the first parses each certificate, checks its SHA-256 and sums
 * the section sizes (so a caller can size its buffer with cap 0); the second
 * writes the entry table, heap-sorts it in place by SHA-256, then fills DERs,
 * labels, keys and index records in entry order and heap-sorts the index in
 * place. No allocation, no recursion; the result is checked with the reader.
 */
#include <string.h>

#include "jittrust/blob.h"
#include "jittrust/error.h"

#include "blob-int.h"

/* Everything written for one input, recomputed from its DER when needed. */
struct plan {
    struct jt_key key[3]; /* SKID or COMPUTED, ISSUER_SERIAL, SUBJECT */
    uint8_t label[JT_BLOB_LABEL_MAX];
    size_t label_len;
    size_t pool; /* key pool bytes */
    int share;   /* SUBJECT key == first 32 bytes of ISSUER_SERIAL */
    int64_t not_before, not_after;
    uint32_t flags; /* JT_BLOB_E_* */
};

/* Section offsets and lengths of the blob being written. */
struct layout {
    uint64_t off[JTI_SEC_COUNT], len[JTI_SEC_COUNT];
    uint64_t total, n;
};

/* ---- entry labels from the subject Name ---- */

/* One DER TLV at *p (< end); short/long definite lengths up to 4 bytes. */
static int
tlv(const uint8_t **p, const uint8_t *end, unsigned *tag, const uint8_t **c,
    size_t *clen)
{
    size_t len, n;

    if (end - *p < 2)
        return -1;
    *tag = (*p)[0];
    len = (*p)[1];
    *p += 2;
    if (len & 0x80) {
        n = len & 0x7f;
        if (n == 0 || n > 4 || (size_t)(end - *p) < n)
            return -1;
        for (len = 0; n > 0; n--)
            len = len << 8 | *(*p)++;
    }
    if (len > (size_t)(end - *p))
        return -1;
    *c = *p;
    *clen = len;
    *p += len;
    return 0;
}

static size_t
utf8_put(uint32_t cp, uint8_t *o)
{
    if (cp < 0x80) {
        o[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (uint8_t)(0xc0 | cp >> 6);
        o[1] = (uint8_t)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (uint8_t)(0xe0 | cp >> 12);
        o[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
        o[2] = (uint8_t)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (uint8_t)(0xf0 | cp >> 18);
    o[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3f));
    o[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
    o[3] = (uint8_t)(0x80 | (cp & 0x3f));
    return 4;
}

/*
 * Next code point of a directory string with tag |tag| at |p|: UTF8String
 * as UTF-8, BMPString as UCS-2, UniversalString as UCS-4, anything else as
 * Latin-1 bytes. Malformed input gives '?'. Returns bytes consumed.
 */
static size_t
str_next(unsigned tag, const uint8_t *p, const uint8_t *end, uint32_t *cp)
{
    size_t n;

    if (tag == 0x0c) {
        n = jti_utf8_next(p, end, cp);
        if (n == 0)
            *cp = '?', n = 1;
        return n;
    }
    if (tag == 0x1e && end - p >= 2) {
        *cp = jti_be16(p);
        return 2;
    }
    if (tag == 0x1c && end - p >= 4) {
        *cp = jti_be32(p);
        return 4;
    }
    *cp = tag == 0x1e || tag == 0x1c ? '?' : p[0];
    return tag == 0x1e || tag == 0x1c ? (size_t)(end - p) : 1;
}

/* Convert a directory string to a label of at most JT_BLOB_LABEL_MAX. */
static size_t
label_from(unsigned tag, const uint8_t *p, size_t len, uint8_t *out)
{
    const uint8_t *end = p + len;
    uint8_t tmp[4];
    size_t o = 0, n;
    uint32_t cp;

    while (p < end) {
        p += str_next(tag, p, end, &cp);
        if (!jti_label_char_ok(cp) || cp > 0x10ffff ||
            (cp >= 0xd800 && cp <= 0xdfff))
            cp = '?';
        n = utf8_put(cp, tmp);
        if (o + n > JT_BLOB_LABEL_MAX)
            break;
        memcpy(out + o, tmp, n);
        o += n;
    }
    return o;
}

/* Look through one RDN SET for CN / O / OU; keep the first of each. */
static void
scan_rdn(const uint8_t *p, const uint8_t *end, const uint8_t *v[3],
         size_t vlen[3], unsigned vtag[3])
{
    static const uint8_t oids[3] = {3, 10, 11}; /* 2.5.4.{3,10,11} */
    const uint8_t *atv, *oid, *val, *q;
    size_t alen, olen, len;
    unsigned tag, vt;

    while (p < end && tlv(&p, end, &tag, &atv, &alen) == 0 && tag == 0x30) {
        q = atv;
        if (tlv(&q, atv + alen, &tag, &oid, &olen) != 0 || tag != 0x06 ||
            olen != 3 || oid[0] != 0x55 || oid[1] != 0x04 ||
            tlv(&q, atv + alen, &vt, &val, &len) != 0)
            continue;
        for (int i = 0; i < 3; i++)
            if (oid[2] == oids[i] && v[i] == NULL)
                v[i] = val, vlen[i] = len, vtag[i] = vt;
    }
}

/* The label of FORMAT.md section 4 from the subject Name element. */
static size_t
make_label(struct jt_span subject, uint8_t *out)
{
    const uint8_t *v[3] = {NULL, NULL, NULL}, *p = subject.p, *c, *end;
    size_t vlen[3] = {0, 0, 0}, clen;
    unsigned vtag[3] = {0, 0, 0}, tag;

    if (p == NULL || tlv(&p, p + subject.len, &tag, &c, &clen) != 0)
        return 0;
    end = c + clen;
    while (c < end && tlv(&c, end, &tag, &p, &clen) == 0)
        if (tag == 0x31)
            scan_rdn(p, p + clen, v, vlen, vtag);
    for (int i = 0; i < 3; i++)
        if (v[i] != NULL)
            return label_from(vtag[i], v[i], vlen[i], out);
    return 0;
}

/* ---- planning one input ---- */

static int
plan_keys(struct plan *pl, const struct jt_der_cert *c,
          const struct jt_hash_ops *h)
{
    int rc = jt_key_skid(&pl->key[0], c);

    if (rc == JT_ERR_NOT_FOUND) {
        pl->flags |= JT_BLOB_E_COMPUTED;
        rc = jt_key_computed(&pl->key[0], c, h);
    }
    if (rc == 0)
        rc = jt_key_issuer_serial(&pl->key[1], c, h);
    if (rc == 0)
        rc = jt_key_subject(&pl->key[2], c, h);
    if (rc != 0)
        return rc;
    pl->share = pl->key[1].len > 32 && pl->key[2].len == 32 &&
                memcmp(pl->key[1].b, pl->key[2].b, 32) == 0;
    pl->pool = (size_t)pl->key[0].len + pl->key[1].len +
               (pl->share ? 0 : pl->key[2].len);
    return 0;
}

/* Parse |in|, check its digest, and compute what it contributes. */
static int
plan_input(const struct jt_blob_input *in, const struct jt_hash_ops *h,
           struct plan *pl)
{
    struct jt_der_cert c;
    uint8_t d[32];
    int rc;

    if (in->der == NULL || in->len == 0)
        return JT_ERR_INVAL;
    if (in->len > UINT32_MAX)
        return JT_ERR_BLOB_TOO_BIG;
    rc = jt_der_cert_parse(&c, in->der, in->len);
    if (rc != 0)
        return rc;
    if (h->sha256(h->ud, in->der, in->len, d) != 0)
        return JT_ERR_TRUST_HASH;
    if (memcmp(d, in->sha256, 32) != 0)
        return JT_ERR_BLOB_DIGEST;
    memset(pl, 0, sizeof(*pl));
    rc = plan_keys(pl, &c, h);
    if (rc != 0)
        return rc;
    if (c.flags & JT_DER_SELF_ISSUED)
        pl->flags |= JT_BLOB_E_SELF_ISSUED;
    pl->not_before = c.not_before;
    pl->not_after = c.not_after;
    pl->label_len = make_label(c.subject, pl->label);
    return 0;
}

/* ---- pass 1: sizes ---- */

static int
check_opts(const struct jt_blob_write_opts *o, size_t *label_len)
{
    if (o->hash == NULL || o->hash->sha1 == NULL || o->hash->sha256 == NULL ||
        (o->kind != JT_BLOB_FULL && o->kind != JT_BLOB_INDEX_ONLY) ||
        (o->flags & ~JT_BLOB_WRITE_SIGNED) != 0)
        return JT_ERR_INVAL;
    *label_len = 0;
    if (o->label == NULL)
        return 0;
    while (*label_len <= JT_BLOB_SOURCE_MAX && o->label[*label_len] != 0)
        (*label_len)++;
    if (*label_len > JT_BLOB_SOURCE_MAX)
        return JT_ERR_BLOB_LABEL;
    if (!jti_label_ok((const uint8_t *)o->label, *label_len))
        return JT_ERR_BLOB_LABEL;
    return 0;
}

static int
measure(const struct jt_blob_input *in, size_t n,
        const struct jt_blob_write_opts *o, struct layout *lay)
{
    struct plan pl;
    int rc;

    memset(lay, 0, sizeof(*lay));
    if (n > UINT32_MAX / 3)
        return JT_ERR_BLOB_TOO_BIG;
    lay->n = n;
    lay->len[JTI_SEC_ENTRIES] = (uint64_t)n * JTI_BE_SIZE;
    lay->len[JTI_SEC_INDEX] = (uint64_t)n * 3 * JTI_BK_SIZE;
    lay->len[JTI_SEC_SIG] =
        (o->flags & JT_BLOB_WRITE_SIGNED) ? JT_BLOB_SIG_BLOCK_LEN : 0;
    for (size_t i = 0; i < n; i++) {
        rc = plan_input(&in[i], o->hash, &pl);
        if (rc != 0) {
            if (o->failed != NULL)
                *o->failed = i;
            return rc;
        }
        lay->len[JTI_SEC_KEYS] += pl.pool;
        lay->len[JTI_SEC_LABELS] += pl.label_len;
        if (o->kind == JT_BLOB_FULL)
            lay->len[JTI_SEC_DER] += in[i].len;
    }
    lay->total = JT_BLOB_HEADER_LEN;
    for (int s = 0; s < JTI_SEC_COUNT; s++) {
        lay->off[s] = lay->total;
        lay->total += lay->len[s];
    }
    return lay->total > UINT32_MAX ? JT_ERR_BLOB_TOO_BIG : 0;
}

/* ---- in-place heap sort over fixed-size records ---- */

typedef int (*rec_cmp_fn)(const void *ctx, const uint8_t *a, const uint8_t *b);

static void
swap_rec(uint8_t *a, uint8_t *b, size_t sz)
{
    uint8_t t;

    for (size_t i = 0; i < sz; i++)
        t = a[i], a[i] = b[i], b[i] = t;
}

static void
sift_down(uint8_t *base, size_t sz, size_t root, size_t end, rec_cmp_fn cmp,
          const void *ctx)
{
    size_t child;

    while ((child = 2 * root + 1) < end) {
        if (child + 1 < end &&
            cmp(ctx, base + child * sz, base + (child + 1) * sz) < 0)
            child++;
        if (cmp(ctx, base + root * sz, base + child * sz) >= 0)
            return;
        swap_rec(base + root * sz, base + child * sz, sz);
        root = child;
    }
}

static void
heap_sort(uint8_t *base, size_t n, size_t sz, rec_cmp_fn cmp, const void *ctx)
{
    if (n < 2)
        return;
    for (size_t i = n / 2; i-- > 0;)
        sift_down(base, sz, i, n, cmp, ctx);
    for (size_t end = n - 1; end > 0; end--) {
        swap_rec(base, base + end * sz, sz);
        sift_down(base, sz, 0, end, cmp, ctx);
    }
}

static int
entry_cmp(const void *ctx, const uint8_t *a, const uint8_t *b)
{
    (void)ctx;
    return memcmp(a + JTI_BE_SHA256, b + JTI_BE_SHA256, 32);
}

/* |ctx| is the key pool. */
static int
record_cmp(const void *ctx, const uint8_t *a, const uint8_t *b)
{
    const uint8_t *pool = ctx;
    uint32_t ea = jti_be32(a + JTI_BK_ENTRY), eb = jti_be32(b + JTI_BK_ENTRY);
    int c = jti_blob_keycmp(a[JTI_BK_TYPE], pool + jti_be32(a + JTI_BK_OFF),
                            a[JTI_BK_LEN], b[JTI_BK_TYPE],
                            pool + jti_be32(b + JTI_BK_OFF), b[JTI_BK_LEN]);

    if (c != 0)
        return c;
    return ea < eb ? -1 : (ea > eb ? 1 : 0);
}

/* ---- pass 2: writing ---- */

/*
 * The entry table in input order with only the digest and (temporarily, in
 * the DER offset field) the input number; then sorted by digest.
 */
static int
write_entries(const struct jt_blob_input *in, size_t n,
              const struct jt_blob_write_opts *o, uint8_t *out,
              const struct layout *lay)
{
    uint8_t *tab = out + lay->off[JTI_SEC_ENTRIES], *e;
    uint32_t a, b;

    for (size_t i = 0; i < n; i++) {
        e = tab + i * JTI_BE_SIZE;
        memcpy(e + JTI_BE_SHA256, in[i].sha256, 32);
        jti_put32(e + JTI_BE_DER_OFF, (uint32_t)i);
    }
    heap_sort(tab, n, JTI_BE_SIZE, entry_cmp, NULL);
    for (size_t k = 1; k < n; k++) {
        e = tab + k * JTI_BE_SIZE;
        if (memcmp(e - JTI_BE_SIZE, e, 32) == 0) {
            /* Name the later input of the pair (heap sort is unstable). */
            a = jti_be32(e - JTI_BE_SIZE + JTI_BE_DER_OFF);
            b = jti_be32(e + JTI_BE_DER_OFF);
            if (o->failed != NULL)
                *o->failed = a > b ? a : b;
            return JT_ERR_BLOB_DUP_CERT;
        }
    }
    return 0;
}

/* Cursors of the sections filled in entry order. */
struct cursor {
    uint64_t der, label, pool;
};

/* Append |len| bytes to section |s| at |*run|; JT_ERR_STATE if the second
 * pass disagrees with the first (hash ops that are not deterministic). */
static int
append(uint8_t *out, const struct layout *lay, int s, uint64_t *run,
       const void *p, size_t len)
{
    if (len > lay->len[s] - *run)
        return JT_ERR_STATE;
    if (len != 0)
        memcpy(out + lay->off[s] + *run, p, len);
    *run += len;
    return 0;
}

/* The three index records of entry |k| and their key bytes. */
static int
write_records(uint8_t *out, const struct layout *lay, size_t k,
              const struct plan *pl, struct cursor *cur)
{
    uint8_t *r = out + lay->off[JTI_SEC_INDEX] + k * 3 * JTI_BK_SIZE;
    uint64_t off = 0;
    int rc;

    for (int j = 0; j < 3; j++, r += JTI_BK_SIZE) {
        if (j < 2 || !pl->share) {
            off = cur->pool;
            rc = append(out, lay, JTI_SEC_KEYS, &cur->pool, pl->key[j].b,
                        pl->key[j].len);
            if (rc != 0)
                return rc;
        } /* else: SUBJECT on the ISSUER_SERIAL bytes written just before */
        r[JTI_BK_TYPE] = pl->key[j].type;
        r[JTI_BK_LEN] = pl->key[j].len;
        jti_put32(r + JTI_BK_ENTRY, (uint32_t)k);
        jti_put32(r + JTI_BK_OFF, (uint32_t)off);
    }
    return 0;
}

/* Entry |k| (sorted) from its input: metadata, DER, label, keys. */
static int
write_entry(const struct jt_blob_input *in, const struct jt_blob_write_opts *o,
            uint8_t *out, const struct layout *lay, size_t k,
            struct cursor *cur)
{
    uint8_t *e = out + lay->off[JTI_SEC_ENTRIES] + k * JTI_BE_SIZE;
    const struct jt_blob_input *x = &in[jti_be32(e + JTI_BE_DER_OFF)];
    struct plan pl;
    int rc;

    rc = plan_input(x, o->hash, &pl);
    if (rc != 0)
        return rc;
    jti_puti64(e + JTI_BE_NOT_BEFORE, pl.not_before);
    jti_puti64(e + JTI_BE_NOT_AFTER, pl.not_after);
    jti_puti64(e + JTI_BE_DISTRUST, x->distrust_after);
    jti_put32(e + JTI_BE_FLAGS, pl.flags);
    jti_put32(e + JTI_BE_DER_OFF, 0);
    jti_put32(e + JTI_BE_LABEL_OFF, (uint32_t)cur->label);
    e[JTI_BE_LABEL_LEN] = (uint8_t)pl.label_len;
    if (o->kind == JT_BLOB_FULL) {
        jti_put32(e + JTI_BE_DER_OFF, (uint32_t)cur->der);
        jti_put32(e + JTI_BE_DER_LEN, (uint32_t)x->len);
        rc = append(out, lay, JTI_SEC_DER, &cur->der, x->der, x->len);
    }
    if (rc == 0)
        rc = append(out, lay, JTI_SEC_LABELS, &cur->label, pl.label,
                    pl.label_len);
    if (rc == 0)
        rc = write_records(out, lay, k, &pl, cur);
    return rc;
}

static void
write_header(const struct jt_blob_write_opts *o, uint8_t *out,
             const struct layout *lay, size_t label_len)
{
    memcpy(out + JTI_BH_MAGIC, "JTBL", 4);
    jti_put16(out + JTI_BH_VERSION, JTI_BLOB_VERSION);
    out[JTI_BH_KIND] = (uint8_t)o->kind;
    jti_put32(out + JTI_BH_FLAGS,
              (o->flags & JT_BLOB_WRITE_SIGNED) ? JTI_BLOB_FLAG_SIGNED : 0);
    jti_put32(out + JTI_BH_COUNT, (uint32_t)lay->n);
    jti_put32(out + JTI_BH_NKEYS, (uint32_t)(lay->n * 3));
    jti_put32(out + JTI_BH_TOTAL, (uint32_t)lay->total);
    jti_put64(out + JTI_BH_GENERATION, o->generation);
    jti_put64(out + JTI_BH_TIME, o->time);
    for (int s = 0; s < JTI_SEC_COUNT; s++) {
        uint8_t *f = out + JTI_BH_SECTIONS + (size_t)s * 8;

        jti_put32(f, (uint32_t)lay->off[s]);
        jti_put32(f + 4, (uint32_t)lay->len[s]);
    }
    out[JTI_BH_LABEL_LEN] = (uint8_t)label_len;
    if (label_len != 0)
        memcpy(out + JTI_BH_LABEL, o->label, label_len);
}

static int
write_all(const struct jt_blob_input *in, size_t n,
          const struct jt_blob_write_opts *o, uint8_t *out,
          const struct layout *lay)
{
    struct cursor cur = {0, 0, 0};
    int rc = write_entries(in, n, o, out, lay);

    for (size_t k = 0; rc == 0 && k < n; k++) {
        rc = write_entry(in, o, out, lay, k, &cur);
        if (rc != 0 && o->failed != NULL)
            *o->failed = jti_be32(out + lay->off[JTI_SEC_ENTRIES] +
                                  k * JTI_BE_SIZE + JTI_BE_DER_OFF);
    }
    if (rc != 0)
        return rc;
    if (cur.pool != lay->len[JTI_SEC_KEYS] ||
        cur.label != lay->len[JTI_SEC_LABELS] ||
        cur.der != lay->len[JTI_SEC_DER])
        return JT_ERR_STATE;
    heap_sort(out + lay->off[JTI_SEC_INDEX], n * 3, JTI_BK_SIZE, record_cmp,
              out + lay->off[JTI_SEC_KEYS]);
    return 0;
}

int
jt_blob_write(const struct jt_blob_input *in, size_t n,
              const struct jt_blob_write_opts *o, uint8_t *out, size_t cap,
              size_t *used)
{
    struct jt_blob_open_opts oo = {0, JT_BLOB_OPEN_ALLOW_PENDING};
    struct layout lay;
    struct jt_blob b;
    size_t label_len;
    int rc;

    if (in == NULL || o == NULL || used == NULL || (out == NULL && cap != 0))
        return JT_ERR_INVAL;
    rc = check_opts(o, &label_len);
    if (rc != 0)
        return rc;
    if (n == 0)
        return JT_ERR_BLOB_EMPTY;
    rc = measure(in, n, o, &lay);
    if (rc != 0)
        return rc;
    *used = (size_t)lay.total;
    if (out == NULL || cap < lay.total)
        return JT_ERR_NOSPC;
    memset(out, 0, (size_t)lay.total);
    rc = write_all(in, n, o, out, &lay);
    if (rc != 0)
        return rc;
    write_header(o, out, &lay, label_len);
    /* The writer's output must always open: a failure is our bug. */
    return jt_blob_open(&b, out, *used, &oo) == 0 ? 0 : JT_ERR_STATE;
}

int
jt_blob_write_signature(uint8_t *blob, size_t len, unsigned alg,
                        const uint8_t *keyid, const uint8_t *sig,
                        size_t sig_len)
{
    uint8_t *s;

    if (blob == NULL || keyid == NULL || sig == NULL)
        return JT_ERR_INVAL;
    if (len < 4)
        return JT_ERR_BLOB_TRUNCATED;
    if (memcmp(blob, "JTBL", 4) != 0)
        return JT_ERR_BLOB_MAGIC;
    if (len < JTI_BH_KIND)
        return JT_ERR_BLOB_TRUNCATED;
    if (jti_be16(blob + JTI_BH_VERSION) != JTI_BLOB_VERSION)
        return JT_ERR_BLOB_VERSION;
    if (len < JT_BLOB_HEADER_LEN || jti_be32(blob + JTI_BH_TOTAL) > len)
        return JT_ERR_BLOB_TRUNCATED;
    if (jti_be32(blob + JTI_BH_TOTAL) < len)
        return JT_ERR_BLOB_LENGTH;
    if ((jti_be32(blob + JTI_BH_FLAGS) & JTI_BLOB_FLAG_SIGNED) == 0)
        return JT_ERR_BLOB_UNSIGNED;
    if (alg != JT_BLOB_SIG_ECDSA_P256_SHA256 || sig_len == 0 ||
        sig_len > JT_BLOB_SIG_MAX ||
        len < JT_BLOB_HEADER_LEN + JT_BLOB_SIG_BLOCK_LEN ||
        jti_be32(blob + JTI_BH_SIG_OFF) != len - JT_BLOB_SIG_BLOCK_LEN ||
        jti_be32(blob + JTI_BH_SIG_OFF + 4) != JT_BLOB_SIG_BLOCK_LEN)
        return JT_ERR_BLOB_SIG;
    s = blob + len - JT_BLOB_SIG_BLOCK_LEN;
    memset(s, 0, JT_BLOB_SIG_BLOCK_LEN);
    jti_put16(s + JTI_BS_ALG, alg);
    jti_put16(s + JTI_BS_LEN, (uint32_t)sig_len);
    memcpy(s + JTI_BS_KEYID, keyid, JT_BLOB_KEYID_LEN);
    memcpy(s + JTI_BS_SIG, sig, sig_len);
    return 0;
}
