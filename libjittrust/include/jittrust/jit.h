/* SPDX-License-Identifier: MIT */
/*
 * The JIT trust connection flow (net): steps 2-5 of "The JIT trust flow"
 * in ARCHITECTURE.md, run on a jt_tls client connection whose VERIFY_NONE
 * handshake is done.
 *
 * jt_jit_verify() takes the peer chain (cert 0 is the leaf), builds the
 * candidate paths and keys (jt_trust), asks every key through the
 * context's sources in order (the first source with certificates answers
 * the key), then post-verifies each candidate path with mbedTLS against
 * the anchors (DER returned by sources only, never a sent cert) with the
 * normalised host, and runs the checklist: SAN required, leaf keyUsage
 * digitalSignature when present, serverAuth EKU on the leaf and on every
 * intermediate carrying an EKU, leaf key P-256/P-384 or RSA >= 2048,
 * anchor within its not-after, leaf notBefore not after the anchor's
 * distrust-after, iPAddress SAN match for IP literals. Pass: the library
 * marks the connection verified (nothing else can) and caches (host,
 * port, policy) -> the lookup key that found the verifying anchor (1 h).
 * Warm: with such an entry, the parsed CA set kept for that key (idle
 * grace, see jt_jit_ctx_opts) is tried first without asking any source;
 * without one only that key is asked; then the same post-verification
 * runs; if it fails, the entry is dropped and one cold attempt (every
 * key) follows on the same handshake (jt_jit_warm()). A verified
 * connection holds its CA set until jt_jit_destroy().
 * Per key, the sources are asked in order and the first one answering
 * with at least one certificate answers the key (later sources are not
 * asked, even if all its certificates fail the answer checks).
 * Fail: a fatal alert, a precise message
 * (jt_jit_message) and, for "no trusted CA" only, a negative-cache entry
 * (30 s) that makes the next attempt fail at once with
 * JT_ERR_JIT_NEGATIVE. mbedtls_ssl_get_verify_result() is never used.
 *
 * Single-threaded (the loop thread).
 */
#ifndef JITTRUST_JIT_H
#define JITTRUST_JIT_H

#include <stddef.h>
#include <stdint.h>

#include "jittrust/alloc.h"
#include "jittrust/blob.h"
#include "jittrust/export.h"
#include "jittrust/host.h"
#include "jittrust/loop.h"
#include "jittrust/source.h"
#include "jittrust/tls.h"
#include "jittrust/trace.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Most sources in a context. */
#define JT_JIT_MAX_SOURCES 8u
/* Query slots (queries in flight over all connections of a context). */
#define JT_JIT_SLOTS 64u
/* Longest message of jt_jit_message(), NUL included. */
#define JT_JIT_MSG_MAX 512u
/* Most parsed CA sets a context keeps. */
#define JT_JIT_MAX_CASETS 16u
/* Most TLS sessions a context keeps. */
#define JT_JIT_MAX_SESSIONS 16u

struct jt_jit_ctx_opts {
    struct jt_loop *loop;         /* required: clock and timers for the caches;
                                   * must outlive the context */
    const struct jt_alloc *alloc; /* NULL = libc; must outlive the ctx */
    /* Optional authenticated index (index-only or full blob, BORROWED):
     * an answer cert is accepted only when its SHA-256 is an entry of the
     * asked key. */
    const struct jt_blob *index;
    uint32_t policy;      /* trust-policy id in the cache keys */
    uint32_t host_ttl_ms; /* host -> SKIDs TTL; 0: 3600000 */
    uint32_t neg_ttl_ms;  /* negative TTL; 0: 30000 (at most 30000) */
    size_t cache_bytes;   /* footprint of each cache; 0: 16384 */
    /* Parsed CA sets: kept |caset_grace_ms| after their last user (0:
     * 5000; JT_JIT_GRACE_NONE: freed at once); at most |caset_max| (0: 4,
     * at most JT_JIT_MAX_CASETS). */
    uint32_t caset_grace_ms;
    size_t caset_max;
    /* TLS sessions saved after a verification passed: at most
     * |max_sessions| (0: 4; JT_JIT_NO_SESSIONS: none; at most
     * JT_JIT_MAX_SESSIONS), each for |session_ttl_ms| (0: 3600000). */
    size_t max_sessions;
    uint32_t session_ttl_ms;
    jt_trace_fn trace; /* may be NULL: every step as an event */
    void *trace_ud;
};

