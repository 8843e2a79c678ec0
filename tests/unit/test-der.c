// SPDX-License-Identifier: MIT
/*
 * unit: the strict DER cursor (der-int.h) and jt_der_cert_parse() with its
 * SAN / AIA iterators (der.h).
 *
 * Checked against independent parsers: openssl (the PKI manifest's SKID and
 * AKID hex, and a scan of every Mozilla root) and mbedTLS (serial, Names,
 * SPKI and dates of every Mozilla root). Malformed certificates are built
 * with the small DER builder below, never by counting bytes by hand; real
 * certificates are also cut at every length and flipped at every byte.
 */
#define _DEFAULT_SOURCE /* timegm, popen */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <mbedtls/x509_crt.h>

#include "jittrust/der.h"
#include "jittrust/error.h"

#include "der-int.h"
#include "manifest.h"
#include "testutil.h"

/* ---------------------------------------------------------------------
 * A DER builder: open/close constructed elements, lengths filled in on
 * close (short or long form, minimal).
 */
struct bld {
    uint8_t buf[16384];
    size_t len;
    size_t open[16];
    int depth;
};

static void
b_raw(struct bld *b, const void *p, size_t n)
{
    assert_true(b->len + n <= sizeof(b->buf));
    if (n == 0)
        return;
    memcpy(b->buf + b->len, p, n);
    b->len += n;
}

static void
b_byte(struct bld *b, uint8_t v)
{
    b_raw(b, &v, 1);
}

static void
b_open(struct bld *b, uint8_t tag)
{
    assert_true(b->depth < 16);
    b->open[b->depth++] = b->len;
    b_byte(b, tag);
}

static void
b_close(struct bld *b)
{
    size_t start, body, n, hl;
    uint8_t hdr[4];

    assert_true(b->depth > 0);
    start = b->open[--b->depth] + 1;
    body = b->len - start;
    if (body < 0x80) {
        hdr[0] = (uint8_t)body;
        hl = 1;
    } else if (body < 0x100) {
        hdr[0] = 0x81;
        hdr[1] = (uint8_t)body;
        hl = 2;
    } else {
        assert_true(body < 0x10000);
        hdr[0] = 0x82;
        hdr[1] = (uint8_t)(body >> 8);
        hdr[2] = (uint8_t)body;
        hl = 3;
    }
    n = b->len - start;
    assert_true(b->len + hl <= sizeof(b->buf));
    memmove(b->buf + start + hl, b->buf + start, n);
    memcpy(b->buf + start, hdr, hl);
    b->len += hl;
}

static void
b_prim(struct bld *b, uint8_t tag, const void *p, size_t n)
{
    b_open(b, tag);
    if (n > 0)
        b_raw(b, p, n);
    b_close(b);
}

static void
b_str(struct bld *b, uint8_t tag, const char *s)
{
    b_prim(b, tag, s, strlen(s));
}

#define B_OID(b, o) b_prim((b), 0x06, (o), sizeof(o))

/* A writer that is one call. */
#define WRITER(name, call)                                                     \
    static void name(struct bld *b)                                            \
    {                                                                          \
        call;                                                                  \
    }

/*
 * A writer that hands fixed bytes to |fn| (one of the *_raw helpers), so
 * a malformed element reads as its bytes.
 */
#define BYTES_WRITER(name, fn, ...)                                            \
    static void name(struct bld *b)                                            \
    {                                                                          \
        static const uint8_t v_[] = {__VA_ARGS__};                             \
        fn(b, v_, sizeof(v_));                                                 \
    }

/* ---------------------------------------------------------------------
 * OIDs (contents octets).
 */
static const uint8_t OID_ECDSA_SHA256[] = {0x2A, 0x86, 0x48, 0xCE,
                                           0x3D, 0x04, 0x03, 0x02};
static const uint8_t OID_RSA[] = {0x2A, 0x86, 0x48, 0x86, 0xF7,
                                  0x0D, 0x01, 0x01, 0x01};
static const uint8_t OID_EC[] = {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01};
static const uint8_t OID_P256[] = {0x2A, 0x86, 0x48, 0xCE,
                                   0x3D, 0x03, 0x01, 0x07};
static const uint8_t OID_P384[] = {0x2B, 0x81, 0x04, 0x00, 0x22};
static const uint8_t OID_P521[] = {0x2B, 0x81, 0x04, 0x00, 0x23};
static const uint8_t OID_BRAINPOOL256[] = {0x2B, 0x24, 0x03, 0x03, 0x02,
                                           0x08, 0x01, 0x01, 0x07};
static const uint8_t OID_ED25519[] = {0x2B, 0x65, 0x70};
static const uint8_t OID_CN[] = {0x55, 0x04, 0x03};
static const uint8_t OID_SKID[] = {0x55, 0x1D, 0x0E};
static const uint8_t OID_KU[] = {0x55, 0x1D, 0x0F};
static const uint8_t OID_SAN[] = {0x55, 0x1D, 0x11};
static const uint8_t OID_BC[] = {0x55, 0x1D, 0x13};
static const uint8_t OID_NC[] = {0x55, 0x1D, 0x1E};
static const uint8_t OID_POLICIES[] = {0x55, 0x1D, 0x20};
static const uint8_t OID_AKID[] = {0x55, 0x1D, 0x23};
static const uint8_t OID_EKU[] = {0x55, 0x1D, 0x25};
static const uint8_t OID_ANY_EKU[] = {0x55, 0x1D, 0x25, 0x00};
static const uint8_t OID_SERVER_AUTH[] = {0x2B, 0x06, 0x01, 0x05,
                                          0x05, 0x07, 0x03, 0x01};
static const uint8_t OID_CLIENT_AUTH[] = {0x2B, 0x06, 0x01, 0x05,
                                          0x05, 0x07, 0x03, 0x02};
static const uint8_t OID_AIA[] = {0x2B, 0x06, 0x01, 0x05,
                                  0x05, 0x07, 0x01, 0x01};
static const uint8_t OID_OCSP[] = {0x2B, 0x06, 0x01, 0x05,
                                   0x05, 0x07, 0x30, 0x01};
static const uint8_t OID_CA_ISSUERS[] = {0x2B, 0x06, 0x01, 0x05,
                                         0x05, 0x07, 0x30, 0x02};
static const uint8_t OID_BAD_LEADING[] = {0x55, 0x80, 0x1D};
static const uint8_t OID_BAD_OPEN[] = {0x55, 0x1D, 0x8E};

