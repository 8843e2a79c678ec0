// SPDX-License-Identifier: MIT
/*
 * unit: the JIT trust state machine (core/trust.c). Real chains from the
 * test PKI ($JT_PKI_DIR) and hand-built DER certificates (a small backward
 * DER writer below) check the candidate paths, the keys asked and their
 * order, the answer checks with exact codes, the anchor order and caps,
 * the attacks the design closes (key swap, sent certs as anchors), and
 * every allocation failure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <mbedtls/sha1.h>
#include <mbedtls/sha256.h>

#include "jittrust/error.h"
#include "jittrust/trust.h"

#include "failalloc.h"
#include "manifest.h"
#include "testutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---------------------------------------------------------------------- */
/* Hash ops over mbedTLS, and a failing pair. */

static int
t_sha1(void *ud, const uint8_t *p, size_t len, uint8_t out[20])
{
    (void)ud;
    return mbedtls_sha1_ret(p, len, out);
}

static int
t_sha256(void *ud, const uint8_t *p, size_t len, uint8_t out[32])
{
    (void)ud;
    return mbedtls_sha256_ret(p, len, out, 0);
}

static int
bad_sha1(void *ud, const uint8_t *p, size_t len, uint8_t out[20])
{
    (void)ud, (void)p, (void)len, (void)out;
    return -1;
}

static int
bad_sha256(void *ud, const uint8_t *p, size_t len, uint8_t out[32])
{
    (void)ud, (void)p, (void)len, (void)out;
    return -1;
}

static const struct jt_hash_ops hops = {t_sha1, t_sha256, NULL};
static const struct jt_hash_ops bad_hops = {bad_sha1, bad_sha256, NULL};

static struct jt_trust *
mk(size_t max_certs, size_t max_paths)
{
    struct jt_trust_opts o = {0};
    struct jt_trust *t = NULL;

    o.max_certs = max_certs;
    o.max_paths = max_paths;
    o.hash = &hops;
    assert_int_equal(jt_trust_create(&t, &o, NULL), 0);
    return t;
}

/* ---------------------------------------------------------------------- */
/* Byte buffers: PKI certificates, hand-built ones, variants. */

struct buf {
    uint8_t *p;
    size_t len;
};

static void
buf_free(struct buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = 0;
}

/* The SKID of PKI row |name| (tests/common/manifest.h), into |out|. */
static size_t
manifest_skid(const char *name, uint8_t *out, size_t cap)
{
    struct th_mrow *rows;
    size_t n = th_manifest_load(&rows);
    const struct th_mrow *r = th_manifest_find(rows, n, name);
    int len = r != NULL ? th_hex2bin(r->skid, out, cap) : -1;

    free(rows);
    if (len <= 0)
        fail_msg("no SKID for %s in manifest.tsv", name);
    return len > 0 ? (size_t)len : 0;
}

/*
 * A backward DER writer (like mbedTLS asn1write): bytes are prepended, so
 * a constructed element is written contents first, then its header.
 */
struct w {
    uint8_t *b;
    size_t cap, pos;
};

static void
w_init(struct w *w, size_t cap)
{
    w->b = malloc(cap);
    assert_non_null(w->b);
    w->cap = cap;
    w->pos = cap;
}

static size_t
w_len(const struct w *w)
{
    return w->cap - w->pos;
}

static void
w_raw(struct w *w, const void *p, size_t n)
{
    assert_true(n <= w->pos);
    w->pos -= n;
    memcpy(w->b + w->pos, p, n);
}

static void
w_hdr(struct w *w, uint8_t tag, size_t len)
{
    uint8_t h[5];
    size_t n = 0;

    if (len >= 0x10000) {
        h[n++] = 0x83;
        h[n++] = (uint8_t)(len >> 16);
    } else if (len >= 0x100) {
        h[n++] = 0x82;
    } else if (len >= 0x80) {
        h[n++] = 0x81;
    }
    if (len >= 0x100)
        h[n++] = (uint8_t)(len >> 8);
    h[n++] = (uint8_t)len;
    w_raw(w, h, n);
    w_raw(w, &tag, 1);
}

/* Element |tag| with contents |p|/|n|. */
static void
w_tlv(struct w *w, uint8_t tag, const void *p, size_t n)
{
    w_raw(w, p, n);
    w_hdr(w, tag, n);
}

/* Close the element opened when w_len() was |mark|. */
static void
w_close(struct w *w, uint8_t tag, size_t mark)
{
    w_hdr(w, tag, w_len(w) - mark);
}

/* A hand-built certificate. */
struct spec {
    const char *subject, *issuer; /* commonName values */
    const uint8_t *skid;          /* NULL: no SKID extension */
    size_t skid_len;
    const uint8_t *akid; /* NULL: no AKID extension */
    size_t akid_len;
    int ca;         /* -1: no basicConstraints, 0: cA FALSE, 1: cA TRUE */
    int ku;         /* -1: no keyUsage, else JT_DER_KU_* bits (< 0x100) */
    uint8_t key;    /* varies the public key */
    uint8_t serial; /* 1..127 */
    size_t pad;     /* bytes of an extra non-critical extension */
};

static const uint8_t OID_CN[] = {0x55, 0x04, 0x03};
static const uint8_t OID_ECDSA_SHA256[] = {0x2a, 0x86, 0x48, 0xce,
                                           0x3d, 0x04, 0x03, 0x02};
static const uint8_t OID_EC[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01};
static const uint8_t OID_P256[] = {0x2a, 0x86, 0x48, 0xce,
                                   0x3d, 0x03, 0x01, 0x07};
static const uint8_t OID_SKID[] = {0x55, 0x1d, 0x0e};
static const uint8_t OID_AKID[] = {0x55, 0x1d, 0x23};
static const uint8_t OID_BC[] = {0x55, 0x1d, 0x13};
static const uint8_t OID_KU[] = {0x55, 0x1d, 0x0f};
static const uint8_t OID_PAD[] = {0x2b, 0x06, 0x01, 0x04, 0x01,
                                  0x86, 0x8d, 0x1f, 0x01};
static const uint8_t TRUE_[] = {0xff};

static void
w_name(struct w *w, const char *cn)
{
    size_t m = w_len(w), m2, m3;

    m2 = w_len(w);
    m3 = w_len(w);
    w_tlv(w, 0x0c, cn, strlen(cn));
    w_tlv(w, 0x06, OID_CN, sizeof(OID_CN));
    w_close(w, 0x30, m3);
    w_close(w, 0x31, m2);
    w_close(w, 0x30, m);
}

/* One extension: |oid|, critical flag, extnValue = what |body| wrote. */
static void
w_ext_close(struct w *w, const uint8_t *oid, size_t oidlen, int critical,
            size_t mark, size_t vmark)
{
    w_close(w, 0x04, vmark);
    if (critical)
        w_tlv(w, 0x01, TRUE_, 1);
    w_tlv(w, 0x06, oid, oidlen);
    w_close(w, 0x30, mark);
}

static void
w_ku(struct w *w, int ku)
{
    uint8_t bits[2] = {0, 0};
    size_t m = w_len(w);

    for (int n = 0; n < 8; n++)
        if (ku & (1 << n))
            bits[1] |= (uint8_t)(0x80 >> n);
    if (bits[1] == 0) {
        w_tlv(w, 0x03, bits, 1);
    } else {
        while (!(bits[1] & (1u << bits[0])))
            bits[0]++;
        w_tlv(w, 0x03, bits, 2);
    }
    w_ext_close(w, OID_KU, sizeof(OID_KU), 1, m, m);
}

static void
w_exts(struct w *w, const struct spec *s)
{
    size_t m = w_len(w), m2 = w_len(w), e, v;

    if (s->pad > 0) {
        uint8_t *z = calloc(1, s->pad);

        e = v = w_len(w);
        w_tlv(w, 0x04, z, s->pad);
        free(z);
        w_ext_close(w, OID_PAD, sizeof(OID_PAD), 0, e, v);
    }
    if (s->ku >= 0)
        w_ku(w, s->ku);
    if (s->ca >= 0) {
        e = v = w_len(w);
        if (s->ca)
            w_tlv(w, 0x01, TRUE_, 1);
        w_close(w, 0x30, v);
        w_ext_close(w, OID_BC, sizeof(OID_BC), 1, e, e);
    }
    if (s->akid != NULL) {
        e = w_len(w);
        v = w_len(w);
        w_tlv(w, 0x80, s->akid, s->akid_len);
        w_close(w, 0x30, v);
        w_ext_close(w, OID_AKID, sizeof(OID_AKID), 0, e, e);
    }
    if (s->skid != NULL) {
        e = w_len(w);
        w_tlv(w, 0x04, s->skid, s->skid_len);
        w_ext_close(w, OID_SKID, sizeof(OID_SKID), 0, e, e);
    }
    if (w_len(w) == m2)
        return;
    w_close(w, 0x30, m2);
    w_close(w, 0xa3, m);
}

static void
w_spki(struct w *w, uint8_t key)
{
    uint8_t pk[66];
    size_t m = w_len(w), m2;

    pk[0] = 0;
    pk[1] = 4;
    for (size_t i = 2; i < sizeof(pk); i++)
        pk[i] = (uint8_t)((size_t)key * 31u + i);
    w_tlv(w, 0x03, pk, sizeof(pk));
    m2 = w_len(w);
    w_tlv(w, 0x06, OID_P256, sizeof(OID_P256));
    w_tlv(w, 0x06, OID_EC, sizeof(OID_EC));
    w_close(w, 0x30, m2);
    w_close(w, 0x30, m);
}

static void
w_sigalg(struct w *w)
{
    size_t m = w_len(w);

    w_tlv(w, 0x06, OID_ECDSA_SHA256, sizeof(OID_ECDSA_SHA256));
    w_close(w, 0x30, m);
}

