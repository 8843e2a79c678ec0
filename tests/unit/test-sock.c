// SPDX-License-Identifier: MIT
/*
 * unit (net): sockets, the host map and the resolver, on loopback only.
 * Connect over 127.0.0.1 and ::1 (skipped without IPv6 loopback), refused,
 * falling through to the next address, timeouts against a listener whose
 * backlog is exhausted (real clock and fake clock), Unix sockets, cancel.
 * The resolver never asks the system resolver: names go through the host
 * map, or the helper thread runs a fake lookup.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "jittrust/error.h"
#include "jittrust/loop.h"
#include "jittrust/resolve.h"
#include "jittrust/sock.h"
#include "failalloc.h"
#include "net-int.h"

/* ---- helpers ---- */

/* A listener on 127.0.0.1 or ::1, port 0. Returns fd or -1. */
static int
listen_on(int family, int backlog, uint16_t *port)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

    *port = 0;
    if (fd < 0)
        return -1;
    memset(&ss, 0, sizeof(ss));
    if (family == AF_INET) {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

        s4->sin_family = AF_INET;
        s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        len = sizeof(*s4);
    } else {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

        s6->sin6_family = AF_INET6;
        s6->sin6_addr = in6addr_loopback;
        len = sizeof(*s6);
    }
    if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, backlog)) {
        close(fd);
        return -1;
    }
    len = sizeof(ss);
    getsockname(fd, (struct sockaddr *)&ss, &len);
    *port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
                                    : ((struct sockaddr_in6 *)&ss)->sin6_port);
    return fd;
}

static struct jt_addr
v4(uint16_t port)
{
    struct jt_addr a = {JT_ADDR_IPV4, {127, 0, 0, 1}, port};

    return a;
}

/* A port on 127.0.0.1 where nothing listens (bound then closed). */
static uint16_t
dead_port(void)
{
    uint16_t port = 0;
    int fd = listen_on(AF_INET, 1, &port);

    assert_true(fd >= 0);
    close(fd);
    return port;
}

struct cres {
    int calls, err, fd;
};

static void
on_conn(struct jt_connect *c, int err, int fd, void *ud)
{
    struct cres *r = ud;

    (void)c;
    r->calls++;
    r->err = err;
    r->fd = fd;
}

/* Connect options reporting to on_conn with |res|. */
#define CO(res) ((struct jt_connect_opts){.cb = on_conn, .ud = &(res)})

/* Run |l| until |*flag| is non-zero (at most ~5 s of real time). */
static void
run_until(struct jt_loop *l, const int *flag)
{
    for (int i = 0; i < 500 && *flag == 0; i++)
        assert_int_equal(jt_loop_run_once(l, 10), 0);
    assert_true(*flag != 0);
}

static struct jt_loop *
new_loop(void)
{
    struct jt_loop *l = NULL;

    assert_int_equal(jt_loop_create(NULL, &l), 0);
    return l;
}

/* ---- connect ---- */

static void
connect_loopback(int family)
{
    struct jt_loop *l = new_loop();
    struct jt_connect *c;
    struct cres r = {0, 1, -1};
    uint16_t port = 0;
    int lfd = listen_on(family, 8, &port), afd, one = 0;
    socklen_t ol = sizeof(one);
    struct jt_addr a = {0};

    if (lfd < 0 && family == AF_INET6) {
        jt_loop_destroy(l);
        skip(); /* no IPv6 loopback on this machine */
    }
    assert_true(lfd >= 0);
    if (family == AF_INET) {
        a = v4(port);
    } else {
        a.family = JT_ADDR_IPV6;
        a.ip[15] = 1;
        a.port = port;
    }
    assert_int_equal(jt_connect_start(l, &a, 1, &CO(r), &c), 0);
    assert_int_equal(r.calls, 0); /* never from inside start */
    run_until(l, &r.calls);
    assert_int_equal(r.calls, 1);
    assert_int_equal(r.err, 0);
    assert_true(r.fd >= 0);
    assert_int_equal(jt_connect_errno(c), 0);
    /* Nagle off: a TLS flight is several small writes */
    assert_int_equal(getsockopt(r.fd, IPPROTO_TCP, TCP_NODELAY, &one, &ol), 0);
    assert_int_equal(one, 1);
    afd = accept(lfd, NULL, NULL);
    assert_true(afd >= 0);
    assert_int_equal(write(r.fd, "x", 1), 1);
    jt_connect_destroy(c); /* does not close the handed-over fd */
    assert_int_equal(write(r.fd, "y", 1), 1);
    close(afd);
    close(r.fd);
    close(lfd);
    jt_loop_destroy(l);
}

