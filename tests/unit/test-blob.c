// SPDX-License-Identifier: MIT
/*
 * unit: the trust blob writer and reader (blob/FORMAT.md). Round trips of
 * the system Mozilla roots and the test PKI's CAs (every key of every entry
 * found, match counts checked against a brute-force scan of the certs),
 * full vs index-only agreement, writer errors and sizing, the signature
 * flow with a real ECDSA P-256 key, rollback, and API misuse. TBLB v1:
 * test-blob-lws.c; malformed blobs: test-blob-malformed.c.
 */
#include "blob-test.h"

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/entropy.h>

#include "blob-int.h"

/* The entry of input |in| matches what the writer was given. */
static void
check_entry(const struct jt_blob *b, size_t e, const struct jt_blob_input *in,
            const struct bt_keys *ks)
{
    struct jt_blob_entry ent;
    unsigned want = ks->computed ? JT_BLOB_E_COMPUTED : 0;

    if (ks->c.flags & JT_DER_SELF_ISSUED)
        want |= JT_BLOB_E_SELF_ISSUED;
    assert_int_equal(jt_blob_entry(b, e, &ent), 0);
    assert_memory_equal(ent.sha256, in->sha256, 32);
    assert_true(ent.not_before == ks->c.not_before);
    assert_true(ent.not_after == ks->c.not_after);
    assert_true(ent.distrust_after == in->distrust_after);
    assert_int_equal(ent.flags, want);
    assert_true(jti_label_ok(ent.label.p, ent.label.len));
    if (jt_blob_kind(b) == JT_BLOB_FULL) {
        assert_int_equal(ent.der.len, in->len);
        assert_memory_equal(ent.der.p, in->der, in->len);
    } else {
        assert_null(ent.der.p);
        assert_int_equal(ent.der.len, 0);
    }
}

/*
 * Every key of every input finds its entry, and each lookup returns exactly
 * as many entries as the brute-force scan says. Returns the number of keys
 * that name more than one entry (shared keys).
 */
static size_t
check_roundtrip(const struct bt_set *s, const uint8_t *blob, size_t len)
{
    struct bt_keys *ks = calloc(s->n + 1, sizeof(*ks));
    size_t *m = calloc(s->n + 1, sizeof(*m)), shared = 0, e, got;
    struct jt_blob b;

    assert_non_null(ks);
    assert_non_null(m);
    assert_int_equal(jt_blob_open(&b, blob, len, NULL), 0);
    assert_int_equal(jt_blob_count(&b), s->n);
    assert_int_equal(jt_blob_key_count(&b), 3 * s->n);
    for (size_t i = 0; i < s->n; i++)
        cert_keys(&s->in[i], &ks[i]);
    for (size_t i = 0; i < s->n; i++) {
        assert_int_equal(jt_blob_find_sha256(&b, s->in[i].sha256, &e), 0);
        check_entry(&b, e, &s->in[i], &ks[i]);
        for (int j = 0; j < 3; j++) {
            got = find_all(&b, &ks[i].k[j], m, s->n);
            if (got != expected_matches(ks, s->n, &ks[i].k[j]) ||
                !contains(m, got, e))
                fail_msg("%s: key %d: %zu matches, want %zu incl. entry %zu",
                         s->name[i], j, got,
                         expected_matches(ks, s->n, &ks[i].k[j]), e);
            shared += got > 1 ? 1u : 0u;
        }
    }
    free(ks);
    free(m);
    return shared;
}

/* ---- round trips ---- */

static void
roundtrip_pki(void **state)
{
    struct bt_set s = {0};
    uint8_t *full, *idx;
    size_t flen, ilen;

    (void)state;
    bt_load_pki_cas(&s);
    full = bt_write(&s, JT_BLOB_FULL, 0, &flen);
    idx = bt_write(&s, JT_BLOB_INDEX_ONLY, 0, &ilen);
    /* fake-ca-p256 carries root-p256's SKID; the inter-x pair shares SKID
     * and subject: at least those keys name two entries. */
    assert_true(check_roundtrip(&s, full, flen) >= 4);
    assert_true(check_roundtrip(&s, idx, ilen) >= 4);
    free(full);
    free(idx);
    bt_free(&s);
}

