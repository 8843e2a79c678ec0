// SPDX-License-Identifier: MIT
/*
 * A JIT-trust TLS connection by host name (net): resolve, connect, TLS
 * handshake, JIT verification, under one deadline; one reconnect when
 * the peer hangs up during an asynchronous lookup. See jittrust/conn.h.
 */
#include "jittrust/conn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "alloc-int.h"
#include "jittrust/error.h"
#include "jittrust/sock.h"

#define CONNECT_TIMEOUT_DEFAULT 10000u
#define TIMEOUT_DEFAULT 30000u

struct jt_conn {
    struct jt_conn_opts o;
    struct jt_host host;
    struct jt_addr addrs[JT_RESOLVE_MAX_ADDRS];
    size_t naddrs;
    uint64_t rq, timer;
    int resolving, timer_armed;
    struct jt_connect *cn;
    struct jt_fd_pipe pipe;
    struct jt_tls *tls;
    struct jt_jit *jit;
    int stage, result, ended, hung_up, reconnected, handshakes;
    int cert_mode;  /* a client certificate: verify before sending it */
    int probe_done; /* cert_mode: the server's key exchange is in */
    uint64_t t_phase;
    char msg[JT_CONN_MSG_MAX];
};

static const char *const stage_names[] = {"",    "resolve", "connect",
                                          "TLS", "verify",  "done"};

static void
trace(struct jt_conn *c, struct jt_trace_event *ev)
{
    uint64_t now = jt_loop_now(c->o.loop);

    if (c->o.trace == NULL)
        return;
    ev->host = c->host.name;
    ev->port = c->o.port;
    ev->at_ms = now;
    ev->ms = (uint32_t)(now - c->t_phase);
    c->o.trace(ev, c->o.trace_ud);
}

/* Stop watching and waiting: the attempt is over (or restarts). */
static void
quiesce(struct jt_conn *c)
{
    if (c->pipe.fd >= 0)
        (void)jt_loop_unwatch(c->o.loop, c->pipe.fd);
    if (c->resolving)
        jt_resolve_cancel(c->o.resolver, c->rq);
    c->resolving = 0;
    jt_connect_destroy(c->cn);
    c->cn = NULL;
}

/* Report the end once. The callee may destroy |c|: touch nothing after. */
static void
end(struct jt_conn *c, int err)
{
    if (c->ended)
        return;
    c->ended = 1;
    c->result = err;
    quiesce(c);
    if (c->timer_armed)
        (void)jt_loop_timer_cancel(c->o.loop, c->timer);
    c->timer_armed = 0;
    if (err == 0)
        c->stage = JT_CONN_DONE;
    else if (c->msg[0] == 0 && !(c->stage == JT_CONN_VERIFY && c->jit))
        snprintf(c->msg, sizeof(c->msg), "%s: %s failed: %s", c->host.name,
                 stage_names[c->stage], jt_strerror(err));
    c->o.cb(c, err, c->o.ud);
}

static void on_fd(struct jt_loop *loop, int fd, unsigned events, void *ud);

/* Mid-handshake, waiting for a lookup: JT_ERR_TLS_HANDSHAKE_EOF when the
 * peer closed, 1 when bytes wait (the rest of the server's flight: leave
 * them to the handshake and stop watching), else 0. */
static int
peer_gone(int fd)
{
    uint8_t b;
    ssize_t n = recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);

    if (n > 0)
        return 1;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return 0;
    return JT_ERR_TLS_HANDSHAKE_EOF;
}

/* Wait for the socket (|rc| is a JT_ERR_WANT_*). */
static int
wait_io(struct jt_conn *c, int rc)
{
    return jt_loop_watch(c->o.loop, c->pipe.fd,
                         rc == JT_ERR_WANT_WRITE ? JT_LOOP_WRITE : JT_LOOP_READ,
                         on_fd, c);
}

static void start_connect(struct jt_conn *c);

