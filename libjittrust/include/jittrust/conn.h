/* SPDX-License-Identifier: MIT */
/*
 * A JIT-trust TLS connection by host name (net): resolve → connect → TLS
 * handshake (VERIFY_NONE) → JIT verification, on the loop, with one
 * deadline over the whole attempt. The one call an application needs
 * before jt_conn_read() / jt_conn_write().
 *
 * Steps 1-6 of "The JIT trust flow" (ARCHITECTURE.md): the host is
 * normalised once (SNI, verification, caches, trace); the verification
 * is jt_jit_verify() on the context given; if the peer hangs up while an
 * asynchronous lookup runs, the connection is made once more to the same
 * addresses when the lookup has answered, and that attempt verifies warm
 * (jt_conn_handshakes() then says 2). A failed verification is never
 * retried. A TLS session saved by the context for the host is offered,
 * and a resumed handshake is verified again in full.
 *
 * Client certificate (a config made with one): it is never sent to a
 * server that is not verified yet. The handshake stops after the
 * server's key exchange (jt_tls_probe), the JIT verification runs on the
 * chain whose cert 0 signed it, and only when that passes does the
 * handshake go on with our certificate, on the same connection (no
 * session is offered then).
 *
 * Ownership: the loop, resolver, TLS config and JIT context are BORROWED
 * and must outlive the connection. Single-threaded (the loop thread).
 */
#ifndef JITTRUST_CONN_H
#define JITTRUST_CONN_H

#include <stddef.h>
#include <stdint.h>

#include "jittrust/alloc.h"
#include "jittrust/export.h"
#include "jittrust/host.h"
#include "jittrust/jit.h"
#include "jittrust/loop.h"
#include "jittrust/resolve.h"
#include "jittrust/tls.h"
#include "jittrust/trace.h"

#ifdef __cplusplus
extern "C" {
#endif

struct jt_conn;

/* The attempt ended: |err| 0 (verified: read and write now work) or the
 * failure (see jt_conn_start). Called once, from the loop; the callee may
 * destroy |c|. */
typedef void (*jt_conn_cb)(struct jt_conn *c, int err, void *ud);

struct jt_conn_opts {
    struct jt_loop *loop;         /* required */
    struct jt_resolver *resolver; /* required (map it: jt_hostmap) */
    struct jt_tls_config *tls;    /* required: a JT_TLS_CLIENT config */
    struct jt_jit_ctx *jit;       /* required */
    const struct jt_alloc *alloc; /* NULL: libc */
    const char *host;             /* required; normalised (copied) */
    uint16_t port;                /* required */
    uint32_t connect_timeout_ms;  /* per address; 0: 10000 */
    uint32_t timeout_ms;          /* whole attempt; 0: 30000 */
    jt_conn_cb cb;                /* required */
    void *ud;
    jt_trace_fn trace; /* may be NULL: resolve, connect, handshake, … */
    void *trace_ud;
};

/* Stages (jt_conn_stage), in order. */
#define JT_CONN_RESOLVE 1
#define JT_CONN_CONNECT 2
#define JT_CONN_TLS 3
#define JT_CONN_VERIFY 4
#define JT_CONN_DONE 5

/* Longest jt_conn_message(), NUL included. */
#define JT_CONN_MSG_MAX 640u

/*
 * jt_conn_start() - begin; |cb| runs later from the loop, never inside
 * this call. Returns 0, JT_ERR_INVAL (a required field missing, a server
 * config), JT_ERR_NOMEM, JT_ERR_NOSPC (loop timers full) or the
 * jt_host_normalise() error of |host|.
 * Errors given to |cb|: the resolver's (JT_ERR_NET_NXDOMAIN,
 * JT_ERR_NET_UNMAPPED, JT_ERR_NET_RESOLVE, …), the connect's
 * (JT_ERR_NET_REFUSED, JT_ERR_NET_TIMEOUT, JT_ERR_NET_CONNECT, …), the
 * handshake's (JT_ERR_TLS_*), the verification's (JT_ERR_JIT_*,
 * JT_ERR_TRUST_*), JT_ERR_NET_TIMEOUT when the whole attempt ran out of
 * time (jt_conn_stage() says where), JT_ERR_NOMEM.
 */
JT_API int jt_conn_start(const struct jt_conn_opts *opts, struct jt_conn **out);

/* jt_conn_destroy() - close and free (sends no close_notify: call
 * jt_conn_close() first for a clean close). NULL-safe. */
JT_API void jt_conn_destroy(struct jt_conn *c);

/* jt_conn_read() / jt_conn_write() - jt_tls_read() / jt_tls_write() on
 * the connection (JT_ERR_STATE before the callback said 0). Wait for
 * jt_conn_fd() with jt_loop_watch() after a JT_ERR_WANT_*. */
JT_API int jt_conn_read(struct jt_conn *c, uint8_t *buf, size_t len);
JT_API int jt_conn_write(struct jt_conn *c, const uint8_t *buf, size_t len);

/* jt_conn_close() - send close_notify (jt_tls_close()). */
JT_API int jt_conn_close(struct jt_conn *c);

/* jt_conn_fd() - the socket once connected, else -1. */
JT_API int jt_conn_fd(const struct jt_conn *c);

/* jt_conn_tls() / jt_conn_jit() - the objects in use, or NULL. */
JT_API struct jt_tls *jt_conn_tls(const struct jt_conn *c);
JT_API const struct jt_jit *jt_conn_jit(const struct jt_conn *c);

/* jt_conn_host() - the normalised host. */
JT_API const struct jt_host *jt_conn_host(const struct jt_conn *c);

/* jt_conn_stage() - the JT_CONN_* stage reached (where a failure was). */
JT_API int jt_conn_stage(const struct jt_conn *c);

/* jt_conn_handshakes() - TLS handshakes completed (1, or 2 after the
 * reconnect of a hang-up during a lookup). */
JT_API int jt_conn_handshakes(const struct jt_conn *c);

/* jt_conn_message() - a sentence about the result, never NULL, e.g.
 * "www.example.test: no trusted CA for AKID 5AEE…743B (asked: blob)". */
JT_API const char *jt_conn_message(const struct jt_conn *c);

#ifdef __cplusplus
}
#endif

#endif /* JITTRUST_CONN_H */