/* The named cases of the PKI, asked for by hand. */
static void
pki_named_keys(void **state)
{
    struct bt_set s = {0};
    struct bt_keys kr, kf, kn;
    struct jt_blob b;
    struct jt_key q;
    size_t m[8], len, er, ef, en;
    uint8_t *blob;

    (void)state;
    bt_load_pki_cas(&s);
    blob = bt_write(&s, JT_BLOB_FULL, 0, &len);
    assert_int_equal(jt_blob_open(&b, blob, len, NULL), 0);
    cert_keys(&s.in[bt_find_name(&s, "root-p256")], &kr);
    cert_keys(&s.in[bt_find_name(&s, "fake-ca-p256")], &kf);
    cert_keys(&s.in[bt_find_name(&s, "root-noskid")], &kn);
    assert_int_equal(jt_blob_find_sha256(
                         &b, s.in[bt_find_name(&s, "root-p256")].sha256, &er),
                     0);
    assert_int_equal(
        jt_blob_find_sha256(&b, s.in[bt_find_name(&s, "fake-ca-p256")].sha256,
                            &ef),
        0);
    assert_int_equal(jt_blob_find_sha256(
                         &b, s.in[bt_find_name(&s, "root-noskid")].sha256, &en),
                     0);
    /* One SKID, three CAs (root-p256, fake-ca-p256, liar-ca-p256): all
     * come back. */
    assert_true(key_eq(&kr.k[0], &kf.k[0]));
    assert_int_equal(find_all(&b, &kr.k[0], m, 8), 3);
    assert_true(contains(m, 3, er) && contains(m, 3, ef));
    /* No SKID: filed under the computed id, found by a COMPUTED query and
     * by a SKID query with the same bytes (a child's AKID). */
    assert_true(kn.computed);
    assert_int_equal(find_all(&b, &kn.k[0], m, 8), 1);
    assert_int_equal(m[0], en);
    q = kn.k[0];
    q.type = JT_KEY_SKID;
    assert_int_equal(find_all(&b, &q, m, 8), 1);
    assert_int_equal(m[0], en);
    /* A prefix of a stored key is not a match. */
    q = kr.k[0];
    q.len = 19;
    assert_int_equal(find_all(&b, &q, m, 8), 0);
    free(blob);
    bt_free(&s);
}

static void
roundtrip_mozilla(void **state)
{
    struct bt_set s = {0};
    uint8_t *full, *idx;
    size_t flen, ilen, noskid = 0, shared_skid = 0;
    struct bt_keys a, c;

    (void)state;
    bt_load_mozilla(&s);
    for (size_t i = 0; i < s.n; i++) {
        cert_keys(&s.in[i], &a);
        noskid += a.computed != 0;
        for (size_t j = i + 1; j < s.n && !a.computed; j++) {
            cert_keys(&s.in[j], &c);
            shared_skid += key_eq(&a.k[0], &c.k[0]) != 0;
        }
    }
    full = bt_write(&s, JT_BLOB_FULL, 0, &flen);
    idx = bt_write(&s, JT_BLOB_INDEX_ONLY, 0, &ilen);
    /* check_roundtrip asserts every match count against the scan, so a
     * shared SKID returns all its CAs and SKID-less roots are found by
     * their computed id (also through a SKID query, below). */
    check_roundtrip(&s, full, flen);
    check_roundtrip(&s, idx, ilen);
    print_message("mozilla: %zu certs, %zu without SKID, %zu SKID pairs "
                  "shared; full %zu B, index-only %zu B\n",
                  s.n, noskid, shared_skid, flen, ilen);
    for (size_t i = 0; i < s.n; i++) {
        struct jt_blob b;
        size_t m[4];
        struct jt_key q;

        cert_keys(&s.in[i], &a);
        if (!a.computed)
            continue;
        assert_int_equal(jt_blob_open(&b, idx, ilen, NULL), 0);
        q = a.k[0];
        q.type = JT_KEY_SKID;
        assert_true(find_all(&b, &q, m, 4) >= 1);
    }
    free(full);
    free(idx);
    bt_free(&s);
}