static const uint8_t IP4[] = {127, 0, 0, 1};
static const uint8_t IP6[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

/* ---------------------------------------------------------------------
 * Certificate template: every field has a default writer; a row replaces
 * the ones it breaks.
 */
typedef void (*wfn)(struct bld *);

enum ver { V3 = 0, V1_ABSENT, V1_EXPLICIT, V2, V4 };

struct tmpl {
    enum ver ver;
    wfn version; /* replaces the [0] element entirely */
    wfn serial;
    wfn issuer;
    const char *nb, *na; /* UTCTime contents unless the tag is given */
    uint8_t nb_tag, na_tag;
    wfn validity; /* replaces the Validity element */
    wfn spki;
    wfn mid;  /* after the SPKI: unique IDs, stray elements */
    wfn exts; /* Extension elements; NULL: the default set */
    int no_exts;
    wfn ext_wrap; /* replaces the whole [3] element */
    wfn outer;    /* after signatureValue, inside the Certificate */
    wfn sig;      /* replaces signatureValue */
    wfn after;    /* after the Certificate */
};

static void
w_name(struct bld *b, const char *cn)
{
    b_open(b, 0x30);
    b_open(b, 0x31);
    b_open(b, 0x30);
    B_OID(b, OID_CN);
    b_str(b, 0x0C, cn);
    b_close(b);
    b_close(b);
    b_close(b);
}

static void
w_spki_ec(struct bld *b, const uint8_t *curve, size_t curve_len)
{
    uint8_t pt[66] = {0x00, 0x04};

    memset(pt + 2, 0x42, sizeof(pt) - 2);
    b_open(b, 0x30);
    b_open(b, 0x30);
    B_OID(b, OID_EC);
    if (curve != NULL)
        b_prim(b, 0x06, curve, curve_len);
    b_close(b);
    b_prim(b, 0x03, pt, sizeof(pt));
    b_close(b);
}

static void
w_version(struct bld *b, enum ver v)
{
    uint8_t n;

    if (v == V1_ABSENT)
        return;
    n = v == V3 ? 2 : v == V1_EXPLICIT ? 0 : v == V2 ? 1 : 3;
    b_open(b, 0xA0);
    b_prim(b, 0x02, &n, 1);
    b_close(b);
}

static void
w_time(struct bld *b, uint8_t tag, const char *s, const char *dflt)
{
    b_str(b, tag != 0 ? tag : 0x17, s != NULL ? s : dflt);
}

/* Extension header and value wrapper; crit: -1 absent, 0 FALSE, 1 TRUE. */
static void
ext_open(struct bld *b, const uint8_t *oid, size_t oid_len, int crit)
{
    uint8_t v = crit ? 0xFF : 0x00;

    b_open(b, 0x30);
    b_prim(b, 0x06, oid, oid_len);
    if (crit >= 0)
        b_prim(b, 0x01, &v, 1);
    b_open(b, 0x04);
}

static void
ext_close(struct bld *b)
{
    b_close(b);
    b_close(b);
}

#define EXT_OPEN(b, o, c) ext_open((b), (o), sizeof(o), (c))

static void
w_skid_n(struct bld *b, size_t n)
{
    static uint8_t id[10000];

    memset(id, 0x5A, sizeof(id));
    id[0] = 0x11;
    EXT_OPEN(b, OID_SKID, -1);
    b_prim(b, 0x04, id, n);
    ext_close(b);
}

WRITER(w_skid, w_skid_n(b, 20))

static void
w_bc(struct bld *b, int ca, int pathlen)
{
    uint8_t t = 0xFF, pl = (uint8_t)pathlen;

    EXT_OPEN(b, OID_BC, 1);
    b_open(b, 0x30);
    if (ca)
        b_prim(b, 0x01, &t, 1);
    if (pathlen >= 0)
        b_prim(b, 0x02, &pl, 1);
    b_close(b);
    ext_close(b);
}

static void
w_ku(struct bld *b, const uint8_t *bits, size_t n)
{
    EXT_OPEN(b, OID_KU, 1);
    b_prim(b, 0x03, bits, n);
    ext_close(b);
}

static void
w_akid_keyid(struct bld *b)
{
    uint8_t id[20];

    memset(id, 0xA5, sizeof(id));
    EXT_OPEN(b, OID_AKID, -1);
    b_open(b, 0x30);
    b_prim(b, 0x80, id, sizeof(id));
    b_close(b);
    ext_close(b);
}

static void
w_eku_server(struct bld *b)
{
    EXT_OPEN(b, OID_EKU, -1);
    b_open(b, 0x30);
    B_OID(b, OID_CLIENT_AUTH);
    B_OID(b, OID_SERVER_AUTH);
    b_close(b);
    ext_close(b);
}

static void
w_san(struct bld *b)
{
    EXT_OPEN(b, OID_SAN, -1);
    b_open(b, 0x30);
    b_str(b, 0x81, "admin@jt.test"); /* rfc822Name: skipped */
    b_str(b, 0x82, "www.jt.test");
    b_prim(b, 0x87, IP4, sizeof(IP4));
    b_str(b, 0x86, "https://jt.test/"); /* URI: skipped */
    b_prim(b, 0x87, IP6, sizeof(IP6));
    b_str(b, 0x82, "*.jt.test");
    b_close(b);
    ext_close(b);
}

static void
w_access(struct bld *b, const uint8_t *oid, size_t oid_len, const char *uri)
{
    b_open(b, 0x30);
    b_prim(b, 0x06, oid, oid_len);
    b_str(b, 0x86, uri);
    b_close(b);
}

static void
w_aia(struct bld *b)
{
    EXT_OPEN(b, OID_AIA, -1);
    b_open(b, 0x30);
    w_access(b, OID_OCSP, sizeof(OID_OCSP), "http://ocsp.jt.test/");
    w_access(b, OID_CA_ISSUERS, sizeof(OID_CA_ISSUERS),
             "http://ca.jt.test/a.der");
    b_open(b, 0x30); /* caIssuers as a directoryName: skipped */
    B_OID(b, OID_CA_ISSUERS);
    b_open(b, 0xA4);
    w_name(b, "CA");
    b_close(b);
    b_close(b);
    w_access(b, OID_CA_ISSUERS, sizeof(OID_CA_ISSUERS),
             "http://ca.jt.test/b.p7c");
    b_close(b);
    ext_close(b);
}

/* An unknown, non-critical extension (certificatePolicies, unread). */
static void
w_policies(struct bld *b, int crit)
{
    EXT_OPEN(b, OID_POLICIES, crit);
    b_open(b, 0x30);
    b_close(b);
    ext_close(b);
}

static void
w_default_exts(struct bld *b)
{
    static const uint8_t ku[] = {0x01, 0x86}; /* digSig, keyCertSign, CRL */

    w_bc(b, 1, 2);
    w_ku(b, ku, sizeof(ku));
    w_skid(b);
    w_akid_keyid(b);
    w_eku_server(b);
    w_san(b);
    w_aia(b);
    w_policies(b, -1);
}

static void
w_tbs(struct bld *b, const struct tmpl *t)
{
    static const uint8_t serial[] = {0x01, 0x23};

    b_open(b, 0x30);
    if (t->version != NULL)
        t->version(b);
    else
        w_version(b, t->ver);
    if (t->serial != NULL)
        t->serial(b);
    else
        b_prim(b, 0x02, serial, sizeof(serial));
    b_open(b, 0x30);
    B_OID(b, OID_ECDSA_SHA256);
    b_close(b);
    if (t->issuer != NULL)
        t->issuer(b);
    else
        w_name(b, "JT Builder CA");
    if (t->validity != NULL) {
        t->validity(b);
    } else {
        b_open(b, 0x30);
        w_time(b, t->nb_tag, t->nb, "230101000000Z");
        w_time(b, t->na_tag, t->na, "330101000000Z");
        b_close(b);
    }
    w_name(b, "www.jt.test");
    if (t->spki != NULL)
        t->spki(b);
    else
        w_spki_ec(b, OID_P256, sizeof(OID_P256));
    if (t->mid != NULL)
        t->mid(b);
    if (t->ext_wrap != NULL) {
        t->ext_wrap(b);
    } else if (!t->no_exts) {
        b_open(b, 0xA3);
        b_open(b, 0x30);
        (t->exts != NULL ? t->exts : w_default_exts)(b);
        b_close(b);
        b_close(b);
    }
    b_close(b);
}

static void
build(struct bld *b, const struct tmpl *t)
{
    static const uint8_t sig[] = {0x00, 0x30, 0x06, 0x02, 0x01,
                                  0x01, 0x02, 0x01, 0x01};

    memset(b, 0, sizeof(*b));
    b_open(b, 0x30);
    w_tbs(b, t);
    b_open(b, 0x30);
    B_OID(b, OID_ECDSA_SHA256);
    b_close(b);
    if (t->sig != NULL)
        t->sig(b);
    else
        b_prim(b, 0x03, sig, sizeof(sig));
    if (t->outer != NULL)
        t->outer(b);
    b_close(b);
    if (t->after != NULL)
        t->after(b);
    assert_int_equal(b->depth, 0);
}

/* Parse from an exact-size heap copy, so ASan sees any overread. */
static int
parse_copy(struct jt_der_cert *c, const uint8_t *der, size_t len,
           uint8_t **copy)
{
    *copy = malloc(len > 0 ? len : 1);
    assert_non_null(*copy);
    if (len > 0)
        memcpy(*copy, der, len);
    return jt_der_cert_parse(c, *copy, len);
}

/* ---------------------------------------------------------------------
 * Field writers for the rows.
 */
/* INTEGER with raw contents. */
static void
int_raw(struct bld *b, const uint8_t *v, size_t n)
{
    b_prim(b, 0x02, v, n);
}

static void
v_nonminimal(struct bld *b)
{
    static const uint8_t v[] = {0x00, 0x02};

    b_open(b, 0xA0);
    b_prim(b, 0x02, v, sizeof(v));
    b_close(b);
}

static void
v_two_ints(struct bld *b)
{
    uint8_t v = 2;

    b_open(b, 0xA0);
    b_prim(b, 0x02, &v, 1);
    b_prim(b, 0x02, &v, 1);
    b_close(b);
}

WRITER(s_empty, b_prim(b, 0x02, NULL, 0))

BYTES_WRITER(s_lead_zero, int_raw, 0x00, 0x7F)

BYTES_WRITER(s_lead_ff, int_raw, 0xFF, 0x80)

BYTES_WRITER(s_negative, int_raw, 0x80)

static void
s_n(struct bld *b, size_t n)
{
    uint8_t v[80];

    memset(v, 0x33, sizeof(v));
    b_prim(b, 0x02, v, n);
}

WRITER(s_64, s_n(b, 64))

WRITER(s_65, s_n(b, 65))

WRITER(s_octets, b_str(b, 0x04, "\x01"))

WRITER(i_empty_name, b_prim(b, 0x30, NULL, 0))

static void
i_empty_rdn(struct bld *b)
{
    b_open(b, 0x30);
    b_prim(b, 0x31, NULL, 0);
    b_close(b);
}

static void
i_atv_extra(struct bld *b)
{
    b_open(b, 0x30);
    b_open(b, 0x31);
    b_open(b, 0x30);
    B_OID(b, OID_CN);
    b_str(b, 0x0C, "a");
    b_str(b, 0x0C, "b");
    b_close(b);
    b_close(b);
    b_close(b);
}

static void
i_set(struct bld *b)
{
    b_open(b, 0x31);
    b_close(b);
}

static void
i_high_tag(struct bld *b)
{
    static const uint8_t v[] = {0x1F, 0x21, 0x00};

    b_open(b, 0x30);
    b_open(b, 0x31);
    b_open(b, 0x30);
    B_OID(b, OID_CN);
    b_raw(b, v, sizeof(v));
    b_close(b);
    b_close(b);
    b_close(b);
}

static void
i_bad_oid(struct bld *b)
{
    b_open(b, 0x30);
    b_open(b, 0x31);
    b_open(b, 0x30);
    B_OID(b, OID_BAD_LEADING);
    b_str(b, 0x0C, "a");
    b_close(b);
    b_close(b);
    b_close(b);
}

static void
t_three(struct bld *b)
{
    b_open(b, 0x30);
    b_str(b, 0x17, "230101000000Z");
    b_str(b, 0x17, "240101000000Z");
    b_str(b, 0x17, "250101000000Z");
    b_close(b);
}

static void
t_one(struct bld *b)
{
    b_open(b, 0x30);
    b_str(b, 0x17, "230101000000Z");
    b_close(b);
}

static void
k_rsa(struct bld *b)
{
    static const uint8_t key[] = {0x00, 0x30, 0x06, 0x02, 0x01,
                                  0x05, 0x02, 0x01, 0x03};

    b_open(b, 0x30);
    b_open(b, 0x30);
    B_OID(b, OID_RSA);
    b_prim(b, 0x05, NULL, 0);
    b_close(b);
    b_prim(b, 0x03, key, sizeof(key));
    b_close(b);
}

WRITER(k_p384, w_spki_ec(b, OID_P384, sizeof(OID_P384)))

WRITER(k_p521, w_spki_ec(b, OID_P521, sizeof(OID_P521)))

WRITER(k_brainpool, w_spki_ec(b, OID_BRAINPOOL256, sizeof(OID_BRAINPOOL256)))

WRITER(k_ec_noparams, w_spki_ec(b, NULL, 0))

WRITER(k_ec_bad_curve_oid, w_spki_ec(b, OID_BAD_OPEN, sizeof(OID_BAD_OPEN)))

static void
k_ed25519(struct bld *b)
{
    uint8_t key[33] = {0};

    b_open(b, 0x30);
    b_open(b, 0x30);
    B_OID(b, OID_ED25519);
    b_close(b);
    b_prim(b, 0x03, key, sizeof(key));
    b_close(b);
}

static void
k_bits(struct bld *b, const uint8_t *bits, size_t n)
{
    b_open(b, 0x30);
    b_open(b, 0x30);
    B_OID(b, OID_ED25519);
    b_close(b);
    b_prim(b, 0x03, bits, n);
    b_close(b);
}

BYTES_WRITER(k_bits_unused8, k_bits, 0x08, 0x00)

BYTES_WRITER(k_bits_dirty, k_bits, 0x03, 0xFF)

WRITER(k_bits_empty, k_bits(b, NULL, 0))

BYTES_WRITER(k_bits_unused_no_octets, k_bits, 0x01)

static void
k_two_algs(struct bld *b)
{
    b_open(b, 0x30);
    b_open(b, 0x30);
    B_OID(b, OID_ED25519);
    b_prim(b, 0x05, NULL, 0);
    b_prim(b, 0x05, NULL, 0);
    b_close(b);
    b_prim(b, 0x03, "\x00", 1);
    b_close(b);
}

static void
m_uids(struct bld *b)
{
    static const uint8_t id[] = {0x00, 0xAB, 0xCD};

    b_prim(b, 0x81, id, sizeof(id));
    b_prim(b, 0x82, id, sizeof(id));
}

static void
m_uid_bad(struct bld *b)
{
    static const uint8_t id[] = {0x09, 0xAB};

    b_prim(b, 0x81, id, sizeof(id));
}

WRITER(m_stray, b_prim(b, 0x84, "x", 1))

static void
x_set(struct bld *b)
{
    b_open(b, 0xA3);
    b_open(b, 0x31);
    w_skid(b);
    b_close(b);
    b_close(b);
}

static void
x_two_seqs(struct bld *b)
{
    b_open(b, 0xA3);
    b_open(b, 0x30);
    w_skid(b);
    b_close(b);
    b_prim(b, 0x30, NULL, 0);
    b_close(b);
}

WRITER(o_extra, b_prim(b, 0x05, NULL, 0))

static void
g_unused8(struct bld *b)
{
    static const uint8_t v[] = {0x08, 0x00};

    b_prim(b, 0x03, v, sizeof(v));
}

WRITER(a_trailer, b_byte(b, 0x00))

/* Extension sets. */
static void
e_none(struct bld *b)
{
    (void)b;
}

WRITER(e_skid, w_skid(b))

WRITER(e_skid_64, w_skid_n(b, 64))

WRITER(e_skid_65, w_skid_n(b, 65))

WRITER(e_skid_10000, w_skid_n(b, 10000))

WRITER(e_skid_empty, w_skid_n(b, 0))

/* SKID extnValue with |v| as its raw contents. */
static void
skid_raw(struct bld *b, const uint8_t *v, size_t n)
{
    EXT_OPEN(b, OID_SKID, -1);
    b_raw(b, v, n);
    ext_close(b);
}

BYTES_WRITER(e_skid_nonminimal, skid_raw, 0x04, 0x81, 0x05, 1, 2, 3, 4, 5)

BYTES_WRITER(e_skid_indefinite, skid_raw, 0x04, 0x80, 1, 2, 0x00, 0x00)

BYTES_WRITER(e_skid_past_end, skid_raw, 0x04, 0x06, 1, 2, 3, 4, 5)

BYTES_WRITER(e_skid_long4, skid_raw, 0x04, 0x84, 0x7F, 0xFF, 0xFF, 0xFF, 1)

BYTES_WRITER(e_skid_long5, skid_raw, 0x04, 0x85, 0, 0, 0, 0, 1, 1)

BYTES_WRITER(e_skid_high_tag, skid_raw, 0x1F, 0x81, 0x01, 0x01, 0xAA)

BYTES_WRITER(e_skid_bitstring, skid_raw, 0x03, 0x02, 0x00, 0xAA)

BYTES_WRITER(e_skid_trailing, skid_raw, 0x04, 0x01, 0xAA, 0x05, 0x00)

static void
e_dup_bc(struct bld *b)
{
    w_bc(b, 1, -1);
    w_skid(b);
    w_bc(b, 1, -1);
}

static void
e_dup_skid(struct bld *b)
{
    w_skid(b);
    w_skid(b);
}

static void
e_dup_unknown(struct bld *b)
{
    w_policies(b, -1);
    w_policies(b, -1);
}

WRITER(e_unknown_crit, w_policies(b, 1))

static void
e_crit_false(struct bld *b)
{
    EXT_OPEN(b, OID_SKID, 0);
    b_prim(b, 0x04, "\x01\x02", 2);
    ext_close(b);
}

/* An extension whose critical BOOLEAN has the contents |v|. */
static void
crit_raw(struct bld *b, const uint8_t *v, size_t n)
{
    b_open(b, 0x30);
    B_OID(b, OID_POLICIES);
    b_prim(b, 0x01, v, n);
    b_open(b, 0x04);
    b_prim(b, 0x30, NULL, 0);
    b_close(b);
    b_close(b);
}

WRITER(e_bool_01, crit_raw(b, (const uint8_t *)"\x01", 1))

WRITER(e_bool_long, crit_raw(b, (const uint8_t *)"\xFF\xFF", 2))

WRITER(e_bool_empty, crit_raw(b, NULL, 0))

static void
e_bad_ext_oid(struct bld *b)
{
    EXT_OPEN(b, OID_BAD_LEADING, -1);
    b_prim(b, 0x30, NULL, 0);
    ext_close(b);
}

static void
e_empty_oid(struct bld *b)
{
    b_open(b, 0x30);
    b_prim(b, 0x06, NULL, 0);
    b_prim(b, 0x04, NULL, 0);
    b_close(b);
}

static void
e_value_bitstring(struct bld *b)
{
    b_open(b, 0x30);
    B_OID(b, OID_SKID);
    b_prim(b, 0x03, "\x00\x01", 2);
    b_close(b);
}

static void
e_ext_extra(struct bld *b)
{
    b_open(b, 0x30);
    B_OID(b, OID_POLICIES);
    b_prim(b, 0x04, NULL, 0);
    b_prim(b, 0x05, NULL, 0);
    b_close(b);
}

static void
e_ext_no_value(struct bld *b)
{
    b_open(b, 0x30);
    B_OID(b, OID_POLICIES);
    b_close(b);
}

/* AKID with the given parts (NULL/0 to leave one out). */
static void
akid(struct bld *b, size_t keyid_len, int issuer, int serial)
{
    static uint8_t id[80];
    static const uint8_t sn[] = {0x46, 0x99};

    memset(id, 0xC3, sizeof(id));
    EXT_OPEN(b, OID_AKID, -1);
    b_open(b, 0x30);
    if (keyid_len != (size_t)-1)
        b_prim(b, 0x80, id, keyid_len);
    if (issuer) {
        b_open(b, 0xA1);
        b_str(b, 0x82, "ca.jt.test");
        b_open(b, 0xA4);
        w_name(b, "JT Upper CA");
        b_close(b);
        b_close(b);
    }
    if (serial)
        b_prim(b, 0x82, sn, sizeof(sn));
    b_close(b);
    ext_close(b);
}

WRITER(e_akid_65, akid(b, 65, 0, 0))

WRITER(e_akid_64, akid(b, 64, 0, 0))

WRITER(e_akid_empty_keyid, akid(b, 0, 0, 0))

WRITER(e_akid_issuer_only, akid(b, 20, 1, 0))

WRITER(e_akid_serial_only, akid(b, 20, 0, 1))

WRITER(e_akid_full, akid(b, 20, 1, 1))

WRITER(e_akid_no_keyid, akid(b, (size_t)-1, 1, 1))

WRITER(e_akid_empty_seq, akid(b, (size_t)-1, 0, 0))

static void
e_akid_unknown_tag(struct bld *b)
{
    EXT_OPEN(b, OID_AKID, -1);
    b_open(b, 0x30);
    b_prim(b, 0x80, "\x01", 1);
    b_prim(b, 0x83, "\x01", 1);
    b_close(b);
    ext_close(b);
}

static void
e_akid_out_of_order(struct bld *b)
{
    EXT_OPEN(b, OID_AKID, -1);
    b_open(b, 0x30);
    b_open(b, 0xA1);
    b_str(b, 0x82, "ca.jt.test");
    b_close(b);
    b_prim(b, 0x82, "\x01", 1);
    b_prim(b, 0x80, "\x01", 1);
    b_close(b);
    ext_close(b);
}

static void
e_akid_empty_names(struct bld *b)
{
    EXT_OPEN(b, OID_AKID, -1);
    b_open(b, 0x30);
    b_prim(b, 0xA1, NULL, 0);
    b_prim(b, 0x82, "\x01", 1);
    b_close(b);
    ext_close(b);
}

static void
e_akid_bad_serial(struct bld *b)
{
    EXT_OPEN(b, OID_AKID, -1);
    b_open(b, 0x30);
    b_open(b, 0xA1);
    b_str(b, 0x82, "ca.jt.test");
    b_close(b);
    b_prim(b, 0x82, "\x00\x01", 2);
    b_close(b);
    ext_close(b);
}

/* basicConstraints with raw SEQUENCE contents. */
static void
bc_raw(struct bld *b, const uint8_t *v, size_t n)
{
    EXT_OPEN(b, OID_BC, 1);
    b_open(b, 0x30);
    b_raw(b, v, n);
    b_close(b);
    ext_close(b);
}

BYTES_WRITER(e_bc_bad_bool, bc_raw, 0x01, 0x01, 0x7F)

BYTES_WRITER(e_bc_false, bc_raw, 0x01, 0x01, 0x00)

BYTES_WRITER(e_bc_negative, bc_raw, 0x01, 0x01, 0xFF, 0x02, 0x01, 0xFF)

BYTES_WRITER(e_bc_huge, bc_raw, 0x01, 0x01, 0xFF, 0x02, 0x05, 0x01, 0x00, 0x00,
             0x00, 0x00)

BYTES_WRITER(e_bc_int_max, bc_raw, 0x01, 0x01, 0xFF, 0x02, 0x04, 0x7F, 0xFF,
             0xFF, 0xFF)

BYTES_WRITER(e_bc_nonminimal, bc_raw, 0x01, 0x01, 0xFF, 0x02, 0x02, 0x00, 0x05)

BYTES_WRITER(e_bc_extra, bc_raw, 0x01, 0x01, 0xFF, 0x02, 0x01, 0x01, 0x05, 0x00)

WRITER(e_bc_empty, bc_raw(b, NULL, 0))

static void
e_bc_indefinite(struct bld *b)
{
    static const uint8_t v[] = {0x30, 0x80, 0x01, 0x01, 0xFF, 0x00, 0x00};

    EXT_OPEN(b, OID_BC, 1);
    b_raw(b, v, sizeof(v));
    ext_close(b);
}

BYTES_WRITER(e_bc_pathlen_only, bc_raw, 0x02, 0x01, 0x03)

BYTES_WRITER(e_ku_unused8, w_ku, 0x08, 0x80)

BYTES_WRITER(e_ku_dirty, w_ku, 0x01, 0x81)

BYTES_WRITER(e_ku_decipher_only, w_ku, 0x07, 0x00, 0x80)

static void
e_ku_octet(struct bld *b)
{
    EXT_OPEN(b, OID_KU, 1);
    b_prim(b, 0x04, "\x80", 1);
    ext_close(b);
}

static void
e_eku_empty(struct bld *b)
{
    EXT_OPEN(b, OID_EKU, -1);
    b_prim(b, 0x30, NULL, 0);
    ext_close(b);
}

static void
e_eku_any(struct bld *b)
{
    EXT_OPEN(b, OID_EKU, -1);
    b_open(b, 0x30);
    B_OID(b, OID_ANY_EKU);
    b_close(b);
    ext_close(b);
}

static void
e_eku_not_oid(struct bld *b)
{
    EXT_OPEN(b, OID_EKU, -1);
    b_open(b, 0x30);
    b_str(b, 0x0C, "serverAuth");
    b_close(b);
    ext_close(b);
}

static void
e_eku_bad_oid(struct bld *b)
{
    EXT_OPEN(b, OID_EKU, -1);
    b_open(b, 0x30);
    B_OID(b, OID_BAD_OPEN);
    b_close(b);
    ext_close(b);
}

/* subjectAltName with raw GeneralNames contents. */
static void
san_raw(struct bld *b, const uint8_t *v, size_t n)
{
    EXT_OPEN(b, OID_SAN, -1);
    b_open(b, 0x30);
    b_raw(b, v, n);
    b_close(b);
    ext_close(b);
}

WRITER(e_san_empty, san_raw(b, NULL, 0))

BYTES_WRITER(e_san_universal, san_raw, 0x16, 0x01, 'a')

BYTES_WRITER(e_san_high_tag, san_raw, 0x9F, 0x21, 0x00)

BYTES_WRITER(e_san_ip5, san_raw, 0x82, 0x01, 'a', 0x87, 0x05, 1, 2, 3, 4, 5)

BYTES_WRITER(e_san_constructed_dns, san_raw, 0xA2, 0x03, 0x16, 0x01, 'a')

BYTES_WRITER(e_san_other_only, san_raw, 0x81, 0x01, 'a', 0x86, 0x01, 'b')

static void
e_san_set(struct bld *b)
{
    EXT_OPEN(b, OID_SAN, -1);
    b_open(b, 0x31);
    b_str(b, 0x82, "a");
    b_close(b);
    ext_close(b);
}

static void
e_nc(struct bld *b)
{
    EXT_OPEN(b, OID_NC, 1);
    b_open(b, 0x30);
    b_open(b, 0xA0);
    b_open(b, 0x30);
    b_str(b, 0x82, ".jt.test");
    b_close(b);
    b_close(b);
    b_close(b);
    ext_close(b);
}

static void
e_nc_not_seq(struct bld *b)
{
    EXT_OPEN(b, OID_NC, 1);
    b_prim(b, 0x04, NULL, 0);
    ext_close(b);
}

static void
e_aia_empty(struct bld *b)
{
    EXT_OPEN(b, OID_AIA, -1);
    b_prim(b, 0x30, NULL, 0);
    ext_close(b);
}

static void
e_aia_not_seq(struct bld *b)
{
    EXT_OPEN(b, OID_AIA, -1);
    b_open(b, 0x30);
    B_OID(b, OID_CA_ISSUERS);
    b_close(b);
    ext_close(b);
}

static void
e_aia_universal_loc(struct bld *b)
{
    EXT_OPEN(b, OID_AIA, -1);
    b_open(b, 0x30);
    b_open(b, 0x30);
    B_OID(b, OID_CA_ISSUERS);
    b_str(b, 0x16, "http://x/");
    b_close(b);
    b_close(b);
    ext_close(b);
}

static void
e_aia_extra(struct bld *b)
{
    EXT_OPEN(b, OID_AIA, -1);
    b_open(b, 0x30);
    b_open(b, 0x30);
    B_OID(b, OID_CA_ISSUERS);
    b_str(b, 0x86, "http://x/");
    b_str(b, 0x86, "http://y/");
    b_close(b);
    b_close(b);
    ext_close(b);
}

static void
e_aia_ocsp_only(struct bld *b)
{
    EXT_OPEN(b, OID_AIA, -1);
    b_open(b, 0x30);
    w_access(b, OID_OCSP, sizeof(OID_OCSP), "http://ocsp/");
    b_close(b);
    ext_close(b);
}

/* ---------------------------------------------------------------------
 * Checks for rows that parse.
 */
static void
assert_span(struct jt_span s, const void *p, size_t len)
{
    assert_int_equal(s.len, len);
    if (len > 0)
        assert_memory_equal(s.p, p, len);
}

static void
c_full(const struct jt_der_cert *c)
{
    static const uint8_t serial[] = {0x01, 0x23};
    uint8_t akid[20];
    struct jt_der_iter it = {0};
    enum jt_der_gn kind;
    struct jt_span v;

    memset(akid, 0xA5, sizeof(akid));
    assert_int_equal(c->version, 3);
    assert_int_equal(c->flags,
                     JT_DER_HAS_SKID | JT_DER_HAS_AKID | JT_DER_HAS_BC |
                         JT_DER_IS_CA | JT_DER_HAS_KU | JT_DER_HAS_EKU |
                         JT_DER_EKU_SERVER | JT_DER_HAS_SAN | JT_DER_HAS_AIA);
    assert_int_equal(c->key_usage, JT_DER_KU_DIGITAL_SIGNATURE |
                                       JT_DER_KU_KEY_CERT_SIGN |
                                       JT_DER_KU_CRL_SIGN);
    assert_int_equal(c->pathlen, 2);
    assert_int_equal(c->pk, JT_DER_PK_EC);
    assert_int_equal(c->curve, JT_DER_CURVE_P256);
    assert_span(c->serial, serial, sizeof(serial));
    assert_span(c->akid, akid, sizeof(akid));
    assert_int_equal(c->skid.len, 20);
    assert_int_equal(c->skid.p[0], 0x11);
    assert_int_equal(c->pubkey.len, 65);
    assert_int_equal(c->pubkey.p[0], 0x04);
    assert_int_equal(c->akid_issuer.len, 0);
    assert_int_equal(c->akid_serial.len, 0);
    assert_int_equal(c->not_before, 1672531200); /* 2023-01-01 */
    assert_int_equal(c->not_after, 1988150400);  /* 2033-01-01 */
    /* dNSName and iPAddress in order; rfc822Name and URI skipped. */
    assert_int_equal(jt_der_san_next(c, &it, &kind, &v), 1);
    assert_int_equal(kind, JT_DER_GN_DNS);
    assert_span(v, "www.jt.test", 11);
    assert_int_equal(jt_der_san_next(c, &it, &kind, &v), 1);
    assert_int_equal(kind, JT_DER_GN_IP);
    assert_span(v, IP4, 4);
    assert_int_equal(jt_der_san_next(c, &it, &kind, &v), 1);
    assert_int_equal(kind, JT_DER_GN_IP);
    assert_span(v, IP6, 16);
    assert_int_equal(jt_der_san_next(c, &it, &kind, &v), 1);
    assert_span(v, "*.jt.test", 9);
    assert_int_equal(jt_der_san_next(c, &it, &kind, &v), 0);
    assert_int_equal(jt_der_san_next(c, &it, &kind, &v), 0);
    memset(&it, 0, sizeof(it));
    assert_int_equal(jt_der_aia_ca_issuers_next(c, &it, &v), 1);
    assert_span(v, "http://ca.jt.test/a.der", 23);
    assert_int_equal(jt_der_aia_ca_issuers_next(c, &it, &v), 1);
    assert_span(v, "http://ca.jt.test/b.p7c", 23);
    assert_int_equal(jt_der_aia_ca_issuers_next(c, &it, &v), 0);
}

static void
c_v1(const struct jt_der_cert *c)
{
    struct jt_der_iter it = {0};
    enum jt_der_gn kind;
    struct jt_span v;

    assert_int_equal(c->version, 1);
    assert_int_equal(c->flags, 0);
    assert_int_equal(c->pathlen, -1);
    assert_int_equal(jt_der_san_next(c, &it, &kind, &v), 0);
    assert_int_equal(jt_der_aia_ca_issuers_next(c, &it, &v), 0);
}

static void
c_v2(const struct jt_der_cert *c)
{
    assert_int_equal(c->version, 2);
}

static void
c_serial_64(const struct jt_der_cert *c)
{
    assert_int_equal(c->serial.len, 64);
}

static void
c_serial_negative(const struct jt_der_cert *c)
{
    assert_int_equal(c->serial.len, 1);
    assert_int_equal(c->serial.p[0], 0x80);
}

static void
c_empty_issuer(const struct jt_der_cert *c)
{
    assert_int_equal(c->issuer.len, 2);
    assert_false(c->flags & JT_DER_SELF_ISSUED);
}

static void
c_self_issued(const struct jt_der_cert *c)
{
    assert_true(c->flags & JT_DER_SELF_ISSUED);
    assert_int_equal(c->issuer.len, c->subject.len);
    assert_ptr_not_equal(c->issuer.p, c->subject.p);
}

static void
c_feb29(const struct jt_der_cert *c)
{
    assert_int_equal(c->not_before, 1709164800); /* 2024-02-29 */
    assert_int_equal(c->not_after, 4107542399);  /* 2100-02-28 23:59:59 */
}

static void
c_utc_pivot(const struct jt_der_cert *c)
{
    assert_int_equal(c->not_before, -631152000); /* 1950-01-01 */
    assert_int_equal(c->not_after, 2524607999);  /* 2049-12-31 23:59:59 */
}

static void
c_gen_time(const struct jt_der_cert *c)
{
    assert_int_equal(c->not_before, 2524608000);  /* 2050-01-01 */
    assert_int_equal(c->not_after, 253402300799); /* 9999-12-31 23:59:59 */
}

static void
c_rsa(const struct jt_der_cert *c)
{
    assert_int_equal(c->pk, JT_DER_PK_RSA);
    assert_int_equal(c->curve, JT_DER_CURVE_NONE);
    assert_int_equal(c->pubkey.len, 8);
    assert_int_equal(c->spki.p[0], 0x30);
}

static void
c_p384(const struct jt_der_cert *c)
{
    assert_int_equal(c->pk, JT_DER_PK_EC);
    assert_int_equal(c->curve, JT_DER_CURVE_P384);
}

static void
c_p521(const struct jt_der_cert *c)
{
    assert_int_equal(c->curve, JT_DER_CURVE_P521);
}

static void
c_curve_other(const struct jt_der_cert *c)
{
    assert_int_equal(c->pk, JT_DER_PK_EC);
    assert_int_equal(c->curve, JT_DER_CURVE_OTHER);
}

static void
c_pk_other(const struct jt_der_cert *c)
{
    assert_int_equal(c->pk, JT_DER_PK_OTHER);
    assert_int_equal(c->curve, JT_DER_CURVE_NONE);
}

static void
c_skid_64(const struct jt_der_cert *c)
{
    assert_int_equal(c->flags, JT_DER_HAS_SKID);
    assert_int_equal(c->skid.len, 64);
}

static void
c_flags_none(const struct jt_der_cert *c)
{
    assert_int_equal(c->flags, 0);
}

static void
c_unknown_crit(const struct jt_der_cert *c)
{
    assert_int_equal(c->flags, JT_DER_UNKNOWN_CRIT);
}

static void
c_crit_false(const struct jt_der_cert *c)
{
    assert_int_equal(c->flags, JT_DER_HAS_SKID);
    assert_span(c->skid, "\x01\x02", 2);
}

static void
c_akid_64(const struct jt_der_cert *c)
{
    assert_int_equal(c->akid.len, 64);
}

static void
c_akid_full(const struct jt_der_cert *c)
{
    static const uint8_t sn[] = {0x46, 0x99};

    assert_int_equal(c->flags, JT_DER_HAS_AKID);
    assert_int_equal(c->akid.len, 20);
    assert_span(c->akid_serial, sn, sizeof(sn));
    assert_int_equal(c->akid_issuer.p[0], 0x82); /* first GeneralName */
}

static void
c_akid_no_keyid(const struct jt_der_cert *c)
{
    assert_int_equal(c->flags, JT_DER_HAS_AKID);
    assert_int_equal(c->akid.len, 0);
    assert_int_equal(c->akid_serial.len, 2);
}

static void
c_akid_empty(const struct jt_der_cert *c)
{
    assert_int_equal(c->flags, JT_DER_HAS_AKID);
    assert_int_equal(c->akid.len, 0);
    assert_int_equal(c->akid_issuer.len, 0);
}

static void
c_bc_not_ca(const struct jt_der_cert *c)
{
    assert_int_equal(c->flags, JT_DER_HAS_BC);
    assert_int_equal(c->pathlen, -1);
}

static void
c_bc_int_max(const struct jt_der_cert *c)
{
    assert_int_equal(c->flags, JT_DER_HAS_BC | JT_DER_IS_CA);
    assert_int_equal(c->pathlen, 0x7FFFFFFF);
}

static void
c_ku_decipher(const struct jt_der_cert *c)
{
    assert_int_equal(c->flags, JT_DER_HAS_KU);
    assert_int_equal(c->key_usage, 1u << 8);
}

static void
c_eku_any(const struct jt_der_cert *c)
{
    assert_int_equal(c->flags, JT_DER_HAS_EKU | JT_DER_EKU_ANY);
}

static void
c_san_ip5(const struct jt_der_cert *c)
{
    struct jt_der_iter it = {0};
    enum jt_der_gn kind;
    struct jt_span v;

    assert_int_equal(jt_der_san_next(c, &it, &kind, &v), 1);
    assert_int_equal(kind, JT_DER_GN_DNS);
    assert_int_equal(jt_der_san_next(c, &it, &kind, &v), JT_ERR_DER_BAD_EXT);
}

static void
c_san_constructed(const struct jt_der_cert *c)
{
    struct jt_der_iter it = {0};
    enum jt_der_gn kind;
    struct jt_span v;

    assert_int_equal(jt_der_san_next(c, &it, &kind, &v), JT_ERR_DER_BAD_TAG);
}

static void
c_san_other_only(const struct jt_der_cert *c)
{
    struct jt_der_iter it = {0};
    enum jt_der_gn kind;
    struct jt_span v;

    assert_int_equal(c->flags, JT_DER_HAS_SAN);
    assert_int_equal(jt_der_san_next(c, &it, &kind, &v), 0);
}

static void
c_nc(const struct jt_der_cert *c)
{
    assert_int_equal(c->flags, JT_DER_HAS_NC);
}

static void
c_aia_ocsp_only(const struct jt_der_cert *c)
{
    struct jt_der_iter it = {0};
    struct jt_span v;

    assert_int_equal(c->flags, JT_DER_HAS_AIA);
    assert_int_equal(jt_der_aia_ca_issuers_next(c, &it, &v), 0);
}

/* ---------------------------------------------------------------------
 * The table.
 */
struct row {
    const char *name;
    struct tmpl t;
    int rc;
    void (*check)(const struct jt_der_cert *c);
};

WRITER(i_same_as_subject, w_name(b, "www.jt.test"))

static const struct row rows[] = {
    /* Well-formed shapes. */
    {"full v3", {0}, 0, c_full},
    {"v1 without [0]", {.ver = V1_ABSENT, .no_exts = 1}, 0, c_v1},
    {"v1 explicit", {.ver = V1_EXPLICIT, .no_exts = 1}, 0, c_v1},
    {"v2 with unique IDs", {.ver = V2, .mid = m_uids, .no_exts = 1}, 0, c_v2},
    {"v3 with unique IDs", {.mid = m_uids}, 0, c_full},
    {"self-issued", {.issuer = i_same_as_subject}, 0, c_self_issued},
    {"empty issuer Name", {.issuer = i_empty_name}, 0, c_empty_issuer},
    {"serial 64 bytes", {.serial = s_64}, 0, c_serial_64},
    {"serial negative", {.serial = s_negative}, 0, c_serial_negative},
    {"RSA key", {.spki = k_rsa}, 0, c_rsa},
    {"P-384 key", {.spki = k_p384}, 0, c_p384},
    {"P-521 key", {.spki = k_p521}, 0, c_p521},
    {"brainpool key", {.spki = k_brainpool}, 0, c_curve_other},
    {"EC key without params", {.spki = k_ec_noparams}, 0, c_curve_other},
    {"Ed25519 key", {.spki = k_ed25519}, 0, c_pk_other},
    {"Feb 29 in a leap year",
     {.nb = "240229000000Z", .na = "21000228235959Z", .na_tag = 0x18},
     0,
     c_feb29},
    {"UTCTime 50 is 1950, 49 is 2049",
     {.nb = "500101000000Z", .na = "491231235959Z"},
     0,
     c_utc_pivot},
    {"GeneralizedTime",
     {.nb = "20500101000000Z",
      .nb_tag = 0x18,
      .na = "99991231235959Z",
      .na_tag = 0x18},
     0,
     c_gen_time},
    {"SKID of 64 bytes", {.exts = e_skid_64}, 0, c_skid_64},
    {"critical FALSE written out", {.exts = e_crit_false}, 0, c_crit_false},
    {"unknown critical ext", {.exts = e_unknown_crit}, 0, c_unknown_crit},
    {"unknown ext twice", {.exts = e_dup_unknown}, 0, c_flags_none},
    {"AKID keyid of 64 bytes", {.exts = e_akid_64}, 0, c_akid_64},
    {"AKID keyid+issuer+serial", {.exts = e_akid_full}, 0, c_akid_full},
    {"AKID issuer+serial only", {.exts = e_akid_no_keyid}, 0, c_akid_no_keyid},
    {"AKID empty", {.exts = e_akid_empty_seq}, 0, c_akid_empty},
    {"BC cA FALSE written out", {.exts = e_bc_false}, 0, c_bc_not_ca},
    {"BC empty", {.exts = e_bc_empty}, 0, c_bc_not_ca},
    {"BC pathLen INT_MAX", {.exts = e_bc_int_max}, 0, c_bc_int_max},
    /* mbedTLS 2.28 reads a lone INTEGER as cA: refused, never a leaf. */
    {"BC pathLen without cA",
     {.exts = e_bc_pathlen_only},
     JT_ERR_DER_BAD_EXT,
     NULL},
    {"KU decipherOnly", {.exts = e_ku_decipher_only}, 0, c_ku_decipher},
    {"EKU any", {.exts = e_eku_any}, 0, c_eku_any},
    {"SAN iPAddress of 5 octets", {.exts = e_san_ip5}, 0, c_san_ip5},
    {"SAN constructed dNSName",
     {.exts = e_san_constructed_dns},
     0,
     c_san_constructed},
    {"SAN without DNS or IP", {.exts = e_san_other_only}, 0, c_san_other_only},
    {"nameConstraints", {.exts = e_nc}, 0, c_nc},
    {"AIA with OCSP only", {.exts = e_aia_ocsp_only}, 0, c_aia_ocsp_only},
    /* Versions. */
    {"v1 with unique ID",
     {.ver = V1_ABSENT, .mid = m_uids, .no_exts = 1},
     JT_ERR_DER_BAD_VERSION},
    {"v2 with extensions", {.ver = V2, .exts = e_skid}, JT_ERR_DER_BAD_VERSION},
    {"v1 explicit with extensions",
     {.ver = V1_EXPLICIT, .exts = e_skid},
     JT_ERR_DER_BAD_VERSION},
    {"version 4", {.ver = V4}, JT_ERR_DER_BAD_VERSION},
    {"version 00 02", {.version = v_nonminimal}, JT_ERR_DER_BAD_INTEGER},
    {"version two INTEGERs", {.version = v_two_ints}, JT_ERR_DER_TRAILING},
    /* Serial. */
    {"serial empty", {.serial = s_empty}, JT_ERR_DER_BAD_INTEGER},
    {"serial 00 7F", {.serial = s_lead_zero}, JT_ERR_DER_BAD_INTEGER},
    {"serial FF 80", {.serial = s_lead_ff}, JT_ERR_DER_BAD_INTEGER},
    {"serial 65 bytes", {.serial = s_65}, JT_ERR_DER_BAD_INTEGER},
    {"serial OCTET STRING", {.serial = s_octets}, JT_ERR_DER_BAD_TAG},
    /* Names. */
    {"issuer empty RDN", {.issuer = i_empty_rdn}, JT_ERR_DER_EMPTY},
    {"issuer ATV with 3 elements",
     {.issuer = i_atv_extra},
     JT_ERR_DER_TRAILING},
    {"issuer is a SET", {.issuer = i_set}, JT_ERR_DER_BAD_TAG},
    {"issuer high tag number", {.issuer = i_high_tag}, JT_ERR_DER_TAG_NUMBER},
    {"issuer bad OID", {.issuer = i_bad_oid}, JT_ERR_DER_BAD_OID},
    /* Times. */
    {"month 13", {.nb = "231301000000Z"}, JT_ERR_DER_BAD_TIME},
    {"month 00", {.nb = "230001000000Z"}, JT_ERR_DER_BAD_TIME},
    {"day 32", {.nb = "230132000000Z"}, JT_ERR_DER_BAD_TIME},
    {"day 00", {.nb = "230100000000Z"}, JT_ERR_DER_BAD_TIME},
    {"Feb 29 not leap", {.nb = "230229000000Z"}, JT_ERR_DER_BAD_TIME},
    {"Feb 29 1900",
     {.nb = "19000229000000Z", .nb_tag = 0x18},
     JT_ERR_DER_BAD_TIME},
    {"Apr 31", {.nb = "230431000000Z"}, JT_ERR_DER_BAD_TIME},
    {"hour 24", {.nb = "230101240000Z"}, JT_ERR_DER_BAD_TIME},
    {"minute 60", {.nb = "230101006000Z"}, JT_ERR_DER_BAD_TIME},
    {"second 60", {.na = "230101000060Z"}, JT_ERR_DER_BAD_TIME},
    {"missing Z", {.nb = "230101000000"}, JT_ERR_DER_BAD_TIME},
    {"offset instead of Z", {.nb = "2301010000+0000"}, JT_ERR_DER_BAD_TIME},
    {"Z replaced", {.nb = "230101000000X"}, JT_ERR_DER_BAD_TIME},
    {"no seconds", {.nb = "2301010000Z"}, JT_ERR_DER_BAD_TIME},
    {"non-digit", {.nb = "23O101000000Z"}, JT_ERR_DER_BAD_TIME},
    {"sign in field", {.na = "23-101000000Z"}, JT_ERR_DER_BAD_TIME},
    {"GeneralizedTime fraction",
     {.nb = "20230101000000.5Z", .nb_tag = 0x18},
     JT_ERR_DER_BAD_TIME},
    {"GeneralizedTime as UTC length",
     {.nb = "230101000000Z", .nb_tag = 0x18},
     JT_ERR_DER_BAD_TIME},
    {"UTCTime with 4-digit year",
     {.nb = "20230101000000Z"},
     JT_ERR_DER_BAD_TIME},
    {"time as OCTET STRING",
     {.na = "230101000000Z", .na_tag = 0x04},
     JT_ERR_DER_BAD_TAG},
    {"validity with 3 times", {.validity = t_three}, JT_ERR_DER_TRAILING},
    {"validity with 1 time", {.validity = t_one}, JT_ERR_DER_TRUNCATED},
    /* SPKI and signature. */
    {"key BIT STRING unused 8",
     {.spki = k_bits_unused8},
     JT_ERR_DER_BAD_BITSTRING},
    {"key BIT STRING dirty unused bits",
     {.spki = k_bits_dirty},
     JT_ERR_DER_BAD_BITSTRING},
    {"key BIT STRING empty", {.spki = k_bits_empty}, JT_ERR_DER_BAD_BITSTRING},
    {"key BIT STRING unused without octets",
     {.spki = k_bits_unused_no_octets},
     JT_ERR_DER_BAD_BITSTRING},
    {"key alg with 2 params", {.spki = k_two_algs}, JT_ERR_DER_TRAILING},
    {"EC curve OID malformed",
     {.spki = k_ec_bad_curve_oid},
     JT_ERR_DER_BAD_OID},
    {"signature BIT STRING unused 8",
     {.sig = g_unused8},
     JT_ERR_DER_BAD_BITSTRING},
    {"element after signature", {.outer = o_extra}, JT_ERR_DER_TRAILING},
    {"byte after the certificate", {.after = a_trailer}, JT_ERR_DER_TRAILING},
    {"unique ID bad BIT STRING",
     {.ver = V2, .mid = m_uid_bad, .no_exts = 1},
     JT_ERR_DER_BAD_BITSTRING},
    {"stray [4] in TBS", {.mid = m_stray}, JT_ERR_DER_TRAILING},
    /* Extensions: framing. */
    {"extensions empty", {.exts = e_none}, JT_ERR_DER_EMPTY},
    {"extensions in a SET", {.ext_wrap = x_set}, JT_ERR_DER_BAD_TAG},
    {"extensions two SEQUENCEs", {.ext_wrap = x_two_seqs}, JT_ERR_DER_TRAILING},
    {"extension OID 0x80 lead", {.exts = e_bad_ext_oid}, JT_ERR_DER_BAD_OID},
    {"extension OID empty", {.exts = e_empty_oid}, JT_ERR_DER_BAD_OID},
    {"critical BOOLEAN 0x01", {.exts = e_bool_01}, JT_ERR_DER_BAD_BOOLEAN},
    {"critical BOOLEAN 2 bytes", {.exts = e_bool_long}, JT_ERR_DER_BAD_BOOLEAN},
    {"critical BOOLEAN empty", {.exts = e_bool_empty}, JT_ERR_DER_BAD_BOOLEAN},
    {"extnValue BIT STRING", {.exts = e_value_bitstring}, JT_ERR_DER_BAD_TAG},
    {"extension extra element", {.exts = e_ext_extra}, JT_ERR_DER_TRAILING},
    {"extension without value", {.exts = e_ext_no_value}, JT_ERR_DER_TRUNCATED},
    {"duplicate basicConstraints", {.exts = e_dup_bc}, JT_ERR_DER_DUP_EXT},
    {"duplicate SKID", {.exts = e_dup_skid}, JT_ERR_DER_DUP_EXT},
    /* SKID. */
    {"SKID 65 bytes", {.exts = e_skid_65}, JT_ERR_DER_KEYID_TOO_LONG},
    {"SKID 10000 bytes", {.exts = e_skid_10000}, JT_ERR_DER_KEYID_TOO_LONG},
    {"SKID empty", {.exts = e_skid_empty}, JT_ERR_DER_EMPTY},
    {"SKID length 81 05", {.exts = e_skid_nonminimal}, JT_ERR_DER_BAD_LENGTH},
    {"SKID indefinite length",
     {.exts = e_skid_indefinite},
     JT_ERR_DER_BAD_LENGTH},
    {"SKID length past end", {.exts = e_skid_past_end}, JT_ERR_DER_TRUNCATED},
    {"SKID 4-octet length past end",
     {.exts = e_skid_long4},
     JT_ERR_DER_TRUNCATED},
    {"SKID 5-octet length", {.exts = e_skid_long5}, JT_ERR_DER_BAD_LENGTH},
    {"SKID high tag number", {.exts = e_skid_high_tag}, JT_ERR_DER_TAG_NUMBER},
    {"SKID as BIT STRING", {.exts = e_skid_bitstring}, JT_ERR_DER_BAD_TAG},
    {"SKID trailing element", {.exts = e_skid_trailing}, JT_ERR_DER_TRAILING},
    /* AKID. */
    {"AKID keyid 65 bytes", {.exts = e_akid_65}, JT_ERR_DER_KEYID_TOO_LONG},
    {"AKID keyid empty", {.exts = e_akid_empty_keyid}, JT_ERR_DER_EMPTY},
    {"AKID issuer without serial",
     {.exts = e_akid_issuer_only},
     JT_ERR_DER_BAD_EXT},
    {"AKID serial without issuer",
     {.exts = e_akid_serial_only},
     JT_ERR_DER_BAD_EXT},
    {"AKID unknown [3]", {.exts = e_akid_unknown_tag}, JT_ERR_DER_TRAILING},
    {"AKID out of order", {.exts = e_akid_out_of_order}, JT_ERR_DER_TRAILING},
    {"AKID empty GeneralNames", {.exts = e_akid_empty_names}, JT_ERR_DER_EMPTY},
    {"AKID serial 00 01", {.exts = e_akid_bad_serial}, JT_ERR_DER_BAD_INTEGER},
    /* basicConstraints. */
    {"BC cA 0x7F", {.exts = e_bc_bad_bool}, JT_ERR_DER_BAD_BOOLEAN},
    {"BC pathLen -1", {.exts = e_bc_negative}, JT_ERR_DER_BAD_EXT},
    {"BC pathLen 2^32", {.exts = e_bc_huge}, JT_ERR_DER_BAD_EXT},
    {"BC pathLen 00 05", {.exts = e_bc_nonminimal}, JT_ERR_DER_BAD_INTEGER},
    {"BC extra element", {.exts = e_bc_extra}, JT_ERR_DER_TRAILING},
    {"BC indefinite length", {.exts = e_bc_indefinite}, JT_ERR_DER_BAD_LENGTH},
    /* keyUsage, EKU. */
    {"KU unused 8", {.exts = e_ku_unused8}, JT_ERR_DER_BAD_BITSTRING},
    {"KU dirty unused bit", {.exts = e_ku_dirty}, JT_ERR_DER_BAD_BITSTRING},
    {"KU as OCTET STRING", {.exts = e_ku_octet}, JT_ERR_DER_BAD_TAG},
    {"EKU empty", {.exts = e_eku_empty}, JT_ERR_DER_EMPTY},
    {"EKU UTF8String", {.exts = e_eku_not_oid}, JT_ERR_DER_BAD_TAG},
    {"EKU bad OID", {.exts = e_eku_bad_oid}, JT_ERR_DER_BAD_OID},
    /* SAN, NC, AIA. */
    {"SAN empty", {.exts = e_san_empty}, JT_ERR_DER_EMPTY},
    {"SAN universal element", {.exts = e_san_universal}, JT_ERR_DER_BAD_TAG},
    {"SAN high tag number", {.exts = e_san_high_tag}, JT_ERR_DER_TAG_NUMBER},
    {"SAN as SET", {.exts = e_san_set}, JT_ERR_DER_BAD_TAG},
    {"NC not SEQUENCE", {.exts = e_nc_not_seq}, JT_ERR_DER_BAD_TAG},
    {"AIA empty", {.exts = e_aia_empty}, JT_ERR_DER_EMPTY},
    {"AIA element not SEQUENCE", {.exts = e_aia_not_seq}, JT_ERR_DER_BAD_TAG},
    {"AIA location universal",
     {.exts = e_aia_universal_loc},
     JT_ERR_DER_BAD_TAG},
    {"AIA description 3 elements", {.exts = e_aia_extra}, JT_ERR_DER_TRAILING},
};

/*
 * With JT_DER_DUMP_DIR set, write row |i|'s certificate there (how the
 * fuzz seed corpus tests/fuzz/corpus/der/row-*.der was made).
 */
static void
dump_row(size_t i, const struct bld *b)
{
    const char *dir = getenv("JT_DER_DUMP_DIR");
    char path[1024];
    FILE *f;

    if (dir == NULL)
        return;
    snprintf(path, sizeof(path), "%s/row-%03zu.der", dir, i);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b->buf, 1, b->len, f), b->len);
    fclose(f);
}

