// SPDX-License-Identifier: MIT
/*
 * unit: the lookup keys (key.h) on the test PKI and the Mozilla roots,
 * with mbedTLS's SHA-1/SHA-256 as the hash ops: every key type, index side
 * against lookup side, ordering, hex printing and the error paths.
 */
#include <dirent.h>
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
#include <mbedtls/x509_crt.h>

#include "jittrust/der.h"
#include "jittrust/error.h"
#include "jittrust/key.h"

#include "manifest.h"
#include "testutil.h"

static int
op_sha1(void *ud, const uint8_t *p, size_t len, uint8_t out[20])
{
    (void)ud;
    return mbedtls_sha1_ret(p, len, out);
}

static int
op_sha256(void *ud, const uint8_t *p, size_t len, uint8_t out[32])
{
    (void)ud;
    return mbedtls_sha256_ret(p, len, out, 0);
}

static int
op_fail1(void *ud, const uint8_t *p, size_t len, uint8_t out[20])
{
    (void)p;
    (void)len;
    memset(out, 0xEE, 20);
    ++*(int *)ud;
    return -1;
}

static int
op_fail256(void *ud, const uint8_t *p, size_t len, uint8_t out[32])
{
    (void)p;
    (void)len;
    memset(out, 0xEE, 32);
    ++*(int *)ud;
    return 1;
}

static const struct jt_hash_ops ops = {op_sha1, op_sha256, NULL};

/* A parsed PKI certificate and its bytes. */
struct pcert {
    uint8_t *der;
    size_t len;
    struct jt_der_cert c;
};

static void
pki_load(struct pcert *p, const char *name)
{
    int rc;

    p->der = th_pki_der(name, &p->len);
    rc = jt_der_cert_parse(&p->c, p->der, p->len);
    if (rc != 0)
        fail_msg("%s: %s", name, jt_strerror(rc));
}

static void
assert_key(const struct jt_key *k, int type, const void *b, size_t len)
{
    assert_int_equal(k->type, type);
    assert_int_equal(k->len, len);
    assert_memory_equal(k->b, b, len);
}

static void
assert_key_hex(const struct jt_key *k, int type, const char *hex)
{
    uint8_t want[JT_KEY_MAX];
    int n = th_hex2bin(hex, want, sizeof(want));

    assert_true(n > 0);
    assert_key(k, type, want, (size_t)n);
}

static void
assert_zeroed(const struct jt_key *k)
{
    static const struct jt_key zero;

    assert_memory_equal(k, &zero, sizeof(zero));
}

/* SKID and AKID keys equal openssl's hex; computed equals the SKID. */
static void
manifest_keys(void **state)
{
    struct th_mrow *rows;
    size_t n = th_manifest_load(&rows);

    (void)state;
    for (size_t i = 0; i < n; i++) {
        struct pcert p;
        struct jt_key k, comp;

        pki_load(&p, rows[i].name);
        if (rows[i].skid[0] != '\0') {
            assert_int_equal(jt_key_skid(&k, &p.c), 0);
            assert_key_hex(&k, JT_KEY_SKID, rows[i].skid);
        } else {
            assert_int_equal(jt_key_skid(&k, &p.c), JT_ERR_NOT_FOUND);
            assert_zeroed(&k);
        }
        if (rows[i].akid[0] != '\0') {
            assert_int_equal(jt_key_akid(&k, &p.c), 0);
            assert_key_hex(&k, JT_KEY_SKID, rows[i].akid);
        } else {
            assert_int_equal(jt_key_akid(&k, &p.c), JT_ERR_NOT_FOUND);
        }
        /* gen-pki's SKIDs are openssl's "hash": RFC 5280 method 1. The
         * fake and liar CAs carry root-p256's SKID over other keys. */
        assert_int_equal(jt_key_computed(&comp, &p.c, &ops), 0);
        assert_int_equal(comp.type, JT_KEY_COMPUTED);
        assert_int_equal(comp.len, 20);
        if (rows[i].skid[0] != '\0') {
            assert_int_equal(jt_key_skid(&k, &p.c), 0);
            assert_int_equal(memcmp(comp.b, k.b, 20) == 0,
                             strcmp(rows[i].name, "fake-ca-p256") != 0 &&
                                 strcmp(rows[i].name, "liar-ca-p256") != 0);
        }
        free(p.der);
    }
    free(rows);
}

