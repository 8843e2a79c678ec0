/* SPDX-License-Identifier: MIT */
/*
 * TLS over a byte pipe (net): mbedTLS 2.28 with the pinned settings of
 * ARCHITECTURE.md, writing to the next layer through struct jt_pipe_ops,
 * never to a socket directly (so the same code runs over a socket or an
 * in-memory pair).
 *
 * Pinned, not configurable: TLS 1.2 only (min and max); suites
 * ECDHE-ECDSA/ECDHE-RSA with AES-128/256-GCM and ChaCha20-Poly1305 only;
 * curves X25519, P-256, P-384 only; signature hashes SHA-256/384/512;
 * renegotiation off; extended master secret on; session tickets off (part
 * 2 saves sessions only after post-verification); CTR-DRBG seeded from the
 * mbedTLS entropy source.
 *
 * Trust: the client handshakes with VERIFY_NONE and keeps the peer chain
 * (jt_tls_peer_chain()). A connection is NOT verified until the library's
 * own post-verification marks it so; until then jt_tls_read() and
 * jt_tls_write() return JT_ERR_TLS_NOT_VERIFIED, and records that arrive
 * are held by jt_tls_pump() in a capped buffer (preverify_max) that
 * jt_tls_read() hands out first once verified. Nothing public sets the
 * flag: the JIT connection flow does, after its checks. A server
 * connection (it asks no client certificate) counts as verified once its
 * handshake is done.
 *
 * Threads: a config and its connections belong to one thread (they share
 * the config's DRBG).
 *
 * Errors: the mbedTLS code behind a JT_ERR_TLS_* is kept in the object
 * (jt_tls_mbedtls_error()), the alert number in jt_tls_alert(). After a
 * fatal error every call returns the same error.
 */
#ifndef JITTRUST_TLS_H
#define JITTRUST_TLS_H

#include <stddef.h>
#include <stdint.h>

#include "jittrust/alloc.h"
#include "jittrust/der.h"
#include "jittrust/export.h"
#include "jittrust/host.h"
#include "jittrust/sock.h"

