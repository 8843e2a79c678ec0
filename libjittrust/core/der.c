// SPDX-License-Identifier: MIT
/*
 * core: jt_der_cert_parse() and the SAN / AIA iterators (see der.h).
 * One pass over an X.509 certificate with the strict cursor of der-int.h:
 * TBSCertificate field by field, the extensions JIT trust decides on, then
 * the outer signature fields. Spans borrow the caller's buffer; nothing
 * allocates, nothing recurses, every level is checked "consumed exactly".
 */
#include "jittrust/der.h"

#include <string.h>

#include "jittrust/error.h"

#include "der-int.h"

/* Longest serialNumber read (RFC 5280 allows 20; real certs exceed it). */
#define SERIAL_MAX 64

/* The GeneralName tags we yield or look for. */
#define GN_URI 0x86u
#define GN_DNS 0x82u
#define GN_IP 0x87u

typedef int (*ext_fn)(struct jt_der_cert *c, const uint8_t *p,
                      const uint8_t *end);

/* One extension we read: its OID contents, flag and contents parser. */
struct ext_def {
    uint8_t oid[8];
    uint8_t oid_len;
    unsigned flag;
    ext_fn parse;
};

static const uint8_t oid_rsa[] = {0x2A, 0x86, 0x48, 0x86, 0xF7,
                                  0x0D, 0x01, 0x01, 0x01};
static const uint8_t oid_ec[] = {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01};
static const uint8_t oid_p256[] = {0x2A, 0x86, 0x48, 0xCE,
                                   0x3D, 0x03, 0x01, 0x07};
static const uint8_t oid_p384[] = {0x2B, 0x81, 0x04, 0x00, 0x22};
static const uint8_t oid_p521[] = {0x2B, 0x81, 0x04, 0x00, 0x23};
static const uint8_t oid_server_auth[] = {0x2B, 0x06, 0x01, 0x05,
                                          0x05, 0x07, 0x03, 0x01};
static const uint8_t oid_any_eku[] = {0x55, 0x1D, 0x25, 0x00};
static const uint8_t oid_ca_issuers[] = {0x2B, 0x06, 0x01, 0x05,
                                         0x05, 0x07, 0x30, 0x02};

/* GeneralNames contents (SIZE 1..MAX): context-class elements only. */
static int
general_names(const uint8_t *p, const uint8_t *end)
{
    struct jti_der_tlv gn;
    int rc;

    if (p == end)
        return JT_ERR_DER_EMPTY;
    while (p < end) {
        rc = jti_der_next(&p, end, &gn);
        if (rc != 0)
            return rc;
        if ((gn.tag & JTI_DER_CLASS_MASK) != JTI_DER_CONTEXT)
            return JT_ERR_DER_BAD_TAG;
    }
    return 0;
}

/* A SEQUENCE that must fill [p, end); its contents into |t|. */
static int
sole_seq(const uint8_t *p, const uint8_t *end, struct jti_der_tlv *t)
{
    int rc = jti_der_expect(&p, end, JTI_DER_SEQUENCE, t);

    return rc != 0 ? rc : jti_der_done(p, end);
}

/* Check a key identifier's length; 0, EMPTY or KEYID_TOO_LONG. */
static int
keyid(const struct jti_der_tlv *t, struct jt_span *out)
{
    if (t->len == 0)
        return JT_ERR_DER_EMPTY;
    if (t->len > JT_DER_KEYID_MAX)
        return JT_ERR_DER_KEYID_TOO_LONG;
    *out = jti_der_body(t);
    return 0;
}

/* subjectKeyIdentifier: OCTET STRING. */
static int
ext_skid(struct jt_der_cert *c, const uint8_t *p, const uint8_t *end)
{
    struct jti_der_tlv t;
    int rc = jti_der_expect(&p, end, JTI_DER_OCTET_STRING, &t);

    if (rc == 0)
        rc = jti_der_done(p, end);
    return rc != 0 ? rc : keyid(&t, &c->skid);
}

/*
 * authorityKeyIdentifier: SEQUENCE { [0] keyIdentifier, [1] GeneralNames,
 * [2] serial }, each optional, in order; [1] and [2] come together.
 */
