// SPDX-License-Identifier: MIT
/*
 * The HTTP/1.1 binding's connections (net): an https connection is a
 * jt_conn (resolve, connect, TLS, JIT verification); a plain http one is
 * a resolve and a TCP connect. The client keeps verified idle connections
 * in a small pool keyed by (scheme, normalised host, port, JIT context),
 * drops one when its idle time runs out or the server closes it, and
 * evicts the oldest when full. See jittrust/http.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "alloc-int.h"
#include "http-int.h"
#include "jittrust/error.h"

#define IDLE_DEFAULT 4u
#define IDLE_MS_DEFAULT 30000u

static const char *const stage_names[] = {"",    "resolve", "connect",
                                          "TLS", "verify",  "done"};

/* The JIT context's generation (jt_jit_ctx_flush raises it), 0 if none. */
static uint32_t
generation(struct jt_jit_ctx *jit)
{
    struct jt_jit_stats st;

    return jit != NULL && jt_jit_ctx_stats(jit, &st) == 0 ? st.generation : 0;
}

void
jti_http_say(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): started above
    (void)vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
}

void
jti_http_trace(struct jt_http_client *cl, struct jt_trace_event *ev,
               const struct jt_host *host, uint16_t port)
{
    if (cl->o.trace == NULL)
        return;
    ev->host = host->name;
    ev->port = port;
    ev->at_ms = jt_loop_now(cl->o.loop);
    cl->o.trace(ev, cl->o.trace_ud);
}

int
jt_http_client_create(const struct jt_http_client_opts *opts,
                      struct jt_http_client **out)
{
    struct jt_http_client *cl;

    if (out == NULL)
        return JT_ERR_INVAL;
    *out = NULL;
    if (opts == NULL || opts->loop == NULL || opts->resolver == NULL ||
        opts->max_idle > JT_HTTP_MAX_IDLE)
        return JT_ERR_INVAL;
    cl = jti_calloc(opts->alloc, 1, sizeof(*cl));
    if (cl == NULL)
        return JT_ERR_NOMEM;
    cl->o = *opts;
    if (cl->o.max_idle == 0)
        cl->o.max_idle = IDLE_DEFAULT;
    if (cl->o.idle_ms == 0)
        cl->o.idle_ms = IDLE_MS_DEFAULT;
    *out = cl;
    return 0;
}

void
jt_http_client_close_idle(struct jt_http_client *cl)
{
    if (cl == NULL)
        return;
    while (cl->nidle > 0) {
        struct jti_hconn *c = cl->idle[--cl->nidle];

        cl->idle[cl->nidle] = NULL;
        jti_hconn_close(c);
    }
    cl->st.idle = 0;
}

void
jt_http_client_destroy(struct jt_http_client *cl)
{
    if (cl == NULL)
        return;
    jt_http_client_close_idle(cl);
    jti_free(cl->o.alloc, cl);
}

int
jt_http_client_stats(const struct jt_http_client *cl, struct jt_http_stats *out)
{
    if (cl == NULL || out == NULL)
        return JT_ERR_INVAL;
    *out = cl->st;
    out->idle = cl->nidle;
    return 0;
}

/* ---- one connection ---- */

/* Free without a word to the peer. */
static void
hconn_free(struct jti_hconn *c)
{
    struct jt_loop *loop = c->cl->o.loop;

    if (c->idle_armed)
        (void)jt_loop_timer_cancel(loop, c->idle_timer);
    if (c->resolving)
        jt_resolve_cancel(c->cl->o.resolver, c->rq);
    jt_connect_destroy(c->cn);
    if (jti_hconn_fd(c) >= 0)
        (void)jt_loop_unwatch(loop, jti_hconn_fd(c));
    jt_conn_destroy(c->conn);
    if (c->pipe.fd >= 0)
        close(c->pipe.fd);
    jti_free(c->cl->o.alloc, c);
}

void
jti_hconn_close(struct jti_hconn *c)
{
    if (c == NULL)
        return;
    if (c->conn != NULL && c->stage == JT_CONN_DONE)
        (void)jt_conn_close(c->conn); /* best effort: never waits */
    hconn_free(c);
}

int
jti_hconn_fd(const struct jti_hconn *c)
{
    if (c == NULL)
        return -1;
    return c->conn != NULL ? jt_conn_fd(c->conn) : c->pipe.fd;
}

const char *
jti_hconn_message(const struct jti_hconn *c)
{
    return c->msg;
}

int
jti_hconn_stage(const struct jti_hconn *c)
{
    if (c->conn != NULL && c->stage != JT_CONN_DONE)
        return jt_conn_stage(c->conn);
    return c->stage;
}

