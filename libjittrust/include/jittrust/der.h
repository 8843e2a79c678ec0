/* SPDX-License-Identifier: MIT */
/*
 * der: what JIT trust needs from one X.509 certificate, read straight from
 * its DER without allocating (core layer).
 *
 * mbedTLS 2.28 parses neither the Subject nor the Authority Key Identifier,
 * nor iPAddress SANs; this walker does, with strict DER: definite lengths in
 * minimal form, every step bounded by the end of its enclosing element, and
 * a "consumed exactly" check at every level. Every malformation has its own
 * JT_ERR_DER_* code. All spans borrow the caller's buffer, which must
 * outlive the struct jt_der_cert.
 */
#ifndef JITTRUST_DER_H
#define JITTRUST_DER_H

#include <stddef.h>
#include <stdint.h>

#include "jittrust/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes borrowed from a caller buffer; len 0 (and p NULL) when absent. */
struct jt_span {
    const uint8_t *p;
    size_t len;
};

/* Longest key identifier accepted (SKID, AKID keyIdentifier). */
#define JT_DER_KEYID_MAX 64

/* jt_der_cert.flags */
#define JT_DER_HAS_SKID 0x0001u     /* subjectKeyIdentifier present */
#define JT_DER_HAS_AKID 0x0002u     /* authorityKeyIdentifier present */
#define JT_DER_HAS_BC 0x0004u       /* basicConstraints present */
#define JT_DER_IS_CA 0x0008u        /* basicConstraints cA TRUE */
#define JT_DER_HAS_KU 0x0010u       /* keyUsage present */
#define JT_DER_HAS_EKU 0x0020u      /* extKeyUsage present */
#define JT_DER_EKU_SERVER 0x0040u   /* EKU lists serverAuth */
#define JT_DER_EKU_ANY 0x0080u      /* EKU lists anyExtendedKeyUsage */
#define JT_DER_HAS_SAN 0x0100u      /* subjectAltName present */
#define JT_DER_HAS_NC 0x0200u       /* nameConstraints present */
#define JT_DER_SELF_ISSUED 0x0400u  /* issuer Name DER == subject Name DER */
#define JT_DER_HAS_AIA 0x0800u      /* authorityInfoAccess present */
#define JT_DER_UNKNOWN_CRIT 0x1000u /* a critical extension we do not read */

/* keyUsage bits (RFC 5280 4.2.1.3 bit n is 1u << n). */
#define JT_DER_KU_DIGITAL_SIGNATURE (1u << 0)
#define JT_DER_KU_KEY_ENCIPHERMENT (1u << 2)
#define JT_DER_KU_KEY_AGREEMENT (1u << 4)
#define JT_DER_KU_KEY_CERT_SIGN (1u << 5)
#define JT_DER_KU_CRL_SIGN (1u << 6)

/* Public key algorithm of the SubjectPublicKeyInfo. */
enum jt_der_pk {
    JT_DER_PK_OTHER = 0,
    JT_DER_PK_RSA = 1,
    JT_DER_PK_EC = 2, /* id-ecPublicKey; the curve is in ec_curve */
};

/* Named curves of an EC key (others are JT_DER_CURVE_OTHER). */
enum jt_der_curve {
    JT_DER_CURVE_NONE = 0,
    JT_DER_CURVE_OTHER = 1,
    JT_DER_CURVE_P256 = 2,
    JT_DER_CURVE_P384 = 3,
    JT_DER_CURVE_P521 = 4,
};

/*
 * The parts of one certificate. Name and SPKI spans are whole DER elements
 * (tag and length included), so they can be hashed or compared byte for
 * byte; the others are element contents, as noted.
 */