static void
connect_ipv4(void **state)
{
    (void)state;
    connect_loopback(AF_INET);
}

static void
connect_ipv6(void **state)
{
    (void)state;
    connect_loopback(AF_INET6);
}

static void
refused_then_next_address(void **state)
{
    struct jt_loop *l = new_loop();
    struct jt_connect *c;
    struct cres r = {0, 1, -1};
    uint16_t port = 0;
    int lfd = listen_on(AF_INET, 8, &port);
    struct jt_addr addrs[2];

    (void)state;
    addrs[0] = v4(dead_port());
    assert_int_equal(jt_connect_start(l, addrs, 1, &CO(r), &c), 0);
    run_until(l, &r.calls);
    assert_int_equal(r.err, JT_ERR_NET_REFUSED);
    assert_int_equal(r.fd, -1);
    assert_int_equal(jt_connect_errno(c), ECONNREFUSED);
    jt_connect_destroy(c);
    /* refused, then the live listener */
    addrs[1] = v4(port);
    r = (struct cres){0, 1, -1};
    assert_int_equal(jt_connect_start(l, addrs, 2, &CO(r), &c), 0);
    run_until(l, &r.calls);
    assert_int_equal(r.calls, 1);
    assert_int_equal(r.err, 0);
    close(r.fd);
    jt_connect_destroy(c);
    close(lfd);
    jt_loop_destroy(l);
}

static void
bad_arguments(void **state)
{
    struct jt_loop *l = new_loop();
    struct jt_connect *c = (struct jt_connect *)&c;
    struct jt_addr a = v4(1), many[17];
    struct cres r = {0};
    char path[200];

    (void)state;
    a.family = 5;
    assert_int_equal(jt_connect_start(l, &a, 1, &CO(r), &c), JT_ERR_INVAL);
    assert_null(c);
    memset(many, 0, sizeof(many));
    assert_int_equal(jt_connect_start(l, many, 17, &CO(r), &c), JT_ERR_INVAL);
    assert_int_equal(jt_connect_start(l, many, 0, &CO(r), &c), JT_ERR_INVAL);
    memset(path, 'p', sizeof(path) - 1);
    path[sizeof(path) - 1] = '\0';
    assert_int_equal(jt_connect_unix(l, path, &CO(r), &c),
                     JT_ERR_NET_UNIX_PATH);
    assert_int_equal(jt_connect_unix(l, "", &CO(r), &c), JT_ERR_NET_UNIX_PATH);
    jt_connect_destroy(NULL);
    jt_loop_destroy(l);
}

/*
 * A blackhole on loopback: a listener with backlog 0 that never accepts,
 * its accept queue filled by two connects; further SYNs are dropped.
 */
struct blackhole {
    int lfd, fill[2];
    uint16_t port;
};

