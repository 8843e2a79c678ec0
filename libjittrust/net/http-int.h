/* SPDX-License-Identifier: MIT */
/*
 * Internals of the HTTP/1.1 binding (net): the connection object under a
 * fetch (https over jt_conn, or plain TCP) and the client's idle pool.
 * See jittrust/http.h.
 */
#ifndef JITTRUST_HTTP_INT_H
#define JITTRUST_HTTP_INT_H

#include <stddef.h>
#include <stdint.h>

#include "jittrust/conn.h"
#include "jittrust/http.h"
#include "jittrust/sock.h"
#include "jittrust/url.h"

struct jti_hconn;

/* A connection attempt ended: 0 (ready: verified for https) or the
 * failure. Called once, from the loop; the callee owns |c| either way. */
typedef void (*jti_hconn_cb)(struct jti_hconn *c, int err, void *ud);

struct jti_hconn {
    struct jt_http_client *cl;
    struct jt_host host;
    uint16_t port;
    uint8_t scheme; /* enum jt_url_scheme */
    struct jt_jit_ctx *jit;
    uint32_t jit_gen;     /* the context's generation when verified */
    struct jt_conn *conn; /* https */
    /* plain http: resolve, then connect */
    struct jt_fd_pipe pipe;
    struct jt_connect *cn;
    uint64_t rq;
    int resolving;
    uint32_t connect_ms;
    int stage; /* JT_CONN_* */
    uint32_t requests;
    uint64_t t_phase;
    uint64_t idle_timer;
    int idle_armed;
    jti_hconn_cb cb;
    void *ud;
    char msg[JT_CONN_MSG_MAX];
};

struct jt_http_client {
    struct jt_http_client_opts o;
    struct jti_hconn *idle[JT_HTTP_MAX_IDLE]; /* oldest first */
    size_t nidle;
    struct jt_http_stats st;
};

/* Format a message into |buf|; a long URL is cut at |cap| on purpose
 * (through vsnprintf, which -Wformat-truncation does not second-guess). */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
void
jti_http_say(char *buf, size_t cap, const char *fmt, ...);

/* Emit a trace event through the client's trace function (fills host,
 * port and the time). */
void jti_http_trace(struct jt_http_client *cl, struct jt_trace_event *ev,
                    const struct jt_host *host, uint16_t port);

/*
 * jti_hconn_open() - a new connection to |u|'s origin under |jit| (https)
 * or plain; |cb| runs later from the loop. |timeout_ms| 0: jt_conn's
 * default. Returns 0, JT_ERR_NOMEM or a jt_conn_start() code.
 */
int jti_hconn_open(struct jt_http_client *cl, const struct jt_url *u,
                   struct jt_jit_ctx *jit, uint32_t connect_timeout_ms,
                   uint32_t timeout_ms, jti_hconn_cb cb, void *ud,
                   struct jti_hconn **out);

/* jti_hconn_take() - an idle connection for exactly |u|'s scheme, host,
 * port and |jit|, taken out of the pool, or NULL. */
struct jti_hconn *jti_hconn_take(struct jt_http_client *cl,
                                 const struct jt_url *u,
                                 struct jt_jit_ctx *jit);

/* jti_hconn_release() - |keep| 1: into the idle pool (evicting the
 * oldest; the fd must not be watched by the caller any more), else close.
 */
void jti_hconn_release(struct jti_hconn *c, int keep);

/* jti_hconn_close() - close (https: close_notify first) and free. */
void jti_hconn_close(struct jti_hconn *c);

/*
 * jti_hconn_read() - bytes read (> 0), 0 at a clean end (close_notify, or
 * a FIN on plain http), JT_ERR_TLS_EOF (https ended without
 * close_notify), JT_ERR_WANT_READ / JT_ERR_WANT_WRITE, or a failure.
 * jti_hconn_write() - bytes taken (> 0), a JT_ERR_WANT_*, or a failure.
 */
int jti_hconn_read(struct jti_hconn *c, uint8_t *buf, size_t len);
int jti_hconn_write(struct jti_hconn *c, const uint8_t *buf, size_t len);

/* jti_hconn_fd() - the socket, or -1. */
int jti_hconn_fd(const struct jti_hconn *c);

/* jti_hconn_message() - what went wrong while connecting, "host: ...". */
const char *jti_hconn_message(const struct jti_hconn *c);

/* jti_hconn_stage() - the JT_CONN_* stage reached. */
int jti_hconn_stage(const struct jti_hconn *c);

#endif /* JITTRUST_HTTP_INT_H */
