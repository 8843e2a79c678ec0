/* SPDX-License-Identifier: MIT */
/*
 * key: the lookup keys of JIT trust, and the hash ops core borrows to make
 * them (core layer; core cannot hash, so SHA-1/SHA-256 come in as ops).
 *
 * A key names a CA. Four types, as ARCHITECTURE.md fixes them:
 *   SKID           the CA's subjectKeyIdentifier bytes; asked for with a
 *                  child's AKID keyIdentifier or a sent CA's own SKID.
 *   COMPUTED       RFC 5280 4.2.1.2 method 1: SHA-1 of the CA's
 *                  subjectPublicKey bits, for CAs without an SKID extension.
 *                  A source asked for a SKID key also matches COMPUTED
 *                  entries with the same bytes.
 *   ISSUER_SERIAL  SHA-256(issuer Name DER) || serial contents of the CA;
 *                  asked for with a child's AKID authorityCertIssuer +
 *                  authorityCertSerialNumber.
 *   SUBJECT        SHA-256(subject Name DER) of the CA; asked for with the
 *                  child's issuer Name.
 */
#ifndef JITTRUST_KEY_H
#define JITTRUST_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "jittrust/der.h"
#include "jittrust/export.h"

#ifdef __cplusplus
extern "C" {
#endif

enum jt_key_type {
    JT_KEY_SKID = 1,
    JT_KEY_COMPUTED = 2,
    JT_KEY_ISSUER_SERIAL = 3,
    JT_KEY_SUBJECT = 4,
};

/* Longest key: 32 hash bytes + a 32-byte serial. */
#define JT_KEY_MAX 64

struct jt_key {
    uint8_t type; /* enum jt_key_type */
    uint8_t len;  /* 1..JT_KEY_MAX */
    uint8_t b[JT_KEY_MAX];
};

/*
 * Hash ops: each returns 0 on success, non-zero on failure (the caller maps
 * that to JT_ERR_TRUST_HASH). |ud| is passed back as is.
 */
struct jt_hash_ops {
    int (*sha1)(void *ud, const uint8_t *p, size_t len, uint8_t out[20]);
    int (*sha256)(void *ud, const uint8_t *p, size_t len, uint8_t out[32]);
    void *ud;
};

/*
 * Index side: the keys under which a CA is filed.
 *
 * jt_key_skid(): its SKID. JT_ERR_NOT_FOUND when it has none.
 * jt_key_computed(): SHA-1 of its subjectPublicKey bits.
 * jt_key_issuer_serial(): SHA-256(its issuer) || its serial.
 * jt_key_subject(): SHA-256(its subject).
 *
 * Returns 0, JT_ERR_INVAL (NULL argument, or a NULL op that is needed),
 * JT_ERR_NOT_FOUND, JT_ERR_TRUST_KEY_TOO_LONG (serial over 32 bytes) or
 * JT_ERR_TRUST_HASH (an op failed). On error |*k| is zeroed.
 */
JT_API int jt_key_skid(struct jt_key *k, const struct jt_der_cert *ca);
JT_API int jt_key_computed(struct jt_key *k, const struct jt_der_cert *ca,
                           const struct jt_hash_ops *h);
JT_API int jt_key_issuer_serial(struct jt_key *k, const struct jt_der_cert *ca,
                                const struct jt_hash_ops *h);
JT_API int jt_key_subject(struct jt_key *k, const struct jt_der_cert *ca,
                          const struct jt_hash_ops *h);

/*
 * Lookup side: the keys that name the issuer of |child|.
 *
 * jt_key_akid(): its AKID keyIdentifier, as a JT_KEY_SKID key.
 * jt_key_akid_issuer_serial(): from its AKID authorityCertIssuer
 *   (the directoryName inside) and authorityCertSerialNumber.
 * jt_key_issuer(): SHA-256(its issuer Name), as a JT_KEY_SUBJECT key.
 *
 * Same returns as above; JT_ERR_NOT_FOUND when |child| lacks the fields,
 * a JT_ERR_DER_* code when the AKID issuer GeneralNames is malformed.
 */
JT_API int jt_key_akid(struct jt_key *k, const struct jt_der_cert *child);
JT_API int jt_key_akid_issuer_serial(struct jt_key *k,
                                     const struct jt_der_cert *child,
                                     const struct jt_hash_ops *h);
JT_API int jt_key_issuer(struct jt_key *k, const struct jt_der_cert *child,
                         const struct jt_hash_ops *h);

/*
 * jt_key_cmp() - total order: type, then bytes (memcmp over the shorter
 * length), then length. Returns -1, 0 or 1. Neither may be NULL.
 */
JT_API int jt_key_cmp(const struct jt_key *a, const struct jt_key *b);

/*
 * jt_key_hex() - |k|'s bytes as upper-case hex into |buf| (NUL-terminated).
 * With |abbrev| non-zero and more than 8 bytes, prints the first and last
 * two bytes around an ellipsis ("5AEE…743B", UTF-8). Returns the string
 * length in bytes, JT_ERR_INVAL (NULL argument, len over JT_KEY_MAX), or
 * JT_ERR_NOSPC when |cap| is too small (buf then holds "" if cap > 0).
 */
JT_API int jt_key_hex(const struct jt_key *k, int abbrev, char *buf,
                      size_t cap);

/*
 * jt_key_type_name() - "skid", "computed", "issuer+serial", "subject", or
 * "unknown" for any other value. Static; never NULL.
 */
JT_API const char *jt_key_type_name(int type);

#ifdef __cplusplus
}
#endif

#endif /* JITTRUST_KEY_H */
