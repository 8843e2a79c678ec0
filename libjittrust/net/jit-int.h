/* SPDX-License-Identifier: MIT */
/*
 * net: JIT flow internals shared by source.c and jit.c (not installed).
 */
#ifndef JITTRUST_NET_JIT_INT_H
#define JITTRUST_NET_JIT_INT_H

#include "jittrust/key.h"

/* SHA-1 / SHA-256 through mbedTLS crypto, for core's key functions. */

/*
 * jti_cert_key() - the key of type |type| (enum jt_key_type) of CA |c|
 * into |k|: SKID (its SKID, else its computed key id), COMPUTED,
 * ISSUER_SERIAL or SUBJECT. Returns 0, JT_ERR_INVAL (unknown type) or an
 * error of the jt_key_* function used.
 */
int jti_cert_key(struct jt_key *k, int type, const struct jt_der_cert *c);

#endif /* JITTRUST_NET_JIT_INT_H */