static void
table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const struct row *r = &rows[i];
        struct jt_der_cert c;
        struct bld *b = malloc(sizeof(*b));
        uint8_t *copy;
        int rc;

        assert_non_null(b);
        build(b, &r->t);
        dump_row(i, b);
        rc = parse_copy(&c, b->buf, b->len, &copy);
        if (rc != r->rc)
            fail_msg("row \"%s\": got %d (%s), want %d (%s)", r->name, rc,
                     jt_strerror(rc), r->rc, jt_strerror(r->rc));
        if (rc == 0) {
            assert_ptr_equal(c.raw.p, copy);
            assert_int_equal(c.raw.len, b->len);
            if (r->check != NULL)
                r->check(&c);
        } else {
            /* A failed parse leaves nothing behind. */
            assert_null(c.raw.p);
            assert_int_equal(c.flags, 0);
            assert_int_equal(c.pathlen, -1);
        }
        free(copy);
        free(b);
    }
}

/* ---------------------------------------------------------------------
 * The cursor alone.
 */
struct cur_row {
    const char *name;
    uint8_t in[8];
    size_t n;
    int rc;
    uint8_t tag;
    size_t len;
};

static const struct cur_row cur_rows[] = {
    {"empty", {0}, 0, JT_ERR_DER_TRUNCATED, 0, 0},
    {"tag only", {0x30}, 1, JT_ERR_DER_TRUNCATED, 0, 0},
    {"zero length", {0x04, 0x00}, 2, 0, 0x04, 0},
    {"short form", {0x04, 0x02, 1, 2}, 4, 0, 0x04, 2},
    {"short form past end", {0x04, 0x03, 1, 2}, 4, JT_ERR_DER_TRUNCATED, 0, 0},
    {"indefinite", {0x30, 0x80, 0, 0}, 4, JT_ERR_DER_BAD_LENGTH, 0, 0},
    {"81 05",
     {0x04, 0x81, 0x05, 1, 2, 3, 4, 5},
     8,
     JT_ERR_DER_BAD_LENGTH,
     0,
     0},
    {"81 7F", {0x04, 0x81, 0x7F}, 3, JT_ERR_DER_BAD_LENGTH, 0, 0},
    {"82 00 80", {0x04, 0x82, 0x00, 0x80}, 4, JT_ERR_DER_BAD_LENGTH, 0, 0},
    {"82 00 05", {0x04, 0x82, 0x00, 0x05}, 4, JT_ERR_DER_BAD_LENGTH, 0, 0},
    {"82 truncated", {0x04, 0x82, 0x01}, 3, JT_ERR_DER_TRUNCATED, 0, 0},
    {"81 80 past end", {0x04, 0x81, 0x80, 1}, 4, JT_ERR_DER_TRUNCATED, 0, 0},
    {"84 huge",
     {0x04, 0x84, 0xFF, 0xFF, 0xFF, 0xFF},
     6,
     JT_ERR_DER_TRUNCATED,
     0,
     0},
    {"85", {0x04, 0x85, 1, 0, 0, 0, 0}, 7, JT_ERR_DER_BAD_LENGTH, 0, 0},
    {"FF", {0x04, 0xFF}, 2, JT_ERR_DER_BAD_LENGTH, 0, 0},
    {"high tag universal", {0x1F, 0x01, 0x00}, 3, JT_ERR_DER_TAG_NUMBER, 0, 0},
    {"high tag context",
     {0xBF, 0x81, 0x00, 0x00},
     4,
     JT_ERR_DER_TAG_NUMBER,
     0,
     0},
    {"tag 0x1E ok", {0x1E, 0x00}, 2, 0, 0x1E, 0},
};