/* The subject key of each issuer equals the issuer key of each child. */
static void
subject_matches_issuer(void **state)
{
    struct th_mrow *rows;
    size_t n = th_manifest_load(&rows);

    (void)state;
    for (size_t i = 0; i < n; i++) {
        struct pcert child, ca;
        struct jt_key ki, ks;

        pki_load(&child, rows[i].name);
        pki_load(&ca, rows[i].issuer);
        assert_int_equal(jt_key_issuer(&ki, &child.c, &ops), 0);
        assert_int_equal(jt_key_subject(&ks, &ca.c, &ops), 0);
        assert_int_equal(ki.type, JT_KEY_SUBJECT);
        assert_int_equal(ki.len, 32);
        assert_int_equal(jt_key_cmp(&ki, &ks), 0);
        free(child.der);
        free(ca.der);
    }
    free(rows);
}

/* Issuer+serial against mbedTLS's own view of the CA (issuer_raw, serial). */
static void
issuer_serial_vs_mbedtls(void **state)
{
    static const char *const names[] = {"root-rsa", "inter-p256",
                                        "root-p384-by-rsa", "leaf-www"};

    (void)state;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        struct pcert p;
        struct jt_key k;
        mbedtls_x509_crt crt;
        uint8_t want[JT_KEY_MAX];

        pki_load(&p, names[i]);
        mbedtls_x509_crt_init(&crt);
        assert_int_equal(mbedtls_x509_crt_parse_der(&crt, p.der, p.len), 0);
        assert_true(crt.serial.len <= 32);
        assert_int_equal(
            mbedtls_sha256_ret(crt.issuer_raw.p, crt.issuer_raw.len, want, 0),
            0);
        memcpy(want + 32, crt.serial.p, crt.serial.len);
        assert_int_equal(jt_key_issuer_serial(&k, &p.c, &ops), 0);
        assert_key(&k, JT_KEY_ISSUER_SERIAL, want, 32 + crt.serial.len);
        /* The subject key is SHA-256 of subject_raw. */
        assert_int_equal(
            mbedtls_sha256_ret(crt.subject_raw.p, crt.subject_raw.len, want, 0),
            0);
        assert_int_equal(jt_key_subject(&k, &p.c, &ops), 0);
        assert_key(&k, JT_KEY_SUBJECT, want, 32);
        /* The computed key is SHA-1 over the key bits inside pk_raw. */
        assert_int_equal(mbedtls_sha1_ret(p.c.pubkey.p, p.c.pubkey.len, want),
                         0);
        /* ... which are the tail of mbedTLS's SPKI. */
        assert_true(crt.pk_raw.len > p.c.pubkey.len);
        assert_memory_equal(crt.pk_raw.p + crt.pk_raw.len - p.c.pubkey.len,
                            p.c.pubkey.p, p.c.pubkey.len);
        assert_int_equal(jt_key_computed(&k, &p.c, &ops), 0);
        assert_key(&k, JT_KEY_COMPUTED, want, 20);
        mbedtls_x509_crt_free(&crt);
        free(p.der);
    }
}

/*
 * A child's AKID issuer+serial names its CA: the key equals the CA's own
 * issuer+serial key (inter-akid-iss under root-p256; leaf-noskid-root,
 * whose AKID has no keyIdentifier, under root-noskid).
 */
static void
akid_issuer_serial(void **state)
{
    static const struct {
        const char *child, *ca;
    } pairs[] = {{"inter-akid-iss", "root-p256"},
                 {"leaf-noskid-root", "root-noskid"}};

    (void)state;
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        struct pcert child, ca, other;
        struct jt_key kc, ka, ko;

        pki_load(&child, pairs[i].child);
        pki_load(&ca, pairs[i].ca);
        pki_load(&other, "root-rsa");
        assert_int_equal(jt_key_akid_issuer_serial(&kc, &child.c, &ops), 0);
        assert_int_equal(jt_key_issuer_serial(&ka, &ca.c, &ops), 0);
        assert_int_equal(kc.type, JT_KEY_ISSUER_SERIAL);
        assert_int_equal(kc.len, 32 + ca.c.serial.len);
        assert_int_equal(jt_key_cmp(&kc, &ka), 0);
        assert_int_equal(jt_key_issuer_serial(&ko, &other.c, &ops), 0);
        assert_int_not_equal(jt_key_cmp(&kc, &ko), 0);
        free(child.der);
        free(ca.der);
        free(other.der);
    }
}