/* The attempt ended: keep the message, count, tell the owner once. */
static void
opened(struct jti_hconn *c, int err)
{
    jti_hconn_cb cb = c->cb;

    c->cb = NULL;
    if (err == 0) {
        c->stage = JT_CONN_DONE;
        c->cl->st.connections++;
    } else if (c->msg[0] == 0) {
        snprintf(c->msg, sizeof(c->msg), "%s: %s failed: %s", c->host.name,
                 stage_names[c->stage], jt_strerror(err));
    }
    if (cb != NULL)
        cb(c, err, c->ud);
}

static void
on_tls_done(struct jt_conn *conn, int err, void *ud)
{
    struct jti_hconn *c = ud;
    const char *m = jt_conn_message(conn);
    size_t hl = c->host.len;

    c->stage = jt_conn_stage(conn);
    c->cl->st.handshakes += (uint64_t)jt_conn_handshakes(conn);
    /* jt_conn's JIT messages do not name the host: prefix it once */
    if (err != 0 && (strncmp(m, c->host.name, hl) != 0 || m[hl] != ':'))
        snprintf(c->msg, sizeof(c->msg), "%s: %s", c->host.name, m);
    else if (err != 0)
        snprintf(c->msg, sizeof(c->msg), "%s", m);
    opened(c, err);
}

static void
on_tcp(struct jt_connect *cn, int err, int fd, void *ud)
{
    struct jti_hconn *c = ud;
    struct jt_trace_event ev = {0};

    (void)cn;
    ev.type = JT_TRACE_CONNECT;
    ev.rc = err;
    ev.ms = (uint32_t)(jt_loop_now(c->cl->o.loop) - c->t_phase);
    jti_http_trace(c->cl, &ev, &c->host, c->port);
    if (err == 0)
        c->pipe.fd = fd;
    opened(c, err);
}

/* Plain http: the resolver answered; connect to its addresses. */
static void
on_resolved(void *ud, int err, const struct jt_addr *addrs, size_t n)
{
    struct jti_hconn *c = ud;
    struct jt_trace_event ev = {0};
    struct jt_connect_opts co = {0};

    c->resolving = 0;
    ev.type = JT_TRACE_RESOLVE;
    ev.rc = err;
    ev.count = n;
    ev.ms = (uint32_t)(jt_loop_now(c->cl->o.loop) - c->t_phase);
    jti_http_trace(c->cl, &ev, &c->host, c->port);
    if (err == 0 && n == 0)
        err = JT_ERR_NET_NO_ADDRESS;
    if (err == 0) {
        c->stage = JT_CONN_CONNECT;
        c->t_phase = jt_loop_now(c->cl->o.loop);
        co.cb = on_tcp;
        co.ud = c;
        co.alloc = c->cl->o.alloc;
        co.timeout_ms = c->connect_ms;
        if (n > JT_CONNECT_MAX_ADDRS)
            n = JT_CONNECT_MAX_ADDRS;
        err = jt_connect_start(c->cl->o.loop, addrs, n, &co, &c->cn);
    }
    if (err != 0)
        opened(c, err);
}

static int
open_plain(struct jti_hconn *c, uint32_t connect_timeout_ms)
{
    int rc;

    c->connect_ms = connect_timeout_ms;
    c->resolving = 1;
    rc = jt_resolve(c->cl->o.resolver, &c->host, c->port, on_resolved, c,
                    &c->rq);
    if (rc != 0)
        c->resolving = 0;
    return rc;
}

int
jti_hconn_open(struct jt_http_client *cl, const struct jt_url *u,
               struct jt_jit_ctx *jit, uint32_t connect_timeout_ms,
               uint32_t timeout_ms, jti_hconn_cb cb, void *ud,
               struct jti_hconn **out)
{
    struct jt_conn_opts co = {0};
    struct jti_hconn *c = jti_calloc(cl->o.alloc, 1, sizeof(*c));
    int rc;

