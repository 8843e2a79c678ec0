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

#endif /* JITTRUST_NET_TLS_INT_H */