static int
ext_akid(struct jt_der_cert *c, const uint8_t *p, const uint8_t *end)
{
    struct jti_der_tlv s, t;
    int rc = sole_seq(p, end, &s);

    if (rc != 0)
        return rc;
    p = s.p;
    end = s.p + s.len;
    if (jti_der_peek(p, end) == 0x80 &&
        ((rc = jti_der_next(&p, end, &t)) != 0 || (rc = keyid(&t, &c->akid))))
        return rc;
    if (jti_der_peek(p, end) == 0xA1) {
        if ((rc = jti_der_next(&p, end, &t)) != 0 ||
            (rc = general_names(t.p, t.p + t.len)) != 0)
            return rc;
        c->akid_issuer = jti_der_body(&t);
    }
    if (jti_der_peek(p, end) == 0x82) {
        if ((rc = jti_der_next(&p, end, &t)) != 0 ||
            (rc = jti_der_integer(&t, SERIAL_MAX)) != 0)
            return rc;
        c->akid_serial = jti_der_body(&t);
    }
    if ((c->akid_issuer.len == 0) != (c->akid_serial.len == 0))
        return JT_ERR_DER_BAD_EXT;
    return jti_der_done(p, end);
}

/* basicConstraints: SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLen INTEGER }.
 */
static int
ext_bc(struct jt_der_cert *c, const uint8_t *p, const uint8_t *end)
{
    struct jti_der_tlv s, t;
    int ca = 0, rc = sole_seq(p, end, &s);

    if (rc != 0)
        return rc;
    p = s.p;
    end = s.p + s.len;
    if (jti_der_peek(p, end) == JTI_DER_BOOLEAN &&
        ((rc = jti_der_next(&p, end, &t)) != 0 ||
         (rc = jti_der_boolean(&t, &ca)) != 0))
        return rc;
    if (ca)
        c->flags |= JT_DER_IS_CA;
    /* RFC 5280 4.2.1.9: pathLenConstraint only with cA TRUE. mbedTLS 2.28
     * reads a lone INTEGER as the cA flag (non-zero: a CA) while we would
     * read a path length: refuse it, so the two parsers never disagree
     * about whether cert 0 is a CA. */
    if (!ca && jti_der_peek(p, end) == JTI_DER_INTEGER)
        return JT_ERR_DER_BAD_EXT;
    if (jti_der_peek(p, end) == JTI_DER_INTEGER &&
        ((rc = jti_der_next(&p, end, &t)) != 0 ||
         (rc = jti_der_uint(&t, &c->pathlen)) != 0))
        return rc;
    return jti_der_done(p, end);
}

/* keyUsage: BIT STRING; bit n (first octet's MSB is bit 0) -> 1u << n. */
static int
ext_ku(struct jt_der_cert *c, const uint8_t *p, const uint8_t *end)
{
    struct jti_der_tlv t;
    struct jt_span bits;
    int rc = jti_der_expect(&p, end, JTI_DER_BIT_STRING, &t);

    if (rc != 0 || (rc = jti_der_done(p, end)) != 0 ||
        (rc = jti_der_bitstring(&t, &bits)) != 0)
        return rc;
    c->key_usage = 0;
    for (size_t i = 0; i < bits.len && i < 4; i++)
        for (unsigned j = 0; j < 8; j++)
            if (bits.p[i] & (0x80u >> j))
                c->key_usage |= 1u << (i * 8 + j);
    return 0;
}

/* extKeyUsage: SEQUENCE SIZE (1..MAX) OF KeyPurposeId. */
static int
ext_eku(struct jt_der_cert *c, const uint8_t *p, const uint8_t *end)
{
    struct jti_der_tlv s, t;
    int rc = sole_seq(p, end, &s);

    if (rc != 0)
        return rc;
    if (s.len == 0)
        return JT_ERR_DER_EMPTY;
    p = s.p;
    end = s.p + s.len;
    while (p < end) {
        if ((rc = jti_der_expect(&p, end, JTI_DER_OID, &t)) != 0 ||
            (rc = jti_der_oid(&t)) != 0)
            return rc;
        if (jti_der_eq(&t, oid_server_auth, sizeof(oid_server_auth)))
            c->flags |= JT_DER_EKU_SERVER;
        if (jti_der_eq(&t, oid_any_eku, sizeof(oid_any_eku)))
            c->flags |= JT_DER_EKU_ANY;
    }
    return 0;
}

/* subjectAltName: GeneralNames; only its outer shape is checked here. */
static int
ext_san(struct jt_der_cert *c, const uint8_t *p, const uint8_t *end)
{
    struct jti_der_tlv s;
    int rc = sole_seq(p, end, &s);

    if (rc == 0)
        rc = general_names(s.p, s.p + s.len);
    if (rc == 0)
        c->san = jti_der_body(&s);
    return rc;
}