/* Full and index-only blobs carry the same index and metadata. */
static void
full_and_index_only_agree(void **state)
{
    struct bt_set s = {0};
    struct jt_blob bf, bi;
    struct jt_blob_entry ef, ei;
    struct jt_key kf, ki;
    uint8_t *full, *idx;
    size_t flen, ilen, xf, xi, der_total = 0;

    (void)state;
    bt_load_mozilla(&s);
    bt_load_pki_cas(&s);
    full = bt_write(&s, JT_BLOB_FULL, 0, &flen);
    idx = bt_write(&s, JT_BLOB_INDEX_ONLY, 0, &ilen);
    assert_int_equal(jt_blob_open(&bf, full, flen, NULL), 0);
    assert_int_equal(jt_blob_open(&bi, idx, ilen, NULL), 0);
    assert_int_equal(jt_blob_kind(&bf), JT_BLOB_FULL);
    assert_int_equal(jt_blob_kind(&bi), JT_BLOB_INDEX_ONLY);
    assert_int_equal(jt_blob_count(&bf), jt_blob_count(&bi));
    assert_int_equal(jt_blob_key_count(&bf), jt_blob_key_count(&bi));
    for (size_t i = 0; i < jt_blob_count(&bf); i++) {
        assert_int_equal(jt_blob_entry(&bf, i, &ef), 0);
        assert_int_equal(jt_blob_entry(&bi, i, &ei), 0);
        assert_memory_equal(ef.sha256, ei.sha256, 32);
        assert_true(ef.not_before == ei.not_before &&
                    ef.not_after == ei.not_after &&
                    ef.distrust_after == ei.distrust_after);
        assert_int_equal(ef.flags, ei.flags);
        assert_int_equal(ef.label.len, ei.label.len);
        if (ef.label.len)
            assert_memory_equal(ef.label.p, ei.label.p, ef.label.len);
        assert_int_equal(ei.der.len, 0);
        der_total += ef.der.len;
    }
    for (size_t i = 0; i < jt_blob_key_count(&bf); i++) {
        assert_int_equal(jt_blob_key(&bf, i, &kf, &xf), 0);
        assert_int_equal(jt_blob_key(&bi, i, &ki, &xi), 0);
        assert_true(key_eq(&kf, &ki));
        assert_int_equal(xf, xi);
    }
    /* Same layout but the DER section. */
    assert_int_equal(flen, ilen + der_total);
    free(full);
    free(idx);
    bt_free(&s);
}

/* Section sizes follow FORMAT.md's formula; the output ignores input order
 * and metadata round-trips, negative values included. */
static void
writer_layout_and_order(void **state)
{
    struct bt_set s = {0};
    struct jt_blob_input *rev;
    struct jt_blob b;
    struct jt_blob_entry ent;
    uint8_t *a, *c;
    size_t alen, clen, e, labels = 0, pool = 0, der = 0;
    struct bt_keys ks;

    (void)state;
    bt_load_pki_cas(&s);
    for (size_t i = 0; i < s.n; i++)
        s.in[i].distrust_after = i % 2 ? 1700000000 + (int64_t)i : -(int64_t)i;
    rev = calloc(s.n + 1, sizeof(*rev));
    assert_non_null(rev);
    for (size_t i = 0; i < s.n; i++)
        rev[i] = s.in[s.n - 1 - i];
    a = bt_write_in(s.in, s.n, JT_BLOB_FULL, 0, 7, &alen);
    c = bt_write_in(rev, s.n, JT_BLOB_FULL, 0, 7, &clen);
    assert_int_equal(alen, clen);
    assert_memory_equal(a, c, alen);
    assert_int_equal(jt_blob_open(&b, a, alen, NULL), 0);
    for (size_t i = 0; i < s.n; i++) {
        cert_keys(&s.in[i], &ks);
        assert_int_equal(jt_blob_find_sha256(&b, s.in[i].sha256, &e), 0);
        assert_int_equal(jt_blob_entry(&b, e, &ent), 0);
        assert_true(ent.distrust_after == s.in[i].distrust_after);
        labels += ent.label.len;
        der += s.in[i].len;
        pool += ks.k[0].len + ks.k[1].len;
        if (!(ks.c.flags & JT_DER_SELF_ISSUED))
            pool += 32; /* SUBJECT shares ISSUER_SERIAL's hash otherwise */
    }
    assert_int_equal(alen, 128 + 76 * s.n + 30 * s.n + pool + labels + der);
    free(a);
    free(c);
    free(rev);
    bt_free(&s);
}

/* Labels are the subject CN of the PKI rows (manifest subject_cn column
 * is not loaded by th_manifest_load; the CN is the table's cn column). */