static void
blackhole_open(struct blackhole *b)
{
    b->lfd = listen_on(AF_INET, 0, &b->port);
    assert_true(b->lfd >= 0);
    for (int i = 0; i < 2; i++) {
        struct sockaddr_in s4 = {0};

        s4.sin_family = AF_INET;
        s4.sin_port = htons(b->port);
        s4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        b->fill[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        assert_true(b->fill[i] >= 0);
        (void)connect(b->fill[i], (struct sockaddr *)&s4, sizeof(s4));
    }
    usleep(50 * 1000);
}

static void
blackhole_close(struct blackhole *b)
{
    close(b->fill[0]);
    close(b->fill[1]);
    close(b->lfd);
}

static void
timeout_real_clock(void **state)
{
    struct jt_loop *l = new_loop();
    struct jt_connect *c;
    struct jt_connect_opts o = {.cb = on_conn, .timeout_ms = 150};
    struct cres r = {0, 1, -1};
    struct blackhole b;
    struct jt_addr a;

    (void)state;
    o.ud = &r;
    blackhole_open(&b);
    a = v4(b.port);
    assert_int_equal(jt_connect_start(l, &a, 1, &o, &c), 0);
    run_until(l, &r.calls);
    assert_int_equal(r.err, JT_ERR_NET_TIMEOUT);
    assert_int_equal(jt_connect_errno(c), ETIMEDOUT);
    assert_int_equal(jt_loop_timer_count(l), 0);
    jt_connect_destroy(c);
    blackhole_close(&b);
    jt_loop_destroy(l);
}

struct fake {
    uint64_t now;
};

static uint64_t
fake_now(void *ud)
{
    return ((struct fake *)ud)->now;
}

static void
timeout_fake_clock(void **state)
{
    struct fake clk = {5000};
    struct jt_loop_opts lo = {.clock = fake_now, .clock_ud = &clk};
    struct jt_connect_opts o = {.cb = on_conn, .timeout_ms = 30000};
    struct jt_loop *l;
    struct jt_connect *c;
    struct cres r = {0, 1, -1};
    struct blackhole b;
    struct jt_addr a;

    (void)state;
    o.ud = &r;
    assert_int_equal(jt_loop_create(&lo, &l), 0);
    blackhole_open(&b);
    a = v4(b.port);
    assert_int_equal(jt_connect_start(l, &a, 1, &o, &c), 0);
    assert_int_equal(jt_loop_run_once(l, 0), 0); /* starts the connect */
    assert_int_equal(jt_loop_run_once(l, 0), 0);
    assert_int_equal(r.calls, 0);
    clk.now += 29999;
    assert_int_equal(jt_loop_run_once(l, 0), 0);
    assert_int_equal(r.calls, 0);
    clk.now += 1; /* 30 s of fake time, no real wait */
    assert_int_equal(jt_loop_run_once(l, 0), 0);
    assert_int_equal(r.calls, 1);
    assert_int_equal(r.err, JT_ERR_NET_TIMEOUT);
    jt_connect_destroy(c);
    blackhole_close(&b);
    jt_loop_destroy(l);
}

static void
destroy_cancels(void **state)
{
    struct jt_loop *l = new_loop();
    struct jt_connect *c;
    struct cres r = {0, 1, -1};
    struct blackhole b;
    struct jt_addr a;

    (void)state;
    blackhole_open(&b);
    a = v4(b.port);
    assert_int_equal(jt_connect_start(l, &a, 1, &CO(r), &c), 0);
    assert_int_equal(jt_loop_run_once(l, 0), 0);
    jt_connect_destroy(c);
    assert_int_equal(jt_loop_timer_count(l), 0);
    assert_int_equal(jt_loop_run_once(l, 20), 0);
    assert_int_equal(r.calls, 0);
    blackhole_close(&b);
    jt_loop_destroy(l);
}

static void
unix_socket(void **state)
{
    struct jt_loop *l = new_loop();
    struct jt_connect *c;
    struct cres r = {0, 1, -1};
    char dir[] = "/tmp/jt-sock-XXXXXX", path[64];
    struct sockaddr_un un = {0};
    int lfd;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/s", dir);
    /* nothing there yet: ENOENT, reported from the loop */
    assert_int_equal(jt_connect_unix(l, path, &CO(r), &c), 0);
    assert_int_equal(r.calls, 0);
    run_until(l, &r.calls);
    assert_int_equal(r.err, JT_ERR_NET_CONNECT);
    assert_int_equal(jt_connect_errno(c), ENOENT);
    jt_connect_destroy(c);
    lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    un.sun_family = AF_UNIX;
    memcpy(un.sun_path, path, strlen(path) + 1);
    assert_int_equal(bind(lfd, (struct sockaddr *)&un, sizeof(un)), 0);
    assert_int_equal(listen(lfd, 4), 0);
    r = (struct cres){0, 1, -1};
    assert_int_equal(jt_connect_unix(l, path, &CO(r), &c), 0);
    run_until(l, &r.calls);
    assert_int_equal(r.err, 0);
    assert_true(r.fd >= 0);
    close(r.fd);
    jt_connect_destroy(c);
    close(lfd);
    unlink(path);
    rmdir(dir);
    jt_loop_destroy(l);
}

/* ---- the byte pipe over a socket ---- */

static void
fd_pipe(void **state)
{
    int sv[2];
    struct jt_fd_pipe a, b;
    const struct jt_pipe_ops *ops = jt_fd_pipe_ops();
    uint8_t buf[8];

    (void)state;
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv),
                     0);
    a = (struct jt_fd_pipe){sv[0], 0};
    b = (struct jt_fd_pipe){sv[1], 0};
    assert_int_equal(ops->recv(&b, buf, sizeof(buf)), JT_ERR_WANT_READ);
    assert_int_equal(ops->send(&a, (const uint8_t *)"hello", 5), 5);
    assert_int_equal(ops->recv(&b, buf, sizeof(buf)), 5);
    assert_memory_equal(buf, "hello", 5);
    close(sv[0]);
    assert_int_equal(ops->recv(&b, buf, sizeof(buf)), 0); /* end of stream */
    assert_int_equal(ops->send(&b, buf, 1), JT_ERR_NET_PIPE_IO);
    assert_int_equal(b.err, EPIPE);
    close(sv[1]);
}