static void
w_tbs(struct w *w, const struct spec *s)
{
    static const uint8_t v3[] = {0x02, 0x01, 0x02};
    size_t m = w_len(w), m2;

    w_exts(w, s);
    w_spki(w, s->key);
    w_name(w, s->subject);
    m2 = w_len(w);
    w_tlv(w, 0x17, "491231235959Z", 13);
    w_tlv(w, 0x17, "190101000000Z", 13);
    w_close(w, 0x30, m2);
    w_name(w, s->issuer);
    w_sigalg(w);
    w_tlv(w, 0x02, &s->serial, 1);
    w_tlv(w, 0xa0, v3, sizeof(v3));
    w_close(w, 0x30, m);
}

/* The DER of |s| (malloc'd). */
static struct buf
build(const struct spec *s)
{
    static const uint8_t sig[] = {0x00, 0x30, 0x06, 0x02, 0x01,
                                  0x01, 0x02, 0x01, 0x01};
    struct w w;
    struct buf b;

    w_init(&w, s->pad + 2048);
    w_tlv(&w, 0x03, sig, sizeof(sig));
    w_sigalg(&w);
    w_tbs(&w, s);
    w_close(&w, 0x30, 0);
    b.len = w_len(&w);
    b.p = malloc(b.len);
    assert_non_null(b.p);
    memcpy(b.p, w.b + w.pos, b.len);
    free(w.b);
    return b;
}

static struct buf
pki(const char *name)
{
    struct buf b;

    b.p = th_pki_der(name, &b.len);
    return b;
}

/* A CA carrying PKI row |name|'s SKID: |ca|, |ku| and |total| (exact DER
   length wanted, 0 = any) vary. */
static struct buf
ca_with_skid_of(const char *name, int ca, int ku, size_t total)
{
    uint8_t skid[64];
    struct spec s = {
        "JT Test Forged", "JT Test Forged", NULL, 0, NULL, 0, ca, ku, 7, 9, 0};
    struct buf b;

    s.skid_len = manifest_skid(name, skid, sizeof(skid));
    s.skid = skid;
    b = build(&s);
    for (int i = 0; total != 0 && b.len != total && i < 8; i++) {
        s.pad += total - b.len + (i == 0 ? 12 : 0);
        buf_free(&b);
        b = build(&s);
    }
    if (total != 0)
        assert_int_equal(b.len, total);
    return b;
}

/*
 * An answer certificate by name: a PKI row, or
 *   "+trail:ROW"     ROW's DER plus one byte
 *   "forged:ROW"     a hand-built CA with ROW's SKID, keyCertSign
 *   "noku:ROW"       ... without keyUsage
 *   "nosign:ROW"     ... with keyUsage digitalSignature only
 *   "notca:ROW"      ... with basicConstraints cA FALSE
 *   "nobc:ROW"       ... without basicConstraints
 *   "max:ROW"        ... exactly 64 KB
 *   "big:ROW"        ... 64 KB + 1
 *   "garbage"        not DER
 */
static struct buf
answer_cert(const char *spec)
{
    static const struct {
        const char *prefix;
        int ca, ku;
        size_t total;
    } forged[] = {
        {"forged:", 1, JT_DER_KU_KEY_CERT_SIGN, 0},
        {"noku:", 1, -1, 0},
        {"nosign:", 1, JT_DER_KU_DIGITAL_SIGNATURE, 0},
        {"notca:", 0, JT_DER_KU_KEY_CERT_SIGN, 0},
        {"nobc:", -1, JT_DER_KU_KEY_CERT_SIGN, 0},
        {"max:", 1, JT_DER_KU_KEY_CERT_SIGN, JT_TRUST_ANSWER_MAX},
        {"big:", 1, JT_DER_KU_KEY_CERT_SIGN, JT_TRUST_ANSWER_MAX + 1},
    };
    struct buf b;

    if (strcmp(spec, "garbage") == 0) {
        b.p = malloc(4);
        memcpy(b.p, "\x30\x05\x02\x01", 4);
        b.len = 4;
        return b;
    }
    if (strncmp(spec, "+trail:", 7) == 0) {
        b = pki(spec + 7);
        b.p = realloc(b.p, b.len + 1);
        b.p[b.len++] = 0;
        return b;
    }
    for (size_t i = 0; i < sizeof(forged) / sizeof(forged[0]); i++) {
        size_t n = strlen(forged[i].prefix);

        if (strncmp(spec, forged[i].prefix, n) == 0)
            return ca_with_skid_of(spec + n, forged[i].ca, forged[i].ku,
                                   forged[i].total);
    }
    return pki(spec);
}

/* PKI certs by name, NULL-terminated list. */
struct chain {
    size_t n;
    struct buf c[32];
};

static void
chain_load(struct chain *ch, const char *const *names)
{
    ch->n = 0;
    for (size_t i = 0; names[i] != NULL; i++)
        ch->c[ch->n++] = pki(names[i]);
}

static void
chain_free(struct chain *ch)
{
    for (size_t i = 0; i < ch->n; i++)
        buf_free(&ch->c[i]);
    ch->n = 0;
}

/* Add every cert; the first error (0 when all were added). */
static int
chain_add(struct jt_trust *t, const struct chain *ch)
{
    for (size_t i = 0; i < ch->n; i++) {
        int rc = jt_trust_add_cert(t, ch->c[i].p, ch->c[i].len);

        if (rc != 0)
            return rc;
    }
    return 0;
}

static void
assert_skid_key(const struct jt_key *k, const char *name)
{
    uint8_t skid[64];
    size_t n = manifest_skid(name, skid, sizeof(skid));

    assert_non_null(k);
    if (k->type != JT_KEY_SKID || k->len != n || memcmp(k->b, skid, n) != 0)
        fail_msg("key is not the SKID of %s (type %d, len %d)", name, k->type,
                 k->len);
}

/* ---------------------------------------------------------------------- */
/* Paths and keys of real chains. */

struct path_row {
    const char *name;
    const char *certs[12];
    size_t max_certs;
    int rc;               /* of add (last cert) or build */
    int failed;           /* jt_trust_failed_index() after */
    size_t npaths;        /* expected paths (the first 3 checked) */
    size_t path[3][12];   /* ... as indices, terminated by 99 */
    const char *skids[8]; /* expected keys, all SKIDs of these rows */
};

#define END 99

/* One row per case reads better than one field per line. */
/* clang-format off */
static const struct path_row path_rows[] = {
    {"simple chain",
     {"leaf-www", "inter-p256"}, 0, 0, -1,
     1, {{0, 1, END}}, {"inter-p256", "root-p256"}},
    {"reverse order with root",
     {"leaf-www", "root-p256", "inter-p256"}, 0, 0, -1,
     1, {{0, 2, 1, END}}, {"inter-p256", "root-p256"}},
    {"in order with root",
     {"leaf-www", "inter-p256", "root-p256"}, 0, 0, -1,
     1, {{0, 1, 2, END}}, {"inter-p256", "root-p256"}},
    {"cross-signed intermediates",
     {"leaf-x", "inter-x-by-p256", "inter-x-by-rsa"}, 0, 0, -1,
     2, {{0, 1, END}, {0, 2, END}},
     {"inter-x-by-p256", "root-p256", "root-rsa"}},
    {"cross-signed, rsa first",
     {"leaf-x", "inter-x-by-rsa", "inter-x-by-p256"}, 0, 0, -1,
     2, {{0, 1, END}, {0, 2, END}},
     {"inter-x-by-p256", "root-rsa", "root-p256"}},
    {"cross-signed with both roots",
     {"leaf-x", "root-rsa", "inter-x-by-rsa", "inter-x-by-p256",
      "root-p256"}, 0, 0, -1,
     2, {{0, 2, 1, END}, {0, 3, 4, END}},
     {"inter-x-by-p256", "root-rsa", "root-p256"}},
    {"retired root cross-sign",
     {"leaf-p384", "inter-p384", "root-p384-by-rsa"}, 0, 0, -1,
     1, {{0, 1, 2, END}}, {"inter-p384", "root-p384", "root-rsa"}},
    {"retired root cross-sign and self-signed root",
     {"leaf-p384", "inter-p384", "root-p384-by-rsa", "root-p384"}, 0, 0, -1,
     2, {{0, 1, 2, END}, {0, 1, 3, END}},
     {"inter-p384", "root-p384", "root-rsa"}},
    {"key swap: attacker leaf, then victim chain",
     {"leaf-attacker", "leaf-www", "inter-p256"}, 0, 0, -1,
     1, {{0, END}}, {"root-untrusted"}},
    {"key swap: victim chain shuffled",
     {"leaf-attacker", "inter-p256", "leaf-www", "root-p256"}, 0, 0, -1,
     1, {{0, END}}, {"root-untrusted"}},
    {"duplicate intermediate is skipped",
     {"leaf-www", "inter-p256", "inter-p256", "inter-p256"}, 0, 0, -1,
     1, {{0, 1, END}}, {"inter-p256", "root-p256"}},
    {"unrelated certs are ignored",
     {"leaf-www", "inter-rsa", "leaf-rsa", "inter-p256", "root-p384"},
     0, 0, -1,
     1, {{0, 3, END}}, {"inter-p256", "root-p256"}},
    {"leaf alone",
     {"leaf-www"}, 0, 0, -1,
     1, {{0, END}}, {"inter-p256"}},
    {"same key, other names (rsa-long)",
     {"rsa-long/leaf", "rsa-long/i6", "rsa-long/i5", "rsa-long/i4",
      "rsa-long/i3", "rsa-long/i2", "rsa-long/i1"}, 0, 0, -1,
     1, {{0, 1, 2, 3, 4, 5, 6, END}},
     {"rsa-long/i6", "rsa-long/i5", "root-rsa"}},
    {"same key, other names, shuffled",
     {"rsa-long/leaf", "rsa-long/i1", "rsa-long/i3", "rsa-long/i5",
      "rsa-long/i2", "rsa-long/i4", "rsa-long/i6"}, 0, 0, -1,
     1, {{0, 6, 3, 5, 2, 4, 1, END}},
     {"rsa-long/i6", "rsa-long/i5", "root-rsa"}},
    {"AKID with keyid and issuer: keyid wins",
     {"leaf-akid-iss", "inter-akid-iss"}, 0, 0, -1,
     1, {{0, 1, END}}, {"inter-akid-iss", "root-p256"}},
    {"sibling CAs with one SKID and name",
     {"leaf-fake", "fake-ca-p256", "root-p256"}, 0, 0, -1,
     2, {{0, 1, END}, {0, 2, END}}, {"root-p256"}},
    {"leaf is a CA",
     {"leaf-is-ca", "inter-p256"}, 0, JT_ERR_TRUST_LEAF_IS_CA, 0,
     0, {{END}}, {NULL}},
    {"root sent first",
     {"root-p256", "leaf-www", "inter-p256"}, 0, JT_ERR_TRUST_LEAF_IS_CA, 0,
     0, {{END}}, {NULL}},
    {"intermediate sent first",
     {"inter-p256", "leaf-www"}, 0, JT_ERR_TRUST_LEAF_IS_CA, 0,
     0, {{END}}, {NULL}},
    {"9 certs, cap 8",
     {"leaf-www", "inter-p256", "root-p256", "inter-rsa", "root-rsa",
      "inter-p384", "root-p384", "inter-x-by-p256", "inter-x-by-rsa"},
     8, JT_ERR_TRUST_TOO_MANY_CERTS, 8,
     0, {{END}}, {NULL}},
    {"3 certs, cap 2",
     {"leaf-www", "inter-p256", "root-p256"}, 2,
     JT_ERR_TRUST_TOO_MANY_CERTS, 2,
     0, {{END}}, {NULL}},
};
/* clang-format on */