/* nameConstraints: a SEQUENCE; presence is all we record. */
static int
ext_nc(struct jt_der_cert *c, const uint8_t *p, const uint8_t *end)
{
    struct jti_der_tlv s;

    (void)c;
    return sole_seq(p, end, &s);
}

/*
 * authorityInfoAccess: SEQUENCE SIZE (1..MAX) OF AccessDescription
 * { accessMethod OID, accessLocation GeneralName }.
 */
static int
ext_aia(struct jt_der_cert *c, const uint8_t *p, const uint8_t *end)
{
    struct jti_der_tlv s, ad, t;
    const uint8_t *q;
    int rc = sole_seq(p, end, &s);

    if (rc != 0)
        return rc;
    if (s.len == 0)
        return JT_ERR_DER_EMPTY;
    for (p = s.p, end = s.p + s.len; p < end;) {
        if ((rc = jti_der_expect(&p, end, JTI_DER_SEQUENCE, &ad)) != 0)
            return rc;
        q = ad.p;
        if ((rc = jti_der_expect(&q, ad.p + ad.len, JTI_DER_OID, &t)) != 0 ||
            (rc = jti_der_oid(&t)) != 0 ||
            (rc = jti_der_next(&q, ad.p + ad.len, &t)) != 0)
            return rc;
        if ((t.tag & JTI_DER_CLASS_MASK) != JTI_DER_CONTEXT)
            return JT_ERR_DER_BAD_TAG;
        if ((rc = jti_der_done(q, ad.p + ad.len)) != 0)
            return rc;
    }
    c->aia = jti_der_body(&s);
    return 0;
}

/* The extensions we read; the index is the duplicate-detection bit. */
static const struct ext_def exts[] = {
    {{0x55, 0x1D, 0x0E}, 3, JT_DER_HAS_SKID, ext_skid},
    {{0x55, 0x1D, 0x23}, 3, JT_DER_HAS_AKID, ext_akid},
    {{0x55, 0x1D, 0x13}, 3, JT_DER_HAS_BC, ext_bc},
    {{0x55, 0x1D, 0x0F}, 3, JT_DER_HAS_KU, ext_ku},
    {{0x55, 0x1D, 0x25}, 3, JT_DER_HAS_EKU, ext_eku},
    {{0x55, 0x1D, 0x11}, 3, JT_DER_HAS_SAN, ext_san},
    {{0x55, 0x1D, 0x1E}, 3, JT_DER_HAS_NC, ext_nc},
    {{0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01},
     8,
     JT_DER_HAS_AIA,
     ext_aia},
};

/*
 * One Extension { extnID, critical BOOLEAN DEFAULT FALSE, extnValue }.
 * |*seen| has bit i set once exts[i] was read.
 */
static int
parse_ext(struct jt_der_cert *c, const uint8_t **p, const uint8_t *end,
          unsigned *seen)
{
    struct jti_der_tlv e, oid, t;
    const uint8_t *q, *qe;
    int crit = 0, rc = jti_der_expect(p, end, JTI_DER_SEQUENCE, &e);

    if (rc != 0)
        return rc;
    q = e.p;
    qe = e.p + e.len;
    if ((rc = jti_der_expect(&q, qe, JTI_DER_OID, &oid)) != 0 ||
        (rc = jti_der_oid(&oid)) != 0)
        return rc;
    if (jti_der_peek(q, qe) == JTI_DER_BOOLEAN &&
        ((rc = jti_der_next(&q, qe, &t)) != 0 ||
         (rc = jti_der_boolean(&t, &crit)) != 0))
        return rc;
    if ((rc = jti_der_expect(&q, qe, JTI_DER_OCTET_STRING, &t)) != 0 ||
        (rc = jti_der_done(q, qe)) != 0)
        return rc;
    for (unsigned i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
        if (!jti_der_eq(&oid, exts[i].oid, exts[i].oid_len))
            continue;
        if (*seen & (1u << i))
            return JT_ERR_DER_DUP_EXT;
        *seen |= 1u << i;
        c->flags |= exts[i].flag;
        return exts[i].parse(c, t.p, t.p + t.len);
    }
    if (crit)
        c->flags |= JT_DER_UNKNOWN_CRIT;
    return 0;
}