static void
cursor(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cur_rows) / sizeof(cur_rows[0]); i++) {
        const struct cur_row *r = &cur_rows[i];
        uint8_t *in = malloc(r->n > 0 ? r->n : 1);
        const uint8_t *p;
        struct jti_der_tlv t;
        int rc;

        assert_non_null(in);
        memcpy(in, r->in, r->n);
        p = in;
        rc = jti_der_next(&p, in + r->n, &t);
        if (rc != r->rc)
            fail_msg("cursor row \"%s\": got %d, want %d", r->name, rc, r->rc);
        if (rc == 0) {
            assert_int_equal(t.tag, r->tag);
            assert_int_equal(t.len, r->len);
            assert_ptr_equal(p, in + r->n);
            assert_ptr_equal(t.hdr, in);
        }
        free(in);
    }
}

/* Long forms 81, 82, 83: minimal at their lower bounds, and the span. */
static void
cursor_long_forms(void **state)
{
    static const struct {
        size_t len;
        size_t hdr;
    } cases[] = {{0x7F, 2},  {0x80, 3},   {0xFF, 3},
                 {0x100, 4}, {0xFFFF, 4}, {0x10000, 5}};
    uint8_t *buf = malloc(0x10000 + 8);
    const uint8_t *p;
    struct jti_der_tlv t;
    struct jt_span s;

    (void)state;
    assert_non_null(buf);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t len = cases[i].len, h = cases[i].hdr;

        buf[0] = 0x04;
        if (h == 2) {
            buf[1] = (uint8_t)len;
        } else {
            buf[1] = (uint8_t)(0x80 + h - 2);
            for (size_t k = 0; k < h - 2; k++)
                buf[2 + k] = (uint8_t)(len >> (8 * (h - 3 - k)));
        }
        p = buf;
        assert_int_equal(jti_der_next(&p, buf + h + len, &t), 0);
        assert_int_equal(t.len, len);
        assert_ptr_equal(t.p, buf + h);
        s = jti_der_span(&t);
        assert_int_equal(s.len, h + len);
        /* One byte short is truncated. */
        p = buf;
        assert_int_equal(jti_der_next(&p, buf + h + len - 1, &t),
                         JT_ERR_DER_TRUNCATED);
    }
    free(buf);
}