/* ---- host map ---- */

static void
hostmap_specs(void **state)
{
    static const struct {
        const char *spec;
        int want;
    } rows[] = {
        {"www.jt.test:443:127.0.0.1", 0},
        {"WWW.JT.TEST.:8443:[::1],127.0.0.1", 0},
        {"any.jt.test:*:127.0.0.2", 0},
        {"nx.jt.test:443:", 0},
        {"v6.jt.test:443:::1", 0},
        {"www.jt.test:443", JT_ERR_NET_HOSTMAP_SPEC},
        {"www.jt.test", JT_ERR_NET_HOSTMAP_SPEC},
        {"www.jt.test:0:127.0.0.1", JT_ERR_NET_HOSTMAP_SPEC},
        {"www.jt.test:65536:127.0.0.1", JT_ERR_NET_HOSTMAP_SPEC},
        {"www.jt.test:0443:127.0.0.1", JT_ERR_NET_HOSTMAP_SPEC},
        {"www.jt.test::127.0.0.1", JT_ERR_NET_HOSTMAP_SPEC},
        {"www.jt.test:443:localhost", JT_ERR_NET_HOSTMAP_SPEC},
        {"www.jt.test:443:127.0.0.1,", JT_ERR_NET_HOSTMAP_SPEC},
        {"www.jt.test:443:127.1", JT_ERR_NET_HOSTMAP_SPEC},
        {"127.0.0.1:443:127.0.0.1", JT_ERR_NET_HOSTMAP_SPEC},
        {"b\xc3\xbc.test:443:127.0.0.1", JT_ERR_NET_HOST_NOT_ASCII},
        {":443:127.0.0.1", JT_ERR_NET_HOST_EMPTY},
        {"m.jt.test:1:1.1.1.1,2.2.2.2,3.3.3.3,4.4.4.4,5.5.5.5,6.6.6.6,"
         "7.7.7.7,8.8.8.8,9.9.9.9",
         JT_ERR_NET_HOSTMAP_SPEC},
    };
    struct jt_hostmap *m;

    (void)state;
    assert_int_equal(jt_hostmap_create(NULL, 0, &m), 0);
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        if (jt_hostmap_add(m, rows[i].spec) != rows[i].want)
            fail_msg("row %zu \"%s\": got %d, want %d", i, rows[i].spec,
                     jt_hostmap_add(m, rows[i].spec), rows[i].want);
    assert_int_equal(jt_hostmap_add(NULL, "a:1:1.1.1.1"), JT_ERR_INVAL);
    jt_hostmap_destroy(m);
}