/* Drop this attempt and connect again to the same addresses. */
static void
restart(struct jt_conn *c, int why, const char *text)
{
    struct jt_trace_event ev = {0};

    ev.type = JT_TRACE_RECONNECT;
    ev.rc = why;
    ev.text = text;
    trace(c, &ev);
    c->reconnected = 1;
    c->hung_up = 0;
    quiesce(c);
    jt_jit_destroy(c->jit);
    c->jit = NULL;
    jt_tls_destroy(c->tls);
    c->tls = NULL;
    close(c->pipe.fd);
    c->pipe.fd = -1;
    start_connect(c);
}

/* The verification ended: done; with a client certificate, the rest of
 * the handshake; or, when the peer hung up during the lookup, once more
 * with the trust now known. */
static void
after_verify(struct jt_conn *c, int err)
{
    if (err == 0 && c->hung_up && !c->reconnected) {
        restart(c, c->hung_up, "peer closed during the trust lookup");
    } else if (err == 0 && c->cert_mode && !jt_tls_is_verified(c->tls)) {
        /* the server is verified: now our second flight, certificate
         * included; the connection is verified when it completes */
        c->stage = JT_CONN_TLS;
        on_fd(c->o.loop, c->pipe.fd, 0, c);
    } else {
        end(c, err);
    }
}

/* The lookup answered (verified or not). */
static void
on_verified(struct jt_jit *j, int err, void *ud)
{
    (void)j;
    after_verify(ud, err);
}

/* The handshake is done: JIT verification. */
static void
verify(struct jt_conn *c)
{
    struct jt_trace_event ev = {0};
    int rc;

    c->handshakes++;
    ev.type = JT_TRACE_HANDSHAKE;
    ev.text = c->cert_mode ? "server key exchange in; client certificate "
                             "held until the server is verified"
                           : jt_tls_ciphersuite(c->tls);
    ev.count = (size_t)c->handshakes;
    ev.index = jt_tls_resumed(c->tls);
    trace(c, &ev);
    c->stage = JT_CONN_VERIFY;
    c->t_phase = jt_loop_now(c->o.loop);
    rc = jt_jit_create(c->o.jit, c->tls, &c->host, c->o.port, &c->jit);
    if (rc == 0)
        rc = jt_jit_verify(c->jit, on_verified, c);
    if (rc == JT_ERR_JIT_PENDING) {
        /* the answer comes later: meanwhile watch for a hang-up */
        rc = jt_loop_watch(c->o.loop, c->pipe.fd, JT_LOOP_READ, on_fd, c);
        if (rc == 0)
            return;
    }
    after_verify(c, rc);
}

static void
on_fd(struct jt_loop *loop, int fd, unsigned events, void *ud)
{
    struct jt_conn *c = ud;
    int rc;

    (void)loop;
    (void)fd;
    (void)events;
    if (c->stage == JT_CONN_VERIFY) {
        /* a lookup runs: hold what arrives; notice a hang-up */
        rc = c->cert_mode ? peer_gone(c->pipe.fd) : jt_tls_pump(c->tls);
        if (rc == 1) {
            (void)jt_loop_unwatch(c->o.loop, c->pipe.fd);
            return; /* the handshake reads it; no busy wake-ups meanwhile */
        }
        if (rc != 0 && !c->reconnected) {
            c->hung_up = rc;
            (void)jt_loop_unwatch(c->o.loop, c->pipe.fd);
        } else if (rc != 0) {
            end(c, rc);
        }
        return;
    }
    rc = c->cert_mode && !c->probe_done ? jt_tls_probe(c->tls)
                                        : jt_tls_handshake(c->tls);
    if (rc == JT_ERR_WANT_READ || rc == JT_ERR_WANT_WRITE) {
        rc = wait_io(c, rc);
        if (rc != 0)
            end(c, rc);
        return;
    }
    if (rc != 0 || (c->cert_mode && c->probe_done)) {
        /* cert_mode: the handshake completed after the verification */
        end(c, rc != 0 || jt_tls_is_verified(c->tls) ? rc
                                                     : JT_ERR_TLS_NOT_VERIFIED);
        return;
    }
    c->probe_done = c->cert_mode;
    verify(c);
}