#ifdef __cplusplus
extern "C" {
#endif

struct jt_tls_config;
struct jt_tls;

/* Roles. The server role exists for tests and local peers. */
#define JT_TLS_CLIENT 0
#define JT_TLS_SERVER 1

/* Most ALPN protocols in a config. */
#define JT_TLS_MAX_ALPN 8u

struct jt_tls_config_opts {
    int role;                     /* JT_TLS_CLIENT or JT_TLS_SERVER */
    const struct jt_alloc *alloc; /* our objects; mbedTLS uses libc */
    const char *const *alpn;      /* NULL-terminated, copied; may be NULL */
    /* certificate chain (leaf first) and key, PEM or DER; PEM lengths
     * include the terminating NUL, as mbedTLS wants. Required for a
     * server; for a client, optional (both or neither): a client
     * certificate, sent when a server asks for one (see jt_conn and
     * jt_tls_probe for when it is first sent). */
    const uint8_t *cert;
    size_t cert_len;
    const uint8_t *key;
    size_t key_len;
    size_t preverify_max; /* bytes held before verification; 0: 16384 */
};

/*
 * jt_tls_config_create() - a shared configuration with the pinned
 * settings. Returns 0, JT_ERR_INVAL (bad role, NULL |out|, more than
 * JT_TLS_MAX_ALPN protocols or one empty or over 255 bytes, server
 * without cert or key), JT_ERR_NOMEM, JT_ERR_TLS_RNG,
 * JT_ERR_TLS_BAD_CREDENTIALS or JT_ERR_TLS_CONFIG.
 */
JT_API int jt_tls_config_create(const struct jt_tls_config_opts *opts,
                                struct jt_tls_config **out);

/* jt_tls_config_has_cert() - 1 when a client config carries a client
 * certificate, else 0. */
JT_API int jt_tls_config_has_cert(const struct jt_tls_config *cfg);

/* jt_tls_config_destroy() - free; every jt_tls on it must be gone first. */
JT_API void jt_tls_config_destroy(struct jt_tls_config *cfg);

/* jt_tls_config_mbedtls_error() - mbedTLS code of the last create error. */
JT_API int jt_tls_config_mbedtls_error(const struct jt_tls_config *cfg);

/*
 * jt_tls_create() - a connection on |cfg| over |ops|/|pipe_ud| (borrowed:
 * both must outlive it). A client needs |host| (copied): a DNS name is
 * sent as SNI, an IP literal sends none. A server passes NULL.
 * Returns 0, JT_ERR_INVAL, JT_ERR_NOMEM or JT_ERR_TLS_CONFIG.
 */
JT_API int jt_tls_create(struct jt_tls_config *cfg, const struct jt_host *host,
                         const struct jt_pipe_ops *ops, void *pipe_ud,
                         struct jt_tls **out);

/* jt_tls_destroy() - free (sends nothing). NULL-safe. */
JT_API void jt_tls_destroy(struct jt_tls *t);

/*
 * jt_tls_handshake() - drive the handshake. Returns 0 when done,
 * JT_ERR_WANT_READ / JT_ERR_WANT_WRITE (call again when the pipe is
 * ready), or JT_ERR_TLS_PEER_VERSION, JT_ERR_TLS_NO_SHARED_PARAMS,
 * JT_ERR_TLS_PEER_CURVE, JT_ERR_TLS_NOT_TLS, JT_ERR_TLS_ALERT,
 * JT_ERR_TLS_CLOSED, JT_ERR_TLS_HANDSHAKE_EOF, JT_ERR_TLS_HS_FRAGMENTED (a
 * message over records, e.g. a Certificate message over 16 KB),
 * JT_ERR_TLS_PEER_CERT_PARSE (e.g. nameConstraints), JT_ERR_TLS_IO or
 * JT_ERR_TLS_HANDSHAKE.
 */
JT_API int jt_tls_handshake(struct jt_tls *t);

/*
 * jt_tls_peer_chain() - the peer's certificates as DER spans, in the order
 * the peer sent them (as mbedTLS parsed them: cert 0 is the leaf). Spans
 * borrow mbedTLS's copy and live until jt_tls_destroy(). |*n| gets the
 * full count even when |cap| is smaller.
 * Returns 0, JT_ERR_INVAL, JT_ERR_TLS_NO_PEER_CERT or JT_ERR_NOSPC (|cap|
 * too small; the first |cap| spans are filled).
 */
JT_API int jt_tls_peer_chain(const struct jt_tls *t, struct jt_span *out,
                             size_t cap, size_t *n);

/* jt_tls_alpn() - the negotiated ALPN protocol, or NULL. */
JT_API const char *jt_tls_alpn(const struct jt_tls *t);

/* jt_tls_ciphersuite() - the suite's name after the handshake, or NULL. */
JT_API const char *jt_tls_ciphersuite(const struct jt_tls *t);

/*
 * jt_tls_probe() - a client with a certificate: drive a full handshake
 * only until the server's Certificate and ServerKeyExchange have been
 * received and the key exchange signature checked against cert 0, then
 * stop, before our second flight (where the client certificate goes).
 * The peer chain is then readable (jt_tls_peer_chain) for the JIT
 * verification; jt_tls_handshake() refuses to go on (JT_ERR_STATE) until
 * that verification passed, and the connection counts as verified once
 * the handshake completes. Returns 0, JT_ERR_WANT_READ /
 * JT_ERR_WANT_WRITE, JT_ERR_STATE (a server; a handshake past the
 * server's key exchange or done; a session offered for resumption,
 * which has no key exchange to check), JT_ERR_TLS_HANDSHAKE (the server
 * resumed or skipped its key exchange), or a jt_tls_handshake() failure.
 */
JT_API int jt_tls_probe(struct jt_tls *t);

/* jt_tls_resumed() - 1 when the handshake resumed an offered session
 * (jt_jit_session_offer): the server sent no certificate and the JIT
 * flow re-verifies the chain saved with the session. */
JT_API int jt_tls_resumed(const struct jt_tls *t);

/* jt_tls_is_verified() - 1 once post-verification passed, else 0. */
JT_API int jt_tls_is_verified(const struct jt_tls *t);

/*
 * jt_tls_pump() - before verification, move arriving application data
 * into the held buffer (preverify_max bytes, allocated only when early
 * data arrives and freed once read). Returns 0 (nothing more now: wait for
 * the pipe), JT_ERR_TLS_PREVERIFY_FULL or JT_ERR_NOMEM (both fatal),
 * JT_ERR_STATE (handshake not done, or already verified: read instead),
 * or a JT_ERR_TLS_* failure.
 */
JT_API int jt_tls_pump(struct jt_tls *t);

/* jt_tls_held() - bytes held before verification. */
JT_API size_t jt_tls_held(const struct jt_tls *t);

/*
 * jt_tls_read() - application data: held bytes first, then the pipe.
 * Returns bytes read (> 0), JT_ERR_WANT_READ, JT_ERR_TLS_NOT_VERIFIED,
 * JT_ERR_TLS_CLOSED (peer's close_notify), or another JT_ERR_TLS_* error.
 */
JT_API int jt_tls_read(struct jt_tls *t, uint8_t *buf, size_t len);

/*
 * jt_tls_write() - application data. Returns bytes taken (> 0),
 * JT_ERR_WANT_WRITE (call again with the same bytes),
 * JT_ERR_TLS_NOT_VERIFIED, or a JT_ERR_TLS_* error.
 */
JT_API int jt_tls_write(struct jt_tls *t, const uint8_t *buf, size_t len);

/*
 * jt_tls_close() - send close_notify. Returns 0, JT_ERR_WANT_WRITE or a
 * JT_ERR_TLS_* error.
 */
JT_API int jt_tls_close(struct jt_tls *t);

/* jt_tls_mbedtls_error() - mbedTLS code behind the last failure, else 0. */
JT_API int jt_tls_mbedtls_error(const struct jt_tls *t);

/* jt_tls_alert() - description of the fatal alert received, else -1. */
JT_API int jt_tls_alert(const struct jt_tls *t);

/* jt_tls_pipe_error() - the pipe's code behind JT_ERR_TLS_IO, else 0. */
JT_API int jt_tls_pipe_error(const struct jt_tls *t);

#ifdef __cplusplus
}
#endif

#endif /* JITTRUST_TLS_H */
