/* SPDX-License-Identifier: MIT */
/*
 * trust: the JIT trust decision state machine (core layer), steps 2-4 of
 * "The JIT trust flow" in ARCHITECTURE.md.
 *
 * Feed it the certificates a server sent, in the order it sent them
 * (jt_trust_add_cert), let it find the candidate paths and the keys to look
 * up (jt_trust_build), hand it what each trust source answered for each key
 * (jt_trust_answer), and read back at most 3 candidate trust anchors
 * (jt_trust_anchors). It never decides trust: signatures, dates, names and
 * usages are checked afterwards in net with mbedTLS, on each candidate path
 * against the anchors.
 *
 * Security rules this object enforces:
 *  - cert 0 is the leaf (its key signed the key exchange); every candidate
 *    path starts at cert 0, and a cert 0 that is a CA is refused;
 *  - a sent certificate is only ever an untrusted path candidate: an anchor
 *    is always a copy of DER that a trust source returned and that passed
 *    the answer checks (single DER cert <= 64 KB, carries the asked key,
 *    is a CA, keyCertSign when keyUsage is present, and in the
 *    authenticated index when one is configured);
 *  - everything is capped at create time; hitting a cap is an error with
 *    its own code, never a silent truncation.
 *
 * Lifecycle: create -> add_cert* -> build -> answer* -> anchors, then
 * reset for the next connection or destroy. A failing add_cert or build is
 * sticky: every later add_cert, build or answer returns JT_ERR_STATE until
 * jt_trust_reset(). Single-threaded.
 */
#ifndef JITTRUST_TRUST_H
#define JITTRUST_TRUST_H

#include <stddef.h>
#include <stdint.h>

#include "jittrust/alloc.h"
#include "jittrust/der.h"
#include "jittrust/export.h"
#include "jittrust/key.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Defaults of struct jt_trust_opts (used when a field is 0). */
#define JT_TRUST_DEFAULT_MAX_CERTS 8
#define JT_TRUST_DEFAULT_MAX_PATHS 8
#define JT_TRUST_DEFAULT_MAX_PER_KEY 3
#define JT_TRUST_DEFAULT_MAX_ANSWERS 16
/* Largest value accepted for any of the caps above. */
#define JT_TRUST_CAP_LIMIT 256
/* At most this many anchors are handed out. */
#define JT_TRUST_MAX_ANCHORS 3
/* Largest answer certificate accepted, in bytes (64 KB). */
#define JT_TRUST_ANSWER_MAX 65536

/*
 * Authenticated index check: return 1 when |sha256| (of an answer cert's
 * DER) is an index entry for |asked|, anything else to reject it.
 */
typedef int (*jt_trust_index_fn)(void *ud, const struct jt_key *asked,
                                 const uint8_t sha256[32]);

struct jt_trust_opts {
    size_t max_certs;   /* stash cap (certs the server sent), default 8 */
    size_t max_paths;   /* candidate path cap, default 8 */
    size_t max_per_key; /* answer certs stored per key, default 3 */
    size_t max_answers; /* answer certs stored overall, default 16 */
    /* Required, both ops: copied at create, |hash->ud| must outlive t. */
    const struct jt_hash_ops *hash;
    /* Optional authenticated index: when set, an answer cert is accepted
       only if index_check(index_ud, asked key, SHA-256 of its DER) == 1. */
    jt_trust_index_fn index_check;
    void *index_ud;
};

struct jt_trust;

/*
 * jt_trust_create() - a new, empty trust decision.
 *
 * |opts| is read during the call (zero caps take the defaults); |a| (NULL =
 * libc) must outlive the object. All fixed-size state is allocated here;
 * only accepted answer copies are allocated later.
 *
 * Returns 0 with |*t| set, JT_ERR_INVAL (NULL |t|, |opts|, |opts->hash| or
 * one of its ops, or a cap over JT_TRUST_CAP_LIMIT) or JT_ERR_NOMEM
 * (|*t| is then NULL).
 */
JT_API int jt_trust_create(struct jt_trust **t,
                           const struct jt_trust_opts *opts,
                           const struct jt_alloc *a);

/*
 * jt_trust_release_answers() - free the answer copies once the caller has
 * what it needs of them (e.g. the anchors are parsed): the spans of
 * jt_trust_anchors() die, and it gives none after this. Certificates,
 * paths, keys and which keys were answered stay. NULL-safe.
 */