static void
check_paths(const struct jt_trust *t, const struct path_row *r)
{
    assert_int_equal(jt_trust_path_count(t), r->npaths);
    for (size_t p = 0; p < r->npaths && p < 3; p++) {
        const size_t *idx;
        size_t len, k;

        assert_int_equal(jt_trust_path(t, p, &idx, &len), 0);
        for (k = 0; r->path[p][k] != END; k++) {
            if (k >= len || idx[k] != r->path[p][k])
                fail_msg("%s: path %zu differs at %zu", r->name, p, k);
        }
        assert_int_equal(len, k);
        assert_int_equal(idx[0], 0);
    }
}

static void
path_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(path_rows) / sizeof(path_rows[0]); i++) {
        const struct path_row *r = &path_rows[i];
        struct jt_trust *t = mk(r->max_certs, 0);
        struct chain ch;
        size_t nk = 0;
        int rc;

        print_message("  %s\n", r->name);
        chain_load(&ch, r->certs);
        rc = chain_add(t, &ch);
        if (rc == 0)
            rc = jt_trust_build(t);
        assert_int_equal(rc, r->rc);
        assert_int_equal(jt_trust_failed_index(t), r->failed);
        check_paths(t, r);
        while (r->skids[nk] != NULL)
            nk++;
        assert_int_equal(jt_trust_key_count(t), nk);
        for (size_t k = 0; k < nk; k++)
            assert_skid_key(jt_trust_key(t, k), r->skids[k]);
        assert_null(jt_trust_key(t, nk));
        assert_int_equal(jt_trust_pending(t), nk);
        jt_trust_destroy(t);
        chain_free(&ch);
    }
}

/* The object keeps the certs as sent, duplicates included. */
static void
certs_as_sent(void **state)
{
    static const char *const names[] = {"leaf-www", "inter-p256", "inter-p256",
                                        NULL};
    struct jt_trust *t = mk(0, 0);
    struct chain ch;

    (void)state;
    chain_load(&ch, names);
    assert_int_equal(chain_add(t, &ch), 0);
    assert_int_equal(jt_trust_build(t), 0);
    assert_int_equal(jt_trust_cert_count(t), 3);
    for (size_t i = 0; i < 3; i++) {
        const struct jt_der_cert *c = jt_trust_cert(t, i);

        assert_non_null(c);
        assert_ptr_equal(c->raw.p, ch.c[i].p); /* borrowed, not copied */
        assert_int_equal(c->raw.len, ch.c[i].len);
    }
    assert_null(jt_trust_cert(t, 3));
    jt_trust_destroy(t);
    chain_free(&ch);
}

/* chain20: 20 certs work with a cap of 32 and fail clearly with 8. */
static void
chain20(void **state)
{
    struct chain ch;
    char name[32];
    struct jt_trust *t;
    const size_t *idx;
    size_t len;

    (void)state;
    ch.n = 0;
    ch.c[ch.n++] = pki("chain20/leaf");
    for (int i = 19; i >= 1; i--) {
        snprintf(name, sizeof(name), "chain20/i%02d", i);
        ch.c[ch.n++] = pki(name);
    }
    ch.c[ch.n++] = pki("root-p256");
    t = mk(32, 0);
    assert_int_equal(chain_add(t, &ch), 0);
    assert_int_equal(jt_trust_build(t), 0);
    assert_int_equal(jt_trust_path_count(t), 1);
    assert_int_equal(jt_trust_path(t, 0, &idx, &len), 0);
    assert_int_equal(len, 21);
    for (size_t k = 0; k < len; k++)
        assert_int_equal(idx[k], k);
    assert_int_equal(jt_trust_key_count(t), 20);
    for (int i = 19; i >= 1; i--) {
        snprintf(name, sizeof(name), "chain20/i%02d", i);
        assert_skid_key(jt_trust_key(t, (size_t)(19 - i)), name);
    }
    assert_skid_key(jt_trust_key(t, 19), "root-p256");
    jt_trust_destroy(t);

    t = mk(0, 0);
    assert_int_equal(chain_add(t, &ch), JT_ERR_TRUST_TOO_MANY_CERTS);
    assert_int_equal(jt_trust_failed_index(t), 8);
    assert_int_equal(jt_trust_cert_count(t), 8);
    assert_non_null(strstr(jt_strerror(JT_ERR_TRUST_TOO_MANY_CERTS),
                           "more certificates than the stash holds"));
    /* Sticky: no silent truncation, no build on what fit. */
    assert_int_equal(jt_trust_build(t), JT_ERR_STATE);
    assert_int_equal(jt_trust_add_cert(t, ch.c[0].p, ch.c[0].len),
                     JT_ERR_STATE);
    assert_int_equal(jt_trust_path_count(t), 0);
    jt_trust_destroy(t);
    chain_free(&ch);
}

/* ---------------------------------------------------------------------- */
/* Hand-built chains: cycles, path caps, name-only links, key types. */

static const uint8_t KA[] = {0xa1, 0xa1, 0xa1, 0xa1};
static const uint8_t KB[] = {0xb2, 0xb2, 0xb2, 0xb2};
static const uint8_t KC[] = {0xc3, 0xc3, 0xc3, 0xc3};

struct hand_row {
    const char *name;
    struct spec certs[8];
    size_t ncerts, max_paths;
    int rc, failed;
    size_t npaths;
    size_t path[3][8];
    uint8_t key_types[10]; /* 0-terminated */
};

#define NOX NULL, 0
#define LEAF 0, JT_DER_KU_DIGITAL_SIGNATURE
#define CA 1, JT_DER_KU_KEY_CERT_SIGN

/* Spec fields: subject, issuer, skid, skid_len, akid, akid_len, ca, ku, key,
   serial, pad (NOX: no such extension). */
