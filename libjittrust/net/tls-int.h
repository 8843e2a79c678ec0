/* SPDX-License-Identifier: MIT */
/*
 * net: TLS internals (not installed). Only the library's post-verification
 * may mark a connection verified.
 */
#ifndef JITTRUST_NET_TLS_INT_H
#define JITTRUST_NET_TLS_INT_H

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

#endif /* JITTRUST_NET_TLS_INT_H */
