// SPDX-License-Identifier: MIT
/*
 * unit: signed trust blobs on the device (net/blob-verify.c) and the
 * built-in default trust (builtin/builtin.c). A blob of test PKI roots is
 * written by the core writer and signed in-process with mbedTLS; the
 * policy table asserts exact codes (wrong key, unsigned, pending, rollback,
 * wrong key type, TBLB); flipping the byte at every offset of a signed
 * blob, one at a time, must make verification fail; blob files are read
 * once and verified from those bytes.
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>
#include <mbedtls/sha256.h>

#include "jittrust/blob-verify.h"
#include "jittrust/blob.h"
#include "jittrust/error.h"
#include "jittrust/hash.h"

#include "failalloc.h"
#include "testutil.h"

/* A private key of the test PKI and its SPKI DER. */
struct key {
    mbedtls_pk_context pk;
    uint8_t spki[600];
    size_t len;
    uint8_t id[8];
};

static void
key_load(struct key *k, const char *name)
{
    char path[512];
    uint8_t der[600], h[32];
    int n;

    th_pki_path(path, sizeof(path), name);
    mbedtls_pk_init(&k->pk);
    assert_int_equal(mbedtls_pk_parse_keyfile(&k->pk, path, NULL), 0);
    n = mbedtls_pk_write_pubkey_der(&k->pk, der, sizeof(der));
    assert_true(n > 0);
    memcpy(k->spki, der + sizeof(der) - n, (size_t)n);
    k->len = (size_t)n;
    mbedtls_sha256_ret(k->spki, k->len, h, 0);
    memcpy(k->id, h, 8);
}

/* Blob of the PKI's trusted roots, gen |gen|, optionally with a pending
 * signature block. malloc'd. */
static uint8_t *
make_blob(uint64_t gen, unsigned flags, size_t *len, const char *file)
{
    char path[512];
    uint8_t *pem, **ders, *out;
    size_t plen, *lens, n, need = 0;
    struct jt_blob_input in[8];
    struct jt_blob_write_opts o = {
        JT_BLOB_FULL,          gen,   1700000000u, "test",
        jt_hash_ops_mbedtls(), flags, NULL};

    pem = th_read_file(th_pki_path(path, sizeof(path), file), &plen);
    assert_non_null(pem);
    n = th_pem_certs((const char *)pem, &ders, &lens);
    assert_true(n >= 1 && n <= 8);
    for (size_t i = 0; i < n; i++) {
        memset(&in[i], 0, sizeof(in[i]));
        in[i].der = ders[i];
        in[i].len = lens[i];
        mbedtls_sha256_ret(ders[i], lens[i], in[i].sha256, 0);
    }
    assert_int_equal(jt_blob_write(in, n, &o, NULL, 0, &need), JT_ERR_NOSPC);
    out = malloc(need);
    assert_non_null(out);
    assert_int_equal(jt_blob_write(in, n, &o, out, need, len), 0);
    th_free_ders(ders, lens, n);
    free(pem);
    return out;
}

/* Sign |blob| (pending block) with |signer|, storing |keyid|. */
static void
sign_blob(uint8_t *blob, size_t len, struct key *signer, const uint8_t *keyid)
{
    mbedtls_entropy_context ent;
    mbedtls_ctr_drbg_context drbg;
    uint8_t h[32], sig[MBEDTLS_PK_SIGNATURE_MAX_SIZE];
    size_t sl = 0;

    mbedtls_entropy_init(&ent);
    mbedtls_ctr_drbg_init(&drbg);
    assert_int_equal(
        mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &ent, NULL, 0), 0);
    mbedtls_sha256_ret(blob, len - JT_BLOB_SIG_BLOCK_LEN, h, 0);
    assert_int_equal(mbedtls_pk_sign(&signer->pk, MBEDTLS_MD_SHA256, h, 32, sig,
                                     &sl, mbedtls_ctr_drbg_random, &drbg),
                     0);
    assert_int_equal(
        jt_blob_write_signature(blob, len, JT_BLOB_SIG_ECDSA_P256_SHA256,
                                keyid ? keyid : signer->id, sig, sl),
        0);
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&ent);
}

struct fix {
    struct key k1, k2, p384, rsa;
    uint8_t *signed_blob, *unsigned_blob, *pending, *wrong_id;
    size_t slen, ulen, plen, wlen;
};

