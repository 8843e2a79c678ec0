// SPDX-License-Identifier: MIT
/*
 * integration (net): the loop, a non-blocking connect, the socket pipe and
 * the pinned jt_tls client against a real `openssl s_server` on
 * 127.0.0.1:0. The host name goes through the static host map, never the
 * system resolver. A good server: one ClientHello, the handshake
 * completes, the peer chain is the test PKI leaf and intermediate, and
 * once marked verified a GET gets an answer. Servers limited to TLS 1.1 or
 * to P-521 are refused with clear errors, and receive no application byte.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <poll.h>
#include <unistd.h>

#include "jittrust/error.h"
#include "jittrust/loop.h"
#include "jittrust/resolve.h"
#include "jittrust/sock.h"
#include "jittrust/tls.h"
#include "harness.h"
#include "testutil.h"
#include "tls-int.h"

/* s_server -msg: the hex line of an application data record header (sent
 * or received) */
#define APPDATA "    17 03 03 "

struct client {
    struct jt_loop *loop;
    struct jt_hostmap *map;
    struct jt_resolver *res;
    struct jt_connect *conn;
    struct jt_tls_config *cfg;
    struct jt_tls *tls;
    struct jt_fd_pipe pipe;
    struct jt_host host;
    uint64_t guard;
    int rc, done;
};

static void
finish(struct client *c, int rc)
{
    c->rc = rc;
    c->done = 1;
    if (c->pipe.fd >= 0)
        jt_loop_unwatch(c->loop, c->pipe.fd);
    if (c->guard != 0)
        jt_loop_timer_cancel(c->loop, c->guard);
    c->guard = 0;
}

/* Drive the handshake from fd events; re-arm for what mbedTLS wants. */
static void
on_fd(struct jt_loop *loop, int fd, unsigned events, void *ud)
{
    struct client *c = ud;
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
    struct client *c = ud;

    (void)cn;
    if (err != 0) {
        finish(c, err);
        return;
    }
    c->pipe.fd = fd;
    assert_int_equal(
        jt_tls_create(c->cfg, &c->host, jt_fd_pipe_ops(), &c->pipe, &c->tls),
        0);
    on_fd(c->loop, fd, 0, c); /* sends the ClientHello */
}

static void
on_resolved(void *ud, int err, const struct jt_addr *addrs, size_t n)
{
    struct client *c = ud;

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
    struct client *c = ud;

    (void)loop;
    c->guard = 0;
    finish(c, JT_ERR_NET_TIMEOUT);
}

/* Resolve www.jt.test through the map, connect, handshake. */
static int
client_run(struct client *c, int port)
{
    static const char *alpn[] = {"http/1.1", NULL};
    struct jt_tls_config_opts co = {.role = JT_TLS_CLIENT, .alpn = alpn};
    struct jt_resolver_opts ro = {0};
    char spec[64];

    memset(c, 0, sizeof(*c));
    c->pipe.fd = -1;
    assert_int_equal(jt_loop_create(NULL, &c->loop), 0);
    assert_int_equal(jt_hostmap_create(NULL, 0, &c->map), 0);
    snprintf(spec, sizeof(spec), "www.jt.test:%d:127.0.0.1", port);
    assert_int_equal(jt_hostmap_add(c->map, spec), 0);
    ro.map = c->map; /* system 0: no system resolver */
    assert_int_equal(jt_resolver_create(c->loop, &ro, &c->res), 0);
    assert_int_equal(jt_tls_config_create(&co, &c->cfg), 0);
    assert_int_equal(jt_host_normalise("www.jt.test", 11, &c->host), 0);
    assert_int_equal(
        jt_resolve(c->res, &c->host, (uint16_t)port, on_resolved, c, NULL), 0);
    assert_int_equal(jt_loop_timer_add(c->loop, 10000, on_guard, c, &c->guard),
                     0);
    while (!c->done)
        assert_int_equal(jt_loop_run_once(c->loop, 1000), 0);
    return c->rc;
}

static void
client_free(struct client *c)
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

/* After WANT_*: wait up to 2 s for the socket. Returns 1 to retry. */
static int
wait_io(struct client *c, int rc)
{
    struct pollfd pfd = {c->pipe.fd, 0, 0};

    if (rc != JT_ERR_WANT_READ && rc != JT_ERR_WANT_WRITE)
        return 0;
    pfd.events = rc == JT_ERR_WANT_READ ? POLLIN : POLLOUT;
    return poll(&pfd, 1, 2000) == 1;
}