/* Fields a cert lacks give JT_ERR_NOT_FOUND and a zeroed key. */
static void
not_found(void **state)
{
    struct pcert noskid, leaf, root;
    struct jt_key k;

    (void)state;
    pki_load(&noskid, "root-noskid");
    pki_load(&leaf, "leaf-www");
    pki_load(&root, "root-rsa");
    assert_int_equal(jt_key_skid(&k, &noskid.c), JT_ERR_NOT_FOUND);
    assert_zeroed(&k);
    assert_int_equal(jt_key_akid(&k, &root.c), JT_ERR_NOT_FOUND);
    assert_int_equal(jt_key_akid_issuer_serial(&k, &leaf.c, &ops),
                     JT_ERR_NOT_FOUND);
    assert_zeroed(&k);
    /* The CA without an SKID is still filed under its computed key. */
    assert_int_equal(jt_key_computed(&k, &noskid.c, &ops), 0);
    free(noskid.der);
    free(leaf.der);
    free(root.der);
}

/* AKID authorityCertIssuer variants, on a parsed cert's copy. */
static void
akid_issuer_shapes(void **state)
{
    static const uint8_t dns_only[] = {0x82, 0x01, 'a'};
    static const uint8_t dir_two[] = {0xA4, 0x04, 0x30, 0x00, 0x30, 0x00};
    static const uint8_t dir_set[] = {0xA4, 0x02, 0x31, 0x00};
    static const uint8_t dir_second[] = {0x82, 0x01, 'a',  0xA4, 0x02, 0x30,
                                         0x00, 0xA4, 0x02, 0x30, 0x00};
    static const uint8_t bad_len[] = {0x82, 0x81, 0x01, 'a'};
    static const struct {
        const char *name;
        const uint8_t *gn;
        size_t len;
        int rc;
    } rows[] = {
        {"no directoryName", dns_only, sizeof(dns_only), JT_ERR_NOT_FOUND},
        {"directoryName with two Names", dir_two, sizeof(dir_two),
         JT_ERR_DER_TRAILING},
        {"directoryName holding a SET", dir_set, sizeof(dir_set),
         JT_ERR_DER_BAD_TAG},
        {"directoryName second", dir_second, sizeof(dir_second), 0},
        {"non-minimal length", bad_len, sizeof(bad_len), JT_ERR_DER_BAD_LENGTH},
    };
    struct pcert p;

    (void)state;
    pki_load(&p, "inter-akid-iss");
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct jt_der_cert c = p.c;
        struct jt_key k;
        uint8_t want[32];
        int rc;

        c.akid_issuer.p = rows[i].gn;
        c.akid_issuer.len = rows[i].len;
        rc = jt_key_akid_issuer_serial(&k, &c, &ops);
        if (rc != rows[i].rc)
            fail_msg("row \"%s\": got %d, want %d", rows[i].name, rc,
                     rows[i].rc);
        if (rc == 0) {
            /* SHA-256 of the empty Name 30 00, then the serial. */
            assert_int_equal(
                mbedtls_sha256_ret((const uint8_t *)"\x30\x00", 2, want, 0), 0);
            assert_memory_equal(k.b, want, 32);
            assert_memory_equal(k.b + 32, c.akid_serial.p, c.akid_serial.len);
        } else {
            assert_zeroed(&k);
        }
    }
    free(p.der);
}

/* Serials of 32 bytes fit an issuer+serial key; 33 do not. */
static void
serial_too_long(void **state)
{
    uint8_t serial[64];
    struct pcert p;
    struct jt_der_cert c;
    struct jt_key k;

    (void)state;
    memset(serial, 0x21, sizeof(serial));
    pki_load(&p, "inter-akid-iss");
    c = p.c;
    c.serial.p = serial;
    c.serial.len = 32;
    assert_int_equal(jt_key_issuer_serial(&k, &c, &ops), 0);
    assert_int_equal(k.len, JT_KEY_MAX);
    c.serial.len = 33;
    assert_int_equal(jt_key_issuer_serial(&k, &c, &ops),
                     JT_ERR_TRUST_KEY_TOO_LONG);
    assert_zeroed(&k);
    c.akid_serial.p = serial;
    c.akid_serial.len = 33;
    assert_int_equal(jt_key_akid_issuer_serial(&k, &c, &ops),
                     JT_ERR_TRUST_KEY_TOO_LONG);
    /* A SKID over JT_KEY_MAX (only a hand-made struct can have one). */
    c.skid.p = serial;
    c.skid.len = sizeof(serial) + 1;
    assert_int_equal(jt_key_skid(&k, &c), JT_ERR_TRUST_KEY_TOO_LONG);
    free(p.der);
}