static int
setup(void **state)
{
    struct fix *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    key_load(&f->k1, "root-p256.key");
    key_load(&f->k2, "inter-p256.key");
    key_load(&f->p384, "root-p384.key");
    key_load(&f->rsa, "root-rsa.key");
    f->signed_blob =
        make_blob(7, JT_BLOB_WRITE_SIGNED, &f->slen, "roots-trusted.pem");
    sign_blob(f->signed_blob, f->slen, &f->k1, NULL);
    f->unsigned_blob = make_blob(7, 0, &f->ulen, "roots-trusted.pem");
    f->pending =
        make_blob(7, JT_BLOB_WRITE_SIGNED, &f->plen, "roots-trusted.pem");
    /* Signed by k1, but naming k2's key id. */
    f->wrong_id =
        make_blob(7, JT_BLOB_WRITE_SIGNED, &f->wlen, "roots-trusted.pem");
    sign_blob(f->wrong_id, f->wlen, &f->k1, f->k2.id);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fix *f = *state;

    if (f == NULL)
        return 0;
    mbedtls_pk_free(&f->k1.pk);
    mbedtls_pk_free(&f->k2.pk);
    mbedtls_pk_free(&f->p384.pk);
    mbedtls_pk_free(&f->rsa.pk);
    free(f->signed_blob);
    free(f->unsigned_blob);
    free(f->pending);
    free(f->wrong_id);
    free(f);
    return 0;
}

enum { B_SIGNED, B_UNSIGNED, B_PENDING, B_WRONG_ID, B_TBLB };
enum { K_NONE, K_1, K_2, K_2_1, K_P384, K_RSA };

static const struct {
    const char *what;
    int blob, keys;
    uint64_t min_gen;
    int want;
} policy[] = {
    {"signed, right key", B_SIGNED, K_1, 0, 0},
    {"signed, two keys, second right", B_SIGNED, K_2_1, 0, 0},
    {"signed, equal generation", B_SIGNED, K_1, 7, 0},
    {"signed, older generation", B_SIGNED, K_1, 8, JT_ERR_BLOB_ROLLBACK},
    {"signed, other key", B_SIGNED, K_2, 0, JT_ERR_BLOB_SIGNER},
    {"signed, P-384 key", B_SIGNED, K_P384, 0, JT_ERR_BLOB_PUBKEY},
    {"signed, RSA key", B_SIGNED, K_RSA, 0, JT_ERR_BLOB_PUBKEY},
    {"signed, no key configured", B_SIGNED, K_NONE, 0, 0},
    {"unsigned, key configured", B_UNSIGNED, K_1, 0, JT_ERR_BLOB_UNSIGNED},
    {"unsigned, no key", B_UNSIGNED, K_NONE, 0, 0},
    {"unsigned, no key, rollback", B_UNSIGNED, K_NONE, 8, JT_ERR_BLOB_ROLLBACK},
    {"pending block", B_PENDING, K_1, 0, JT_ERR_BLOB_SIG_PENDING},
    {"pending block, no key", B_PENDING, K_NONE, 0, JT_ERR_BLOB_SIG_PENDING},
    {"key id of k2, signed by k1", B_WRONG_ID, K_2, 0,
     JT_ERR_BLOB_BAD_SIGNATURE},
    {"TBLB, key configured", B_TBLB, K_1, 0, JT_ERR_BLOB_UNSIGNED},
};

static void
put32(uint8_t *p, size_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (24 - 8 * i));
}

/* A minimal TBLB v1 blob holding one certificate (FORMAT.md section 9). */
static uint8_t *
make_tblb(size_t *len)
{
    size_t dl;
    uint8_t *der = th_pki_der("root-p256", &dl), *b;
    size_t total = 0x1c + dl + 2 + 1;

    b = calloc(1, total);
    assert_non_null(b);
    memcpy(b, "TBLB\x00\x01\x00\x01", 8);
    put32(b + 0x08, 1);             /* time */
    put32(b + 0x0c, 0x1c + dl);     /* DER length table */
    put32(b + 0x10, 0x1c + dl + 2); /* SKID length table */
    put32(b + 0x14, 0x1c + dl + 3); /* SKID table (empty) */
    put32(b + 0x18, total);
    memcpy(b + 0x1c, der, dl);
    b[0x1c + dl] = (uint8_t)(dl >> 8);
    b[0x1c + dl + 1] = (uint8_t)dl;
    b[0x1c + dl + 2] = 0; /* no SKID */
    free(der);
    *len = total;
    return b;
}