/* "127.0.0.1:443" / "[::1]:443" of the connected socket. */
static void
peer_text(int fd, char *buf, size_t cap)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    char ip[INET6_ADDRSTRLEN] = "?";
    unsigned port = 0;

    buf[0] = 0;
    if (getpeername(fd, (struct sockaddr *)&ss, &sl) != 0)
        return;
    if (ss.ss_family == AF_INET) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)&ss;

        inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof(ip));
        port = ntohs(s4->sin_port);
        snprintf(buf, cap, "%s:%u", ip, port);
    } else if (ss.ss_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&ss;

        inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof(ip));
        port = ntohs(s6->sin6_port);
        snprintf(buf, cap, "[%s]:%u", ip, port);
    }
}

static void
on_connected(struct jt_connect *cn, int err, int fd, void *ud)
{
    struct jt_conn *c = ud;
    struct jt_trace_event ev = {0};
    char addr[INET6_ADDRSTRLEN + 16];
    int rc;

    (void)cn;
    if (fd >= 0)
        peer_text(fd, addr, sizeof(addr));
    ev.type = JT_TRACE_CONNECT;
    ev.rc = err;
    ev.text = fd >= 0 ? addr : NULL;
    trace(c, &ev);
    if (err != 0) {
        end(c, err);
        return;
    }
    c->pipe.fd = fd;
    c->stage = JT_CONN_TLS;
    c->t_phase = jt_loop_now(c->o.loop);
    rc = jt_tls_create(c->o.tls, &c->host, jt_fd_pipe_ops(), &c->pipe, &c->tls);
    /* with a client certificate, the handshake stops after the server's
     * key exchange until the JIT verification passed (no resumption) */
    c->cert_mode = jt_tls_config_has_cert(c->o.tls);
    c->probe_done = 0;
    if (rc == 0 && !c->cert_mode)
        (void)jt_jit_session_offer(c->o.jit, c->tls, &c->host, c->o.port);
    if (rc != 0) {
        end(c, rc);
        return;
    }
    on_fd(c->o.loop, fd, 0, c);
}

static void
start_connect(struct jt_conn *c)
{
    struct jt_connect_opts co = {0};
    int rc;

    c->stage = JT_CONN_CONNECT;
    c->t_phase = jt_loop_now(c->o.loop);
    co.cb = on_connected;
    co.ud = c;
    co.alloc = c->o.alloc;
    co.timeout_ms = c->o.connect_timeout_ms;
    rc = jt_connect_start(c->o.loop, c->addrs, c->naddrs, &co, &c->cn);
    if (rc != 0)
        end(c, rc);
}

static void
on_resolved(void *ud, int err, const struct jt_addr *addrs, size_t n)
{
    struct jt_conn *c = ud;
    struct jt_trace_event ev = {0};

    c->resolving = 0;
    ev.type = JT_TRACE_RESOLVE;
    ev.rc = err;
    ev.count = n;
    trace(c, &ev);
    if (err == 0 && n == 0)
        err = JT_ERR_NET_NO_ADDRESS;
    if (err != 0) {
        end(c, err);
        return;
    }
    if (n > JT_RESOLVE_MAX_ADDRS)
        n = JT_RESOLVE_MAX_ADDRS;
    memcpy(c->addrs, addrs, n * sizeof(addrs[0]));
    c->naddrs = n;
    start_connect(c);
}

static void
on_deadline(struct jt_loop *loop, void *ud)
{
    struct jt_conn *c = ud;

    (void)loop;
    c->timer_armed = 0;
    snprintf(c->msg, sizeof(c->msg), "%s: timed out after %u ms (%s)",
             c->host.name, (unsigned)c->o.timeout_ms, stage_names[c->stage]);
    if (jt_jit_result(c->jit) == JT_ERR_JIT_PENDING) {
        jt_jit_destroy(c->jit); /* its late answer becomes a no-op */
        c->jit = NULL;
    }
    end(c, JT_ERR_NET_TIMEOUT);
}

/* First loop turn: start the lookup (the callback never runs inside
 * jt_conn_start). */
static void
begin(struct jt_loop *loop, void *ud)
{
    struct jt_conn *c = ud;
    int rc;

    (void)loop;
    c->timer_armed = 0;
    rc = jt_loop_timer_add(c->o.loop, c->o.timeout_ms, on_deadline, c,
                           &c->timer);
    if (rc == 0) {
        c->timer_armed = 1;
        c->resolving = 1;
        rc = jt_resolve(c->o.resolver, &c->host, c->o.port, on_resolved, c,
                        &c->rq);
    }
    if (rc != 0) {
        c->resolving = 0;
        end(c, rc);
    }
}

