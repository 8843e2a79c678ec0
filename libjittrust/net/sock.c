// SPDX-License-Identifier: MIT
/*
 * net: non-blocking connect (see sock.h). One socket at a time: start a
 * connect, wait for writability or the per-address timer, read SO_ERROR,
 * and move on to the next address on failure. Results always reach the
 * callback from the loop (a 0 ms timer for immediate outcomes).
 */
#define _GNU_SOURCE
#include "jittrust/sock.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "jittrust/error.h"
#include "alloc-int.h"

#define DEF_TIMEOUT_MS 10000u

struct jt_connect {
    const struct jt_alloc *alloc;
    struct jt_loop *loop;
    jt_connect_cb cb;
    void *ud;
    uint32_t timeout_ms;
    int fd;
    int err;    /* errno of the last failure */
    int result; /* jt_err of the last failure */
    uint64_t timer;
    size_t next, n;
    struct jt_addr addrs[JT_CONNECT_MAX_ADDRS];
    struct sockaddr_un un; /* unix: sun_path[0] != 0 */
    int done_fd;           /* success waiting for the 0 ms timer */
};

int
jt_addr_from_host(const struct jt_host *h, uint16_t port, struct jt_addr *out)
{
    if (h == NULL || out == NULL || !jt_host_is_ip(h))
        return JT_ERR_INVAL;
    memset(out, 0, sizeof(*out));
    out->family = h->kind == JT_HOST_IPV4 ? JT_ADDR_IPV4 : JT_ADDR_IPV6;
    memcpy(out->ip, h->addr, sizeof(out->ip));
    out->port = port;
    return 0;
}

static socklen_t
to_sockaddr(const struct jt_addr *a, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof(*ss));
    if (a->family == JT_ADDR_IPV4) {
        struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

        s4->sin_family = AF_INET;
        s4->sin_port = htons(a->port);
        memcpy(&s4->sin_addr, a->ip, 4);
        return sizeof(*s4);
    }
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons(a->port);
    memcpy(&s6->sin6_addr, a->ip, 16);
    return sizeof(*s6);
}

static void next_address(struct jt_connect *c);

static void
stop_waiting(struct jt_connect *c)
{
    if (c->timer != 0)
        jt_loop_timer_cancel(c->loop, c->timer);
    c->timer = 0;
    if (c->fd >= 0)
        jt_loop_unwatch(c->loop, c->fd);
}

/* Record a failure of the current address and close its socket. */
static void
fail_current(struct jt_connect *c, int err)
{
    stop_waiting(c);
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->err = err;
    if (err == ECONNREFUSED)
        c->result = JT_ERR_NET_REFUSED;
    else if (err == ETIMEDOUT)
        c->result = JT_ERR_NET_TIMEOUT;
    else
        c->result = JT_ERR_NET_CONNECT;
}

static void
deliver(struct jt_connect *c, int err, int fd)
{
    jt_connect_cb cb = c->cb;

    c->cb = NULL; /* exactly once */
    if (cb != NULL)
        cb(c, err, fd, c->ud);
}

static void
on_success(struct jt_connect *c)
{
    int fd = c->fd;

    stop_waiting(c);
    c->fd = -1;
    c->err = 0;
    deliver(c, 0, fd);
}

static void
on_writable(struct jt_loop *loop, int fd, unsigned events, void *ud)
{
    struct jt_connect *c = ud;
    int soerr = 0;
    socklen_t len = sizeof(soerr);

    (void)loop;
    (void)events;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0)
        soerr = errno;
    if (soerr == EINPROGRESS || soerr == EALREADY)
        return;
    if (soerr == 0) {
        on_success(c);
        return;
    }
    fail_current(c, soerr);
    next_address(c);
}

static void
on_timeout(struct jt_loop *loop, void *ud)
{
    struct jt_connect *c = ud;

    (void)loop;
    c->timer = 0;
    fail_current(c, ETIMEDOUT);
    next_address(c);
}

/* A 0 ms timer: report an outcome decided inside a call from the user. */
static void
on_later(struct jt_loop *loop, void *ud)
{
    struct jt_connect *c = ud;

    (void)loop;
    c->timer = 0;
    if (c->fd >= 0) {
        on_success(c);
        return;
    }
    next_address(c);
}

/*
 * Open a socket and start connecting to |sa|. Returns 1 when connected at
 * once, 0 when in progress, -1 on failure (recorded in |c|).
 */
static int
open_and_connect(struct jt_connect *c, int family, const struct sockaddr *sa,
                 socklen_t len)
{
    c->fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0) {
        fail_current(c, errno);
        c->result = JT_ERR_NET_SOCKET;
        return -1;
    }
    if (family != AF_UNIX) {
        int one = 1;

        /* TLS writes each flight in several records: without this, Nagle
         * and the peer's delayed ACK add ~40 ms to every handshake */
        (void)setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    if (connect(c->fd, sa, len) == 0)
        return 1;
    if (errno != EINPROGRESS) {
        fail_current(c, errno);
        return -1;
    }
    return 0;
}

/* Wait for |c->fd| to connect, under the per-address timeout. */
static int
wait_connect(struct jt_connect *c)
{
    int rc;

    rc = jt_loop_watch(c->loop, c->fd, JT_LOOP_WRITE, on_writable, c);
    if (rc == 0)
        rc =
            jt_loop_timer_add(c->loop, c->timeout_ms, on_timeout, c, &c->timer);
    if (rc != 0) {
        fail_current(c, ENOSPC);
        c->result = rc;
    }
    return rc;
}