static void
good_server(void **state)
{
    char cert[512], key[512], chain[512];
    const char *args[] = {"-cert", cert,   "-key", key, "-cert_chain",
                          chain,   "-www", "-msg", NULL};
    static const char *const names[] = {"leaf-www", "inter-p256"};
    static const char get[] = "GET / HTTP/1.0\r\n\r\n";
    struct th_peer p = {0};
    struct client c;
    struct jt_span spans[4];
    size_t n;
    uint8_t buf[4096];
    int rc, got = 0;

    (void)state;
    th_pki_path(cert, sizeof(cert), "leaf-www.pem");
    th_pki_path(key, sizeof(key), "leaf-www.key");
    th_pki_path(chain, sizeof(chain), "inter-p256.pem");
    assert_int_equal(th_s_server_start(&p, args), 0);
    rc = client_run(&c, p.port);
    if (rc != 0)
        fail_msg("handshake: %d (%s), mbedTLS -0x%04x", rc, jt_strerror(rc),
                 (unsigned)-jt_tls_mbedtls_error(c.tls));
    assert_string_equal(jt_tls_ciphersuite(c.tls),
                        "TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256");
    assert_int_equal(jt_tls_peer_chain(c.tls, spans, 4, &n), 0);
    assert_int_equal(n, 2);
    for (size_t i = 0; i < 2; i++) {
        size_t len;
        uint8_t *der = th_pki_der(names[i], &len);

        assert_int_equal(spans[i].len, len);
        assert_memory_equal(spans[i].p, der, len);
        free(der);
    }
    assert_int_equal(jt_tls_write(c.tls, (const uint8_t *)get, 3),
                     JT_ERR_TLS_NOT_VERIFIED);
    jti_tls_mark_verified(c.tls);
    do
        rc = jt_tls_write(c.tls, (const uint8_t *)get, sizeof(get) - 1);
    while (wait_io(&c, rc));
    assert_int_equal(rc, (int)sizeof(get) - 1);
    for (int i = 0; i < 500 && got < 16; i++) {
        rc = jt_tls_read(c.tls, buf + got, sizeof(buf) - 1 - (size_t)got);
        if (rc > 0)
            got += rc;
        else if (!wait_io(&c, rc))
            break;
    }
    buf[got] = 0;
    assert_non_null(strstr((char *)buf, "HTTP/1.0 200 ok"));
    assert_int_equal(th_peer_log_count(&p, "ClientHello"), 1);
    /* the needle works: our GET and the answer are there */
    assert_true(th_peer_log_count(&p, APPDATA) >= 2);
    client_free(&c);
    th_peer_stop(&p);
}

static void
refused_server(const char *const *extra, int want, const char *what)
{
    char cert[512], key[512], chain[512];
    const char *args[16] = {"-cert",       cert,  "-key", key,
                            "-cert_chain", chain, "-www", "-msg"};
    struct th_peer p = {0};
    struct client c;
    size_t k = 8;
    int rc;

    th_pki_path(cert, sizeof(cert), "leaf-www.pem");
    th_pki_path(key, sizeof(key), "leaf-www.key");
    th_pki_path(chain, sizeof(chain), "inter-p256.pem");
    for (size_t i = 0; extra[i] != NULL && k < 15; i++)
        args[k++] = extra[i];
    args[k] = NULL;
    assert_int_equal(th_s_server_start(&p, args), 0);
    rc = client_run(&c, p.port);
    printf("# %s: %d: %s (alert %d, mbedTLS -0x%04x, errno %d)\n", what, rc,
           jt_strerror(rc), jt_tls_alert(c.tls),
           (unsigned)-jt_tls_mbedtls_error(c.tls), c.pipe.err);
    if (rc != want)
        fail_msg("%s: got %d (%s), want %d (%s)", what, rc, jt_strerror(rc),
                 want, jt_strerror(want));
    /* no application data record (type 0x17) either way */
    assert_int_equal(th_peer_log_count(&p, APPDATA), 0);
    assert_int_equal(th_peer_log_count(&p, "ClientHello"), 1);
    client_free(&c);
    th_peer_stop(&p);
}

static void
tls11_server_refused(void **state)
{
    static const char *const extra[] = {"-tls1_1", "-cipher",
                                        "DEFAULT:@SECLEVEL=0", NULL};

    (void)state;
    refused_server(extra, JT_ERR_TLS_PEER_VERSION, "TLS 1.1-only s_server");
}

static void
p521_server_refused(void **state)
{
    static const char *const extra[] = {"-groups", "P-521", NULL};

    (void)state;
    refused_server(extra, JT_ERR_TLS_NO_SHARED_PARAMS, "P-521-only s_server");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_server),
        cmocka_unit_test(tls11_server_refused),
        cmocka_unit_test(p521_server_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