/* NULL arguments and ops, and failing ops. */
static void
hash_ops_errors(void **state)
{
    int calls = 0;
    const struct jt_hash_ops fail = {op_fail1, op_fail256, &calls};
    const struct jt_hash_ops no1 = {NULL, op_sha256, NULL};
    const struct jt_hash_ops no256 = {op_sha1, NULL, NULL};
    struct pcert p;
    struct jt_key k;

    (void)state;
    pki_load(&p, "inter-akid-iss");
    assert_int_equal(jt_key_computed(&k, &p.c, NULL), JT_ERR_INVAL);
    assert_int_equal(jt_key_computed(&k, &p.c, &no1), JT_ERR_INVAL);
    assert_int_equal(jt_key_computed(&k, &p.c, &no256), 0);
    assert_int_equal(jt_key_subject(&k, &p.c, &no256), JT_ERR_INVAL);
    assert_int_equal(jt_key_issuer(&k, &p.c, NULL), JT_ERR_INVAL);
    assert_int_equal(jt_key_issuer_serial(&k, &p.c, &no256), JT_ERR_INVAL);
    assert_int_equal(jt_key_akid_issuer_serial(&k, &p.c, &no256), JT_ERR_INVAL);
    assert_int_equal(jt_key_subject(&k, &p.c, &no1), 0);

    assert_int_equal(jt_key_computed(&k, &p.c, &fail), JT_ERR_TRUST_HASH);
    assert_zeroed(&k);
    assert_int_equal(jt_key_subject(&k, &p.c, &fail), JT_ERR_TRUST_HASH);
    assert_zeroed(&k);
    assert_int_equal(jt_key_issuer(&k, &p.c, &fail), JT_ERR_TRUST_HASH);
    assert_int_equal(jt_key_issuer_serial(&k, &p.c, &fail), JT_ERR_TRUST_HASH);
    assert_int_equal(jt_key_akid_issuer_serial(&k, &p.c, &fail),
                     JT_ERR_TRUST_HASH);
    assert_zeroed(&k);
    assert_int_equal(calls, 5); /* |ud| reached every op */

    assert_int_equal(jt_key_skid(NULL, &p.c), JT_ERR_INVAL);
    assert_int_equal(jt_key_skid(&k, NULL), JT_ERR_INVAL);
    assert_int_equal(jt_key_akid(&k, NULL), JT_ERR_INVAL);
    assert_int_equal(jt_key_computed(NULL, &p.c, &ops), JT_ERR_INVAL);
    assert_int_equal(jt_key_computed(&k, NULL, &ops), JT_ERR_INVAL);
    assert_int_equal(jt_key_issuer_serial(&k, NULL, &ops), JT_ERR_INVAL);
    assert_int_equal(jt_key_subject(&k, NULL, &ops), JT_ERR_INVAL);
    assert_int_equal(jt_key_issuer(&k, NULL, &ops), JT_ERR_INVAL);
    assert_int_equal(jt_key_akid_issuer_serial(NULL, &p.c, &ops), JT_ERR_INVAL);
    free(p.der);
}

/* A zeroed (never parsed) cert has nothing to make keys from. */
static void
empty_cert(void **state)
{
    struct jt_der_cert c;
    struct jt_key k;

    (void)state;
    memset(&c, 0, sizeof(c));
    assert_int_equal(jt_key_skid(&k, &c), JT_ERR_NOT_FOUND);
    assert_int_equal(jt_key_akid(&k, &c), JT_ERR_NOT_FOUND);
    assert_int_equal(jt_key_computed(&k, &c, &ops), JT_ERR_NOT_FOUND);
    assert_int_equal(jt_key_issuer_serial(&k, &c, &ops), JT_ERR_NOT_FOUND);
    assert_int_equal(jt_key_subject(&k, &c, &ops), JT_ERR_NOT_FOUND);
    assert_int_equal(jt_key_issuer(&k, &c, &ops), JT_ERR_NOT_FOUND);
    assert_int_equal(jt_key_akid_issuer_serial(&k, &c, &ops), JT_ERR_NOT_FOUND);
}