static void
writer_labels(void **state)
{
    static const struct {
        const char *name, *label;
    } rows[] = {
        {"root-rsa", "JT Test Root RSA"},
        {"root-p256", "JT Test Root P-256"},
        {"root-noskid", "JT Test Root No SKID"},
        {"inter-akid-iss", "JT Test Inter AKID Issuer"},
    };
    struct bt_set s = {0};
    struct jt_blob b;
    struct jt_blob_entry ent;
    uint8_t *blob;
    size_t len, e;

    (void)state;
    bt_load_pki_cas(&s);
    blob = bt_write(&s, JT_BLOB_INDEX_ONLY, 0, &len);
    assert_int_equal(jt_blob_open(&b, blob, len, NULL), 0);
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        size_t x = bt_find_name(&s, rows[i].name);

        assert_int_equal(jt_blob_find_sha256(&b, s.in[x].sha256, &e), 0);
        assert_int_equal(jt_blob_entry(&b, e, &ent), 0);
        assert_int_equal(ent.label.len, strlen(rows[i].label));
        assert_memory_equal(ent.label.p, rows[i].label, ent.label.len);
    }
    assert_int_equal(jt_blob_source_label(&b).len, strlen("jt unit tests"));
    assert_memory_equal(jt_blob_source_label(&b).p, "jt unit tests", 13);
    assert_true(jt_blob_generation(&b) == 7);
    assert_true(jt_blob_time(&b) == 1700000000u);
    assert_int_equal(jt_blob_format(&b), JT_BLOB_FMT_JTBL);
    free(blob);
    bt_free(&s);
}

/* ---- writer errors ---- */

static int
fail_sha256(void *ud, const uint8_t *p, size_t len, uint8_t out[32])
{
    (void)ud, (void)p, (void)len, (void)out;
    return -1;
}

static void
writer_errors(void **state)
{
    static const struct jt_hash_ops badhash = {bt_sha1, fail_sha256, NULL};
    static const struct jt_hash_ops nosha1 = {NULL, bt_sha256, NULL};
    struct bt_set s = {0};
    struct jt_blob_input in[3];
    uint8_t *big = malloc(1 << 20);
    size_t used = 0, failed = 99;
    struct jt_der_cert c;
    struct {
        const char *what;
        const struct jt_hash_ops *hash;
        const char *label;
        size_t n, want_failed;
        int kind;
        unsigned flags;
        int mutate; /* 0 none, 1 digest, 2 duplicate, 3 truncated DER,
                       4 empty DER, 5 NULL DER */
        int want;
    } rows[] = {
        {"no inputs", &bt_hash, NULL, 0, 99, JT_BLOB_FULL, 0, 0,
         JT_ERR_BLOB_EMPTY},
        {"bad kind", &bt_hash, NULL, 3, 99, 3, 0, 0, JT_ERR_INVAL},
        {"kind 0", &bt_hash, NULL, 3, 99, 0, 0, 0, JT_ERR_INVAL},
        {"no hash", NULL, NULL, 3, 99, JT_BLOB_FULL, 0, 0, JT_ERR_INVAL},
        {"no sha1", &nosha1, NULL, 3, 99, JT_BLOB_FULL, 0, 0, JT_ERR_INVAL},
        {"unknown flag", &bt_hash, NULL, 3, 99, JT_BLOB_FULL, 2, 0,
         JT_ERR_INVAL},
        {"label 40 bytes", &bt_hash, "0123456789012345678901234567890123456789",
         3, 99, JT_BLOB_FULL, 0, 0, JT_ERR_BLOB_LABEL},
        {"label control", &bt_hash, "a\x1b[31m", 3, 99, JT_BLOB_FULL, 0, 0,
         JT_ERR_BLOB_LABEL},
        {"label bad utf-8", &bt_hash, "a\xc3(", 3, 99, JT_BLOB_FULL, 0, 0,
         JT_ERR_BLOB_LABEL},
        {"hash fails", &badhash, NULL, 3, 0, JT_BLOB_FULL, 0, 0,
         JT_ERR_TRUST_HASH},
        {"digest", &bt_hash, NULL, 3, 1, JT_BLOB_FULL, 0, 1,
         JT_ERR_BLOB_DIGEST},
        {"duplicate", &bt_hash, NULL, 3, 2, JT_BLOB_INDEX_ONLY, 0, 2,
         JT_ERR_BLOB_DUP_CERT},
        {"truncated DER", &bt_hash, NULL, 3, 1, JT_BLOB_FULL, 0, 3, -1000},
        {"empty DER", &bt_hash, NULL, 3, 1, JT_BLOB_FULL, 0, 4, JT_ERR_INVAL},
        {"NULL DER", &bt_hash, NULL, 3, 1, JT_BLOB_FULL, 0, 5, JT_ERR_INVAL},
    };

    (void)state;
    assert_non_null(big);
    bt_load_pki_cas(&s);
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        struct jt_blob_write_opts o = {
            rows[r].kind,  1,      2, rows[r].label, rows[r].hash,
            rows[r].flags, &failed};
        int want = rows[r].want, rc;

        memcpy(in, s.in, sizeof(in));
        if (rows[r].mutate == 1)
            in[1].sha256[5] ^= 1;
        if (rows[r].mutate == 2)
            in[2] = in[0];
        if (rows[r].mutate == 3) {
            in[1].len -= 10;
            want = jt_der_cert_parse(&c, in[1].der, in[1].len);
            assert_true(want < 0);
        }
        if (rows[r].mutate == 4)
            in[1].len = 0;
        if (rows[r].mutate == 5)
            in[1].der = NULL;
        failed = 99;
        rc = jt_blob_write(in, rows[r].n, &o, big, 1 << 20, &used);
        if (rc != want)
            fail_msg("%s: got %d, want %d", rows[r].what, rc, want);
        assert_int_equal(failed, rows[r].want_failed);
    }
    free(big);
    bt_free(&s);
}