/* clang-format off */
static const struct hand_row hand_rows[] = {
    {"cycle between two distinct CAs",
     {{"L", "A", NOX, KA, 4, LEAF, 1, 1, 0},
      {"A", "B", KA, 4, KB, 4, CA, 2, 2, 0},
      {"B", "A", KB, 4, KA, 4, CA, 3, 3, 0}},
     3, 0, JT_ERR_TRUST_CYCLE, 1, 0, {{END}}, {0}},
    {"cycle by names only",
     {{"L", "A", NOX, NOX, LEAF, 1, 1, 0},
      {"A", "B", NOX, NOX, CA, 2, 2, 0},
      {"B", "C", NOX, NOX, CA, 3, 3, 0},
      {"C", "A", NOX, NOX, CA, 4, 4, 0}},
     4, 0, JT_ERR_TRUST_CYCLE, 1, 0, {{END}}, {0}},
    {"cycle back to the leaf",
     {{"L", "A", NOX, NOX, LEAF, 1, 1, 0},
      {"A", "L", NOX, NOX, CA, 2, 2, 0}},
     2, 0, JT_ERR_TRUST_CYCLE, 0, 0, {{END}}, {0}},
    {"3 x 3 paths over cap 8",
     {{"L", "X", NOX, NOX, LEAF, 1, 1, 0},
      {"X", "R", NOX, NOX, CA, 2, 2, 0},
      {"X", "R", NOX, NOX, CA, 3, 3, 0},
      {"X", "R", NOX, NOX, CA, 4, 4, 0},
      {"R", "R", NOX, NOX, CA, 5, 5, 0},
      {"R", "R", NOX, NOX, CA, 6, 6, 0},
      {"R", "R", NOX, NOX, CA, 7, 7, 0}},
     7, 0, JT_ERR_TRUST_TOO_MANY_PATHS, 6, 0, {{END}}, {0}},
    {"3 x 3 paths with cap 9",
     {{"L", "X", NOX, NOX, LEAF, 1, 1, 0},
      {"X", "R", NOX, NOX, CA, 2, 2, 0},
      {"X", "R", NOX, NOX, CA, 3, 3, 0},
      {"X", "R", NOX, NOX, CA, 4, 4, 0},
      {"R", "R", NOX, NOX, CA, 5, 5, 0},
      {"R", "R", NOX, NOX, CA, 6, 6, 0},
      {"R", "R", NOX, NOX, CA, 7, 7, 0}},
     7, 9, 0, -1, 9, {{0, 1, 4, END}, {0, 1, 5, END}, {0, 1, 6, END}},
     {JT_KEY_SUBJECT, JT_KEY_COMPUTED, JT_KEY_SUBJECT, JT_KEY_COMPUTED,
      JT_KEY_COMPUTED, JT_KEY_COMPUTED, JT_KEY_COMPUTED, JT_KEY_COMPUTED}},
    {"names only: subject and computed keys",
     {{"L", "X", NOX, NOX, LEAF, 1, 1, 0},
      {"X", "R", NOX, NOX, CA, 2, 2, 0},
      {"X", "R", NOX, NOX, CA, 3, 3, 0}},
     3, 0, 0, -1, 2, {{0, 1, END}, {0, 2, END}},
     {JT_KEY_SUBJECT, JT_KEY_COMPUTED, JT_KEY_SUBJECT, JT_KEY_COMPUTED, 0}},
    {"AKID keyid narrows same-name issuers",
     {{"L", "X", NOX, KB, 4, LEAF, 1, 1, 0},
      {"X", "R", KA, 4, KC, 4, CA, 2, 2, 0},
      {"X", "R", KB, 4, KC, 4, CA, 3, 3, 0},
      {"X", "R", NOX, KC, 4, CA, 4, 4, 0}},
     4, 0, 0, -1, 2, {{0, 2, END}, {0, 3, END}},
     {JT_KEY_SKID, JT_KEY_SKID, JT_KEY_COMPUTED, 0}},
    {"self-issued key rollover does not end the path",
     {{"L", "R", NOX, KB, 4, LEAF, 1, 1, 0},
      {"R", "R", KB, 4, KA, 4, CA, 2, 2, 0},
      {"R", "R", KA, 4, NOX, CA, 3, 3, 0}},
     3, 0, 0, -1, 1, {{0, 1, 2, END}}, {JT_KEY_SKID, JT_KEY_SKID, 0}},
    {"self-issued root ends the path (AKID == SKID)",
     {{"L", "R", NOX, KA, 4, LEAF, 1, 1, 0},
      {"R", "R", KA, 4, KA, 4, CA, 2, 2, 0},
      {"R", "R", KA, 4, KA, 4, CA, 3, 3, 0}},
     3, 0, 0, -1, 2, {{0, 1, END}, {0, 2, END}}, {JT_KEY_SKID, 0}},
    {"self-issued leaf",
     {{"L", "L", KA, 4, KA, 4, LEAF, 1, 1, 0}},
     1, 0, 0, -1, 1, {{0, END}}, {JT_KEY_SKID, 0}},
    {"leaf named like its issuer but not self-issued",
     {{"L", "L", KA, 4, KB, 4, LEAF, 1, 1, 0},
      {"L", "L", KB, 4, NOX, CA, 2, 2, 0}},
     2, 0, 0, -1, 1, {{0, 1, END}}, {JT_KEY_SKID, 0}},
};
/* clang-format on */

static void
hand_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(hand_rows) / sizeof(hand_rows[0]); i++) {
        const struct hand_row *r = &hand_rows[i];
        struct jt_trust *t = mk(0, r->max_paths);
        struct path_row pr = {0};
        struct buf b[8];
        size_t nk = 0;
        int rc = 0;

        print_message("  %s\n", r->name);
        for (size_t c = 0; c < r->ncerts; c++) {
            b[c] = build(&r->certs[c]);
            if (rc == 0)
                rc = jt_trust_add_cert(t, b[c].p, b[c].len);
        }
        assert_int_equal(rc, 0);
        assert_int_equal(jt_trust_build(t), r->rc);
        assert_int_equal(jt_trust_failed_index(t), r->failed);
        pr.name = r->name;
        pr.npaths = r->npaths;
        for (size_t p = 0; p < 3; p++)
            for (size_t k = 0; k < 8; k++)
                pr.path[p][k] = r->path[p][k];
        check_paths(t, &pr);
        while (r->key_types[nk] != 0)
            nk++;
        assert_int_equal(jt_trust_key_count(t), nk);
        for (size_t k = 0; k < nk; k++)
            assert_int_equal(jt_trust_key(t, k)->type, r->key_types[k]);
        jt_trust_destroy(t);
        for (size_t c = 0; c < r->ncerts; c++)
            buf_free(&b[c]);
    }
}

/* The keys of a name-only chain are the hashes the key API defines. */
static void
subject_and_computed_values(void **state)
{
    struct spec sl = {"L", "X", NOX, NOX, LEAF, 1, 1, 0};
    struct spec sx = {"X", "R", NOX, NOX, CA, 2, 2, 0};
    struct buf bl = build(&sl), bx = build(&sx);
    struct jt_der_cert cx;
    struct jt_key want;
    struct jt_trust *t = mk(0, 0);

    (void)state;
    assert_int_equal(jt_trust_add_cert(t, bl.p, bl.len), 0);
    assert_int_equal(jt_trust_add_cert(t, bx.p, bx.len), 0);
    assert_int_equal(jt_trust_build(t), 0);
    assert_int_equal(jt_trust_key_count(t), 3);
    assert_int_equal(jt_der_cert_parse(&cx, bx.p, bx.len), 0);
    assert_int_equal(jt_key_subject(&want, &cx, &hops), 0);
    assert_int_equal(jt_key_cmp(jt_trust_key(t, 0), &want), 0);
    assert_int_equal(jt_key_computed(&want, &cx, &hops), 0);
    assert_int_equal(jt_key_cmp(jt_trust_key(t, 1), &want), 0);
    assert_int_equal(jt_key_issuer(&want, &cx, &hops), 0);
    assert_int_equal(jt_key_cmp(jt_trust_key(t, 2), &want), 0);
    jt_trust_destroy(t);
    buf_free(&bl);
    buf_free(&bx);
}

/* A hash failure while making keys fails the build, naming the cert. */
static void
hash_failure_in_build(void **state)
{
    struct spec sl = {"L", "X", NOX, NOX, LEAF, 1, 1, 0};
    struct buf bl = build(&sl);
    struct jt_trust_opts o = {0};
    struct jt_trust *t;

    (void)state;
    o.hash = &bad_hops;
    assert_int_equal(jt_trust_create(&t, &o, NULL), 0);
    assert_int_equal(jt_trust_add_cert(t, bl.p, bl.len), 0);
    assert_int_equal(jt_trust_build(t), JT_ERR_TRUST_HASH);
    assert_int_equal(jt_trust_failed_index(t), 0);
    assert_int_equal(jt_trust_key_count(t), 0);
    jt_trust_destroy(t);
    buf_free(&bl);
}

/* The issuer+serial key of a leaf whose AKID names its root that way. */
static void
issuer_serial_key(void **state)
{
    struct buf leaf = pki("leaf-noskid-root"), root = pki("root-noskid");
    struct buf other = pki("root-p256");
    struct jt_der_cert cr;
    struct jt_key want;
    struct jt_span s[2];
    int res[2];
    struct jt_trust *t = mk(0, 0);

    (void)state;
    assert_int_equal(jt_trust_add_cert(t, leaf.p, leaf.len), 0);
    assert_int_equal(jt_trust_build(t), 0);
    assert_int_equal(jt_trust_key_count(t), 1);
    assert_int_equal(jt_trust_key(t, 0)->type, JT_KEY_ISSUER_SERIAL);
    assert_int_equal(jt_der_cert_parse(&cr, root.p, root.len), 0);
    assert_int_equal(jt_key_issuer_serial(&want, &cr, &hops), 0);
    assert_int_equal(jt_key_cmp(jt_trust_key(t, 0), &want), 0);
    s[0].p = other.p, s[0].len = other.len;
    s[1].p = root.p, s[1].len = root.len;
    assert_int_equal(jt_trust_answer(t, 0, s, 2, res), 1);
    assert_int_equal(res[0], JT_ERR_TRUST_ANSWER_KEY_MISMATCH);
    assert_int_equal(res[1], 0);
    jt_trust_destroy(t);
    buf_free(&leaf);
    buf_free(&root);
    buf_free(&other);
}

/* ---------------------------------------------------------------------- */
/* Answers. */

struct ans_row {
    const char *name;
    const char *chain[4]; /* sent certs */
    const char *asked;    /* answer the key that is this row's SKID */
    const char *certs[4]; /* answer certs (see answer_cert) */
    int results[4];
    int rc;
};

