// SPDX-License-Identifier: MIT
/* bench: a JIT-trust connection on the public API (see conn-jit.h). */
#define _GNU_SOURCE
#include "conn-jit.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "jittrust/error.h"
#include "jittrust/sock.h"
#include "heap-count.h"

#define GUARD_MS 10000u

/* One connection in flight. */
struct conn {
    struct bj_env *e;
    struct jt_jit_ctx *ctx;
    struct jt_connect *conn;
    struct jt_tls *tls;
    struct jt_jit *jit;
    struct jt_fd_pipe pipe;
    uint64_t guard, rq;
    int rc, done;
    struct bj_result *out;
};

static double
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void
finish(struct conn *c, int rc)
{
    if (c->done)
        return;
    c->rc = rc;
    c->done = 1;
    if (c->pipe.fd >= 0)
        (void)jt_loop_unwatch(c->e->loop, c->pipe.fd);
    if (c->guard != 0)
        (void)jt_loop_timer_cancel(c->e->loop, c->guard);
    c->guard = 0;
}

static void
on_verified(struct jt_jit *j, int err, void *ud)
{
    (void)j;
    finish(ud, err);
}

static void
on_io(struct jt_loop *loop, int fd, unsigned events, void *ud)
{
    struct conn *c = ud;
    int rc = jt_tls_handshake(c->tls);

    (void)fd;
    (void)events;
    if (rc == JT_ERR_WANT_READ || rc == JT_ERR_WANT_WRITE) {
        rc = jt_loop_watch(
            loop, c->pipe.fd,
            rc == JT_ERR_WANT_READ ? JT_LOOP_READ : JT_LOOP_WRITE, on_io, c);
        if (rc != 0)
            finish(c, rc);
        return;
    }
    if (rc == 0) {
        (void)jt_loop_unwatch(loop, c->pipe.fd);
        c->out->hs_peak = bh_peak();
        c->out->hs_live = bh_live();
        rc = jt_jit_create(c->ctx, c->tls, &c->e->host, c->e->port, &c->jit);
        c->out->jit_live = bh_live();
    }
    if (rc == 0)
        rc = jt_jit_verify(c->jit, on_verified, c);
    if (rc != JT_ERR_JIT_PENDING)
        finish(c, rc);
}

static void
on_connected(struct jt_connect *cn, int err, int fd, void *ud)
{
    struct conn *c = ud;
    int nd = c->e->nodelay;

    (void)cn;
    /* the library sets TCP_NODELAY; --nagle clears it */
    if (err == 0)
        (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &nd, sizeof(nd));
    if (err == 0) {
        c->pipe.fd = fd;
        err = jt_tls_create(c->e->cfg, &c->e->host, jt_fd_pipe_ops(), &c->pipe,
                            &c->tls);
    }
    if (err != 0) {
        finish(c, err);
        return;
    }
    on_io(c->e->loop, fd, 0, c);
}

static void
on_resolved(void *ud, int err, const struct jt_addr *addrs, size_t n)
{
    struct conn *c = ud;
    struct jt_connect_opts o = {.cb = on_connected, .ud = c};

    c->rq = 0;
    if (err == 0)
        err = jt_connect_start(c->e->loop, addrs, n, &o, &c->conn);
    if (err != 0)
        finish(c, err);
}

static void
on_guard(struct jt_loop *loop, void *ud)
{
    struct conn *c = ud;

    (void)loop;
    c->guard = 0;
    finish(c, JT_ERR_NET_TIMEOUT);
}

static void
report(struct conn *c, int rc)
{
    struct bj_result *o = c->out;

    o->warm = c->jit != NULL ? jt_jit_warm(c->jit) : -1;
    o->queries = c->jit != NULL ? jt_jit_queries(c->jit) : 0;
    snprintf(o->msg, sizeof(o->msg), "%s",
             c->jit != NULL && rc != 0 ? jt_jit_message(c->jit)
                                       : jt_strerror(rc));
}

int
bj_connect(struct bj_env *e, struct jt_jit_ctx *ctx, struct bj_result *out)
{
    struct conn c = {.e = e, .ctx = ctx, .pipe = {.fd = -1}, .out = out};
    double t0 = now_ms();
    int rc;

    memset(out, 0, sizeof(*out));
    rc = jt_resolve(e->res, &e->host, e->port, on_resolved, &c, &c.rq);
    if (rc == 0)
        rc = jt_loop_timer_add(e->loop, GUARD_MS, on_guard, &c, &c.guard);
    while (rc == 0 && !c.done)
        rc = jt_loop_run_once(e->loop, 1000);
    out->ms = now_ms() - t0;
    if (rc == 0)
        rc = c.rc;
    if (rc == 0 && !jt_tls_is_verified(c.tls))
        rc = JT_ERR_STATE; /* verify passed but the flag is not set */
    report(&c, rc);
    if (rc == 0)
        (void)jt_tls_close(c.tls); /* close_notify fits the socket */
    finish(&c, rc);
    if (c.rq != 0)
        jt_resolve_cancel(e->res, c.rq);
    jt_jit_destroy(c.jit);
    jt_tls_destroy(c.tls);
    if (c.pipe.fd >= 0)
        close(c.pipe.fd);
    jt_connect_destroy(c.conn);
    return rc;
}

int
bj_env_init(struct bj_env *e, const char *host, int port, int nodelay)
{
    struct jt_tls_config_opts co = {.role = JT_TLS_CLIENT};
    struct jt_resolver_opts ro = {0};
    char spec[300];
    int rc;

    memset(e, 0, sizeof(*e));
    e->port = (uint16_t)port;
    e->nodelay = nodelay;
    snprintf(spec, sizeof(spec), "%s:%d:127.0.0.1", host, port);
    rc = jt_loop_create(NULL, &e->loop);
    if (rc == 0)
        rc = jt_hostmap_create(NULL, 0, &e->map);
    if (rc == 0)
        rc = jt_hostmap_add(e->map, spec);
    ro.map = e->map; /* never the system resolver */
    if (rc == 0)
        rc = jt_resolver_create(e->loop, &ro, &e->res);
    if (rc == 0)
        rc = jt_tls_config_create(&co, &e->cfg);
    if (rc == 0)
        rc = jt_host_normalise(host, strlen(host), &e->host);
    return rc;
}

void
bj_env_free(struct bj_env *e)
{
    jt_tls_config_destroy(e->cfg);
    jt_resolver_destroy(e->res);
    jt_hostmap_destroy(e->map);
    jt_loop_destroy(e->loop);
    memset(e, 0, sizeof(*e));
}