static void
policy_table(void **state)
{
    struct fix *f = *state;

    for (size_t i = 0; i < sizeof(policy) / sizeof(policy[0]); i++) {
        struct jt_span ks[2];
        struct jt_blob_trust t = {ks, 0, policy[i].min_gen};
        struct jt_blob b;
        const uint8_t *buf = NULL;
        uint8_t *tblb = NULL;
        size_t len = 0;
        int rc;

        switch (policy[i].blob) {
        case B_SIGNED:
            buf = f->signed_blob, len = f->slen;
            break;
        case B_UNSIGNED:
            buf = f->unsigned_blob, len = f->ulen;
            break;
        case B_PENDING:
            buf = f->pending, len = f->plen;
            break;
        case B_WRONG_ID:
            buf = f->wrong_id, len = f->wlen;
            break;
        default:
            buf = tblb = make_tblb(&len);
            break;
        }
        switch (policy[i].keys) {
        case K_1:
            ks[0] = (struct jt_span){f->k1.spki, f->k1.len}, t.nkeys = 1;
            break;
        case K_2:
            ks[0] = (struct jt_span){f->k2.spki, f->k2.len}, t.nkeys = 1;
            break;
        case K_2_1:
            ks[0] = (struct jt_span){f->k2.spki, f->k2.len};
            ks[1] = (struct jt_span){f->k1.spki, f->k1.len};
            t.nkeys = 2;
            break;
        case K_P384:
            ks[0] = (struct jt_span){f->p384.spki, f->p384.len}, t.nkeys = 1;
            break;
        case K_RSA:
            ks[0] = (struct jt_span){f->rsa.spki, f->rsa.len}, t.nkeys = 1;
            break;
        default:
            break;
        }
        rc = jt_blob_open_verified(&b, buf, len, &t);
        if (rc != policy[i].want)
            fail_msg("%s: got %d (%s), want %d", policy[i].what, rc,
                     jt_strerror(rc), policy[i].want);
        if (rc == 0)
            assert_int_equal(jt_blob_count(&b), 4);
        else
            assert_int_equal(jt_blob_count(&b), 0);
        free(tblb);
    }
}

/* Under valgrind each ECDSA verify costs ~50x: test every 7th offset
 * (still every bit position) there, every offset otherwise. */
static size_t
flip_stride(void)
{
    const char *pre = getenv("LD_PRELOAD");

    return pre != NULL && strstr(pre, "vgpreload") != NULL ? 7 : 1;
}

static void
flip_every_byte(void **state)
{
    struct fix *f = *state;
    struct jt_span k = {f->k1.spki, f->k1.len};
    struct jt_blob_trust t = {&k, 1, 0};
    struct jt_blob b;
    size_t refused = 0, len, stride = flip_stride();
    /* One CA keeps it quick (each flip may cost an ECDSA verify). */
    uint8_t *copy = make_blob(7, JT_BLOB_WRITE_SIGNED, &len, "root-p256.pem");

    sign_blob(copy, len, &f->k1, NULL);
    assert_int_equal(jt_blob_open_verified(&b, copy, len, &t), 0);
    for (size_t i = 0; i < len; i += stride) {
        uint8_t mask = (uint8_t)(1u << (i % 8));
        int rc;
        copy[i] ^= mask;
        rc = jt_blob_open_verified(&b, copy, len, &t);
        if (rc >= 0)
            fail_msg("flipping bit %u of byte %zu: verify passed", i % 8, i);
        copy[i] ^= mask;
        refused++;
    }
    assert_int_equal(refused, (len + stride - 1) / stride);
    assert_int_equal(jt_blob_open_verified(&b, copy, len, &t), 0);
    free(copy);
}

static void
key_id_and_pem(void **state)
{
    struct fix *f = *state;
    uint8_t id[8], id2[8];
    struct jt_blob b;

    assert_int_equal(jt_blob_key_id(f->k1.spki, f->k1.len, id), 0);
    assert_memory_equal(id, f->k1.id, 8);
    /* A PEM public key (with its NUL) gives the same id and verifies. */
    {
        uint8_t buf[800];
        int n = mbedtls_pk_write_pubkey_pem(&f->k1.pk, buf, sizeof(buf));
        struct jt_span k = {buf, strlen((char *)buf) + 1};
        struct jt_blob_trust t = {&k, 1, 0};
        assert_int_equal(n, 0);
        assert_int_equal(jt_blob_key_id(buf, k.len, id2), 0);
        assert_memory_equal(id, id2, 8);
        assert_int_equal(jt_blob_open_verified(&b, f->signed_blob, f->slen, &t),
                         0);
    }
    assert_int_equal(jt_blob_key_id(NULL, 1, id), JT_ERR_INVAL);
    assert_int_equal(jt_blob_key_id(f->rsa.spki, f->rsa.len, id),
                     JT_ERR_BLOB_PUBKEY);
    assert_int_equal(jt_blob_verify_signature(NULL, f->k1.spki, f->k1.len),
                     JT_ERR_INVAL);
    memset(&b, 0, sizeof(b));
    assert_int_equal(jt_blob_verify_signature(&b, f->k1.spki, f->k1.len),
                     JT_ERR_STATE);
}