static struct jt_key
mk(int type, const char *bytes, size_t len)
{
    struct jt_key k;

    memset(&k, 0, sizeof(k));
    k.type = (uint8_t)type;
    k.len = (uint8_t)len;
    memcpy(k.b, bytes, len);
    return k;
}

/* jt_key_cmp: a sorted table must compare in order, pairwise. */
static void
ordering(void **state)
{
    const struct jt_key sorted[] = {
        mk(JT_KEY_SKID, "\x00", 1),          mk(JT_KEY_SKID, "\x00\x00", 2),
        mk(JT_KEY_SKID, "\x00\x01", 2),      mk(JT_KEY_SKID, "\x01", 1),
        mk(JT_KEY_SKID, "\xFF", 1),          mk(JT_KEY_COMPUTED, "\x00", 1),
        mk(JT_KEY_ISSUER_SERIAL, "\x00", 1), mk(JT_KEY_SUBJECT, "\x00", 1),
        mk(JT_KEY_SUBJECT, "\x80\x00", 2),
    };
    size_t n = sizeof(sorted) / sizeof(sorted[0]);

    (void)state;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            int want = i < j ? -1 : i > j ? 1 : 0;

            if (jt_key_cmp(&sorted[i], &sorted[j]) != want)
                fail_msg("cmp(%zu, %zu) != %d", i, j, want);
        }
    }
}

static void
hex(void **state)
{
    struct pcert p;
    struct jt_key k, small = mk(JT_KEY_SKID, "\x0A\xBC\xDE\xF0", 4);
    struct jt_key nine =
        mk(JT_KEY_SKID, "\x01\x23\x45\x67\x89\xAB\xCD\xEF\x10", 9);
    struct jt_key eight =
        mk(JT_KEY_SKID, "\x01\x23\x45\x67\x89\xAB\xCD\xEF", 8);
    struct th_mrow *rows;
    const struct th_mrow *r;
    size_t n = th_manifest_load(&rows);
    char buf[2 * JT_KEY_MAX + 1], ab[16];

    (void)state;
    r = th_manifest_find(rows, n, "root-rsa");
    assert_non_null(r);
    pki_load(&p, "root-rsa");
    assert_int_equal(jt_key_skid(&k, &p.c), 0);
    /* Full: exactly the manifest's hex. */
    assert_int_equal(jt_key_hex(&k, 0, buf, sizeof(buf)), 40);
    assert_string_equal(buf, r->skid);
    /* Abbreviated: first and last two bytes around U+2026. */
    assert_int_equal(jt_key_hex(&k, 1, ab, sizeof(ab)), 11);
    assert_memory_equal(ab, r->skid, 4);
    assert_memory_equal(ab + 4, "\xE2\x80\xA6", 3);
    assert_string_equal(ab + 7, r->skid + 36);
    /* Exact fit, one short. */
    assert_int_equal(jt_key_hex(&k, 1, ab, 12), 11);
    assert_int_equal(jt_key_hex(&k, 1, ab, 11), JT_ERR_NOSPC);
    assert_string_equal(ab, "");
    assert_int_equal(jt_key_hex(&k, 0, buf, 41), 40);
    assert_int_equal(jt_key_hex(&k, 0, buf, 40), JT_ERR_NOSPC);
    assert_string_equal(buf, "");
    assert_int_equal(jt_key_hex(&k, 0, buf, 0), JT_ERR_NOSPC);
    /* Short keys print in full even when abbreviated. */
    assert_int_equal(jt_key_hex(&small, 1, ab, sizeof(ab)), 8);
    assert_string_equal(ab, "0ABCDEF0");
    assert_int_equal(jt_key_hex(&eight, 1, buf, sizeof(buf)), 16);
    assert_string_equal(buf, "0123456789ABCDEF");
    assert_int_equal(jt_key_hex(&nine, 1, ab, sizeof(ab)), 11);
    assert_string_equal(ab, "0123\xE2\x80\xA6"
                            "EF10");
    /* A 64-byte key in full needs 129 bytes. */
    memset(&k, 0, sizeof(k));
    k.len = JT_KEY_MAX;
    assert_int_equal(jt_key_hex(&k, 0, buf, sizeof(buf)), 128);
    assert_int_equal(jt_key_hex(&k, 0, buf, sizeof(buf) - 1), JT_ERR_NOSPC);
    k.len = JT_KEY_MAX + 1;
    assert_int_equal(jt_key_hex(&k, 0, buf, sizeof(buf)), JT_ERR_INVAL);
    assert_int_equal(jt_key_hex(NULL, 0, buf, sizeof(buf)), JT_ERR_INVAL);
    assert_int_equal(jt_key_hex(&small, 0, NULL, 10), JT_ERR_INVAL);
    free(p.der);
    free(rows);
}