/* One row per case reads better than one field per line. */
/* clang-format off */
static const struct ans_row ans_rows[] = {
    {"right root", {"leaf-www", "inter-p256"}, "root-p256",
     {"root-p256"}, {0}, 1},
    {"wrong key", {"leaf-www", "inter-p256"}, "root-p256",
     {"root-rsa"}, {JT_ERR_TRUST_ANSWER_KEY_MISMATCH}, 0},
    {"sibling CAs sharing a SKID both kept", {"leaf-www", "inter-p256"},
     "root-p256", {"fake-ca-p256", "root-p256"}, {0, 0}, 2},
    {"not a CA", {"leaf-under-notca"}, "inter-notca",
     {"inter-notca"}, {JT_ERR_TRUST_ANSWER_NOT_CA}, 0},
    {"forged: cA FALSE", {"leaf-www", "inter-p256"}, "root-p256",
     {"notca:root-p256"}, {JT_ERR_TRUST_ANSWER_NOT_CA}, 0},
    {"forged: no basicConstraints", {"leaf-www", "inter-p256"}, "root-p256",
     {"nobc:root-p256"}, {JT_ERR_TRUST_ANSWER_NOT_CA}, 0},
    {"no keyCertSign", {"leaf-www", "inter-p256"}, "root-p256",
     {"nosign:root-p256"}, {JT_ERR_TRUST_ANSWER_NO_CERTSIGN}, 0},
    {"CA without keyUsage is fine", {"leaf-www", "inter-p256"}, "root-p256",
     {"noku:root-p256"}, {0}, 1},
    {"exactly 64 KB is fine", {"leaf-www", "inter-p256"}, "root-p256",
     {"max:root-p256"}, {0}, 1},
    {"64 KB + 1 is too big", {"leaf-www", "inter-p256"}, "root-p256",
     {"big:root-p256"}, {JT_ERR_TRUST_ANSWER_TOO_BIG}, 0},
    {"trailing bytes", {"leaf-www", "inter-p256"}, "root-p256",
     {"+trail:root-p256"}, {JT_ERR_DER_TRAILING}, 0},
    {"not DER", {"leaf-www", "inter-p256"}, "root-p256",
     {"garbage"}, {JT_ERR_DER_TRUNCATED}, 0},
    {"the leaf's own intermediate is fine", {"leaf-www", "inter-p256"},
     "inter-p256", {"inter-p256"}, {0}, 1},
    {"certs without the asked key", {"leaf-www", "inter-p256"},
     "inter-p256", {"leaf-www", "leaf-is-ca"},
     {JT_ERR_TRUST_ANSWER_KEY_MISMATCH, JT_ERR_TRUST_ANSWER_KEY_MISMATCH}, 0},
    {"mixed: bad ones do not stop good ones", {"leaf-www", "inter-p256"},
     "root-p256", {"garbage", "root-p256", "nosign:root-p256", "root-rsa"},
     {JT_ERR_DER_TRUNCATED, 0, JT_ERR_TRUST_ANSWER_NO_CERTSIGN,
      JT_ERR_TRUST_ANSWER_KEY_MISMATCH}, 1},
    {"duplicates stored once, counted", {"leaf-www", "inter-p256"},
     "root-p256", {"root-p256", "root-p256", "fake-ca-p256", "root-p256"},
     {0, 0, 0, 0}, 4},
    {"per-key cap 3", {"leaf-www", "inter-p256"}, "root-p256",
     {"root-p256", "fake-ca-p256", "forged:root-p256", "noku:root-p256"},
     {0, 0, 0, JT_ERR_NOSPC}, 3},
    {"cross-signed root by SKID",
     {"leaf-p384", "inter-p384", "root-p384-by-rsa"}, "root-p384",
     {"root-p384", "root-p384-by-rsa"}, {0, 0}, 2},
};
/* clang-format on */

/* The index of the key that is |name|'s SKID. */
static size_t
key_of(const struct jt_trust *t, const char *name)
{
    uint8_t skid[64];
    size_t n = manifest_skid(name, skid, sizeof(skid));

    for (size_t i = 0; i < jt_trust_key_count(t); i++) {
        const struct jt_key *k = jt_trust_key(t, i);

        if (k->type == JT_KEY_SKID && k->len == n && memcmp(k->b, skid, n) == 0)
            return i;
    }
    fail_msg("no key asks for the SKID of %s", name);
    return 0;
}

static void
answer_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(ans_rows) / sizeof(ans_rows[0]); i++) {
        const struct ans_row *r = &ans_rows[i];
        struct jt_trust *t = mk(0, 0);
        struct chain ch;
        struct buf b[4];
        struct jt_span s[4], out[4];
        int res[4], na = 0;
        size_t n = 0, ki;

        print_message("  %s\n", r->name);
        chain_load(&ch, r->chain);
        assert_int_equal(chain_add(t, &ch), 0);
        assert_int_equal(jt_trust_build(t), 0);
        ki = key_of(t, r->asked);
        for (; n < 4 && r->certs[n] != NULL; n++) {
            b[n] = answer_cert(r->certs[n]);
            s[n].p = b[n].p;
            s[n].len = b[n].len;
        }
        assert_int_equal(jt_trust_answer(t, ki, s, n, res), r->rc);
        for (size_t k = 0; k < n; k++)
            assert_int_equal(res[k], r->results[k]);
        assert_int_equal(jt_trust_key_answered(t, ki), 1);
        assert_int_equal(jt_trust_answer(t, ki, s, n, res),
                         JT_ERR_TRUST_ANSWERED);
        /* Anchors: the accepted certs, distinct, as copies. */
        for (size_t k = 0; k < n; k++) {
            int dup = 0;

            for (size_t m = 0; m < k; m++)
                dup |= b[m].len == b[k].len &&
                       memcmp(b[m].p, b[k].p, b[k].len) == 0;
            if (r->results[k] == 0 && !dup)
                na++;
        }
        assert_int_equal(jt_trust_anchors(t, out, 4), na);
        for (int k = 0; k < na; k++)
            for (size_t m = 0; m < n; m++)
                assert_ptr_not_equal(out[k].p, b[m].p);
        jt_trust_destroy(t);
        for (size_t k = 0; k < n; k++)
            buf_free(&b[k]);
        chain_free(&ch);
    }
}

/* Answer copies outlive the source's buffers. */
static void
answer_is_copied(void **state)
{
    static const char *const names[] = {"leaf-www", "inter-p256", NULL};
    struct chain ch;
    struct buf root = pki("root-p256"), keep = pki("root-p256");
    struct jt_trust *t = mk(0, 0);
    struct jt_span s, out[3];

    (void)state;
    chain_load(&ch, names);
    assert_int_equal(chain_add(t, &ch), 0);
    assert_int_equal(jt_trust_build(t), 0);
    s.p = root.p;
    s.len = root.len;
    assert_int_equal(jt_trust_answer(t, 1, &s, 1, NULL), 1);
    memset(root.p, 0xee, root.len);
    buf_free(&root);
    assert_int_equal(jt_trust_anchors(t, out, 3), 1);
    assert_int_equal(out[0].len, keep.len);
    assert_memory_equal(out[0].p, keep.p, keep.len);
    /* released (the caller parsed them): no anchors, the rest stays */
    jt_trust_release_answers(t);
    assert_int_equal(jt_trust_anchors(t, out, 3), 0);
    assert_int_equal(jt_trust_key_answered(t, 1), 1);
    assert_true(jt_trust_path_count(t) > 0);
    jt_trust_release_answers(t); /* twice, and NULL: no-ops */
    jt_trust_release_answers(NULL);
    jt_trust_destroy(t);
    buf_free(&keep);
    chain_free(&ch);
}

/* A sent cert never becomes an anchor; only answers do. */
static void
sent_root_never_anchor(void **state)
{
    static const char *const names[] = {"leaf-www", "root-p256", "inter-p256",
                                        NULL};
    struct chain ch;
    struct jt_trust *t = mk(0, 0);
    struct jt_span out[3], s;

    (void)state;
    chain_load(&ch, names);
    assert_int_equal(chain_add(t, &ch), 0);
    assert_int_equal(jt_trust_build(t), 0);
    assert_int_equal(jt_trust_pending(t), 2);
    for (size_t k = 0; k < jt_trust_key_count(t); k++)
        assert_int_equal(jt_trust_answer(t, k, NULL, 0, NULL), 0);
    assert_int_equal(jt_trust_pending(t), 0);
    assert_int_equal(jt_trust_anchors(t, out, 3), 0);
    jt_trust_destroy(t);

    /* Answered with the very bytes the server sent: a copy is the anchor. */
    t = mk(0, 0);
    assert_int_equal(chain_add(t, &ch), 0);
    assert_int_equal(jt_trust_build(t), 0);
    s.p = ch.c[1].p;
    s.len = ch.c[1].len;
    assert_int_equal(jt_trust_answer(t, key_of(t, "root-p256"), &s, 1, NULL),
                     1);
    assert_int_equal(jt_trust_anchors(t, out, 3), 1);
    assert_ptr_not_equal(out[0].p, ch.c[1].p);
    assert_memory_equal(out[0].p, ch.c[1].p, ch.c[1].len);
    jt_trust_destroy(t);
    chain_free(&ch);
}

/* The authenticated index: accept only what it lists for the asked key. */
struct idx_ud {
    uint8_t want[32];
    const struct jt_key *last_asked;
    int calls;
};

static int
idx_check(void *ud, const struct jt_key *asked, const uint8_t sha256[32])
{
    struct idx_ud *u = ud;

    u->calls++;
    u->last_asked = asked;
    return memcmp(u->want, sha256, 32) == 0 ? 1 : 0;
}

static int
idx_weird(void *ud, const struct jt_key *asked, const uint8_t sha256[32])
{
    (void)ud, (void)asked, (void)sha256;
    return 2; /* only exactly 1 accepts */
}