JT_API void jt_trust_release_answers(struct jt_trust *t);

/* jt_trust_destroy() - free |t| and its answer copies. NULL-safe. */
JT_API void jt_trust_destroy(struct jt_trust *t);

/*
 * jt_trust_reset() - forget the certificates, paths, keys and answers (the
 * answer copies are freed), ready for the next connection; the options
 * stay. NULL-safe. Cannot fail.
 */
JT_API void jt_trust_reset(struct jt_trust *t);

/*
 * jt_trust_add_cert() - stash the next certificate the server sent.
 *
 * Call in the order the server sent them: index 0 is the leaf, whose key
 * signed the key exchange. BORROWED: |der| must stay valid and unchanged
 * until jt_trust_reset() or jt_trust_destroy(). An exact duplicate of an
 * earlier certificate is kept (indices follow the server's order) but never
 * used as a path candidate.
 *
 * Returns 0, JT_ERR_INVAL (NULL |t| or |der|), JT_ERR_STATE (after build,
 * or after an earlier failure), JT_ERR_TRUST_TOO_MANY_CERTS (already
 * max_certs certificates) or the JT_ERR_DER_* code of jt_der_cert_parse().
 * On the last two the failure is sticky and jt_trust_failed_index() names
 * the certificate.
 */
JT_API int jt_trust_add_cert(struct jt_trust *t, const uint8_t *der,
                             size_t len);

/*
 * jt_trust_build() - find the candidate paths and the keys to look up.
 *
 * Paths: each starts at cert 0; the issuer candidates of cert c are the
 * other, non-duplicate sent certs whose subject Name DER equals c's issuer
 * Name DER and, when c has an AKID keyIdentifier and the candidate an SKID,
 * whose SKID equals it. A self-issued cert (issuer == subject and AKID
 * absent or equal to its own SKID) ends a path; so does a cert without a
 * sent issuer. Every maximal simple path is a candidate (possibly just
 * [0]), in depth-first order, issuers tried in the order they were sent.
 *
 * Keys, walking the paths from the leaf upward (by depth, then path
 * index), de-duplicated in first-seen order: for a non-leaf cert its own
 * key (JT_KEY_SKID from its SKID, else JT_KEY_COMPUTED), then for every
 * cert the key of its issuer (AKID keyIdentifier as JT_KEY_SKID, else AKID
 * issuer+serial as JT_KEY_ISSUER_SERIAL, else its issuer Name as
 * JT_KEY_SUBJECT). A self-issued cert that ends a path above the leaf is
 * its own issuer, so only its own key is asked.
 *
 * Returns 0; JT_ERR_INVAL (NULL |t|); JT_ERR_STATE (already built, or after
 * a failure); or, sticky with jt_trust_failed_index() set:
 * JT_ERR_TRUST_NO_CERTS (nothing added), JT_ERR_TRUST_LEAF_IS_CA (cert 0
 * has basicConstraints cA TRUE; index 0), JT_ERR_TRUST_CYCLE (distinct
 * certs issue each other; index of the cert met again),
 * JT_ERR_TRUST_TOO_MANY_PATHS (over max_paths; index of the cert ending the
 * extra path), or an error of the key functions for the cert whose key it
 * is (JT_ERR_TRUST_HASH, JT_ERR_TRUST_KEY_TOO_LONG, a JT_ERR_DER_* code of a
 * malformed AKID authorityCertIssuer).
 */
JT_API int jt_trust_build(struct jt_trust *t);

/*
 * jt_trust_failed_index() - the index of the certificate that made
 * add_cert or build fail, or -1 when nothing failed (or |t| is NULL).
 */
JT_API int jt_trust_failed_index(const struct jt_trust *t);

/* Number of certificates added (0 for NULL). */
JT_API size_t jt_trust_cert_count(const struct jt_trust *t);

/*
 * jt_trust_cert() - the parsed sent certificate |i| (spans into the
 * borrowed DER), or NULL when |i| is out of range or |t| is NULL.
 */
JT_API const struct jt_der_cert *jt_trust_cert(const struct jt_trust *t,
                                               size_t i);

/* Number of candidate paths; 0 until a successful build. */
JT_API size_t jt_trust_path_count(const struct jt_trust *t);

