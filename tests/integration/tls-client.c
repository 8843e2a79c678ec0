// SPDX-License-Identifier: MIT
/* tests: the loopback TLS client (see tls-client.h). */
#define _GNU_SOURCE
#include "tls-client.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <poll.h>
#include <unistd.h>

#include "jittrust/error.h"

static void
finish(struct th_client *c, int rc)
{
    c->rc = rc;
    c->done = 1;
    if (c->pipe.fd >= 0)
        jt_loop_unwatch(c->loop, c->pipe.fd);
    if (c->guard != 0)
        jt_loop_timer_cancel(c->loop, c->guard);
    c->guard = 0;
}

static void
on_fd(struct jt_loop *loop, int fd, unsigned events, void *ud)
{
    struct th_client *c = ud;
    int rc;

    (void)loop;
    (void)fd;
    (void)events;
    rc = jt_tls_handshake(c->tls);
    if (rc == JT_ERR_WANT_READ || rc == JT_ERR_WANT_WRITE) {
        unsigned ev = rc == JT_ERR_WANT_READ ? JT_LOOP_READ : JT_LOOP_WRITE;

        assert_int_equal(jt_loop_watch(c->loop, c->pipe.fd, ev, on_fd, c), 0);
        return;
    }
    finish(c, rc);
}

static void
on_connected(struct jt_connect *cn, int err, int fd, void *ud)
{
    struct th_client *c = ud;

    (void)cn;
    if (err != 0) {
        finish(c, err);
        return;
    }
    c->pipe.fd = fd;
    assert_int_equal(
        jt_tls_create(c->cfg, &c->host, jt_fd_pipe_ops(), &c->pipe, &c->tls),
        0);
    on_fd(c->loop, fd, 0, c);
}

static void
on_resolved(void *ud, int err, const struct jt_addr *addrs, size_t n)
{
    struct th_client *c = ud;

    if (err != 0) {
        finish(c, err);
        return;
    }
    assert_int_equal(
        jt_connect_start(c->loop, addrs, n,
                         &(struct jt_connect_opts){.cb = on_connected, .ud = c},
                         &c->conn),
        0);
}

static void
on_guard(struct jt_loop *loop, void *ud)
{
    struct th_client *c = ud;

    (void)loop;
    c->guard = 0;
    finish(c, JT_ERR_NET_TIMEOUT);
}

int
th_client_run(struct th_client *c, const char *host, int port,
              const char *const *alpn)
{
    struct jt_tls_config_opts co = {.role = JT_TLS_CLIENT, .alpn = alpn};
    struct jt_resolver_opts ro = {0};
    char spec[300];

    memset(c, 0, sizeof(*c));
    c->pipe.fd = -1;
    assert_int_equal(jt_loop_create(NULL, &c->loop), 0);
    assert_int_equal(jt_hostmap_create(NULL, 0, &c->map), 0);
    snprintf(spec, sizeof(spec), "%s:%d:127.0.0.1", host, port);
    if (strcmp(host, "127.0.0.1") != 0) /* a literal needs no entry */
        assert_int_equal(jt_hostmap_add(c->map, spec), 0);
    ro.map = c->map; /* no system resolver */
    assert_int_equal(jt_resolver_create(c->loop, &ro, &c->res), 0);
    assert_int_equal(jt_tls_config_create(&co, &c->cfg), 0);
    assert_int_equal(jt_host_normalise(host, strlen(host), &c->host), 0);
    assert_int_equal(
        jt_resolve(c->res, &c->host, (uint16_t)port, on_resolved, c, NULL), 0);
    assert_int_equal(jt_loop_timer_add(c->loop, 10000, on_guard, c, &c->guard),
                     0);
    while (!c->done)
        assert_int_equal(jt_loop_run_once(c->loop, 1000), 0);
    return c->rc;
}

void
th_client_free(struct th_client *c)
{
    jt_tls_destroy(c->tls);
    if (c->pipe.fd >= 0)
        close(c->pipe.fd);
    jt_connect_destroy(c->conn);
    jt_tls_config_destroy(c->cfg);
    jt_resolver_destroy(c->res);
    jt_hostmap_destroy(c->map);
    jt_loop_destroy(c->loop);
}

int
th_client_wait_io(struct th_client *c, int rc)
{
    struct pollfd pfd = {c->pipe.fd, 0, 0};

    if (rc != JT_ERR_WANT_READ && rc != JT_ERR_WANT_WRITE)
        return 0;
    pfd.events = rc == JT_ERR_WANT_READ ? POLLIN : POLLOUT;
    return poll(&pfd, 1, 2000) == 1;
}