/* caset_grace_ms value: free a CA set as soon as its last user goes. */
#define JT_JIT_GRACE_NONE UINT32_MAX
/* max_sessions value: keep no TLS session. */
#define JT_JIT_NO_SESSIONS SIZE_MAX

/* Counters of a context (jt_jit_ctx_stats), for tests, traces, metrics. */
struct jt_jit_stats {
    uint64_t verified, failed; /* verifications ended */
    uint64_t warm, cold;       /* host-cache hits / misses */
    uint64_t queries;          /* keys asked of a source */
    uint64_t ca_parsed;        /* anchor certificates parsed */
    uint64_t caset_hits, caset_misses;
    uint64_t sessions_saved, sessions_resumed;
    size_t casets;      /* CA sets alive now (in use or idle) */
    size_t casets_idle; /* of which idle, waiting out the grace */
    uint32_t generation;
};

struct jt_jit_ctx;
struct jt_jit;

/*
 * jt_jit_ctx_create() - a context: sources, caches, query slots.
 * Returns 0, JT_ERR_INVAL, JT_ERR_NOMEM or a JT_ERR_CACHE_* code.
 */
JT_API int jt_jit_ctx_create(const struct jt_jit_ctx_opts *opts,
                             struct jt_jit_ctx **out);

/*
 * jt_jit_ctx_destroy() - destroy every source (its destroy op) and free.
 * Every jt_jit of the context must be destroyed first. NULL-safe.
 */
JT_API void jt_jit_ctx_destroy(struct jt_jit_ctx *ctx);

/*
 * jt_jit_ctx_add_source() - append |src| (copied). On success the
 * context owns it: jt_jit_ctx_destroy() calls its destroy op. Sources are
 * asked in the order added. Returns 0, JT_ERR_INVAL (NULL |ctx|, |src|,
 * name or query) or JT_ERR_NOSPC (over JT_JIT_MAX_SOURCES).
 */
JT_API int jt_jit_ctx_add_source(struct jt_jit_ctx *ctx,
                                 const struct jt_source *src);

/* jt_jit_ctx_stats() - copy the counters. Returns 0 or JT_ERR_INVAL. */
JT_API int jt_jit_ctx_stats(const struct jt_jit_ctx *ctx,
                            struct jt_jit_stats *out);

/*
 * jt_jit_ctx_flush() - a trust source changed: raise the generation, so
 * every cached decision (host -> key, negative entries, idle CA sets)
 * is dropped; sets still in use are freed when their users let go and
 * are never handed out again. Adding a source flushes too.
 * Returns 0, JT_ERR_INVAL (NULL) or JT_ERR_OVERFLOW.
 */
JT_API int jt_jit_ctx_flush(struct jt_jit_ctx *ctx);

/*
 * jt_jit_ctx_save() - the host -> anchor-key entries as text into |buf|
 * (|cap| bytes, NUL-terminated; |*used| the length without the NUL), so
 * a device or a tool can keep them across restarts. Format, one entry a
 * line after the header line "jittrust-host-cache 1":
 *   HOST PORT POLICY KEYTYPE HEX EXPIRES
 * KEYTYPE 1-4 (enum jt_key_type), HEX the key bytes, EXPIRES unix
 * seconds (wall clock: the loop clock is converted). A saved entry only
 * chooses which key is asked first: the verification still runs in full,
 * so a tampered file costs a cold attempt, never trust.
 * Returns 0, JT_ERR_INVAL or JT_ERR_NOSPC (|buf| too small: *|used| is
 * the size needed without the NUL).
 */
JT_API int jt_jit_ctx_save(struct jt_jit_ctx *ctx, char *buf, size_t cap,
                           size_t *used);

/*
 * jt_jit_ctx_load() - add the entries of a jt_jit_ctx_save() text (|len|
 * bytes, NUL not needed); expired entries are skipped. Call it after
 * adding the sources: adding a source flushes every cached entry. The whole
 * text is checked first: one bad line and nothing is loaded. Returns the number
 * of entries loaded (>= 0), JT_ERR_INVAL or JT_ERR_JIT_CACHE_FILE (|*bad_line|,
 * may be NULL, gets the 1-based line).
 */
JT_API int jt_jit_ctx_load(struct jt_jit_ctx *ctx, const char *buf, size_t len,
                           size_t *bad_line);