/* extensions [3] EXPLICIT SEQUENCE SIZE (1..MAX) OF Extension. */
static int
parse_exts(struct jt_der_cert *c, const struct jti_der_tlv *x)
{
    struct jti_der_tlv s;
    const uint8_t *p, *end;
    unsigned seen = 0;
    int rc = sole_seq(x->p, x->p + x->len, &s);

    if (rc != 0)
        return rc;
    if (s.len == 0)
        return JT_ERR_DER_EMPTY;
    for (p = s.p, end = s.p + s.len; p < end;)
        if ((rc = parse_ext(c, &p, end, &seen)) != 0)
            return rc;
    return 0;
}

/*
 * AlgorithmIdentifier { algorithm OID, parameters ANY OPTIONAL }; |par|
 * gets the parameters (hdr NULL when absent).
 */
static int
parse_alg(const uint8_t **p, const uint8_t *end, struct jti_der_tlv *oid,
          struct jti_der_tlv *par)
{
    struct jti_der_tlv s;
    const uint8_t *q;
    int rc = jti_der_expect(p, end, JTI_DER_SEQUENCE, &s);

    if (rc != 0)
        return rc;
    q = s.p;
    if ((rc = jti_der_expect(&q, s.p + s.len, JTI_DER_OID, oid)) != 0 ||
        (rc = jti_der_oid(oid)) != 0)
        return rc;
    par->hdr = NULL;
    if (q < s.p + s.len && (rc = jti_der_next(&q, s.p + s.len, par)) != 0)
        return rc;
    return jti_der_done(q, s.p + s.len);
}

/* One RelativeDistinguishedName: SET SIZE (1..MAX) OF {type, value}. */
static int
parse_rdn(const struct jti_der_tlv *set)
{
    struct jti_der_tlv atv, t;
    const uint8_t *p = set->p, *end = set->p + set->len, *q;
    int rc;

    if (p == end)
        return JT_ERR_DER_EMPTY;
    while (p < end) {
        if ((rc = jti_der_expect(&p, end, JTI_DER_SEQUENCE, &atv)) != 0)
            return rc;
        q = atv.p;
        if ((rc = jti_der_expect(&q, atv.p + atv.len, JTI_DER_OID, &t)) ||
            (rc = jti_der_oid(&t)) != 0 ||
            (rc = jti_der_next(&q, atv.p + atv.len, &t)) != 0 ||
            (rc = jti_der_done(q, atv.p + atv.len)) != 0)
            return rc;
    }
    return 0;
}

/* Name: SEQUENCE OF RDN; |out| gets the whole element. */
static int
parse_name(const uint8_t **p, const uint8_t *end, struct jt_span *out)
{
    struct jti_der_tlv n, rdn;
    const uint8_t *q;
    int rc = jti_der_expect(p, end, JTI_DER_SEQUENCE, &n);

    if (rc != 0)
        return rc;
    for (q = n.p; q < n.p + n.len;)
        if ((rc = jti_der_expect(&q, n.p + n.len, JTI_DER_SET, &rdn)) != 0 ||
            (rc = parse_rdn(&rdn)) != 0)
            return rc;
    *out = jti_der_span(&n);
    return 0;
}

/* Validity { notBefore Time, notAfter Time }. */
static int
parse_validity(struct jt_der_cert *c, const uint8_t **p, const uint8_t *end)
{
    struct jti_der_tlv v, t;
    const uint8_t *q;
    int rc = jti_der_expect(p, end, JTI_DER_SEQUENCE, &v);

    if (rc != 0)
        return rc;
    q = v.p;
    if ((rc = jti_der_next(&q, v.p + v.len, &t)) != 0 ||
        (rc = jti_der_time(&t, &c->not_before)) != 0 ||
        (rc = jti_der_next(&q, v.p + v.len, &t)) != 0 ||
        (rc = jti_der_time(&t, &c->not_after)) != 0)
        return rc;
    return jti_der_done(q, v.p + v.len);
}

/* The key algorithm and, for EC keys, the named curve. */
static void
key_type(struct jt_der_cert *c, const struct jti_der_tlv *oid,
         const struct jti_der_tlv *par)
{
    if (jti_der_eq(oid, oid_rsa, sizeof(oid_rsa))) {
        c->pk = JT_DER_PK_RSA;
        return;
    }
    if (!jti_der_eq(oid, oid_ec, sizeof(oid_ec)))
        return;
    c->pk = JT_DER_PK_EC;
    c->curve = JT_DER_CURVE_OTHER;
    if (par->hdr == NULL || par->tag != JTI_DER_OID)
        return;
    if (jti_der_eq(par, oid_p256, sizeof(oid_p256)))
        c->curve = JT_DER_CURVE_P256;
    else if (jti_der_eq(par, oid_p384, sizeof(oid_p384)))
        c->curve = JT_DER_CURVE_P384;
    else if (jti_der_eq(par, oid_p521, sizeof(oid_p521)))
        c->curve = JT_DER_CURVE_P521;
}