static void
cursor_expect_peek_done(void **state)
{
    static const uint8_t in[] = {0x02, 0x01, 0x05, 0x05, 0x00};
    const uint8_t *p = in, *end = in + sizeof(in);
    struct jti_der_tlv t;

    (void)state;
    assert_int_equal(jti_der_peek(p, end), 0x02);
    assert_int_equal(jti_der_expect(&p, end, 0x04, &t), JT_ERR_DER_BAD_TAG);
    p = in;
    assert_int_equal(jti_der_expect(&p, end, 0x02, &t), 0);
    assert_int_equal(jti_der_done(p, end), JT_ERR_DER_TRAILING);
    assert_int_equal(jti_der_expect(&p, end, 0x05, &t), 0);
    assert_int_equal(jti_der_done(p, end), 0);
    assert_int_equal(jti_der_peek(p, end), -1);
}

/* INTEGER, BOOLEAN, BIT STRING, OID contents checks. */
struct prim_row {
    const char *name;
    int (*fn)(const struct jti_der_tlv *t);
    uint8_t in[6];
    size_t n;
    int rc;
};

static int
p_int8(const struct jti_der_tlv *t)
{
    return jti_der_integer(t, 8);
}

static int
p_uint(const struct jti_der_tlv *t)
{
    int v;

    return jti_der_uint(t, &v);
}