/* Argument checks; a too-small buffer reports the size needed and is left
 * untouched; a duplicate is only found while writing. */
static void
writer_sizing(void **state)
{
    struct jt_blob_write_opts o = {JT_BLOB_FULL, 1, 2, NULL, &bt_hash, 0, NULL};
    struct jt_blob_input in[3];
    struct bt_set s = {0};
    uint8_t out[16];
    size_t need = 0, used = 0;

    (void)state;
    bt_load_pki_cas(&s);
    assert_int_equal(jt_blob_write(NULL, 1, &o, NULL, 0, &used), JT_ERR_INVAL);
    assert_int_equal(jt_blob_write(s.in, 1, NULL, NULL, 0, &used),
                     JT_ERR_INVAL);
    assert_int_equal(jt_blob_write(s.in, 1, &o, NULL, 0, NULL), JT_ERR_INVAL);
    assert_int_equal(jt_blob_write(s.in, 1, &o, NULL, 5, &used), JT_ERR_INVAL);
    assert_int_equal(jt_blob_write(s.in, 1, &o, NULL, 0, &need), JT_ERR_NOSPC);
    memset(out, 0xAA, sizeof(out));
    assert_int_equal(jt_blob_write(s.in, 1, &o, out, sizeof(out), &used),
                     JT_ERR_NOSPC);
    assert_int_equal(used, need);
    assert_int_equal(out[0], 0xAA);
    memcpy(in, s.in, sizeof(in));
    in[1] = in[0];
    assert_int_equal(jt_blob_write(in, 3, &o, NULL, 0, &used), JT_ERR_NOSPC);
    bt_free(&s);
}

/* ---- signature and rollback ---- */

static void
sign_span(const struct jt_span *sp, mbedtls_ecdsa_context *key,
          mbedtls_ctr_drbg_context *drbg, uint8_t *sig, size_t *slen)
{
    uint8_t h[32];

    assert_int_equal(mbedtls_sha256_ret(sp->p, sp->len, h, 0), 0);
    assert_int_equal(
        mbedtls_ecdsa_write_signature(key, MBEDTLS_MD_SHA256, h, 32, sig, slen,
                                      mbedtls_ctr_drbg_random, drbg),
        0);
}

static int
verify_blob(const struct jt_blob *b, mbedtls_ecdsa_context *key)
{
    struct jt_span sp, kid, sig;
    unsigned alg;
    uint8_t h[32];

    assert_int_equal(jt_blob_signed_data(b, &sp), 0);
    assert_int_equal(jt_blob_signature(b, &alg, &kid, &sig), 0);
    assert_int_equal(alg, JT_BLOB_SIG_ECDSA_P256_SHA256);
    assert_int_equal(kid.len, JT_BLOB_KEYID_LEN);
    assert_int_equal(mbedtls_sha256_ret(sp.p, sp.len, h, 0), 0);
    return mbedtls_ecdsa_read_signature(key, h, 32, sig.p, sig.len);
}