/* SubjectPublicKeyInfo { algorithm, subjectPublicKey BIT STRING }. */
static int
parse_spki(struct jt_der_cert *c, const uint8_t **p, const uint8_t *end)
{
    struct jti_der_tlv s, oid, par, bs;
    const uint8_t *q;
    int rc = jti_der_expect(p, end, JTI_DER_SEQUENCE, &s);

    if (rc != 0)
        return rc;
    q = s.p;
    if ((rc = parse_alg(&q, s.p + s.len, &oid, &par)) != 0)
        return rc;
    if (par.hdr != NULL && par.tag == JTI_DER_OID &&
        (rc = jti_der_oid(&par)) != 0)
        return rc;
    key_type(c, &oid, &par);
    if ((rc = jti_der_expect(&q, s.p + s.len, JTI_DER_BIT_STRING, &bs)) ||
        (rc = jti_der_bitstring(&bs, &c->pubkey)) != 0)
        return rc;
    c->spki = jti_der_span(&s);
    return jti_der_done(q, s.p + s.len);
}

/* version [0] EXPLICIT INTEGER DEFAULT v1 (an explicit v1 is accepted). */
static int
parse_version(struct jt_der_cert *c, const uint8_t **p, const uint8_t *end)
{
    struct jti_der_tlv x, v;
    const uint8_t *q;
    int rc;

    c->version = 1;
    if (jti_der_peek(*p, end) != 0xA0)
        return 0;
    if ((rc = jti_der_next(p, end, &x)) != 0)
        return rc;
    q = x.p;
    if ((rc = jti_der_expect(&q, x.p + x.len, JTI_DER_INTEGER, &v)) != 0 ||
        (rc = jti_der_integer(&v, 8)) != 0 ||
        (rc = jti_der_done(q, x.p + x.len)) != 0)
        return rc;
    if (v.len != 1 || v.p[0] > 2)
        return JT_ERR_DER_BAD_VERSION;
    c->version = v.p[0] + 1;
    return 0;
}

/* The optional tail: [1] and [2] unique IDs (v2+), [3] extensions (v3). */
static int
parse_tbs_tail(struct jt_der_cert *c, const uint8_t *p, const uint8_t *end)
{
    struct jti_der_tlv t;
    struct jt_span bits;
    int rc;

    for (uint8_t tag = 0x81; tag <= 0x82; tag++) {
        if (jti_der_peek(p, end) != tag)
            continue;
        if (c->version < 2)
            return JT_ERR_DER_BAD_VERSION;
        if ((rc = jti_der_next(&p, end, &t)) != 0 ||
            (rc = jti_der_bitstring(&t, &bits)) != 0)
            return rc;
    }
    if (jti_der_peek(p, end) == 0xA3) {
        if (c->version < 3)
            return JT_ERR_DER_BAD_VERSION;
        if ((rc = jti_der_next(&p, end, &t)) != 0 ||
            (rc = parse_exts(c, &t)) != 0)
            return rc;
    }
    return jti_der_done(p, end);
}

/* TBSCertificate, the contents of |tbs|. */
static int
parse_tbs(struct jt_der_cert *c, const struct jti_der_tlv *tbs)
{
    struct jti_der_tlv serial, oid, par;
    const uint8_t *p = tbs->p, *end = tbs->p + tbs->len;
    int rc;

    if ((rc = parse_version(c, &p, end)) != 0 ||
        (rc = jti_der_expect(&p, end, JTI_DER_INTEGER, &serial)) != 0 ||
        (rc = jti_der_integer(&serial, SERIAL_MAX)) != 0 ||
        (rc = parse_alg(&p, end, &oid, &par)) != 0 ||
        (rc = parse_name(&p, end, &c->issuer)) != 0 ||
        (rc = parse_validity(c, &p, end)) != 0 ||
        (rc = parse_name(&p, end, &c->subject)) != 0 ||
        (rc = parse_spki(c, &p, end)) != 0)
        return rc;
    c->serial = jti_der_body(&serial);
    return parse_tbs_tail(c, p, end);
}