int
jt_conn_start(const struct jt_conn_opts *opts, struct jt_conn **out)
{
    struct jt_conn *c;
    int rc;

    if (out == NULL)
        return JT_ERR_INVAL;
    *out = NULL;
    if (opts == NULL || opts->loop == NULL || opts->resolver == NULL ||
        opts->tls == NULL || opts->jit == NULL || opts->host == NULL ||
        opts->cb == NULL || opts->port == 0)
        return JT_ERR_INVAL;
    c = jti_calloc(opts->alloc, 1, sizeof(*c));
    if (c == NULL)
        return JT_ERR_NOMEM;
    c->o = *opts;
    c->o.host = NULL; /* borrowed: not kept */
    c->pipe.fd = -1;
    if (c->o.connect_timeout_ms == 0)
        c->o.connect_timeout_ms = CONNECT_TIMEOUT_DEFAULT;
    if (c->o.timeout_ms == 0)
        c->o.timeout_ms = TIMEOUT_DEFAULT;
    c->stage = JT_CONN_RESOLVE;
    c->result = JT_ERR_STATE;
    rc = jt_host_normalise(opts->host, strlen(opts->host), &c->host);
    if (rc == 0)
        rc = jt_loop_timer_add(c->o.loop, 0, begin, c, &c->timer);
    if (rc != 0) {
        jti_free(opts->alloc, c);
        return rc;
    }
    c->timer_armed = 1;
    c->t_phase = jt_loop_now(c->o.loop);
    *out = c;
    return 0;
}

void
jt_conn_destroy(struct jt_conn *c)
{
    if (c == NULL)
        return;
    quiesce(c);
    if (c->timer_armed)
        (void)jt_loop_timer_cancel(c->o.loop, c->timer);
    jt_jit_destroy(c->jit);
    jt_tls_destroy(c->tls);
    if (c->pipe.fd >= 0)
        close(c->pipe.fd);
    jti_free(c->o.alloc, c);
}

int
jt_conn_read(struct jt_conn *c, uint8_t *buf, size_t len)
{
    if (c == NULL)
        return JT_ERR_INVAL;
    if (c->stage != JT_CONN_DONE || c->tls == NULL)
        return JT_ERR_STATE;
    return jt_tls_read(c->tls, buf, len);
}

int
jt_conn_write(struct jt_conn *c, const uint8_t *buf, size_t len)
{
    if (c == NULL)
        return JT_ERR_INVAL;
    if (c->stage != JT_CONN_DONE || c->tls == NULL)
        return JT_ERR_STATE;
    return jt_tls_write(c->tls, buf, len);
}

int
jt_conn_close(struct jt_conn *c)
{
    if (c == NULL)
        return JT_ERR_INVAL;
    return c->tls == NULL ? JT_ERR_STATE : jt_tls_close(c->tls);
}

int
jt_conn_fd(const struct jt_conn *c)
{
    return c == NULL ? -1 : c->pipe.fd;
}

struct jt_tls *
jt_conn_tls(const struct jt_conn *c)
{
    return c == NULL ? NULL : c->tls;
}

const struct jt_jit *
jt_conn_jit(const struct jt_conn *c)
{
    return c == NULL ? NULL : c->jit;
}

const struct jt_host *
jt_conn_host(const struct jt_conn *c)
{
    return c == NULL ? NULL : &c->host;
}

int
jt_conn_stage(const struct jt_conn *c)
{
    return c == NULL ? 0 : c->stage;
}

int
jt_conn_handshakes(const struct jt_conn *c)
{
    return c == NULL ? 0 : c->handshakes;
}

const char *
jt_conn_message(const struct jt_conn *c)
{
    if (c == NULL)
        return "no connection";
    if (c->msg[0] != 0)
        return c->msg;
    if (c->jit != NULL)
        return jt_jit_message(c->jit);
    return c->result == 0 ? "connected" : jt_strerror(c->result);
}
