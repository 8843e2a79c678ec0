/* SPDX-License-Identifier: MIT */
/*
 * net: TLS internals (not installed). Only the library's post-verification
 * may mark a connection verified.
 */
#ifndef JITTRUST_NET_TLS_INT_H
#define JITTRUST_NET_TLS_INT_H

#include <mbedtls/ssl.h>

#include "jittrust/tls.h"

/*
 * jti_tls_mark_verified() - set the verified flag after post-verification
 * passed: application data may now be read (held bytes first) and
 * written. A no-op before the handshake is done or after a fatal error.
 */
void jti_tls_mark_verified(struct jt_tls *t);

/*
 * jti_tls_reject() - post-verification failed: make |err| the sticky
 * error of |t| (every later call returns it; held bytes are wiped) and
 * send a fatal alert |alert| (an MBEDTLS_SSL_ALERT_MSG_* description).
 * Returns 0 (alert written), JT_ERR_WANT_WRITE (the pipe did not take it
 * all; the connection is failed anyway), JT_ERR_INVAL (NULL |t|), or the
 * earlier sticky error / JT_ERR_STATE (already failed or verified: nothing
 * is sent).
 */
int jti_tls_reject(struct jt_tls *t, int err, unsigned char alert);

/*
 * jti_tls_session_save() - the client session after a handshake,
 * serialised (mbedtls_ssl_session_save: its leaf included) into |buf|.
 * Returns 0, JT_ERR_NOSPC (|*used| = size needed), JT_ERR_STATE (no
 * handshake, failed, or a server) or JT_ERR_TLS_HANDSHAKE.
 */
int jti_tls_session_save(const struct jt_tls *t, uint8_t *buf, size_t cap,
                         size_t *used);

/*
 * jti_tls_session_offer() - before the handshake: offer the session in
 * |buf| for resumption (jt_tls_resumed() tells whether the server took
 * it), with |chain| (copied, kept with the connection) the chain it was
 * verified on, for the resumed handshake's verification. Returns 0,
 * JT_ERR_STATE (not before the handshake, or offered already),
 * JT_ERR_NOMEM or JT_ERR_TLS_CONFIG (unreadable, no ID).
 */
int jti_tls_session_offer(struct jt_tls *t, const uint8_t *buf, size_t len,
                          const uint8_t *chain, size_t chain_len);

/* jti_tls_offered_chain() - that chain copy (NULL when none offered). */
const uint8_t *jti_tls_offered_chain(const struct jt_tls *t, size_t *len);

/*
 * jti_tls_pin_conf() - mbedtls_ssl_config_defaults for |endpoint|
 * (MBEDTLS_SSL_IS_CLIENT / _SERVER) plus the pinned settings of
 * ARCHITECTURE.md: TLS 1.2 only, the six ECDHE AEAD suites, X25519 /
 * P-256 / P-384, SHA-2 signatures, renegotiation off, extended master
 * secret on, no tickets. Authentication mode and RNG are the caller's.
 * Returns 0 or the mbedTLS error. (The connect bench pins its bare
 * mbedTLS baseline with it too, so both sides compare like with like.)
 */
int jti_tls_pin_conf(mbedtls_ssl_config *conf, int endpoint);

/*
 * jti_tls_peer_crt() - mbedTLS's parsed peer chain (cert 0 first), or
 * NULL before the handshake. The JIT flow links its nodes in path order
 * for one verification and restores the links at once (jit-verify.c);
 * nothing else may change it.
 */
struct mbedtls_x509_crt *jti_tls_peer_crt(struct jt_tls *t);

#endif /* JITTRUST_NET_TLS_INT_H */