    *out = NULL;
    if (c == NULL)
        return JT_ERR_NOMEM;
    c->cl = cl;
    c->host = u->host;
    c->port = u->port;
    c->scheme = u->scheme;
    c->jit = jit;
    c->jit_gen = generation(jit);
    c->pipe.fd = -1;
    c->cb = cb;
    c->ud = ud;
    c->stage = JT_CONN_RESOLVE;
    c->t_phase = jt_loop_now(cl->o.loop);
    if (u->scheme == JT_URL_HTTPS) {
        co.loop = cl->o.loop;
        co.resolver = cl->o.resolver;
        co.tls = cl->o.tls;
        co.jit = jit;
        co.alloc = cl->o.alloc;
        co.host = u->host.name;
        co.port = u->port;
        co.connect_timeout_ms = connect_timeout_ms;
        co.timeout_ms = timeout_ms;
        co.cb = on_tls_done;
        co.ud = c;
        co.trace = cl->o.trace;
        co.trace_ud = cl->o.trace_ud;
        rc = jt_conn_start(&co, &c->conn);
    } else {
        rc = open_plain(c, connect_timeout_ms);
    }
    if (rc != 0) {
        hconn_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

/* ---- reading and writing ---- */

int
jti_hconn_read(struct jti_hconn *c, uint8_t *buf, size_t len)
{
    int rc;

    if (c->conn != NULL) {
        rc = jt_conn_read(c->conn, buf, len);
        return rc == JT_ERR_TLS_CLOSED ? 0 : rc;
    }
    if (c->pipe.fd < 0)
        return JT_ERR_STATE;
    return jt_fd_pipe_ops()->recv(&c->pipe, buf, len);
}

int
jti_hconn_write(struct jti_hconn *c, const uint8_t *buf, size_t len)
{
    if (c->conn != NULL)
        return jt_conn_write(c->conn, buf, len);
    if (c->pipe.fd < 0)
        return JT_ERR_STATE;
    return jt_fd_pipe_ops()->send(&c->pipe, buf, len);
}

/* ---- the idle pool ---- */

/* Remove |c| from the pool (no-op when it is not there). */
static void
unpool(struct jti_hconn *c)
{
    struct jt_http_client *cl = c->cl;

    for (size_t i = 0; i < cl->nidle; i++) {
        if (cl->idle[i] != c)
            continue;
        /* an array of pointers: moving pointers is the intent */
        // NOLINTNEXTLINE(bugprone-sizeof-expression)
        memmove(&cl->idle[i], &cl->idle[i + 1],
                (cl->nidle - i - 1) * sizeof(cl->idle[0]));
        cl->idle[--cl->nidle] = NULL;
        break;
    }
    if (c->idle_armed)
        (void)jt_loop_timer_cancel(cl->o.loop, c->idle_timer);
    c->idle_armed = 0;
    (void)jt_loop_unwatch(cl->o.loop, jti_hconn_fd(c));
}

/* Idle and readable: the server closed it (or sent what nobody asked
 * for). Either way it cannot carry another request. */
static void
on_idle_io(struct jt_loop *loop, int fd, unsigned events, void *ud)
{
    struct jti_hconn *c = ud;

    (void)loop;
    (void)fd;
    (void)events;
    unpool(c);
    jti_hconn_close(c);
}

static void
on_idle_timer(struct jt_loop *loop, void *ud)
{
    struct jti_hconn *c = ud;

    (void)loop;
    c->idle_armed = 0;
    unpool(c);
    jti_hconn_close(c);
}

void
jti_hconn_release(struct jti_hconn *c, int keep)
{
    struct jt_http_client *cl;

    if (c == NULL)
        return;
    cl = c->cl;
    (void)jt_loop_unwatch(cl->o.loop, jti_hconn_fd(c));
    if (!keep || c->stage != JT_CONN_DONE || cl->o.max_idle == 0) {
        jti_hconn_close(c);
        return;
    }
    if (cl->nidle == cl->o.max_idle) {
        struct jti_hconn *old = cl->idle[0];

        unpool(old);
        jti_hconn_close(old);
    }
    if (jt_loop_timer_add(cl->o.loop, cl->o.idle_ms, on_idle_timer, c,
                          &c->idle_timer) != 0 ||
        jt_loop_watch(cl->o.loop, jti_hconn_fd(c), JT_LOOP_READ, on_idle_io,
                      c) != 0) {
        if (jt_loop_timer_cancel(cl->o.loop, c->idle_timer) == 0)
            c->idle_timer = 0;
        jti_hconn_close(c);
        return;
    }
    c->idle_armed = 1;
    cl->idle[cl->nidle++] = c;
}

struct jti_hconn *
jti_hconn_take(struct jt_http_client *cl, const struct jt_url *u,
               struct jt_jit_ctx *jit)
{
    /* newest first: the most recently used is the least likely closed */
    for (size_t i = cl->nidle; i-- > 0;) {
        struct jti_hconn *c = cl->idle[i];

        if (c->scheme != u->scheme || c->port != u->port ||
            c->host.len != u->host.len ||
            memcmp(c->host.name, u->host.name, c->host.len) != 0 ||
            (c->scheme == JT_URL_HTTPS && c->jit != jit))
            continue;
        if (c->scheme == JT_URL_HTTPS && c->jit_gen != generation(jit)) {
            /* verified before a trust source changed: not reused */
            unpool(c);
            jti_hconn_close(c);
            continue;
        }
        unpool(c);
        return c;
    }
    return NULL;
}