/*
 * jt_jit_session_offer() - before the handshake of |tls| to |host|:|port|,
 * offer the TLS session saved after an earlier verification of that
 * host (same port and policy, current generation), if any. A resumed
 * handshake (jt_tls_resumed) is verified again in full on the chain
 * saved with the session. jt_conn calls this itself.
 * Returns 1 (offered), 0 (none saved), JT_ERR_INVAL or JT_ERR_TLS_CONFIG
 * (the saved session was unusable and is forgotten).
 */
JT_API int jt_jit_session_offer(struct jt_jit_ctx *ctx, struct jt_tls *tls,
                                const struct jt_host *host, uint16_t port);

/*
 * jt_jit_ctx_is_warm() - 1 when a host -> key entry for (|host|, |port|)
 * is cached (a verification would start warm), else 0 (NULL args too).
 */
JT_API int jt_jit_ctx_is_warm(struct jt_jit_ctx *ctx,
                              const struct jt_host *host, uint16_t port);

/* Called once when a verification that returned JT_ERR_JIT_PENDING ends:
 * |err| is 0 (verified) or the failure. */
typedef void (*jt_jit_done_fn)(struct jt_jit *j, int err, void *ud);

/*
 * jt_jit_create() - a verifier for one connection. |tls| (BORROWED,
 * outlives |j|) must be a client whose handshake is done; |host| (copied)
 * is the normalised host it connected to, |port| its port.
 * Returns 0, JT_ERR_INVAL or JT_ERR_NOMEM.
 */
JT_API int jt_jit_create(struct jt_jit_ctx *ctx, struct jt_tls *tls,
                         const struct jt_host *host, uint16_t port,
                         struct jt_jit **out);

/*
 * jt_jit_destroy() - free; a query still pending is cancelled (its late
 * answer becomes a no-op). NULL-safe.
 */
JT_API void jt_jit_destroy(struct jt_jit *j);

/*
 * jt_jit_verify() - run the flow. Returns 0 (verified: jt_tls_read and
 * jt_tls_write now work), JT_ERR_JIT_PENDING (a source answers later:
 * |done| is called once with the result; |done| may be NULL when every
 * source is synchronous), or a failure: JT_ERR_JIT_* (NO_TRUSTED_CA,
 * NEGATIVE, NOT_TRUSTED, EXPIRED, NOT_YET_VALID, NAME_MISMATCH, NO_SAN,
 * KEY_USAGE, EKU, LEAF_KEY, ANCHOR_EXPIRED, DISTRUSTED, PARSE, VERIFY,
 * BUSY), a JT_ERR_TRUST_* of the chain (e.g. TOO_MANY_CERTS, LEAF_IS_CA),
 * JT_ERR_TLS_NO_PEER_CERT, JT_ERR_NOMEM, or JT_ERR_STATE (called twice,
 * or the handshake is not done). Every failure after the handshake sends
 * a fatal alert and fails the connection.
 */
JT_API int jt_jit_verify(struct jt_jit *j, jt_jit_done_fn done, void *ud);

/* jt_jit_result() - 0, JT_ERR_JIT_PENDING, or the failure (NULL: INVAL). */
JT_API int jt_jit_result(const struct jt_jit *j);

/*
 * jt_jit_message() - a NUL-terminated sentence about the result, e.g.
 * "www.example.test: no trusted CA for AKID 5AEE…743B (asked: blob)".
 * Never NULL.
 */
JT_API const char *jt_jit_message(const struct jt_jit *j);

/* mbedTLS verify flags of the last path tried (0 when none). */
JT_API uint32_t jt_jit_verify_flags(const struct jt_jit *j);

/* mbedTLS code behind JT_ERR_JIT_PARSE, else 0. */
JT_API int jt_jit_mbedtls_error(const struct jt_jit *j);

/* jt_jit_warm() values. */
#define JT_JIT_COLD 0 /* no cached host entry: every key looked up */
#define JT_JIT_WARM 1 /* host -> anchor key cached: only it asked */
#define JT_JIT_WARM_DROPPED                                                    \
    2 /* the warm attempt failed: entry dropped,                               \
         one cold attempt made */

/* jt_jit_warm() - which of the JT_JIT_* paths above the verify took. */
JT_API int jt_jit_warm(const struct jt_jit *j);

/* Keys answered with at least one accepted cert, for tests and traces. */
JT_API size_t jt_jit_queries(const struct jt_jit *j);

#ifdef __cplusplus
}
#endif

#endif /* JITTRUST_JIT_H */