static void
signature_flow(void **state)
{
    static const uint8_t keyid[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    struct jt_blob_open_opts pend = {0, JT_BLOB_OPEN_ALLOW_PENDING};
    struct jt_blob_open_opts req = {0, JT_BLOB_OPEN_REQUIRE_SIGNED};
    mbedtls_entropy_context ent;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_ecdsa_context key;
    struct bt_set s = {0};
    struct jt_span sp, kid, sg;
    struct jt_blob b;
    uint8_t sig[MBEDTLS_ECDSA_MAX_LEN], *blob;
    size_t len, slen = 0;
    unsigned alg;

    (void)state;
    mbedtls_entropy_init(&ent);
    mbedtls_ctr_drbg_init(&drbg);
    mbedtls_ecdsa_init(&key);
    assert_int_equal(mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &ent,
                                           (const uint8_t *)"jt", 2),
                     0);
    assert_int_equal(mbedtls_ecdsa_genkey(&key, MBEDTLS_ECP_DP_SECP256R1,
                                          mbedtls_ctr_drbg_random, &drbg),
                     0);
    bt_load_pki_cas(&s);
    blob = bt_write(&s, JT_BLOB_INDEX_ONLY, JT_BLOB_WRITE_SIGNED, &len);
    /* Pending: refused for use, opened for the signer only. */
    assert_int_equal(jt_blob_open(&b, blob, len, NULL),
                     JT_ERR_BLOB_SIG_PENDING);
    assert_int_equal(jt_blob_open(&b, blob, len, &pend), 0);
    assert_true(jt_blob_is_signed(&b));
    assert_int_equal(jt_blob_signature(&b, &alg, &kid, &sg),
                     JT_ERR_BLOB_SIG_PENDING);
    assert_int_equal(jt_blob_signed_data(&b, &sp), 0);
    /* The span is every byte but the 96-byte block at the very end. */
    assert_ptr_equal(sp.p, blob);
    assert_int_equal(sp.len, len - JT_BLOB_SIG_BLOCK_LEN);
    sign_span(&sp, &key, &drbg, sig, &slen);
    assert_int_equal(jt_blob_write_signature(blob, len,
                                             JT_BLOB_SIG_ECDSA_P256_SHA256,
                                             keyid, sig, slen),
                     0);
    assert_int_equal(jt_blob_open(&b, blob, len, &req), 0);
    assert_int_equal(verify_blob(&b, &key), 0);
    assert_int_equal(jt_blob_signature(&b, &alg, &kid, &sg), 0);
    assert_memory_equal(kid.p, keyid, 8);
    assert_int_equal(sg.len, slen);
    assert_memory_equal(sg.p, sig, slen);
    /* Any change inside the span breaks the signature; the generation is
     * covered too (a rollback cannot be forged by editing it). */
    blob[JTI_BH_GENERATION + 7] ^= 1;
    assert_int_equal(jt_blob_open(&b, blob, len, &req), 0);
    assert_int_not_equal(verify_blob(&b, &key), 0);
    blob[JTI_BH_GENERATION + 7] ^= 1;
    blob[sp.len - 1] ^= 0x40; /* last signed byte */
    if (jt_blob_open(&b, blob, len, NULL) == 0)
        assert_int_not_equal(verify_blob(&b, &key), 0);
    blob[sp.len - 1] ^= 0x40;
    assert_int_equal(jt_blob_open(&b, blob, len, &req), 0);
    assert_int_equal(verify_blob(&b, &key), 0);
    free(blob);
    bt_free(&s);
    mbedtls_ecdsa_free(&key);
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&ent);
}