struct jt_der_cert {
    struct jt_span raw;         /* the whole Certificate element */
    struct jt_span tbs;         /* TBSCertificate element (signed bytes) */
    struct jt_span serial;      /* serialNumber INTEGER contents */
    struct jt_span issuer;      /* issuer Name element */
    struct jt_span subject;     /* subject Name element */
    struct jt_span spki;        /* SubjectPublicKeyInfo element */
    struct jt_span pubkey;      /* subjectPublicKey BIT STRING contents,
                                   after the unused-bits octet (the input of
                                   RFC 5280 key id method 1) */
    struct jt_span skid;        /* SKID keyIdentifier contents */
    struct jt_span akid;        /* AKID keyIdentifier contents */
    struct jt_span akid_issuer; /* AKID authorityCertIssuer: the contents of
                                  its [1] GeneralNames (names the issuing
                                  CA's own issuer) */
    struct jt_span akid_serial; /* AKID authorityCertSerialNumber contents
                                  (the issuing CA's serial) */
    struct jt_span san;         /* subjectAltName GeneralNames contents */
    struct jt_span aia;         /* authorityInfoAccess SEQUENCE contents */
    int64_t not_before;         /* seconds since 1970-01-01T00:00:00Z */
    int64_t not_after;
    unsigned flags;     /* JT_DER_* flags above */
    unsigned key_usage; /* JT_DER_KU_* bits, when JT_DER_HAS_KU */
    int pathlen;        /* basicConstraints pathLen, -1 if absent */
    int version;        /* 1, 2 or 3 */
    enum jt_der_pk pk;
    enum jt_der_curve curve;
};

/*
 * jt_der_cert_parse() - read one DER certificate.
 *
 * |der|/|len| must hold exactly one Certificate (trailing bytes are an
 * error). On success fills |cert| with spans into |der| (which must outlive
 * it) and returns 0. Does not check the signature or any date. On error
 * |cert| is zeroed (pathlen -1).
 *
 * Returns 0, JT_ERR_INVAL (NULL argument), or a JT_ERR_DER_* code:
 * TRUNCATED, TRAILING, BAD_TAG, BAD_LENGTH (overlong, non-minimal or
 * indefinite length), TAG_NUMBER (high tag number form), BAD_VERSION
 * (also: unique IDs in v1, extensions before v3), BAD_TIME, BAD_BOOLEAN,
 * BAD_INTEGER (also a serial over 64 bytes), BAD_BITSTRING, BAD_OID,
 * DUP_EXT (an extension we read appears twice; duplicates of others are
 * not looked for), KEYID_TOO_LONG (> JT_DER_KEYID_MAX), BAD_EXT (an
 * extension we read whose contents are semantically wrong: negative or
 * huge pathLen, AKID issuer without serial or the reverse), EMPTY (a
 * required element with no contents: an empty SKID or AKID keyIdentifier,
 * an empty extensions, EKU, SAN, AIA, GeneralNames or RDN).
 *
 * Leniencies, as mbedTLS: an explicit version v1, an explicit FALSE for
 * critical and cA, and a negative serial are accepted. The two signature
 * AlgorithmIdentifiers are not compared (mbedTLS does when it verifies).
 */
JT_API int jt_der_cert_parse(struct jt_der_cert *cert, const uint8_t *der,
                             size_t len);

/* GeneralName kinds returned by jt_der_san_next(). */
enum jt_der_gn {
    JT_DER_GN_DNS = 2, /* dNSName, IA5String contents */
    JT_DER_GN_IP = 7,  /* iPAddress: 4 or 16 octets */
    JT_DER_GN_URI = 6, /* uniformResourceIdentifier */
};

/* Iterator over GeneralNames / AccessDescriptions; zero it to start. */
struct jt_der_iter {
    size_t off;
};

/*
 * jt_der_san_next() - the next dNSName or iPAddress SAN of |cert|.
 *
 * Skips other GeneralName kinds. Returns 1 with |*kind| and |*value| set,
 * 0 at the end, JT_ERR_INVAL (NULL argument, or |it| past the end), or
 * JT_ERR_DER_* when the SAN extension is malformed (the extension was only
 * checked for its outer shape by jt_der_cert_parse): BAD_TAG (a
 * constructed dNSName or iPAddress), BAD_EXT (an iPAddress not of 4 or 16
 * octets).
 */
JT_API int jt_der_san_next(const struct jt_der_cert *cert,
                           struct jt_der_iter *it, enum jt_der_gn *kind,
                           struct jt_span *value);

/*
 * jt_der_aia_ca_issuers_next() - the next AIA caIssuers URI of |cert|.
 *
 * Skips other access methods and caIssuers locations that are not URIs.
 * Returns 1 with |*uri| set, 0 at the end, JT_ERR_INVAL (NULL argument, or
 * |it| past the end), or a JT_ERR_DER_* code.
 */
JT_API int jt_der_aia_ca_issuers_next(const struct jt_der_cert *cert,
                                      struct jt_der_iter *it,
                                      struct jt_span *uri);

#ifdef __cplusplus
}
#endif

#endif /* JITTRUST_DER_H */