/* Certificate { tbsCertificate, signatureAlgorithm, signatureValue }. */
static int
parse_cert(struct jt_der_cert *c, const uint8_t *der, size_t len)
{
    struct jti_der_tlv cert, tbs, oid, par, sig;
    struct jt_span bits;
    const uint8_t *p = der, *end = der + len;
    int rc;

    if ((rc = jti_der_expect(&p, end, JTI_DER_SEQUENCE, &cert)) != 0 ||
        (rc = jti_der_done(p, end)) != 0)
        return rc;
    c->raw = jti_der_span(&cert);
    p = cert.p;
    end = cert.p + cert.len;
    if ((rc = jti_der_expect(&p, end, JTI_DER_SEQUENCE, &tbs)) != 0 ||
        (rc = parse_tbs(c, &tbs)) != 0 ||
        (rc = parse_alg(&p, end, &oid, &par)) != 0 ||
        (rc = jti_der_expect(&p, end, JTI_DER_BIT_STRING, &sig)) != 0 ||
        (rc = jti_der_bitstring(&sig, &bits)) != 0)
        return rc;
    c->tbs = jti_der_span(&tbs);
    if (c->issuer.len == c->subject.len &&
        memcmp(c->issuer.p, c->subject.p, c->issuer.len) == 0)
        c->flags |= JT_DER_SELF_ISSUED;
    return jti_der_done(p, end);
}

int
jt_der_cert_parse(struct jt_der_cert *cert, const uint8_t *der, size_t len)
{
    int rc;

    if (cert == NULL || der == NULL)
        return JT_ERR_INVAL;
    memset(cert, 0, sizeof(*cert));
    cert->pathlen = -1;
    rc = parse_cert(cert, der, len);
    if (rc != 0) {
        memset(cert, 0, sizeof(*cert));
        cert->pathlen = -1;
    }
    return rc;
}

/* Read the next GeneralName of [p + it->off, p + len) into |t|. */
static int
iter_next(const struct jt_span *s, struct jt_der_iter *it,
          struct jti_der_tlv *t)
{
    const uint8_t *p, *end;
    int rc;

    if (it->off > s->len)
        return JT_ERR_INVAL;
    if (it->off == s->len)
        return 0;
    p = s->p + it->off;
    end = s->p + s->len;
    if ((rc = jti_der_next(&p, end, t)) != 0)
        return rc;
    it->off = (size_t)(p - s->p);
    return 1;
}

int
jt_der_san_next(const struct jt_der_cert *cert, struct jt_der_iter *it,
                enum jt_der_gn *kind, struct jt_span *value)
{
    struct jti_der_tlv t;
    int rc;

    if (cert == NULL || it == NULL || kind == NULL || value == NULL)
        return JT_ERR_INVAL;
    while ((rc = iter_next(&cert->san, it, &t)) == 1) {
        if (t.tag == (GN_DNS | JTI_DER_CONSTRUCTED) ||
            t.tag == (GN_IP | JTI_DER_CONSTRUCTED))
            return JT_ERR_DER_BAD_TAG;
        if (t.tag == GN_IP && t.len != 4 && t.len != 16)
            return JT_ERR_DER_BAD_EXT;
        if (t.tag != GN_DNS && t.tag != GN_IP)
            continue;
        *kind = t.tag == GN_DNS ? JT_DER_GN_DNS : JT_DER_GN_IP;
        *value = jti_der_body(&t);
        return 1;
    }
    return rc;
}

int
jt_der_aia_ca_issuers_next(const struct jt_der_cert *cert,
                           struct jt_der_iter *it, struct jt_span *uri)
{
    struct jti_der_tlv ad, oid, loc;
    const uint8_t *q;
    int rc;

    if (cert == NULL || it == NULL || uri == NULL)
        return JT_ERR_INVAL;
    while ((rc = iter_next(&cert->aia, it, &ad)) == 1) {
        q = ad.p;
        if ((rc = jti_der_expect(&q, ad.p + ad.len, JTI_DER_OID, &oid)) ||
            (rc = jti_der_next(&q, ad.p + ad.len, &loc)) != 0)
            return rc;
        if (!jti_der_eq(&oid, oid_ca_issuers, sizeof(oid_ca_issuers)) ||
            loc.tag != GN_URI)
            continue;
        *uri = jti_der_body(&loc);
        return 1;
    }
    return rc;
}