static void
index_check(void **state)
{
    static const char *const names[] = {"leaf-www", "inter-p256", NULL};
    struct chain ch;
    struct buf root = pki("root-p256"), fake = pki("fake-ca-p256");
    struct idx_ud u = {{0}, NULL, 0};
    struct jt_trust_opts o = {0};
    struct jt_trust *t;
    struct jt_span s[3], out[3];
    int res[3];

    (void)state;
    assert_int_equal(mbedtls_sha256_ret(root.p, root.len, u.want, 0), 0);
    o.hash = &hops;
    o.index_check = idx_check;
    o.index_ud = &u;
    assert_int_equal(jt_trust_create(&t, &o, NULL), 0);
    chain_load(&ch, names);
    assert_int_equal(chain_add(t, &ch), 0);
    assert_int_equal(jt_trust_build(t), 0);
    s[0].p = fake.p, s[0].len = fake.len;
    s[1].p = root.p, s[1].len = root.len;
    assert_int_equal(jt_trust_answer(t, 1, s, 2, res), 1);
    assert_int_equal(res[0], JT_ERR_TRUST_ANSWER_NOT_INDEXED);
    assert_int_equal(res[1], 0);
    assert_int_equal(u.calls, 2);
    assert_ptr_equal(u.last_asked, jt_trust_key(t, 1));
    assert_int_equal(jt_trust_anchors(t, out, 3), 1);
    assert_memory_equal(out[0].p, root.p, root.len);
    /* The index is asked last: a mismatching key never reaches it. */
    s[0].p = root.p, s[0].len = root.len;
    assert_int_equal(jt_trust_answer(t, 0, s, 1, res), 0);
    assert_int_equal(res[0], JT_ERR_TRUST_ANSWER_KEY_MISMATCH);
    assert_int_equal(u.calls, 2);
    jt_trust_destroy(t);

    o.index_check = idx_weird;
    assert_int_equal(jt_trust_create(&t, &o, NULL), 0);
    assert_int_equal(chain_add(t, &ch), 0);
    assert_int_equal(jt_trust_build(t), 0);
    assert_int_equal(jt_trust_answer(t, 1, &s[1], 1, res), 0);
    assert_int_equal(res[0], JT_ERR_TRUST_ANSWER_NOT_INDEXED);
    jt_trust_destroy(t);
    buf_free(&root);
    buf_free(&fake);
    chain_free(&ch);
}

/* A switchable SHA-256: fails while *ud is non-zero. */
static int
sw_sha256(void *ud, const uint8_t *p, size_t len, uint8_t out[32])
{
    if (*(const int *)ud != 0)
        return -1;
    return mbedtls_sha256_ret(p, len, out, 0);
}

/* A hash failure while checking an answer is that cert's result. */
static void
hash_failure_in_answer(void **state)
{
    static const char *const names[] = {"leaf-www", "inter-p256", NULL};
    struct spec sl = {"L", "X", NOX, NOX, LEAF, 1, 1, 0};
    struct spec sx = {"X", "X", NOX, NOX, CA, 2, 2, 0};
    struct buf bl = build(&sl), bx = build(&sx), root = pki("root-p256");
    int off = 0, res = 1;
    struct jt_hash_ops sw = {t_sha1, sw_sha256, &off};
    struct idx_ud u = {{0}, NULL, 0};
    struct jt_trust_opts o = {0};
    struct jt_trust *t;
    struct chain ch;
    struct jt_span s;

    (void)state;
    o.hash = &sw;
    assert_int_equal(jt_trust_create(&t, &o, NULL), 0);
    sw.sha256 = bad_sha256; /* the ops were copied at create */
    assert_int_equal(jt_trust_add_cert(t, bl.p, bl.len), 0);
    assert_int_equal(jt_trust_build(t), 0);
    assert_int_equal(jt_trust_key(t, 0)->type, JT_KEY_SUBJECT);
    off = 1;
    s.p = bx.p, s.len = bx.len;
    assert_int_equal(jt_trust_answer(t, 0, &s, 1, &res), 0);
    assert_int_equal(res, JT_ERR_TRUST_HASH);
    jt_trust_destroy(t);

    /* SKID keys need no hash; the index check does. */
    sw.sha256 = sw_sha256;
    off = 0;
    o.index_check = idx_check;
    o.index_ud = &u;
    assert_int_equal(mbedtls_sha256_ret(root.p, root.len, u.want, 0), 0);
    assert_int_equal(jt_trust_create(&t, &o, NULL), 0);
    chain_load(&ch, names);
    assert_int_equal(chain_add(t, &ch), 0);
    assert_int_equal(jt_trust_build(t), 0);
    off = 1;
    s.p = root.p, s.len = root.len;
    assert_int_equal(jt_trust_answer(t, 1, &s, 1, &res), 0);
    assert_int_equal(res, JT_ERR_TRUST_HASH);
    assert_int_equal(u.calls, 0);
    jt_trust_destroy(t);
    chain_free(&ch);
    buf_free(&bl);
    buf_free(&bx);
    buf_free(&root);
}

/* Subject and computed keys are answered by the CA that has them. */
static void
subject_and_computed_answers(void **state)
{
    struct spec sl = {"L", "X", NOX, NOX, LEAF, 1, 1, 0};
    struct spec sx = {"X", "R", NOX, NOX, CA, 2, 2, 0};
    struct spec ca_x = {"X", "X", NOX, NOX, CA, 9, 9, 0};
    struct spec ca_y = {"Y", "Y", NOX, NOX, CA, 9, 10, 0};
    struct spec ca_r = {"R", "R", NOX, NOX, CA, 11, 11, 0};
    struct spec same_key = {"Z", "Z", NOX, NOX, CA, 2, 12, 0};
    struct buf bl = build(&sl), bx = build(&sx), bcx = build(&ca_x);
    struct buf bcy = build(&ca_y), bcr = build(&ca_r);
    struct buf bsk = build(&same_key);
    struct jt_trust *t = mk(0, 0);
    struct jt_span s[2], out[3];
    int res[2];

    (void)state;
    assert_int_equal(jt_trust_add_cert(t, bl.p, bl.len), 0);
    assert_int_equal(jt_trust_add_cert(t, bx.p, bx.len), 0);
    assert_int_equal(jt_trust_build(t), 0);
    assert_int_equal(jt_trust_key_count(t), 3); /* SUBJECT X, COMPUTED, R */
    /* Key 0: SUBJECT "X". */
    s[0].p = bcy.p, s[0].len = bcy.len;
    s[1].p = bcx.p, s[1].len = bcx.len;
    assert_int_equal(jt_trust_answer(t, 0, s, 2, res), 1);
    assert_int_equal(res[0], JT_ERR_TRUST_ANSWER_KEY_MISMATCH);
    assert_int_equal(res[1], 0);
    /* Key 1: COMPUTED key of X's public key (key byte 2). */
    s[0].p = bsk.p, s[0].len = bsk.len;
    s[1].p = bcr.p, s[1].len = bcr.len;
    assert_int_equal(jt_trust_answer(t, 1, s, 2, res), 1);
    assert_int_equal(res[0], 0);
    assert_int_equal(res[1], JT_ERR_TRUST_ANSWER_KEY_MISMATCH);
    /* Key 2: SUBJECT "R". */
    assert_int_equal(jt_trust_answer(t, 2, &s[1], 1, res), 1);
    assert_int_equal(jt_trust_anchors(t, out, 3), 3);
    assert_memory_equal(out[0].p, bcx.p, bcx.len);
    assert_memory_equal(out[1].p, bsk.p, bsk.len);
    assert_memory_equal(out[2].p, bcr.p, bcr.len);
    jt_trust_destroy(t);
    buf_free(&bl);
    buf_free(&bx);
    buf_free(&bcx);
    buf_free(&bcy);
    buf_free(&bcr);
    buf_free(&bsk);
}

/* A SKID key is also answered by a CA without SKID whose computed key
   has those bytes. */
static void
skid_key_matches_computed(void **state)
{
    struct spec ca = {"R", "R", NOX, NOX, CA, 5, 5, 0};
    struct buf bca = build(&ca), bl;
    struct jt_der_cert c;
    struct jt_key ck;
    struct spec sl = {"L", "R", NOX, NULL, 0, LEAF, 1, 1, 0};
    struct jt_trust *t = mk(0, 0);
    struct jt_span s;
    int res;

    (void)state;
    assert_int_equal(jt_der_cert_parse(&c, bca.p, bca.len), 0);
    assert_int_equal(jt_key_computed(&ck, &c, &hops), 0);
    sl.akid = ck.b;
    sl.akid_len = ck.len;
    bl = build(&sl);
    assert_int_equal(jt_trust_add_cert(t, bl.p, bl.len), 0);
    assert_int_equal(jt_trust_build(t), 0);
    assert_int_equal(jt_trust_key(t, 0)->type, JT_KEY_SKID);
    s.p = bca.p, s.len = bca.len;
    assert_int_equal(jt_trust_answer(t, 0, &s, 1, &res), 1);
    assert_int_equal(res, 0);
    jt_trust_destroy(t);
    buf_free(&bca);
    buf_free(&bl);
}