static void
signature_errors(void **state)
{
    static const uint8_t keyid[8] = {0};
    static const uint8_t sig[90] = {0x30};
    struct bt_set s = {0};
    struct jt_blob b;
    struct jt_span sp, kid, sg;
    uint8_t *sb, *ub;
    size_t slen, ulen;
    unsigned alg;

    (void)state;
    bt_load_pki_cas(&s);
    sb = bt_write(&s, JT_BLOB_INDEX_ONLY, JT_BLOB_WRITE_SIGNED, &slen);
    ub = bt_write(&s, JT_BLOB_INDEX_ONLY, 0, &ulen);
    assert_int_equal(jt_blob_write_signature(ub, ulen, 1, keyid, sig, 70),
                     JT_ERR_BLOB_UNSIGNED);
    assert_int_equal(jt_blob_write_signature(sb, slen, 2, keyid, sig, 70),
                     JT_ERR_BLOB_SIG);
    assert_int_equal(jt_blob_write_signature(sb, slen, 1, keyid, sig, 0),
                     JT_ERR_BLOB_SIG);
    assert_int_equal(jt_blob_write_signature(sb, slen, 1, keyid, sig, 85),
                     JT_ERR_BLOB_SIG);
    assert_int_equal(jt_blob_write_signature(sb, slen - 1, 1, keyid, sig, 8),
                     JT_ERR_BLOB_TRUNCATED);
    assert_int_equal(jt_blob_write_signature(sb, 3, 1, keyid, sig, 8),
                     JT_ERR_BLOB_TRUNCATED);
    assert_int_equal(jt_blob_write_signature(NULL, slen, 1, keyid, sig, 8),
                     JT_ERR_INVAL);
    assert_int_equal(jt_blob_write_signature(sb, slen, 1, keyid, sig, 84), 0);
    assert_int_equal(jt_blob_open(&b, sb, slen, NULL), 0);
    assert_int_equal(jt_blob_signature(&b, &alg, &kid, &sg), 0);
    assert_int_equal(sg.len, 84);
    /* Unsigned blobs. */
    assert_int_equal(jt_blob_open(&b, ub, ulen, NULL), 0);
    assert_false(jt_blob_is_signed(&b));
    assert_int_equal(jt_blob_signed_data(&b, &sp), JT_ERR_BLOB_UNSIGNED);
    assert_int_equal(jt_blob_signature(&b, &alg, &kid, &sg),
                     JT_ERR_BLOB_UNSIGNED);
    free(sb);
    free(ub);
    bt_free(&s);
}

static void
rollback(void **state)
{
    static const struct {
        uint64_t gen, min;
        int want;
    } rows[] = {
        {7, 0, 0},
        {7, 7, 0},
        {7, 8, JT_ERR_BLOB_ROLLBACK},
        {UINT64_MAX, UINT64_MAX, 0},
        {UINT64_MAX - 1, UINT64_MAX, JT_ERR_BLOB_ROLLBACK},
    };
    struct bt_set s = {0};
    struct jt_blob b;

    (void)state;
    bt_load_pki_cas(&s);
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        struct jt_blob_open_opts o = {rows[r].min, 0};
        size_t len;
        uint8_t *blob =
            bt_write_in(s.in, 2, JT_BLOB_INDEX_ONLY, 0, rows[r].gen, &len);

        assert_int_equal(jt_blob_open(&b, blob, len, &o), rows[r].want);
        if (rows[r].want == 0)
            assert_true(jt_blob_generation(&b) == rows[r].gen);
        else
            assert_int_equal(jt_blob_count(&b), 0);
        free(blob);
    }
    bt_free(&s);
}

/* ---- API misuse and helpers ---- */

static void
api_misuse(void **state)
{
    struct bt_set s = {0};
    struct jt_blob b, closed;
    struct jt_blob_iter it = {0};
    struct jt_blob_entry ent;
    struct jt_key q = {JT_KEY_SKID, 20, {0}}, k;
    size_t e, len;
    uint8_t *blob;

    (void)state;
    memset(&closed, 0, sizeof(closed));
    bt_load_pki_cas(&s);
    blob = bt_write(&s, JT_BLOB_FULL, 0, &len);
    assert_int_equal(jt_blob_open(NULL, blob, len, NULL), JT_ERR_INVAL);
    assert_int_equal(jt_blob_open(&b, NULL, len, NULL), JT_ERR_INVAL);
    {
        struct jt_blob_open_opts bad = {0, 0x4};

        assert_int_equal(jt_blob_open(&b, blob, len, &bad), JT_ERR_INVAL);
    }
    assert_int_equal(jt_blob_open(&b, blob, len, NULL), 0);
    assert_int_equal(jt_blob_find(&closed, &q, &it, &e), JT_ERR_STATE);
    assert_int_equal(jt_blob_entry(&closed, 0, &ent), JT_ERR_STATE);
    assert_int_equal(jt_blob_count(&closed), 0);
    assert_int_equal(jt_blob_count(NULL), 0);
    assert_int_equal(jt_blob_find(&b, NULL, &it, &e), JT_ERR_INVAL);
    assert_int_equal(jt_blob_find(&b, &q, NULL, &e), JT_ERR_INVAL);
    for (int bad = 0; bad < 4; bad++) {
        struct jt_key x = q;

        x.type = bad == 0 ? 0 : (bad == 1 ? 5 : JT_KEY_SKID);
        x.len = bad == 2 ? 0 : (bad == 3 ? JT_KEY_MAX + 1 : 20);
        memset(&it, 0, sizeof(it));
        assert_int_equal(jt_blob_find(&b, &x, &it, &e), JT_ERR_INVAL);
    }
    memset(&it, 0, sizeof(it));
    assert_int_equal(jt_blob_find(&b, &q, &it, &e), 0); /* absent */
    assert_int_equal(jt_blob_entry(&b, jt_blob_count(&b), &ent), JT_ERR_INVAL);
    assert_int_equal(jt_blob_key(&b, jt_blob_key_count(&b), &k, &e),
                     JT_ERR_INVAL);
    /* A failed open leaves the struct closed. */
    blob[0] = 'X';
    assert_int_equal(jt_blob_open(&b, blob, len, NULL), JT_ERR_BLOB_MAGIC);
    assert_int_equal(jt_blob_count(&b), 0);
    assert_int_equal(jt_blob_find(&b, &q, &it, &e), JT_ERR_STATE);
    free(blob);
    bt_free(&s);
}