static void
file_load(void **state)
{
    struct fix *f = *state;
    struct jt_span k = {f->k1.spki, f->k1.len};
    struct jt_blob_trust t = {&k, 1, 7};
    struct jt_blob_file bf;
    struct th_failalloc fa;
    char path[] = "/tmp/jt-test-blobfile-XXXXXX";
    int fd = mkstemp(path);

    assert_true(fd >= 0);
    assert_int_equal(write(fd, f->signed_blob, f->slen), (ssize_t)f->slen);
    close(fd);
    jt_blob_file_init(&bf);
    th_failalloc_init(&fa, 0);
    assert_int_equal(jt_blob_file_load(&bf, path, 0, &t, &fa.alloc), 0);
    assert_int_equal(jt_blob_count(&bf.blob), 4);
    assert_int_equal(fa.live, 1);
    /* The blob is used from the bytes read: the file can change now. */
    fd = open(path, O_WRONLY | O_TRUNC);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(jt_blob_count(&bf.blob), 4);
    jt_blob_file_free(&bf);
    assert_int_equal(fa.live, 0);
    jt_blob_file_free(&bf); /* idempotent */
    /* An empty file, a missing file, a too-small cap, a failed alloc. */
    assert_int_equal(jt_blob_file_load(&bf, path, 0, &t, NULL),
                     JT_ERR_BLOB_TRUNCATED);
    assert_null(bf.buf);
    unlink(path);
    assert_int_equal(jt_blob_file_load(&bf, path, 0, &t, NULL),
                     JT_ERR_BLOB_FILE);
    assert_int_equal(jt_blob_file_errno(&bf), ENOENT);
    fd = open(path, O_WRONLY | O_CREAT, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, f->signed_blob, f->slen), (ssize_t)f->slen);
    close(fd);
    assert_int_equal(jt_blob_file_load(&bf, path, 100, &t, NULL),
                     JT_ERR_BLOB_FILE_TOO_BIG);
    th_failalloc_init(&fa, 1);
    assert_int_equal(jt_blob_file_load(&bf, path, 0, &t, &fa.alloc),
                     JT_ERR_NOMEM);
    t.min_generation = 8;
    assert_int_equal(jt_blob_file_load(&bf, path, 0, &t, NULL),
                     JT_ERR_BLOB_ROLLBACK);
    assert_null(bf.buf);
    assert_int_equal(jt_blob_file_load(NULL, path, 0, &t, NULL), JT_ERR_INVAL);
    unlink(path);
}

static size_t
mozilla_count(void)
{
    const char *dir = getenv("JT_MOZILLA_DIR");
    struct dirent *d;
    size_t n = 0;
    DIR *dh = opendir(dir ? dir : "/usr/share/ca-certificates/mozilla");

    if (dh == NULL)
        return 0;
    while ((d = readdir(dh)) != NULL)
        if (strstr(d->d_name, ".crt") != NULL)
            n++;
    closedir(dh);
    return n;
}

static void
builtin_trust(void **state)
{
    const uint8_t *p, *q;
    size_t len, qlen;
    struct jt_blob b, x;
    int rc = jt_builtin_blob(&p, &len);

    (void)state;
    assert_int_equal(jt_builtin_blob(NULL, &len), JT_ERR_INVAL);
    assert_int_equal(jt_builtin_index(&p, NULL), JT_ERR_INVAL);
    if (rc == JT_ERR_BLOB_NO_BUILTIN) {
        assert_null(p);
        assert_int_equal(len, 0);
        assert_int_equal(jt_builtin_index(&q, &qlen), JT_ERR_BLOB_NO_BUILTIN);
        skip();
    }
    assert_int_equal(rc, 0);
    assert_int_equal(jt_blob_open(&b, p, len, NULL), 0);
    assert_int_equal(jt_blob_kind(&b), JT_BLOB_FULL);
    assert_int_equal(jt_blob_count(&b), mozilla_count());
    assert_int_equal(jt_builtin_index(&q, &qlen), 0);
    assert_int_equal(jt_blob_open(&x, q, qlen, NULL), 0);
    assert_int_equal(jt_blob_kind(&x), JT_BLOB_INDEX_ONLY);
    assert_int_equal(jt_blob_count(&x), jt_blob_count(&b));
    assert_int_equal(jt_blob_generation(&x), jt_blob_generation(&b));
    for (size_t i = 0; i < jt_blob_count(&b); i++) {
        struct jt_blob_entry e, ie;
        assert_int_equal(jt_blob_entry(&b, i, &e), 0);
        assert_int_equal(jt_blob_entry(&x, i, &ie), 0);
        assert_memory_equal(e.sha256, ie.sha256, 32);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(policy_table),   cmocka_unit_test(flip_every_byte),
        cmocka_unit_test(key_id_and_pem), cmocka_unit_test(file_load),
        cmocka_unit_test(builtin_trust),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