static void
hostmap_lookups(void **state)
{
    struct jt_hostmap *m;
    struct jt_host h;
    struct jt_addr out[8];
    size_t n;

    (void)state;
    assert_int_equal(jt_hostmap_create(NULL, 3, &m), 0);
    assert_int_equal(jt_hostmap_add(m, "www.jt.test:443:[::1],127.0.0.1"), 0);
    assert_int_equal(jt_hostmap_add(m, "www.jt.test:*:127.0.0.9"), 0);
    assert_int_equal(jt_hostmap_add(m, "nx.jt.test:*:"), 0);
    assert_int_equal(jt_hostmap_add(m, "full.jt.test:1:127.0.0.1"),
                     JT_ERR_NOSPC);
    /* replacing an entry needs no room */
    assert_int_equal(jt_hostmap_add(m, "nx.jt.test:*:"), 0);
    assert_int_equal(jt_host_normalise("Www.Jt.Test.", 12, &h), 0);
    assert_int_equal(jt_hostmap_lookup(m, &h, 443, out, 8, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(out[0].family, JT_ADDR_IPV6);
    assert_int_equal(out[0].ip[15], 1);
    assert_int_equal(out[0].port, 443);
    assert_int_equal(out[1].family, JT_ADDR_IPV4);
    assert_int_equal(out[1].ip[0], 127);
    /* an exact port wins; others fall to "*" */
    assert_int_equal(jt_hostmap_lookup(m, &h, 80, out, 8, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(out[0].ip[3], 9);
    assert_int_equal(out[0].port, 80);
    assert_int_equal(jt_hostmap_lookup(m, &h, 443, out, 1, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(jt_host_normalise("nx.jt.test", 10, &h), 0);
    assert_int_equal(jt_hostmap_lookup(m, &h, 443, out, 8, &n),
                     JT_ERR_NET_NXDOMAIN);
    assert_int_equal(n, 0);
    assert_int_equal(jt_host_normalise("other.jt.test", 13, &h), 0);
    assert_int_equal(jt_hostmap_lookup(m, &h, 443, out, 8, &n),
                     JT_ERR_NOT_FOUND);
    jt_hostmap_destroy(m);
}

/* ---- resolver ---- */

struct rres {
    int calls, err;
    size_t n;
    struct jt_addr a[8];
    pthread_t thread;
};

static void
on_resolved(void *ud, int err, const struct jt_addr *addrs, size_t n)
{
    struct rres *r = ud;

    r->calls++;
    r->err = err;
    r->n = n;
    r->thread = pthread_self();
    for (size_t i = 0; i < n && i < 8; i++)
        r->a[i] = addrs[i];
}

static void
resolve_host(struct jt_resolver *rv, const char *name, uint16_t port,
             struct rres *r, uint64_t *q)
{
    struct jt_host h;

    assert_int_equal(jt_host_normalise(name, strlen(name), &h), 0);
    assert_int_equal(jt_resolve(rv, &h, port, on_resolved, r, q), 0);
    assert_int_equal(r->calls, 0); /* never synchronous */
}

static void
resolver_map_only(void **state)
{
    struct jt_loop *l = new_loop();
    struct jt_hostmap *m;
    struct jt_resolver_opts o = {0};
    struct jt_resolver *rv;
    struct rres lit = {0}, hit = {0}, nx = {0}, un = {0}, gone = {0};
    uint64_t q;

    (void)state;
    assert_int_equal(jt_hostmap_create(NULL, 0, &m), 0);
    assert_int_equal(jt_hostmap_add(m, "www.jt.test:*:127.0.0.1,[::1]"), 0);
    assert_int_equal(jt_hostmap_add(m, "nx.jt.test:*:"), 0);
    o.map = m; /* system 0: nothing reaches getaddrinfo */
    assert_int_equal(jt_resolver_create(l, &o, &rv), 0);
    resolve_host(rv, "[::1]", 8443, &lit, NULL);
    resolve_host(rv, "www.jt.test", 443, &hit, NULL);
    resolve_host(rv, "nx.jt.test", 443, &nx, NULL);
    resolve_host(rv, "unmapped.jt.test", 443, &un, NULL);
    resolve_host(rv, "www.jt.test", 443, &gone, &q);
    jt_resolve_cancel(rv, q);
    jt_resolve_cancel(rv, q); /* twice: no-op */
    assert_int_equal(jt_loop_run(l), 0);
    assert_int_equal(lit.calls, 1);
    assert_int_equal(lit.err, 0);
    assert_int_equal(lit.n, 1);
    assert_int_equal(lit.a[0].family, JT_ADDR_IPV6);
    assert_int_equal(lit.a[0].port, 8443);
    assert_int_equal(hit.err, 0);
    assert_int_equal(hit.n, 2);
    assert_int_equal(hit.a[0].port, 443);
    assert_int_equal(hit.a[1].family, JT_ADDR_IPV6);
    assert_int_equal(nx.err, JT_ERR_NET_NXDOMAIN);
    assert_int_equal(nx.n, 0);
    assert_int_equal(un.err, JT_ERR_NET_UNMAPPED);
    assert_int_equal(gone.calls, 0);
    jt_resolver_destroy(rv);
    jt_hostmap_destroy(m);
    jt_loop_destroy(l);
}

static int lookups_run;

/* The helper thread's lookup, faked: slow, and knows two names. */
static int
fake_lookup(const char *name, struct jt_addr *out, size_t cap, size_t *n,
            int *gai)
{
    struct timespec ts = {0, 30000000L};

    (void)cap;
    __atomic_add_fetch(&lookups_run, 1, __ATOMIC_SEQ_CST);
    nanosleep(&ts, NULL);
    *n = 0;
    *gai = 0;
    if (strcmp(name, "slow.jt.test") == 0) {
        memset(out, 0, sizeof(*out));
        out[0].family = JT_ADDR_IPV4;
        out[0].ip[0] = 127;
        out[0].ip[3] = 5;
        *n = 1;
        return 0;
    }
    if (strcmp(name, "broken.jt.test") == 0) {
        *gai = -3; /* EAI_AGAIN */
        return JT_ERR_NET_RESOLVE;
    }
    return JT_ERR_NET_NXDOMAIN;
}

static void
resolver_helper_thread(void **state)
{
    struct jt_loop *l = new_loop();
    struct jt_resolver_opts o = {.system = 1};
    struct jt_resolver *rv;
    struct rres ok = {0}, nx = {0}, br = {0}, lit = {0}, gone = {0};
    uint64_t q;

    (void)state;
    lookups_run = 0;
    assert_int_equal(jt_resolver_create(l, &o, &rv), 0);
    jti_resolver_set_lookup(rv, fake_lookup);
    resolve_host(rv, "slow.jt.test", 443, &ok, NULL);
    resolve_host(rv, "nothere.jt.test", 443, &nx, NULL);
    resolve_host(rv, "broken.jt.test", 443, &br, NULL);
    resolve_host(rv, "127.0.0.1", 80, &lit, NULL); /* bypasses the thread */
    resolve_host(rv, "slow.jt.test", 443, &gone, &q);
    jt_resolve_cancel(rv, q);
    /* jt_loop_run waits for the thread's answers (held), then returns */
    assert_int_equal(jt_loop_run(l), 0);
    assert_int_equal(ok.calls, 1);
    assert_int_equal(ok.err, 0);
    assert_int_equal(ok.n, 1);
    assert_int_equal(ok.a[0].ip[3], 5);
    assert_int_equal(ok.a[0].port, 443);
    assert_true(pthread_equal(ok.thread, pthread_self()));
    assert_int_equal(nx.err, JT_ERR_NET_NXDOMAIN);
    assert_int_equal(br.err, JT_ERR_NET_RESOLVE);
    assert_int_equal(jt_resolve_gai_error(rv), -3);
    assert_int_equal(lit.err, 0);
    assert_int_equal(lit.a[0].port, 80);
    assert_int_equal(gone.calls, 0);
    assert_true(lookups_run >= 3 && lookups_run <= 4);
    /* destroy with a lookup in flight: joins, no answer, no leak */
    resolve_host(rv, "slow.jt.test", 443, &gone, NULL);
    jt_resolver_destroy(rv);
    assert_int_equal(jt_loop_run_once(l, 0), 0);
    assert_int_equal(gone.calls, 0);
    jt_loop_destroy(l);
}

/* A replacement backend: answers every name with 127.0.0.7 via a timer. */
struct backend {
    struct jt_loop *loop;
    int started, cancelled, destroyed;
    jt_resolve_cb cb;
    void *ud;
};

static void
backend_fire(struct jt_loop *loop, void *ud)
{
    struct backend *b = ud;
    struct jt_addr a = v4(0);

    (void)loop;
    a.ip[3] = 7;
    b->cb(b->ud, 0, &a, 1);
}

static int
backend_start(void *impl, const struct jt_host *host, uint16_t port,
              jt_resolve_cb cb, void *ud, uint64_t *q)
{
    struct backend *b = impl;

    (void)host;
    (void)port;
    b->started++;
    b->cb = cb;
    b->ud = ud;
    *q = 1;
    return jt_loop_timer_add(b->loop, 0, backend_fire, b, NULL);
}

static void
backend_cancel(void *impl, uint64_t q)
{
    (void)q;
    ((struct backend *)impl)->cancelled++;
}

static void
backend_destroy(void *impl)
{
    ((struct backend *)impl)->destroyed++;
}

static void
resolver_backend_ops(void **state)
{
    static const struct jt_resolver_ops ops = {backend_start, backend_cancel,
                                               backend_destroy};
    struct jt_loop *l = new_loop();
    struct backend b = {0};
    struct jt_hostmap *m;
    struct jt_resolver_opts o = {0};
    struct jt_resolver *rv;
    struct rres name = {0}, mapped = {0};

    (void)state;
    b.loop = l;
    assert_int_equal(jt_hostmap_create(NULL, 0, &m), 0);
    assert_int_equal(jt_hostmap_add(m, "www.jt.test:*:127.0.0.1"), 0);
    o.map = m;
    o.ops = &ops;
    o.impl = &b;
    o.max_queries = 2;
    assert_int_equal(jt_resolver_create(l, &o, &rv), 0);
    resolve_host(rv, "async.jt.test", 443, &name, NULL);
    resolve_host(rv, "www.jt.test", 443, &mapped, NULL);
    {
        struct jt_host h;

        assert_int_equal(jt_host_normalise("x.jt.test", 9, &h), 0);
        assert_int_equal(jt_resolve(rv, &h, 1, on_resolved, &name, NULL),
                         JT_ERR_NOSPC);
    }
    assert_int_equal(jt_loop_run(l), 0);
    assert_int_equal(b.started, 1); /* the mapped name never reached it */
    assert_int_equal(name.err, 0);
    assert_int_equal(name.a[0].ip[3], 7);
    assert_int_equal(name.a[0].port, 443);
    assert_int_equal(mapped.a[0].ip[3], 1);
    jt_resolver_destroy(rv);
    assert_int_equal(b.destroyed, 1);
    jt_hostmap_destroy(m);
    jt_loop_destroy(l);
}

/* Resolve through the map, then connect: the two pieces together. */
struct e2e {
    struct jt_loop *loop;
    struct jt_connect *c;
    struct cres cr;
};

static void
e2e_resolved(void *ud, int err, const struct jt_addr *addrs, size_t n)
{
    struct e2e *e = ud;

    assert_int_equal(err, 0);
    assert_int_equal(jt_connect_start(e->loop, addrs, n, &CO(e->cr), &e->c), 0);
}

static void
resolve_then_connect(void **state)
{
    struct e2e e = {0};
    struct jt_hostmap *m;
    struct jt_resolver_opts o = {0};
    struct jt_resolver *rv;
    struct jt_host h;
    char spec[64];
    uint16_t port = 0;
    int lfd = listen_on(AF_INET, 8, &port);

    (void)state;
    e.loop = new_loop();
    e.cr.fd = -1;
    assert_int_equal(jt_hostmap_create(NULL, 0, &m), 0);
    snprintf(spec, sizeof(spec), "www.jt.test:%u:127.0.0.1", port);
    assert_int_equal(jt_hostmap_add(m, spec), 0);
    o.map = m;
    assert_int_equal(jt_resolver_create(e.loop, &o, &rv), 0);
    assert_int_equal(jt_host_normalise("www.jt.test", 11, &h), 0);
    assert_int_equal(jt_resolve(rv, &h, port, e2e_resolved, &e, NULL), 0);
    assert_int_equal(jt_loop_run(e.loop), 0);
    assert_int_equal(e.cr.calls, 1);
    assert_int_equal(e.cr.err, 0);
    close(e.cr.fd);
    jt_connect_destroy(e.c);
    jt_resolver_destroy(rv);
    jt_hostmap_destroy(m);
    close(lfd);
    jt_loop_destroy(e.loop);
}

/* Every allocation of the host map, resolver and connect can fail. */
static void
allocation_failures(void **state)
{
    struct jt_loop *l = new_loop();
    struct cres r = {0};
    struct jt_addr a = v4(9);
    long n;

    (void)state;
    for (n = 1;; n++) {
        struct th_failalloc fa;
        struct jt_hostmap *m;
        int rc;

        th_failalloc_init(&fa, n);
        rc = jt_hostmap_create(&fa.alloc, 4, &m);
        if (rc == 0) {
            jt_hostmap_destroy(m);
            break;
        }
        assert_int_equal(rc, JT_ERR_NOMEM);
        assert_int_equal(fa.live, 0);
    }
    assert_int_equal(n, 3);
    for (n = 1;; n++) {
        struct th_failalloc fa;
        struct jt_resolver_opts o = {0};
        struct jt_resolver *rv;
        int rc;

        th_failalloc_init(&fa, n);
        o.alloc = &fa.alloc;
        rc = jt_resolver_create(l, &o, &rv);
        if (rc == 0) {
            jt_resolver_destroy(rv);
            assert_int_equal(fa.live, 0);
            break;
        }
        assert_int_equal(rc, JT_ERR_NOMEM);
        assert_int_equal(fa.live, 0);
    }
    assert_int_equal(n, 4);
    {
        struct th_failalloc fa;
        struct jt_connect_opts o = {.cb = on_conn, .ud = &r};
        struct jt_connect *c;

        th_failalloc_init(&fa, 1);
        o.alloc = &fa.alloc;
        assert_int_equal(jt_connect_start(l, &a, 1, &o, &c), JT_ERR_NOMEM);
        th_failalloc_init(&fa, 1);
        assert_int_equal(jt_connect_unix(l, "/nonexistent", &o, &c),
                         JT_ERR_NOMEM);
        assert_int_equal(fa.live, 0);
        assert_int_equal(jt_loop_timer_count(l), 0);
    }
    jt_loop_destroy(l);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(connect_ipv4),
        cmocka_unit_test(connect_ipv6),
        cmocka_unit_test(refused_then_next_address),
        cmocka_unit_test(bad_arguments),
        cmocka_unit_test(timeout_real_clock),
        cmocka_unit_test(timeout_fake_clock),
        cmocka_unit_test(destroy_cancels),
        cmocka_unit_test(unix_socket),
        cmocka_unit_test(fd_pipe),
        cmocka_unit_test(hostmap_specs),
        cmocka_unit_test(hostmap_lookups),
        cmocka_unit_test(resolver_map_only),
        cmocka_unit_test(resolver_helper_thread),
        cmocka_unit_test(resolver_backend_ops),
        cmocka_unit_test(resolve_then_connect),
        cmocka_unit_test(allocation_failures),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