/* Try addresses until one is in progress or connected, else report. */
static void
next_address(struct jt_connect *c)
{
    while (c->next < c->n) {
        struct sockaddr_storage ss;
        const struct jt_addr *a = &c->addrs[c->next++];
        socklen_t len = to_sockaddr(a, &ss);
        int family = a->family == JT_ADDR_IPV4 ? AF_INET : AF_INET6;
        int st = open_and_connect(c, family, (struct sockaddr *)&ss, len);

        if (st == 1) {
            on_success(c);
            return;
        }
        if (st == 0 && wait_connect(c) == 0)
            return;
    }
    deliver(c, c->result, -1);
}

static int
create(struct jt_loop *loop, const struct jt_connect_opts *opts,
       struct jt_connect **out)
{
    const struct jt_alloc *a = opts->alloc;
    struct jt_connect *c = jti_calloc(a, 1, sizeof(*c));

    if (c == NULL)
        return JT_ERR_NOMEM;
    c->alloc = a;
    c->loop = loop;
    c->cb = opts->cb;
    c->ud = opts->ud;
    c->fd = -1;
    c->result = JT_ERR_NET_CONNECT;
    c->timeout_ms = opts->timeout_ms ? opts->timeout_ms : DEF_TIMEOUT_MS;
    *out = c;
    return 0;
}

int
jt_connect_start(struct jt_loop *loop, const struct jt_addr *addrs, size_t n,
                 const struct jt_connect_opts *opts, struct jt_connect **out)
{
    struct jt_connect *c;
    int rc;

    if (out != NULL)
        *out = NULL;
    if (loop == NULL || addrs == NULL || opts == NULL || opts->cb == NULL ||
        out == NULL || n == 0 || n > JT_CONNECT_MAX_ADDRS)
        return JT_ERR_INVAL;
    for (size_t i = 0; i < n; i++)
        if (addrs[i].family != JT_ADDR_IPV4 && addrs[i].family != JT_ADDR_IPV6)
            return JT_ERR_INVAL;
    rc = create(loop, opts, &c);
    if (rc != 0)
        return rc;
    memcpy(c->addrs, addrs, n * sizeof(*addrs));
    c->n = n;
    /* Start on the loop: failures and successes alike arrive from it. */
    rc = jt_loop_timer_add(loop, 0, on_later, c, &c->timer);
    if (rc != 0) {
        jti_free(c->alloc, c);
        return rc;
    }
    *out = c;
    return 0;
}

int
jt_connect_unix(struct jt_loop *loop, const char *path,
                const struct jt_connect_opts *opts, struct jt_connect **out)
{
    struct jt_connect *c;
    size_t len;
    int rc, st;

    if (out != NULL)
        *out = NULL;
    if (loop == NULL || path == NULL || opts == NULL || opts->cb == NULL ||
        out == NULL)
        return JT_ERR_INVAL;
    len = strlen(path);
    if (len == 0 || len >= sizeof(c->un.sun_path))
        return JT_ERR_NET_UNIX_PATH;
    rc = create(loop, opts, &c);
    if (rc != 0)
        return rc;
    c->un.sun_family = AF_UNIX;
    memcpy(c->un.sun_path, path, len + 1);
    st = open_and_connect(c, AF_UNIX, (struct sockaddr *)&c->un,
                          (socklen_t)sizeof(c->un));
    if (st == 0)
        rc = wait_connect(c);
    /* Connected, failed, or waiting: a failure is reported from the loop. */
    if (st != 0 || rc != 0)
        rc = jt_loop_timer_add(loop, 0, on_later, c, &c->timer);
    if (rc != 0) {
        jt_connect_destroy(c);
        return rc;
    }
    *out = c;
    return 0;
}

void
jt_connect_destroy(struct jt_connect *c)
{
    if (c == NULL)
        return;
    stop_waiting(c);
    if (c->fd >= 0)
        close(c->fd);
    jti_free(c->alloc, c);
}

int
jt_connect_errno(const struct jt_connect *c)
{
    return c == NULL ? 0 : c->err;
}

/* ---- the byte pipe over a socket ---- */

static int
fd_send(void *ud, const uint8_t *buf, size_t len)
{
    struct jt_fd_pipe *p = ud;
    ssize_t n;

    do
        n = send(p->fd, buf, len, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n >= 0)
        return n > 0x7fffffff ? 0x7fffffff : (int)n;
    if (errno == EAGAIN || errno == EWOULDBLOCK)
        return JT_ERR_WANT_WRITE;
    p->err = errno;
    return JT_ERR_NET_PIPE_IO;
}

static int
fd_recv(void *ud, uint8_t *buf, size_t len)
{
    struct jt_fd_pipe *p = ud;
    ssize_t n;

    do
        n = recv(p->fd, buf, len, 0);
    while (n < 0 && errno == EINTR);
    if (n >= 0)
        return n > 0x7fffffff ? 0x7fffffff : (int)n;
    if (errno == EAGAIN || errno == EWOULDBLOCK)
        return JT_ERR_WANT_READ;
    p->err = errno;
    return JT_ERR_NET_PIPE_IO;
}

const struct jt_pipe_ops *
jt_fd_pipe_ops(void)
{
    static const struct jt_pipe_ops ops = {fd_send, fd_recv};

    return &ops;
}