static int
p_bool(const struct jti_der_tlv *t)
{
    int v;

    return jti_der_boolean(t, &v);
}

static int
p_bits(const struct jti_der_tlv *t)
{
    struct jt_span s;

    return jti_der_bitstring(t, &s);
}

static const struct prim_row prim_rows[] = {
    {"int 0", p_int8, {0x00}, 1, 0},
    {"int -1", p_int8, {0xFF}, 1, 0},
    {"int 00 80", p_int8, {0x00, 0x80}, 2, 0},
    {"int FF 7F", p_int8, {0xFF, 0x7F}, 2, 0},
    {"int 00 7F", p_int8, {0x00, 0x7F}, 2, JT_ERR_DER_BAD_INTEGER},
    {"int FF 80", p_int8, {0xFF, 0x80}, 2, JT_ERR_DER_BAD_INTEGER},
    {"int empty", p_int8, {0}, 0, JT_ERR_DER_BAD_INTEGER},
    {"uint 7FFFFFFF", p_uint, {0x7F, 0xFF, 0xFF, 0xFF}, 4, 0},
    {"uint 00 80000000", p_uint, {0x00, 0x80, 0, 0, 0}, 5, JT_ERR_DER_BAD_EXT},
    {"uint negative", p_uint, {0x80}, 1, JT_ERR_DER_BAD_EXT},
    {"bool 00", p_bool, {0x00}, 1, 0},
    {"bool FF", p_bool, {0xFF}, 1, 0},
    {"bool 01", p_bool, {0x01}, 1, JT_ERR_DER_BAD_BOOLEAN},
    {"bool empty", p_bool, {0}, 0, JT_ERR_DER_BAD_BOOLEAN},
    {"bool 2", p_bool, {0xFF, 0xFF}, 2, JT_ERR_DER_BAD_BOOLEAN},
    {"bits empty string", p_bits, {0x00}, 1, 0},
    {"bits 7 unused clean", p_bits, {0x07, 0x80}, 2, 0},
    {"bits 7 unused dirty", p_bits, {0x07, 0x81}, 2, JT_ERR_DER_BAD_BITSTRING},
    {"bits 8 unused", p_bits, {0x08, 0x00}, 2, JT_ERR_DER_BAD_BITSTRING},
    {"bits no octet", p_bits, {0}, 0, JT_ERR_DER_BAD_BITSTRING},
    {"bits unused, no data", p_bits, {0x03}, 1, JT_ERR_DER_BAD_BITSTRING},
    {"oid ok", jti_der_oid, {0x2A, 0x86, 0x48}, 3, 0},
    {"oid empty", jti_der_oid, {0}, 0, JT_ERR_DER_BAD_OID},
    {"oid open end", jti_der_oid, {0x2A, 0x86}, 2, JT_ERR_DER_BAD_OID},
    {"oid 80 lead", jti_der_oid, {0x2A, 0x80, 0x01}, 3, JT_ERR_DER_BAD_OID},
    {"oid 80 first", jti_der_oid, {0x80, 0x01}, 2, JT_ERR_DER_BAD_OID},
    {"oid 81 00 ok", jti_der_oid, {0x2A, 0x81, 0x00}, 3, 0},
};