/* Anchors: at most 3, leaf-path order, whatever order answers come in. */
static void
anchor_order(void **state)
{
    static const char *const names[] = {"leaf-p384", "inter-p384",
                                        "root-p384-by-rsa", NULL};
    struct chain ch;
    struct buf r384 = pki("root-p384"), rrsa = pki("root-rsa");
    struct buf i384 = pki("inter-p384"), x384 = pki("root-p384-by-rsa");
    struct buf unrelated = pki("root-p256");
    struct jt_trust *t = mk(0, 0);
    struct jt_span s[2], out[4];
    int res[2];

    (void)state;
    chain_load(&ch, names);
    assert_int_equal(chain_add(t, &ch), 0);
    assert_int_equal(jt_trust_build(t), 0);
    assert_int_equal(jt_trust_key_count(t), 3);
    /* Root key answered first, then an unrelated one that fails. */
    s[0].p = rrsa.p, s[0].len = rrsa.len;
    s[1].p = unrelated.p, s[1].len = unrelated.len;
    assert_int_equal(jt_trust_answer(t, 2, s, 2, res), 1);
    assert_int_equal(res[1], JT_ERR_TRUST_ANSWER_KEY_MISMATCH);
    assert_int_equal(jt_trust_anchors(t, out, 4), 1);
    assert_memory_equal(out[0].p, rrsa.p, rrsa.len);
    s[0].p = x384.p, s[0].len = x384.len;
    s[1].p = r384.p, s[1].len = r384.len;
    assert_int_equal(jt_trust_answer(t, 1, s, 2, res), 2);
    assert_int_equal(jt_trust_anchors(t, out, 4), 3);
    assert_memory_equal(out[0].p, x384.p, x384.len);
    assert_memory_equal(out[1].p, r384.p, r384.len);
    assert_memory_equal(out[2].p, rrsa.p, rrsa.len);
    /* The leaf's own issuer answers last and comes first; only 3 fit. */
    s[0].p = i384.p, s[0].len = i384.len;
    assert_int_equal(jt_trust_answer(t, 0, s, 1, res), 1);
    assert_int_equal(jt_trust_pending(t), 0);
    assert_int_equal(jt_trust_anchors(t, out, 4), 3);
    assert_memory_equal(out[0].p, i384.p, i384.len);
    assert_memory_equal(out[1].p, x384.p, x384.len);
    assert_memory_equal(out[2].p, r384.p, r384.len);
    assert_int_equal(jt_trust_anchors(t, out, 2), 2);
    assert_int_equal(jt_trust_anchors(t, out, 0), 0);
    assert_int_equal(jt_trust_anchors(t, NULL, 0), 0);
    assert_int_equal(jt_trust_anchors(t, NULL, 1), JT_ERR_INVAL);
    jt_trust_destroy(t);
    buf_free(&r384);
    buf_free(&rrsa);
    buf_free(&i384);
    buf_free(&x384);
    buf_free(&unrelated);
    chain_free(&ch);
}

/* A cert named by two keys is stored once, under the earlier key. */
static void
duplicate_across_keys(void **state)
{
    struct spec sl = {"L", "I", NOX, NOX, LEAF, 1, 1, 0};
    struct spec si = {"I", "R", KA, 4, KB, 4, CA, 2, 2, 0};
    struct spec sc = {"I", "I", KA, 4, NOX, CA, 3, 3, 0};
    struct spec sd = {"I", "I", KC, 4, NOX, CA, 4, 4, 0};
    struct spec sr = {"R", "R", KB, 4, NOX, CA, 5, 5, 0};
    struct buf bl = build(&sl), bi = build(&si), bc = build(&sc);
    struct buf bd = build(&sd), br = build(&sr);
    struct jt_trust_opts o = {0};
    struct jt_trust *t;
    struct jt_span s[2], out[3];
    int res[2];

    (void)state;
    o.hash = &hops;
    o.max_answers = 3;
    assert_int_equal(jt_trust_create(&t, &o, NULL), 0);
    assert_int_equal(jt_trust_add_cert(t, bl.p, bl.len), 0);
    assert_int_equal(jt_trust_add_cert(t, bi.p, bi.len), 0);
    assert_int_equal(jt_trust_build(t), 0);
    /* Keys: SUBJECT "I" (leaf has no AKID), SKID KA, SKID KB. */
    assert_int_equal(jt_trust_key_count(t), 3);
    assert_int_equal(jt_trust_key(t, 0)->type, JT_KEY_SUBJECT);
    s[0].p = bc.p, s[0].len = bc.len;
    assert_int_equal(jt_trust_answer(t, 1, s, 1, res), 1);
    s[0].p = br.p, s[0].len = br.len;
    assert_int_equal(jt_trust_answer(t, 2, s, 1, res), 1);
    /* Key 0 names D and C again: C moves to key 0, stored once. */
    s[0].p = bd.p, s[0].len = bd.len;
    s[1].p = bc.p, s[1].len = bc.len;
    assert_int_equal(jt_trust_answer(t, 0, s, 2, res), 2);
    assert_int_equal(jt_trust_anchors(t, out, 3), 3);
    assert_memory_equal(out[0].p, bc.p, bc.len);
    assert_memory_equal(out[1].p, bd.p, bd.len);
    assert_memory_equal(out[2].p, br.p, br.len);
    jt_trust_destroy(t);

    /* Overall cap: with room for 2, the third distinct cert is NOSPC. */
    o.max_answers = 2;
    assert_int_equal(jt_trust_create(&t, &o, NULL), 0);
    assert_int_equal(jt_trust_add_cert(t, bl.p, bl.len), 0);
    assert_int_equal(jt_trust_add_cert(t, bi.p, bi.len), 0);
    assert_int_equal(jt_trust_build(t), 0);
    s[0].p = bc.p, s[0].len = bc.len;
    s[1].p = bd.p, s[1].len = bd.len;
    assert_int_equal(jt_trust_answer(t, 0, s, 2, res), 2);
    s[0].p = br.p, s[0].len = br.len;
    s[1].p = bc.p, s[1].len = bc.len;
    assert_int_equal(jt_trust_answer(t, 2, s, 1, res), 0);
    assert_int_equal(res[0], JT_ERR_NOSPC);
    /* A duplicate needs no room: still accepted. */
    assert_int_equal(jt_trust_answer(t, 1, &s[1], 1, res), 1);
    assert_int_equal(res[0], 0);
    assert_int_equal(jt_trust_anchors(t, out, 3), 2);
    jt_trust_destroy(t);
    buf_free(&bl);
    buf_free(&bi);
    buf_free(&bc);
    buf_free(&bd);
    buf_free(&br);
}

/* ---------------------------------------------------------------------- */
/* Arguments and states. */

static void
create_args(void **state)
{
    struct jt_hash_ops half = {t_sha1, NULL, NULL};
    static char dummy;
    struct jt_trust_opts o = {0};
    struct jt_trust *t = (struct jt_trust *)(void *)&dummy;

    (void)state;
    assert_int_equal(jt_trust_create(NULL, &o, NULL), JT_ERR_INVAL);
    assert_int_equal(jt_trust_create(&t, NULL, NULL), JT_ERR_INVAL);
    assert_null(t);
    assert_int_equal(jt_trust_create(&t, &o, NULL), JT_ERR_INVAL);
    o.hash = &half;
    assert_int_equal(jt_trust_create(&t, &o, NULL), JT_ERR_INVAL);
    o.hash = &hops;
    o.max_certs = JT_TRUST_CAP_LIMIT + 1;
    assert_int_equal(jt_trust_create(&t, &o, NULL), JT_ERR_INVAL);
    o.max_certs = 0;
    o.max_paths = JT_TRUST_CAP_LIMIT + 1;
    assert_int_equal(jt_trust_create(&t, &o, NULL), JT_ERR_INVAL);
    o.max_paths = 0;
    o.max_answers = JT_TRUST_CAP_LIMIT + 1;
    assert_int_equal(jt_trust_create(&t, &o, NULL), JT_ERR_INVAL);
    o.max_answers = 0;
    o.max_per_key = JT_TRUST_CAP_LIMIT + 1;
    assert_int_equal(jt_trust_create(&t, &o, NULL), JT_ERR_INVAL);
}

/* NULL-safe accessors and destructors. */
static void
null_safe(void **state)
{
    const size_t *idx;
    size_t len;

    (void)state;
    jt_trust_destroy(NULL);
    jt_trust_reset(NULL);
    assert_int_equal(jt_trust_add_cert(NULL, (const uint8_t *)"", 1),
                     JT_ERR_INVAL);
    assert_int_equal(jt_trust_build(NULL), JT_ERR_INVAL);
    assert_int_equal(jt_trust_failed_index(NULL), -1);
    assert_int_equal(jt_trust_cert_count(NULL), 0);
    assert_null(jt_trust_cert(NULL, 0));
    assert_int_equal(jt_trust_path_count(NULL), 0);
    assert_int_equal(jt_trust_path(NULL, 0, &idx, &len), JT_ERR_INVAL);
    assert_int_equal(jt_trust_key_count(NULL), 0);
    assert_null(jt_trust_key(NULL, 0));
    assert_int_equal(jt_trust_key_answered(NULL, 0), JT_ERR_INVAL);
    assert_int_equal(jt_trust_pending(NULL), 0);
    assert_int_equal(jt_trust_answer(NULL, 0, NULL, 0, NULL), JT_ERR_INVAL);
    assert_int_equal(jt_trust_anchors(NULL, NULL, 0), 0);
}