/* jti_blob_keycmp orders exactly as jt_key_cmp. */
static void
keycmp_matches_key_cmp(void **state)
{
    static const struct jt_key keys[] = {
        {1, 1, {0x00}},
        {1, 1, {0x01}},
        {1, 2, {0x00, 0x00}},
        {1, 2, {0x00, 0xff}},
        {1, 3, {0x00, 0xff, 0x00}},
        {2, 1, {0x00}},
        {2, 2, {0xff, 0x00}},
        {3, 2, {0x01, 0x02}},
        {4, 1, {0xff}},
        {1, 64, {0x7f}},
        {4, 64, {0x80}},
    };
    size_t n = sizeof(keys) / sizeof(keys[0]);

    (void)state;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            int a = jti_blob_keycmp(keys[i].type, keys[i].b, keys[i].len,
                                    keys[j].type, keys[j].b, keys[j].len);
            int b = jt_key_cmp(&keys[i], &keys[j]);

            assert_int_equal((a > 0) - (a < 0), (b > 0) - (b < 0));
        }
}

static void
label_rules(void **state)
{
    static const struct {
        const char *s;
        int ok;
    } rows[] = {
        {"", 1},
        {"ISRG Root X1", 1},
        {"T\xc3\x9c"
         "B\xc4\xb0TAK",
         1},                             /* TÜBİTAK */
        {"\xe4\xb8\xad\xe5\x9b\xbd", 1}, /* CJK */
        {"\xf0\x9f\x94\x92", 1},         /* U+1F512 */
        {"a\nb", 0},                     /* C0 control */
        {"a\x7f", 0},                    /* DEL */
        {"a\xc2\x9b", 0},                /* C1 CSI */
        {"\xc0\xaf", 0},                 /* overlong */
        {"\xed\xa0\x80", 0},             /* surrogate */
        {"\xf4\x90\x80\x80", 0},         /* above U+10FFFF */
        {"\xe4\xb8", 0},                 /* truncated */
        {"\x80", 0},                     /* lone continuation */
    };

    (void)state;
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++)
        if (jti_label_ok((const uint8_t *)rows[r].s, strlen(rows[r].s)) !=
            rows[r].ok)
            fail_msg("label row %zu: want %d", r, rows[r].ok);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keycmp_matches_key_cmp),
        cmocka_unit_test(label_rules),
        cmocka_unit_test(roundtrip_pki),
        cmocka_unit_test(pki_named_keys),
        cmocka_unit_test(roundtrip_mozilla),
        cmocka_unit_test(full_and_index_only_agree),
        cmocka_unit_test(writer_layout_and_order),
        cmocka_unit_test(writer_labels),
        cmocka_unit_test(writer_errors),
        cmocka_unit_test(writer_sizing),
        cmocka_unit_test(signature_flow),
        cmocka_unit_test(signature_errors),
        cmocka_unit_test(rollback),
        cmocka_unit_test(api_misuse),
    };
    return cmocka_run_group_tests_name("blob", tests, NULL, NULL);
}