static void
primitives(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(prim_rows) / sizeof(prim_rows[0]); i++) {
        const struct prim_row *r = &prim_rows[i];
        struct jti_der_tlv t = {0};
        uint8_t *in = malloc(r->n > 0 ? r->n : 1);
        int rc;

        assert_non_null(in);
        memcpy(in, r->in, r->n);
        t.hdr = in;
        t.p = in;
        t.len = r->n;
        rc = r->fn(&t);
        if (rc != r->rc)
            fail_msg("primitive row \"%s\": got %d, want %d", r->name, rc,
                     r->rc);
        free(in);
    }
}

/* One GeneralizedTime day at 23:59:58 against timegm(). */
static void
check_day(int y, int m, int d)
{
    struct tm tm = {0};
    char s[20];
    struct jti_der_tlv t = {0};
    int64_t got = 0;
    time_t want;
    int rc;

    snprintf(s, sizeof(s), "%04d%02d%02d235958Z", y, m, d);
    t.tag = JTI_DER_GEN_TIME;
    t.p = (const uint8_t *)s;
    t.len = 15;
    rc = jti_der_time(&t, &got);
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    tm.tm_hour = 23;
    tm.tm_min = 59;
    tm.tm_sec = 58;
    want = timegm(&tm);
    if (tm.tm_mday != d) { /* normalised: not a real date */
        assert_int_equal(rc, JT_ERR_DER_BAD_TIME);
        return;
    }
    assert_int_equal(rc, 0);
    assert_int_equal(got, (int64_t)want);
}

/* Epoch arithmetic over every day (and 29-31 of every month) 1950-2100. */
static void
time_arithmetic(void **state)
{
    (void)state;
    for (int y = 1950; y <= 2100; y++)
        for (int m = 1; m <= 12; m++)
            for (int d = 1; d <= 31; d++)
                check_day(y, m, d);
}

static void
null_args(void **state)
{
    struct jt_der_cert c;
    struct jt_der_iter it = {0};
    enum jt_der_gn kind;
    struct jt_span v;
    uint8_t b = 0x30;

    (void)state;
    assert_int_equal(jt_der_cert_parse(NULL, &b, 1), JT_ERR_INVAL);
    assert_int_equal(jt_der_cert_parse(&c, NULL, 0), JT_ERR_INVAL);
    /* Zero-length input is truncated, not invalid. */
    assert_int_equal(jt_der_cert_parse(&c, &b, 0), JT_ERR_DER_TRUNCATED);
    assert_int_equal(jt_der_san_next(NULL, &it, &kind, &v), JT_ERR_INVAL);
    assert_int_equal(jt_der_san_next(&c, NULL, &kind, &v), JT_ERR_INVAL);
    assert_int_equal(jt_der_san_next(&c, &it, NULL, &v), JT_ERR_INVAL);
    assert_int_equal(jt_der_san_next(&c, &it, &kind, NULL), JT_ERR_INVAL);
    assert_int_equal(jt_der_aia_ca_issuers_next(NULL, &it, &v), JT_ERR_INVAL);
    assert_int_equal(jt_der_aia_ca_issuers_next(&c, NULL, &v), JT_ERR_INVAL);
    assert_int_equal(jt_der_aia_ca_issuers_next(&c, &it, NULL), JT_ERR_INVAL);
    /* An iterator past the end is refused. */
    it.off = 1;
    assert_int_equal(jt_der_san_next(&c, &it, &kind, &v), JT_ERR_INVAL);
    assert_int_equal(jt_der_aia_ca_issuers_next(&c, &it, &v), JT_ERR_INVAL);
}

/* ---------------------------------------------------------------------
 * The test PKI.
 */
static void
check_hex(const char *what, const char *name, struct jt_span got,
          const char *hex)
{
    uint8_t want[80];
    int n = th_hex2bin(hex, want, sizeof(want));

    if (n < 0)
        fail_msg("%s: bad manifest hex for %s", name, what);
    if (got.len != (size_t)n || (n > 0 && memcmp(got.p, want, (size_t)n) != 0))
        fail_msg("%s: %s differs from openssl's %s", name, what,
                 hex[0] ? hex : "(none)");
}

static void
pki_manifest(void **state)
{
    struct th_mrow *rows_;
    size_t n = th_manifest_load(&rows_);

    (void)state;
    for (size_t i = 0; i < n; i++) {
        const struct th_mrow *r = &rows_[i];
        struct jt_der_cert c;
        size_t len;
        uint8_t *der = th_pki_der(r->name, &len);
        int rc = jt_der_cert_parse(&c, der, len);

        if (rc != 0)
            fail_msg("%s: parse failed: %s", r->name, jt_strerror(rc));
        check_hex("SKID", r->name, c.skid, r->skid);
        check_hex("AKID", r->name, c.akid, r->akid);
        assert_int_equal(!!(c.flags & JT_DER_HAS_SKID), r->skid[0] != 0);
        assert_int_equal(c.version, 3);
        assert_int_equal(!!(c.flags & JT_DER_SELF_ISSUED),
                         strcmp(r->kind, "root") == 0);
        assert_int_equal(c.pk, strncmp(r->keytype, "rsa", 3) == 0
                                   ? JT_DER_PK_RSA
                                   : JT_DER_PK_EC);
        assert_int_equal(c.raw.len, len);
        free(der);
    }
    free(rows_);
}

struct pki_row {
    const char *name;
    unsigned flags; /* exact */
    unsigned ku;
    int pathlen;
    enum jt_der_curve curve;
};

#define F_ROOT                                                                 \
    (JT_DER_HAS_SKID | JT_DER_HAS_BC | JT_DER_IS_CA | JT_DER_HAS_KU |          \
     JT_DER_SELF_ISSUED)
#define F_INTER                                                                \
    (JT_DER_HAS_SKID | JT_DER_HAS_AKID | JT_DER_HAS_BC | JT_DER_IS_CA |        \
     JT_DER_HAS_KU)
#define F_LEAF                                                                 \
    (JT_DER_HAS_SKID | JT_DER_HAS_AKID | JT_DER_HAS_BC | JT_DER_HAS_KU |       \
     JT_DER_HAS_EKU | JT_DER_EKU_SERVER | JT_DER_HAS_SAN)
#define KU_CA (JT_DER_KU_KEY_CERT_SIGN | JT_DER_KU_CRL_SIGN)
#define KU_DS JT_DER_KU_DIGITAL_SIGNATURE

static const struct pki_row pki_rows[] = {
    {"root-rsa", F_ROOT, KU_CA, -1, JT_DER_CURVE_NONE},
    {"root-p256", F_ROOT, KU_CA, -1, JT_DER_CURVE_P256},
    {"root-p384", F_ROOT | JT_DER_HAS_AKID, KU_CA, -1, JT_DER_CURVE_P384},
    {"root-noskid", F_ROOT & ~JT_DER_HAS_SKID, KU_CA, -1, JT_DER_CURVE_P256},
    {"inter-p256", F_INTER, KU_CA, 0, JT_DER_CURVE_P256},
    {"inter-rsa", F_INTER, KU_CA, 0, JT_DER_CURVE_NONE},
    {"inter-deep", F_INTER, KU_CA, -1, JT_DER_CURVE_P256},
    {"root-p384-by-rsa", F_INTER, KU_CA, -1, JT_DER_CURVE_P384},
    {"inter-nc", F_INTER | JT_DER_HAS_NC, KU_CA, 0, JT_DER_CURVE_P256},
    {"inter-akid-iss", F_INTER, KU_CA, 0, JT_DER_CURVE_P256},
    {"inter-notca", F_LEAF, KU_DS, -1, JT_DER_CURVE_P256},
    {"leaf-www", F_LEAF, KU_DS, -1, JT_DER_CURVE_P256},
    {"leaf-p384", F_LEAF, KU_DS, -1, JT_DER_CURVE_P384},
    {"leaf-ip", F_LEAF, KU_DS, -1, JT_DER_CURVE_P256},
    {"leaf-cn-only", F_LEAF & ~JT_DER_HAS_SAN, KU_DS, -1, JT_DER_CURVE_P256},
    {"leaf-clientauth", F_LEAF & ~JT_DER_EKU_SERVER, KU_DS, -1,
     JT_DER_CURVE_P256},
    {"leaf-keyenc", F_LEAF, JT_DER_KU_KEY_ENCIPHERMENT, -1, JT_DER_CURVE_NONE},
    {"leaf-is-ca", F_LEAF | JT_DER_IS_CA, KU_DS | JT_DER_KU_KEY_CERT_SIGN, -1,
     JT_DER_CURVE_P256},
};

static void
pki_flags(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(pki_rows) / sizeof(pki_rows[0]); i++) {
        const struct pki_row *r = &pki_rows[i];
        struct jt_der_cert c;
        size_t len;
        uint8_t *der = th_pki_der(r->name, &len);

        assert_int_equal(jt_der_cert_parse(&c, der, len), 0);
        if (c.flags != r->flags)
            fail_msg("%s: flags 0x%04x, want 0x%04x", r->name, c.flags,
                     r->flags);
        assert_int_equal(c.key_usage, r->ku);
        assert_int_equal(c.pathlen, r->pathlen);
        assert_int_equal(c.curve, r->curve);
        free(der);
    }
}

static void
pki_akid_issuer(void **state)
{
    struct jt_der_cert c, root;
    size_t len, rlen;
    uint8_t *der = th_pki_der("inter-akid-iss", &len);
    uint8_t *rder = th_pki_der("root-p256", &rlen);

    (void)state;
    assert_int_equal(jt_der_cert_parse(&c, der, len), 0);
    assert_int_equal(jt_der_cert_parse(&root, rder, rlen), 0);
    /* authorityCertSerialNumber is the issuing root's serial. */
    assert_span(c.akid_serial, root.serial.p, root.serial.len);
    assert_int_equal(c.akid_issuer.p[0], 0xA4);
    assert_span(c.akid, root.skid.p, root.skid.len);
    free(der);
    free(rder);
}

static void
pki_san_ip(void **state)
{
    struct jt_der_cert c;
    struct jt_der_iter it = {0};
    enum jt_der_gn kind;
    struct jt_span v;
    size_t len;
    uint8_t *der = th_pki_der("leaf-ip", &len);

    (void)state;
    assert_int_equal(jt_der_cert_parse(&c, der, len), 0);
    assert_int_equal(jt_der_san_next(&c, &it, &kind, &v), 1);
    assert_int_equal(kind, JT_DER_GN_IP);
    assert_span(v, IP4, sizeof(IP4));
    assert_int_equal(jt_der_san_next(&c, &it, &kind, &v), 1);
    assert_int_equal(kind, JT_DER_GN_IP);
    assert_span(v, IP6, sizeof(IP6));
    assert_int_equal(jt_der_san_next(&c, &it, &kind, &v), 0);
    free(der);

    der = th_pki_der("leaf-cn-only", &len);
    assert_int_equal(jt_der_cert_parse(&c, der, len), 0);
    memset(&it, 0, sizeof(it));
    assert_int_equal(c.san.len, 0);
    assert_int_equal(jt_der_san_next(&c, &it, &kind, &v), 0);
    free(der);

    der = th_pki_der("leaf-www", &len);
    assert_int_equal(jt_der_cert_parse(&c, der, len), 0);
    memset(&it, 0, sizeof(it));
    assert_int_equal(jt_der_san_next(&c, &it, &kind, &v), 1);
    assert_int_equal(kind, JT_DER_GN_DNS);
    assert_span(v, "www.jt.test", 11);
    assert_int_equal(jt_der_san_next(&c, &it, &kind, &v), 0);
    free(der);
}

/* The dates gen-pki.sh gave leaf-expired and leaf-notyet. */
static void
pki_dates(void **state)
{
    static const struct {
        const char *name;
        int64_t nb, na; /* na -1: relative to the day gen-pki ran */
    } d[] = {
        {"leaf-expired", 1577836800, 1609459200}, /* 2020-01-01, 2021-01-01 */
        {"leaf-notyet", 4070908800, 4102444799},  /* 2099-01-01, -12-31 end */
        {"root-rsa", 1546300800, -1},             /* 2019-01-01 */
    };

    (void)state;
    for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
        struct jt_der_cert c;
        size_t len;
        uint8_t *der = th_pki_der(d[i].name, &len);

        assert_int_equal(jt_der_cert_parse(&c, der, len), 0);
        assert_int_equal(c.not_before, d[i].nb);
        if (d[i].na != -1)
            assert_int_equal(c.not_after, d[i].na);
        free(der);
    }
}