/* Calls in the wrong state, bad indices, reset. */
static void
states(void **state)
{
    static const char *const names[] = {"leaf-www", "inter-p256", NULL};
    struct jt_trust *t = mk(0, 0);
    struct chain ch;
    const size_t *idx;
    size_t len;

    (void)state;
    chain_load(&ch, names);
    assert_int_equal(jt_trust_add_cert(t, NULL, 5), JT_ERR_INVAL);
    assert_int_equal(jt_trust_build(t), JT_ERR_TRUST_NO_CERTS);
    assert_int_equal(jt_trust_failed_index(t), -1);
    jt_trust_reset(t);
    assert_int_equal(jt_trust_answer(t, 0, NULL, 0, NULL), JT_ERR_STATE);
    assert_int_equal(chain_add(t, &ch), 0);
    assert_int_equal(jt_trust_answer(t, 0, NULL, 0, NULL), JT_ERR_STATE);
    assert_int_equal(jt_trust_build(t), 0);
    assert_int_equal(jt_trust_build(t), JT_ERR_STATE);
    assert_int_equal(jt_trust_add_cert(t, ch.c[0].p, ch.c[0].len),
                     JT_ERR_STATE);
    assert_int_equal(jt_trust_path(t, 1, &idx, &len), JT_ERR_INVAL);
    assert_int_equal(jt_trust_path(t, 0, NULL, &len), JT_ERR_INVAL);
    assert_int_equal(jt_trust_path(t, 0, &idx, NULL), JT_ERR_INVAL);
    assert_int_equal(jt_trust_key_answered(t, 2), JT_ERR_INVAL);
    assert_int_equal(jt_trust_key_answered(t, 0), 0);
    /* Late answer for a key that does not exist. */
    assert_int_equal(jt_trust_answer(t, 2, NULL, 0, NULL), JT_ERR_INVAL);
    assert_int_equal(jt_trust_answer(t, SIZE_MAX, NULL, 0, NULL), JT_ERR_INVAL);
    assert_int_equal(jt_trust_answer(t, 0, NULL, 1, NULL), JT_ERR_INVAL);
    assert_int_equal(jt_trust_pending(t), 2);
    assert_int_equal(jt_trust_answer(t, 0, NULL, 0, NULL), 0);
    assert_int_equal(jt_trust_answer(t, 0, NULL, 0, NULL),
                     JT_ERR_TRUST_ANSWERED);
    assert_int_equal(jt_trust_pending(t), 1);
    /* An answer cert with a NULL pointer is refused by itself. */
    {
        struct jt_span s = {NULL, 3};
        int res = 1;

        assert_int_equal(jt_trust_answer(t, 1, &s, 1, &res), 0);
        assert_int_equal(res, JT_ERR_INVAL);
    }
    /* After a reset the object takes the next connection. */
    jt_trust_reset(t);
    assert_int_equal(jt_trust_key_count(t), 0);
    assert_int_equal(jt_trust_pending(t), 0);
    assert_int_equal(chain_add(t, &ch), 0);
    assert_int_equal(jt_trust_build(t), 0);
    assert_int_equal(jt_trust_pending(t), 2);
    jt_trust_destroy(t);
    chain_free(&ch);
}

/* A certificate that does not parse fails add with the DER code and its
   index; the failure is sticky until reset. */
static void
bad_sent_cert(void **state)
{
    static const uint8_t junk[] = {0x30, 0x05, 0x02, 0x01};
    struct buf leaf = pki("leaf-www"), inter = pki("inter-p256");
    struct jt_trust *t = mk(0, 0);

    (void)state;
    assert_int_equal(jt_trust_add_cert(t, leaf.p, leaf.len), 0);
    assert_int_equal(jt_trust_add_cert(t, junk, sizeof(junk)),
                     JT_ERR_DER_TRUNCATED);
    assert_int_equal(jt_trust_failed_index(t), 1);
    assert_int_equal(jt_trust_add_cert(t, inter.p, inter.len), JT_ERR_STATE);
    assert_int_equal(jt_trust_build(t), JT_ERR_STATE);
    assert_int_equal(jt_trust_add_cert(t, leaf.p, 0), JT_ERR_STATE);
    jt_trust_reset(t);
    assert_int_equal(jt_trust_failed_index(t), -1);
    assert_int_equal(jt_trust_add_cert(t, leaf.p, leaf.len), 0);
    assert_int_equal(jt_trust_add_cert(t, inter.p, inter.len), 0);
    assert_int_equal(jt_trust_build(t), 0);
    jt_trust_destroy(t);
    buf_free(&leaf);
    buf_free(&inter);
}

/* Append one fuzzer-script record: |tag|, 2-byte length, |b|. */
static void
fz_put(uint8_t *in, size_t *off, uint8_t tag, const struct buf *b)
{
    in[*off] = tag;
    in[*off + 1] = (uint8_t)(b->len >> 8);
    in[*off + 2] = (uint8_t)b->len;
    memcpy(in + *off + 3, b->p, b->len);
    *off += 3 + b->len;
}

/* 1,000 certs: the API and the fuzzer script refuse them cleanly. */
static void
thousand_certs(void **state)
{
    struct spec s = {"L", "X", NOX, NOX, LEAF, 1, 1, 0};
    struct buf leaf = build(&s), ca;
    struct jt_trust_opts o = {0};
    struct jt_trust *t;
    size_t cap, off;
    uint8_t *in;
    int rc = 0;

    (void)state;
    s = (struct spec){"X", "X", NOX, NOX, CA, 2, 2, 0};
    ca = build(&s);
    o.hash = &hops;
    o.max_certs = JT_TRUST_CAP_LIMIT;
    assert_int_equal(jt_trust_create(&t, &o, NULL), 0);
    assert_int_equal(jt_trust_add_cert(t, leaf.p, leaf.len), 0);
    for (int i = 1; i < 1000 && rc == 0; i++)
        rc = jt_trust_add_cert(t, ca.p, ca.len);
    assert_int_equal(rc, JT_ERR_TRUST_TOO_MANY_CERTS);
    assert_int_equal(jt_trust_failed_index(t), JT_TRUST_CAP_LIMIT);
    assert_int_equal(jt_trust_cert_count(t), JT_TRUST_CAP_LIMIT);
    jt_trust_destroy(t);

    /* The fuzzer's script: 1000 sent certs, then two answer certs. */
    cap = 3 + 1002 * (3 + (leaf.len > ca.len ? leaf.len : ca.len));
    in = malloc(cap);
    assert_non_null(in);
    in[0] = 0x1f; /* max_certs 32 */
    in[1] = 0x0f; /* max_paths 16 */
    in[2] = 0;
    off = 3;
    fz_put(in, &off, 0x00, &leaf);
    for (int i = 1; i < 1000; i++)
        fz_put(in, &off, 0x00, &ca);
    fz_put(in, &off, 0xff, &ca);
    fz_put(in, &off, 0xff, &leaf);
    assert_true(off <= cap);
    assert_int_equal(LLVMFuzzerTestOneInput(in, off), 0);
    /* 31 certs fit: 30 exact duplicates make no extra path. */
    off = 3;
    fz_put(in, &off, 0x00, &leaf);
    for (int i = 1; i < 31; i++)
        fz_put(in, &off, 0x00, &ca);
    fz_put(in, &off, 0xff, &ca);
    assert_int_equal(LLVMFuzzerTestOneInput(in, off), 0);
    free(in);
    buf_free(&leaf);
    buf_free(&ca);
}

/* ---------------------------------------------------------------------- */
/* Allocation failures: every one returns JT_ERR_NOMEM and leaks nothing. */

/* One full run under |fa|; returns 1 when nothing failed. */
static int
alloc_run(struct th_failalloc *fa, const struct chain *ch,
          const struct jt_span *ans, size_t nans)
{
    struct jt_trust_opts o = {0};
    struct jt_trust *t = NULL;
    struct jt_span out[3];
    int rc, ok = 1;

    o.hash = &hops;
    rc = jt_trust_create(&t, &o, &fa->alloc);
    if (rc == JT_ERR_NOMEM) {
        assert_null(t);
        return 0;
    }
    assert_int_equal(rc, 0);
    assert_int_equal(chain_add(t, ch), 0); /* add and build never allocate */
    assert_int_equal(jt_trust_build(t), 0);
    for (size_t k = 0; k < jt_trust_key_count(t); k++) {
        rc = jt_trust_answer(t, k, ans, nans, NULL);
        if (rc == JT_ERR_NOMEM) {
            ok = 0;
            assert_int_equal(jt_trust_key_answered(t, k), 0);
            rc = jt_trust_answer(t, k, ans, nans, NULL); /* retry */
            if (rc == JT_ERR_NOMEM)
                continue;
        }
        assert_true(rc >= 0);
    }
    rc = jt_trust_anchors(t, out, 3);
    assert_true(rc >= 0 && rc <= 3);
    if (ok)
        assert_int_equal(rc, 3);
    jt_trust_reset(t);
    assert_int_equal(chain_add(t, ch), 0);
    jt_trust_destroy(t);
    return ok;
}

static void
alloc_failures(void **state)
{
    static const char *const names[] = {"leaf-p384", "inter-p384",
                                        "root-p384-by-rsa", NULL};
    static const char *const answers[] = {"inter-p384", "root-p384",
                                          "root-rsa",   "root-p384-by-rsa",
                                          "root-p384",  NULL};
    struct chain ch, an;
    struct jt_span s[5];
    struct th_failalloc fa;
    long n;

    (void)state;
    chain_load(&ch, names);
    chain_load(&an, answers);
    for (size_t i = 0; i < an.n; i++)
        s[i].p = an.c[i].p, s[i].len = an.c[i].len;
    for (n = 1; n < 100; n++) {
        int done;

        th_failalloc_init(&fa, n);
        done = alloc_run(&fa, &ch, s, an.n);
        assert_int_equal(fa.live, 0);
        assert_int_equal(fa.bytes, 0);
        if (done)
            break;
    }
    assert_true(n > 9); /* create allocates 9 blocks, answers 4 more */
    assert_true(n < 100);
    chain_free(&ch);
    chain_free(&an);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(path_table),
        cmocka_unit_test(certs_as_sent),
        cmocka_unit_test(chain20),
        cmocka_unit_test(hand_table),
        cmocka_unit_test(subject_and_computed_values),
        cmocka_unit_test(hash_failure_in_build),
        cmocka_unit_test(issuer_serial_key),
        cmocka_unit_test(answer_table),
        cmocka_unit_test(answer_is_copied),
        cmocka_unit_test(sent_root_never_anchor),
        cmocka_unit_test(index_check),
        cmocka_unit_test(hash_failure_in_answer),
        cmocka_unit_test(subject_and_computed_answers),
        cmocka_unit_test(skid_key_matches_computed),
        cmocka_unit_test(anchor_order),
        cmocka_unit_test(duplicate_across_keys),
        cmocka_unit_test(create_args),
        cmocka_unit_test(null_safe),
        cmocka_unit_test(states),
        cmocka_unit_test(bad_sent_cert),
        cmocka_unit_test(thousand_certs),
        cmocka_unit_test(alloc_failures),
    };
    return cmocka_run_group_tests_name("trust", tests, NULL, NULL);
}