/*
 * jt_trust_path() - candidate path |i|: |*idx| gets |*len| indices into
 * the sent certificates, from the leaf upward (idx[0] == 0 always). The
 * array lives until reset/destroy.
 *
 * Returns 0 or JT_ERR_INVAL (NULL argument, |i| out of range).
 */
JT_API int jt_trust_path(const struct jt_trust *t, size_t i, const size_t **idx,
                         size_t *len);

/* Number of keys to look up; 0 until a successful build. */
JT_API size_t jt_trust_key_count(const struct jt_trust *t);

/*
 * jt_trust_key() - key |i| in leaf-upward order, or NULL when |i| is out of
 * range or |t| is NULL. Lives until reset/destroy.
 */
JT_API const struct jt_key *jt_trust_key(const struct jt_trust *t, size_t i);

/*
 * jt_trust_key_answered() - 1 when key |i| has been answered, 0 when it is
 * pending, JT_ERR_INVAL when |t| is NULL or |i| is out of range.
 */
JT_API int jt_trust_key_answered(const struct jt_trust *t, size_t i);

/* Number of keys not answered yet (0 for NULL or before build). */
JT_API size_t jt_trust_pending(const struct jt_trust *t);

/*
 * jt_trust_answer() - what a trust source returned for key |key_index|.
 *
 * Exactly one answer per key, with zero or more DER certificates |certs|
 * (|n| entries; |certs| may be NULL when |n| is 0). The bytes are only
 * read during the call: accepted certificates are COPIED through the
 * allocator; an exact duplicate (same DER, from this or any other answer)
 * is stored once, under the earliest key that named it.
 *
 * Each certificate is accepted only if, in this order: its span is
 * non-NULL (else JT_ERR_INVAL); it is at most JT_TRUST_ANSWER_MAX bytes
 * (JT_ERR_TRUST_ANSWER_TOO_BIG); it is exactly one DER certificate (the
 * JT_ERR_DER_* code of jt_der_cert_parse, e.g. JT_ERR_DER_TRAILING); its
 * key of the asked type equals the asked key (SKID: its SKID, or its
 * computed key when it has no SKID; COMPUTED: its computed key;
 * ISSUER_SERIAL: SHA-256(issuer) || serial; SUBJECT: SHA-256(subject)),
 * else JT_ERR_TRUST_ANSWER_KEY_MISMATCH (or JT_ERR_TRUST_KEY_TOO_LONG /
 * JT_ERR_TRUST_HASH when that key cannot be made); it is a CA
 * (JT_ERR_TRUST_ANSWER_NOT_CA); keyCertSign is set when it has keyUsage
 * (JT_ERR_TRUST_ANSWER_NO_CERTSIGN); with an index configured, its SHA-256
 * passes index_check (JT_ERR_TRUST_ANSWER_NOT_INDEXED, or
 * JT_ERR_TRUST_HASH). An accepted certificate beyond max_per_key new
 * copies for this key, or max_answers overall, is JT_ERR_NOSPC and not
 * stored. |results| (optional, |n| entries) gets 0 or that code per cert.
 *
 * Returns the number of certificates accepted (>= 0, duplicates included,
 * NOSPC ones not) and marks the key answered; or JT_ERR_INVAL (NULL |t|,
 * |certs| NULL with |n| > 0, |key_index| out of range), JT_ERR_STATE (not
 * built, or after a failure), JT_ERR_TRUST_ANSWERED (key already
 * answered), JT_ERR_NOMEM (nothing of this answer was kept and the key
 * stays pending).
 */
JT_API int jt_trust_answer(struct jt_trust *t, size_t key_index,
                           const struct jt_span *certs, size_t n, int *results);

/*
 * jt_trust_anchors() - the candidate trust anchors found so far.
 *
 * Fills |out| with up to min(|cap|, JT_TRUST_MAX_ANCHORS) distinct answer
 * certificates in leaf-path order: by key order, then in the order they
 * were answered, so an unrelated answer cannot crowd out the right CA.
 * The spans point into the object's copies and live until reset/destroy.
 * This is not a trust decision; net verifies each path against them.
 *
 * Returns the number filled (0 when none, or for NULL |t|), or
 * JT_ERR_INVAL (|out| NULL with |cap| > 0).
 */
JT_API int jt_trust_anchors(const struct jt_trust *t, struct jt_span *out,
                            size_t cap);

#ifdef __cplusplus
}
#endif

#endif /* JITTRUST_TRUST_H */