static void
type_names(void **state)
{
    (void)state;
    assert_string_equal(jt_key_type_name(JT_KEY_SKID), "skid");
    assert_string_equal(jt_key_type_name(JT_KEY_COMPUTED), "computed");
    assert_string_equal(jt_key_type_name(JT_KEY_ISSUER_SERIAL),
                        "issuer+serial");
    assert_string_equal(jt_key_type_name(JT_KEY_SUBJECT), "subject");
    assert_string_equal(jt_key_type_name(0), "unknown");
    assert_string_equal(jt_key_type_name(5), "unknown");
    assert_string_equal(jt_key_type_name(-1), "unknown");
}

/*
 * Every Mozilla root: every key type is made; a self-signed root whose AKID
 * names its own issuer and serial gives its own issuer+serial key.
 */
static void
mozilla_roots(void **state)
{
    const char *dir = getenv("JT_MOZILLA_DIR");
    struct dirent *de;
    size_t roots = 0, self_named = 0;
    DIR *d;

    (void)state;
    if (dir == NULL) {
        fail_msg("JT_MOZILLA_DIR is not set: run through meson test");
        return; /* not reached */
    }
    d = opendir(dir);
    assert_non_null(d);
    while ((de = readdir(d)) != NULL) {
        char path[1024];
        size_t len, nl = strlen(de->d_name);
        uint8_t **ders;
        size_t *lens;
        char *pem;
        struct jt_der_cert c;
        struct jt_key k, k2;
        int rc;

        if (nl < 5 || strcmp(de->d_name + nl - 4, ".crt") != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        pem = (char *)th_read_file(path, &len);
        assert_non_null(pem);
        assert_int_equal(th_pem_certs(pem, &ders, &lens), 1);
        assert_int_equal(jt_der_cert_parse(&c, ders[0], lens[0]), 0);
        rc = jt_key_skid(&k, &c);
        assert_true(rc == 0 || rc == JT_ERR_NOT_FOUND);
        assert_int_equal(rc == 0, !!(c.flags & JT_DER_HAS_SKID));
        assert_int_equal(jt_key_computed(&k, &c, &ops), 0);
        assert_int_equal(jt_key_subject(&k, &c, &ops), 0);
        assert_int_equal(jt_key_issuer(&k2, &c, &ops), 0);
        /* Self-signed: the issuer key names the root itself. */
        assert_int_equal(jt_key_cmp(&k, &k2), 0);
        assert_int_equal(jt_key_issuer_serial(&k, &c, &ops), 0);
        rc = jt_key_akid_issuer_serial(&k2, &c, &ops);
        assert_true(rc == 0 || rc == JT_ERR_NOT_FOUND);
        if (rc == 0 && c.akid_serial.len == c.serial.len &&
            memcmp(c.akid_serial.p, c.serial.p, c.serial.len) == 0) {
            assert_int_equal(jt_key_cmp(&k, &k2), 0);
            self_named++;
        }
        roots++;
        th_free_ders(ders, lens, 1);
        free(pem);
    }
    closedir(d);
    assert_true(roots > 0);
    assert_true(self_named > 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(manifest_keys),
        cmocka_unit_test(subject_matches_issuer),
        cmocka_unit_test(issuer_serial_vs_mbedtls),
        cmocka_unit_test(akid_issuer_serial),
        cmocka_unit_test(not_found),
        cmocka_unit_test(akid_issuer_shapes),
        cmocka_unit_test(serial_too_long),
        cmocka_unit_test(hash_ops_errors),
        cmocka_unit_test(empty_cert),
        cmocka_unit_test(ordering),
        cmocka_unit_test(hex),
        cmocka_unit_test(type_names),
        cmocka_unit_test(mozilla_roots),
    };
    return cmocka_run_group_tests_name("key", tests, NULL, NULL);
}
