/* SPDX-License-Identifier: MIT */
/*
 * net: JIT flow internals shared by source.c, jit.c (flow, context),
 * jit-verify.c (post-verification) and jit-caset.c (parsed CA sets).
 * Not installed.
 */
#ifndef JITTRUST_NET_JIT_INT_H
#define JITTRUST_NET_JIT_INT_H

#include <mbedtls/x509_crt.h>

#include "jittrust/cache.h"
#include "jittrust/jit.h"
#include "jittrust/key.h"
#include "jittrust/trace.h"
#include "jittrust/trust.h"

/* Most source metadata records one verification remembers: one per
 * distinct accepted answer cert (jt_trust keeps at most this many). */
#define JTI_META_MAX JT_TRUST_DEFAULT_MAX_ANSWERS

/* Host entries hold one key: that of the anchor that verified. */
#define JTI_WARM_KEYS 1u

/* What a source said about an answer cert, found again by its hash. */
struct jti_meta {
    uint8_t sha[32];
    int64_t not_after, distrust_after;
};

/* A parsed CA set: the anchors of one verification that passed, filed
 * under the lookup key of the anchor that verified (the lws "JIT vhost").
 * Reference-counted by the connections using it; freed |grace| ms after
 * its last user let go, on a flush, or when the context goes. */
struct jti_caset {
    struct jt_key key;
    mbedtls_x509_crt crt;
    struct jti_meta meta[JT_TRUST_MAX_ANCHORS];
    size_t nmeta;
    size_t ncerts;
    uint32_t refs;
    uint32_t gen; /* the context generation it was made under */
    int retired;  /* a newer set for the key replaced it: never handed out */
    uint64_t idle_since;
};

struct jti_slot {
    uint32_t gen;
    struct jt_jit *owner; /* NULL: free */
};

struct jt_jit_ctx {
    struct jt_jit_ctx_opts o;
    struct jt_source src[JT_JIT_MAX_SOURCES];
    size_t nsrc;
    struct jt_cache *hosts, *neg;
    struct jti_slot slots[JT_JIT_SLOTS];
    struct jti_caset *sets[JT_JIT_MAX_CASETS];
    size_t nsets;
    uint64_t sweep_id; /* the idle-grace timer, when armed */
    int sweep_armed;
    struct jti_session *sessions[JT_JIT_MAX_SESSIONS];
    size_t nsessions;
    uint32_t gen;
    struct jt_jit_stats stats;
};

struct jt_jit {
    struct jt_jit_ctx *ctx;
    struct jt_tls *tls;
    struct jt_host host;
    uint16_t port;
    struct jt_trust *trust;
    size_t key, src; /* next query: key index, source index */
    uint32_t slot;
    int waiting, in_run, started, result, caset_done;
    jt_jit_done_fn done;
    void *ud;
    struct jti_meta *meta; /* allocated as answers come, up to the max */
    size_t nmeta, meta_cap, queries, parsed;
    int meta_lost; /* a kept cert's dates could not be recorded */
    uint32_t gen;  /* the context generation when the verify began */
    uint32_t flags;
    int mbed_err;
    int warm; /* JT_JIT_COLD, _WARM or _WARM_DROPPED */
    struct jt_key warm_keys[JTI_WARM_KEYS];
    size_t nwarm;
    struct jt_key anchor_key; /* the verifying anchor's key, once passed */
    struct jti_caset *set;    /* the CA set held, once verified */
    int untrusted_top;        /* sent cert where a path stopped chaining, +1 */
    uint64_t t_start, t_ask;  /* loop clock: verify start, last ask */
    char msg[JT_JIT_MSG_MAX];
};

/*
 * jti_cert_key() - the key of type |type| (enum jt_key_type) of CA |c|
 * into |k|: SKID (its SKID, else its computed key id), COMPUTED,
 * ISSUER_SERIAL or SUBJECT. Returns 0, JT_ERR_INVAL (unknown type) or an
 * error of the jt_key_* function used.
 */
int jti_cert_key(struct jt_key *k, int type, const struct jt_der_cert *c);

/* jti_jit_index_check() - the authenticated-index hook of jt_trust over
 * the context's index blob (|ud|): 1 when |sha256| is an entry of
 * |asked|. */
int jti_jit_index_check(void *ud, const struct jt_key *asked,
                        const uint8_t sha256[32]);

/*
 * jti_meta_room() - room for |want| records in j->meta (grown in steps
 * up to JTI_META_MAX; the heap of a typical verification stays small).
 * Returns 0, or JT_ERR_NOSPC / JT_ERR_NOMEM (the caller fails closed).
 */
int jti_meta_room(struct jt_jit *j, size_t want);

/* jti_jit_trace() - fill the host, port and clock of |ev| and report it
 * through the context's trace function, if any. */
void jti_jit_trace(const struct jt_jit *j, struct jt_trace_event *ev);

/*
 * jti_post_verify() - step 5: every candidate path of |j| against the
 * parsed anchors |ca| (metadata in j->meta), with the whole checklist.
 * Returns 0 (passed; j->anchor_key is the verifying anchor's lookup key
 * and *|top| the anchor) or the most specific JT_ERR_JIT_* failure.
 */
int jti_post_verify(struct jt_jit *j, mbedtls_x509_crt *ca,
                    const mbedtls_x509_crt **top);

/* ---- TLS sessions (jit-session.c) ---- */

struct jti_session;

/* jti_session_store() - after a verification passed: save the session of
 * j->tls with the peer chain it was verified on (best effort). */
void jti_session_store(struct jt_jit *j, const struct jt_span *chain, size_t n);

/* jti_session_drop() - forget the session of (|h|, |port|), if any. */
void jti_session_drop(struct jt_jit_ctx *c, const struct jt_host *h,
                      uint16_t port);

/*
 * jti_session_chain() - a resumed handshake: the chain saved with the
 * session j->tls offered (kept by the connection, so it lives as long),
 * spanned in |out|. Returns 0 or JT_ERR_NOT_FOUND.
 */
int jti_session_chain(struct jt_jit *j, struct jt_span *out, size_t cap,
                      size_t *n);

/* jti_session_free_all() - context teardown. */
void jti_session_free_all(struct jt_jit_ctx *c);

/* ---- parsed CA sets (jit-caset.c) ---- */

/* A held set for |key| made under the current generation, or NULL. */
struct jti_caset *jti_caset_get(struct jt_jit_ctx *c, const struct jt_key *k);

/*
 * jti_caset_adopt() - file the parsed anchors |*ca| (moved: |*ca| is
 * re-initialised on success) under |key| with the metadata of |j|, held
 * once. Returns the set, or NULL (no room: every set is in use, or out
 * of memory; |*ca| is untouched).
 */
struct jti_caset *jti_caset_adopt(struct jt_jit_ctx *c, const struct jt_key *k,
                                  mbedtls_x509_crt *ca, size_t ncerts,
                                  const struct jt_jit *j);

/* jti_caset_release() - let go of |s|; idle sets live |grace| ms more. */
void jti_caset_release(struct jt_jit_ctx *c, struct jti_caset *s);

/* jti_caset_flush() - free idle sets; sets in use go when released. */
void jti_caset_flush(struct jt_jit_ctx *c);

/* jti_caset_free_all() - free every set (context teardown). */
void jti_caset_free_all(struct jt_jit_ctx *c);

#endif /* JITTRUST_NET_JIT_INT_H */