/* Every prefix of real certificates is truncated; never a crash. */
static void
truncated_prefixes(void **state)
{
    static const char *const names[] = {"leaf-www", "root-rsa",
                                        "inter-akid-iss"};

    (void)state;
    for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
        size_t len;
        uint8_t *der = th_pki_der(names[k], &len);

        for (size_t n = 0; n < len; n++) {
            struct jt_der_cert c;
            uint8_t *copy;
            int rc = parse_copy(&c, der, n, &copy);

            if (rc != JT_ERR_DER_TRUNCATED)
                fail_msg("%s cut at %zu: got %d", names[k], n, rc);
            free(copy);
        }
        free(der);
    }
}

/* A parsed cert's spans all lie inside the input; the iterators end. */
static void
check_parsed(const struct jt_der_cert *c, const uint8_t *buf, size_t len)
{
    const struct jt_span *spans[] = {
        &c->raw,         &c->tbs,    &c->serial, &c->issuer, &c->subject,
        &c->spki,        &c->pubkey, &c->skid,   &c->akid,   &c->akid_issuer,
        &c->akid_serial, &c->san,    &c->aia};
    struct jt_der_iter it = {0};
    enum jt_der_gn kind;
    struct jt_span v;
    int rc, steps = 0;

    for (size_t i = 0; i < sizeof(spans) / sizeof(spans[0]); i++) {
        if (spans[i]->len == 0)
            continue;
        assert_true(spans[i]->p >= buf);
        assert_true(spans[i]->p + spans[i]->len <= buf + len);
    }
    while ((rc = jt_der_san_next(c, &it, &kind, &v)) == 1)
        assert_true(++steps < 10000);
    assert_true(rc == 0 || (rc <= -100 && rc > -200));
    memset(&it, 0, sizeof(it));
    while ((rc = jt_der_aia_ca_issuers_next(c, &it, &v)) == 1)
        assert_true(++steps < 20000);
    assert_true(rc == 0 || (rc <= -100 && rc > -200));
}

/* Every byte flipped three ways: an error or a consistent parse. */
static void
flipped_bytes(void **state)
{
    static const char *const names[] = {"leaf-www", "inter-akid-iss"};
    static const uint8_t masks[] = {0x01, 0x80, 0xFF};
    struct bld *b = malloc(sizeof(*b));
    const struct tmpl full = {0};

    (void)state;
    assert_non_null(b);
    build(b, &full);
    for (size_t k = 0; k <= sizeof(names) / sizeof(names[0]); k++) {
        size_t len;
        uint8_t *der = k < 2 ? th_pki_der(names[k], &len) : NULL;
        const uint8_t *src = der != NULL ? der : b->buf;

        len = der != NULL ? len : b->len;
        for (size_t off = 0; off < len; off++) {
            for (size_t m = 0; m < sizeof(masks); m++) {
                struct jt_der_cert c;
                uint8_t *copy = malloc(len);
                int rc;

                assert_non_null(copy);
                memcpy(copy, src, len);
                copy[off] ^= masks[m];
                rc = jt_der_cert_parse(&c, copy, len);
                assert_true(rc == 0 || (rc <= -100 && rc > -200));
                if (rc == 0)
                    check_parsed(&c, copy, len);
                free(copy);
            }
        }
        free(der);
    }
    free(b);
}

/* ---------------------------------------------------------------------
 * Every Mozilla root, against mbedTLS and openssl.
 */
struct moz {
    char path[1024];
    uint8_t *der;
    size_t len;
};

/* Load every *.crt of $JT_MOZILLA_DIR (malloc'd array). */
static size_t
moz_load(struct moz **out)
{
    const char *dir = getenv("JT_MOZILLA_DIR");
    struct dirent *de;
    size_t n = 0, cap = 0;
    DIR *d;

    if (dir == NULL) {
        fail_msg("JT_MOZILLA_DIR is not set: run through meson test");
        return 0; /* not reached */
    }
    d = opendir(dir);
    assert_non_null(d);
    *out = NULL;
    while ((de = readdir(d)) != NULL) {
        size_t nl = strlen(de->d_name), plen, cnt;
        uint8_t **ders;
        size_t *lens;
        char *pem;
        struct moz *m;

        if (nl < 5 || strcmp(de->d_name + nl - 4, ".crt") != 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            *out = realloc(*out, cap * sizeof(**out));
            assert_non_null(*out);
        }
        m = &(*out)[n++];
        snprintf(m->path, sizeof(m->path), "%s/%s", dir, de->d_name);
        pem = (char *)th_read_file(m->path, &plen);
        assert_non_null(pem);
        cnt = th_pem_certs(pem, &ders, &lens);
        assert_int_equal(cnt, 1);
        m->der = ders[0];
        m->len = lens[0];
        free(ders);
        free(lens);
        free(pem);
    }
    closedir(d);
    assert_true(n > 0);
    return n;
}

static int64_t
mbed_time(const mbedtls_x509_time *t)
{
    struct tm tm = {0};

    tm.tm_year = t->year - 1900;
    tm.tm_mon = t->mon - 1;
    tm.tm_mday = t->day;
    tm.tm_hour = t->hour;
    tm.tm_min = t->min;
    tm.tm_sec = t->sec;
    return (int64_t)timegm(&tm);
}

/* mbedTLS keeps keyUsage as sent (first octet's MSB is bit 0, decipherOnly
 * is 0x8000); ours is bit n = 1u << n. */
static unsigned
mbed_ku(unsigned ku)
{
    unsigned out = 0;

    for (unsigned n = 0; n < 8; n++)
        if (ku & (0x80u >> n))
            out |= 1u << n;
    if (ku & 0x8000u)
        out |= 1u << 8;
    return out;
}

static void
mozilla_vs_mbedtls(void **state)
{
    struct moz *m;
    size_t n = moz_load(&m);

    (void)state;
    for (size_t i = 0; i < n; i++) {
        struct jt_der_cert c;
        mbedtls_x509_crt crt;
        int rc = jt_der_cert_parse(&c, m[i].der, m[i].len);

        if (rc != 0)
            fail_msg("%s: %s", m[i].path, jt_strerror(rc));
        mbedtls_x509_crt_init(&crt);
        assert_int_equal(mbedtls_x509_crt_parse_der(&crt, m[i].der, m[i].len),
                         0);
        assert_span(c.serial, crt.serial.p, crt.serial.len);
        assert_span(c.issuer, crt.issuer_raw.p, crt.issuer_raw.len);
        assert_span(c.subject, crt.subject_raw.p, crt.subject_raw.len);
        assert_span(c.spki, crt.pk_raw.p, crt.pk_raw.len);
        assert_span(c.tbs, crt.tbs.p, crt.tbs.len);
        assert_int_equal(c.version, crt.version);
        assert_int_equal(c.not_before, mbed_time(&crt.valid_from));
        assert_int_equal(c.not_after, mbed_time(&crt.valid_to));
        assert_int_equal(!!(c.flags & JT_DER_IS_CA), crt.ca_istrue);
        if (c.flags & JT_DER_HAS_KU)
            assert_int_equal(c.key_usage & 0x1FFu, mbed_ku(crt.key_usage));
        mbedtls_x509_crt_free(&crt);
        free(m[i].der);
    }
    free(m);
}

/* Read hex octets "AB:CD:..." after |p| (skipping "keyid:"). */
static void
colon_hex(const char *p, char *out, size_t cap)
{
    size_t o = 0;

    while (*p == ' ')
        p++;
    if (strncmp(p, "keyid:", 6) == 0)
        p += 6;
    for (; *p != '\0' && *p != '\n'; p++)
        if (*p != ':' && o + 1 < cap)
            out[o++] = *p;
    out[o] = '\0';
}

/* A line of only hex octets and colons (openssl's bare keyid form). */
static int
hex_line(const char *p)
{
    size_t n = 0;

    while (*p == ' ')
        p++;
    for (; *p != '\0' && *p != '\n'; p++, n++)
        if (strchr("0123456789ABCDEFabcdef:", *p) == NULL)
            return 0;
    return n >= 2;
}

struct scan {
    char file[256];
    char skid[160];
    char akid[160];
};

/*
 * One openssl run over the whole directory (storeutl keeps the order of
 * its input): the file names first, then block "N: Certificate" per cert.
 */
static size_t
openssl_scan(struct scan **out)
{
    char cmd[2048], line[4096];
    const char *dir = getenv("JT_MOZILLA_DIR");
    size_t n = 0, cap = 0, cur = (size_t)-1;
    int want = 0; /* 1: next line is the SKID, 2: the AKID */
    FILE *f;

    snprintf(cmd, sizeof(cmd),
             "for f in '%s'/*.crt; do echo \"F ${f##*/}\"; done; "
             "cat '%s'/*.crt | openssl storeutl -noout -text -certs "
             "/dev/stdin",
             dir, dir);
    f = popen(cmd, "r");
    assert_non_null(f);
    *out = NULL;
    while (fgets(line, sizeof(line), f) != NULL) {
        unsigned long idx;
        char tail[32];

        if (strncmp(line, "F ", 2) == 0) {
            if (n == cap) {
                cap = cap ? cap * 2 : 256;
                *out = realloc(*out, cap * sizeof(**out));
                assert_non_null(*out);
            }
            memset(&(*out)[n], 0, sizeof((*out)[n]));
            colon_hex(line + 2, (*out)[n++].file, sizeof((*out)->file));
        } else if (sscanf(line, "%lu: %31s", &idx, tail) == 2 &&
                   strcmp(tail, "Certificate") == 0) {
            assert_true(idx < n);
            cur = idx;
            want = 0;
        } else if (strstr(line, "Subject Key Identifier") != NULL) {
            want = 1;
        } else if (strstr(line, "Authority Key Identifier") != NULL) {
            want = 2;
        } else if (want != 0 && cur < n) {
            if (want == 1)
                colon_hex(line, (*out)[cur].skid, sizeof((*out)->skid));
            else if (strstr(line, "keyid:") != NULL || hex_line(line))
                colon_hex(line, (*out)[cur].akid, sizeof((*out)->akid));
            want = 0;
        }
    }
    assert_int_equal(pclose(f), 0);
    assert_int_equal(cur + 1, n); /* one block per file */
    return n;
}

static void
mozilla_vs_openssl(void **state)
{
    struct moz *m;
    struct scan *s;
    size_t n = moz_load(&m), ns = openssl_scan(&s), noskid = 0, noskid2 = 0;

    (void)state;
    assert_int_equal(n, ns);
    for (size_t i = 0; i < n; i++) {
        const char *base = strrchr(m[i].path, '/') + 1;
        const struct scan *hit = NULL;
        struct jt_der_cert c;

        for (size_t k = 0; k < ns && hit == NULL; k++)
            if (strcmp(s[k].file, base) == 0)
                hit = &s[k];
        if (hit == NULL) {
            fail_msg("%s: not in openssl's scan", base);
            return; /* not reached */
        }
        assert_int_equal(jt_der_cert_parse(&c, m[i].der, m[i].len), 0);
        check_hex("SKID", base, c.skid, hit->skid);
        check_hex("AKID", base, c.akid, hit->akid);
        noskid += !(c.flags & JT_DER_HAS_SKID);
        noskid2 += hit->skid[0] == '\0';
        free(m[i].der);
    }
    /* Some Mozilla roots have no SKID; openssl agrees on how many. */
    assert_true(noskid > 0);
    assert_int_equal(noskid, noskid2);
    free(m);
    free(s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cursor),
        cmocka_unit_test(cursor_long_forms),
        cmocka_unit_test(cursor_expect_peek_done),
        cmocka_unit_test(primitives),
        cmocka_unit_test(time_arithmetic),
        cmocka_unit_test(null_args),
        cmocka_unit_test(table),
        cmocka_unit_test(pki_manifest),
        cmocka_unit_test(pki_flags),
        cmocka_unit_test(pki_akid_issuer),
        cmocka_unit_test(pki_san_ip),
        cmocka_unit_test(pki_dates),
        cmocka_unit_test(truncated_prefixes),
        cmocka_unit_test(flipped_bytes),
        cmocka_unit_test(mozilla_vs_mbedtls),
        cmocka_unit_test(mozilla_vs_openssl),
    };
    return cmocka_run_group_tests_name("der", tests, NULL, NULL);
}
