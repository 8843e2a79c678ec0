// SPDX-License-Identifier: MIT
/*
 * jt_conn against real peers on 127.0.0.1: by-name connections through the
 * static host map (never the system resolver), the stage and error of each
 * failure (no such name, refused, a server stalling mid-handshake), the
 * trace, and the peer hanging up during an asynchronous lookup (one
 * reconnect, counted at our own in-process server).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"
#include "jittrust/conn.h"
#include "jittrust/error.h"
#include "jittrust/jit.h"
#include "jittrust/loop.h"
#include "jittrust/resolve.h"
#include "jittrust/source.h"
#include "jittrust/tls.h"
#include "jittrust/trace.h"
#include "testutil.h"

/* Everything a test connection needs. */
struct fix {
    struct jt_loop *loop;
    struct jt_hostmap *map;
    struct jt_resolver *res;
    struct jt_tls_config *cfg;
    struct jt_jit_ctx *jit;
    struct jt_conn *conn;
    int types[64];
    size_t ntypes;
    int done, err;
};

static void
on_trace(const struct jt_trace_event *ev, void *ud)
{
    struct fix *f = ud;
    char line[1024];

    if (f->ntypes < 64)
        f->types[f->ntypes++] = ev->type;
    assert_true(jt_trace_format(ev, JT_TRACE_TEXT, line, sizeof(line)) > 0);
    print_message("# %s\n", line);
}

static size_t
count(const struct fix *f, int type)
{
    size_t n = 0;

    for (size_t i = 0; i < f->ntypes; i++)
        n += f->types[i] == type;
    return n;
}

/* Context with the trusted test roots as a source, optionally async. */
static void
fix_init(struct fix *f, uint32_t async_ms)
{
    struct jt_resolver_opts ro = {0};
    struct jt_tls_config_opts co = {0};
    struct jt_jit_ctx_opts jo = {0};
    struct jt_source dir, src;
    char path[512];

    memset(f, 0, sizeof(*f));
    assert_int_equal(jt_loop_create(NULL, &f->loop), 0);
    assert_int_equal(jt_hostmap_create(NULL, 0, &f->map), 0);
    ro.map = f->map; /* no system resolver */
    assert_int_equal(jt_resolver_create(f->loop, &ro, &f->res), 0);
    co.role = JT_TLS_CLIENT;
    assert_int_equal(jt_tls_config_create(&co, &f->cfg), 0);
    jo.loop = f->loop;
    jo.trace = on_trace;
    jo.trace_ud = f;
    assert_int_equal(jt_jit_ctx_create(&jo, &f->jit), 0);
    th_pki_path(path, sizeof(path), "roots-trusted.pem");
    assert_int_equal(jt_source_certs_create(path, NULL, &dir), 0);
    src = dir;
    if (async_ms > 0)
        assert_int_equal(
            jt_source_async_create(f->loop, &dir, async_ms, NULL, &src), 0);
    assert_int_equal(jt_jit_ctx_add_source(f->jit, &src), 0);
}

static void
fix_free(struct fix *f)
{
    jt_conn_destroy(f->conn);
    jt_jit_ctx_destroy(f->jit);
    jt_tls_config_destroy(f->cfg);
    jt_resolver_destroy(f->res);
    jt_hostmap_destroy(f->map);
    jt_loop_destroy(f->loop);
}

static void
on_done(struct jt_conn *c, int err, void *ud)
{
    struct fix *f = ud;

    (void)c;
    f->done = 1;
    f->err = err;
}

/* Connect to |host|:|port| and run the loop until the callback. */
static int
fix_connect(struct fix *f, const char *host, int port, uint32_t timeout_ms)
{
    struct jt_conn_opts o = {0};

    jt_conn_destroy(f->conn);
    f->conn = NULL;
    f->done = 0;
    o.loop = f->loop;
    o.resolver = f->res;
    o.tls = f->cfg;
    o.jit = f->jit;
    o.host = host;
    o.port = (uint16_t)port;
    o.timeout_ms = timeout_ms;
    o.cb = on_done;
    o.ud = f;
    o.trace = on_trace;
    o.trace_ud = f;
    assert_int_equal(jt_conn_start(&o, &f->conn), 0);
    assert_int_equal(f->done, 0); /* never inside jt_conn_start */
    while (!f->done)
        assert_int_equal(jt_loop_run_once(f->loop, 1000), 0);
    print_message("# %s: %s\n", host, jt_conn_message(f->conn));
    return f->err;
}

/* Write a GET and read until |want| shows up (or EOF / 3 s). */
static int
get_page(struct fix *f, const char *want)
{
    static const char req[] = "GET / HTTP/1.0\r\n\r\n";
    char buf[8192];
    size_t used = 0;
    int rc, fd = jt_conn_fd(f->conn);

    do {
        struct pollfd p = {fd, POLLOUT, 0};

        rc = jt_conn_write(f->conn, (const uint8_t *)req, sizeof(req) - 1);
        if (rc == JT_ERR_WANT_WRITE && poll(&p, 1, 3000) != 1)
            return 0;
    } while (rc == JT_ERR_WANT_WRITE);
    if (rc < 0)
        return 0;
    while (used < sizeof(buf) - 1) {
        struct pollfd p = {fd, POLLIN, 0};

        rc = jt_conn_read(f->conn, (uint8_t *)buf + used,
                          sizeof(buf) - 1 - used);
        if (rc == JT_ERR_WANT_READ) {
            if (poll(&p, 1, 3000) != 1)
                break;
            continue;
        }
        if (rc <= 0)
            break;
        used += (size_t)rc;
        buf[used] = 0;
        if (strstr(buf, want) != NULL)
            return 1;
    }
    return 0;
}

static void
serve(struct th_peer *p, const char *leaf, const char *inter)
{
    char cert[512], key[512], chain[512], name[128];
    const char *args[] = {"-cert", cert,          "-key", key, "-www",
                          "-msg",  "-cert_chain", chain,  NULL};

    snprintf(name, sizeof(name), "%s.pem", leaf);
    th_pki_path(cert, sizeof(cert), name);
    snprintf(name, sizeof(name), "%s.key", leaf);
    th_pki_path(key, sizeof(key), name);
    snprintf(name, sizeof(name), "%s.pem", inter);
    th_pki_path(chain, sizeof(chain), name);
    assert_int_equal(th_s_server_start(p, args), 0);
}

static void
map(struct fix *f, const char *host, int port)
{
    char spec[300];

    snprintf(spec, sizeof(spec), "%s:%d:127.0.0.1", host, port);
    assert_int_equal(jt_hostmap_add(f->map, spec), 0);
}

/* By name, through the map: verified, data flows, trace in order. */
static void
by_name(void **state)
{
    struct jt_jit_stats st;
    struct th_peer p = {0};
    struct fix f;

    (void)state;
    fix_init(&f, 0);
    serve(&p, "leaf-www", "inter-p256");
    map(&f, "WWW.jt.test.", p.port);
    assert_int_equal(fix_connect(&f, "WWW.jt.test.", p.port, 0), 0);
    assert_string_equal(jt_conn_host(f.conn)->name, "www.jt.test");
    assert_int_equal(jt_conn_stage(f.conn), JT_CONN_DONE);
    assert_int_equal(jt_conn_handshakes(f.conn), 1);
    assert_true(get_page(&f, "s_server"));
    assert_int_equal(f.types[0], JT_TRACE_RESOLVE);
    assert_int_equal(f.types[1], JT_TRACE_CONNECT);
    assert_int_equal(f.types[2], JT_TRACE_HANDSHAKE);
    assert_int_equal(count(&f, JT_TRACE_CERT), 2);
    assert_int_equal(f.types[f.ntypes - 1], JT_TRACE_RESULT);
    assert_int_equal(th_peer_log_count(&p, "ClientHello"), 1);
    assert_int_equal(jt_tls_resumed(jt_conn_tls(f.conn)), 0);
    /* again: the saved session resumes, and the chain saved with it is
     * verified again (warm, from the parsed CA set): one handshake */
    f.ntypes = 0;
    assert_int_equal(fix_connect(&f, "www.jt.test", p.port, 0), 0);
    assert_int_equal(jt_tls_resumed(jt_conn_tls(f.conn)), 1);
    assert_int_equal(jt_jit_warm(jt_conn_jit(f.conn)), JT_JIT_WARM);
    assert_int_equal(count(&f, JT_TRACE_ASK), 0);
    assert_int_equal(count(&f, JT_TRACE_CERT), 2);
    assert_int_equal(count(&f, JT_TRACE_VERIFY), 1);
    assert_true(get_page(&f, "s_server"));
    assert_int_equal(th_peer_log_count(&p, "ClientHello"), 2);
    assert_int_equal(jt_jit_ctx_stats(f.jit, &st), 0);
    assert_int_equal(st.sessions_saved, 1);
    assert_int_equal(st.sessions_resumed, 1);
    /* a flush (trust changed) drops the session: a full handshake */
    assert_int_equal(jt_jit_ctx_flush(f.jit), 0);
    assert_int_equal(fix_connect(&f, "www.jt.test", p.port, 0), 0);
    assert_int_equal(jt_tls_resumed(jt_conn_tls(f.conn)), 0);
    assert_int_equal(jt_jit_warm(jt_conn_jit(f.conn)), JT_JIT_COLD);
    th_peer_stop(&p);
    fix_free(&f);
}

/*
 * Another host under the same root, cold: its chain's root key finds the
 * CA set the first host's verification left, so no source is asked and
 * no CA parsed again (10 hosts under one root parse it once).
 */
static void
cold_host_shares_ca_set(void **state)
{
    struct th_peer a = {0}, b = {0};
    struct jt_jit_stats st;
    struct fix f;

    (void)state;
    fix_init(&f, 0);
    serve(&a, "leaf-www", "inter-p256");
    serve(&b, "leaf-ip", "inter-p256");
    map(&f, "www.jt.test", a.port);
    assert_int_equal(fix_connect(&f, "www.jt.test", a.port, 0), 0);
    f.ntypes = 0;
    assert_int_equal(fix_connect(&f, "127.0.0.1", b.port, 0), 0);
    assert_int_equal(jt_jit_warm(jt_conn_jit(f.conn)), JT_JIT_COLD);
    assert_int_equal(count(&f, JT_TRACE_ASK), 0);
    assert_int_equal(count(&f, JT_TRACE_CASET), 1);
    assert_true(get_page(&f, "s_server"));
    assert_int_equal(jt_jit_ctx_stats(f.jit, &st), 0);
    assert_int_equal(st.ca_parsed, 1);
    /* and that host is warm now */
    assert_int_equal(fix_connect(&f, "127.0.0.1", b.port, 0), 0);
    assert_int_equal(jt_jit_warm(jt_conn_jit(f.conn)), JT_JIT_WARM);
    th_peer_stop(&a);
    th_peer_stop(&b);
    fix_free(&f);
}

/* An untrusted chain fails at the verify stage; no byte goes out. */
static void
untrusted(void **state)
{
    struct jt_jit_stats st;
    struct th_peer p = {0};
    struct fix f;

    (void)state;
    fix_init(&f, 0);
    serve(&p, "leaf-untrusted", "inter-untrusted");
    map(&f, "untrusted.jt.test", p.port);
    assert_int_equal(fix_connect(&f, "untrusted.jt.test", p.port, 0),
                     JT_ERR_JIT_NO_TRUSTED_CA);
    assert_int_equal(jt_conn_stage(f.conn), JT_CONN_VERIFY);
    assert_non_null(strstr(jt_conn_message(f.conn), "no trusted CA"));
    assert_int_equal(jt_conn_write(f.conn, (const uint8_t *)"x", 1),
                     JT_ERR_STATE);
    /* no session is saved for a failed verification: the next attempt is
     * a full handshake (and fails at once on the negative entry) */
    assert_int_equal(fix_connect(&f, "untrusted.jt.test", p.port, 0),
                     JT_ERR_JIT_NEGATIVE);
    assert_int_equal(jt_tls_resumed(jt_conn_tls(f.conn)), 0);
    assert_int_equal(jt_jit_ctx_stats(f.jit, &st), 0);
    assert_int_equal(st.sessions_saved, 0);
    th_peer_stop(&p);
    fix_free(&f);
}

/* A map entry answering "no such name": resolve stage, no socket. */
static void
no_such_name(void **state)
{
    struct fix f;

    (void)state;
    fix_init(&f, 0);
    assert_int_equal(jt_hostmap_add(f.map, "gone.jt.test:443:"), 0);
    assert_int_equal(fix_connect(&f, "gone.jt.test", 443, 0),
                     JT_ERR_NET_NXDOMAIN);
    assert_int_equal(jt_conn_stage(f.conn), JT_CONN_RESOLVE);
    assert_int_equal(jt_conn_fd(f.conn), -1);
    /* a name the map does not know is never sent to the system */
    assert_int_equal(fix_connect(&f, "unmapped.jt.test", 443, 0),
                     JT_ERR_NET_UNMAPPED);
    fix_free(&f);
}

static void
refused(void **state)
{
    struct fix f;
    int port = th_free_port();

    (void)state;
    fix_init(&f, 0);
    assert_int_equal(fix_connect(&f, "127.0.0.1", port, 0), JT_ERR_NET_REFUSED);
    assert_int_equal(jt_conn_stage(f.conn), JT_CONN_CONNECT);
    fix_free(&f);
}

/* A listening socket that accepts and never answers: the deadline. */
static void
stalling_server(void **state)
{
    struct sockaddr_in sa = {0};
    socklen_t sl = sizeof(sa);
    struct fix f;
    int ls = socket(AF_INET, SOCK_STREAM, 0);

    (void)state;
    assert_true(ls >= 0);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(ls, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(ls, 4), 0);
    assert_int_equal(getsockname(ls, (struct sockaddr *)&sa, &sl), 0);
    fix_init(&f, 0);
    assert_int_equal(fix_connect(&f, "127.0.0.1", ntohs(sa.sin_port), 300),
                     JT_ERR_NET_TIMEOUT);
    assert_int_equal(jt_conn_stage(f.conn), JT_CONN_TLS);
    assert_non_null(strstr(jt_conn_message(f.conn), "timed out"));
    fix_free(&f);
    close(ls);
}

/* ---- an in-process TLS server that hangs up on its first client ---- */

struct hangup_srv {
    char cert[512], key[512];
    int ls, port, handshakes, served;
    pthread_t th;
};

/* Accept 2 clients: the first is dropped right after its handshake, the
 * second gets a page. Blocking sockets, jt_tls in the server role. */
static void *
hangup_main(void *arg)
{
    struct hangup_srv *s = arg;
    struct jt_tls_config_opts co = {0};
    struct jt_tls_config *cfg;
    size_t clen, klen;
    uint8_t *cert = th_read_file(s->cert, &clen);
    uint8_t *key = th_read_file(s->key, &klen);

    co.role = JT_TLS_SERVER;
    co.cert = cert;
    co.cert_len = clen + 1; /* PEM: th_read_file NUL-terminates */
    co.key = key;
    co.key_len = klen + 1;
    if (jt_tls_config_create(&co, &cfg) != 0)
        return NULL;
    for (int i = 0; i < 2; i++) {
        struct jt_fd_pipe pipe = {accept(s->ls, NULL, NULL), 0};
        struct jt_tls *t = NULL;
        uint8_t buf[512];
        int rc = JT_ERR_WANT_READ;

        if (pipe.fd < 0)
            break;
        if (jt_tls_create(cfg, NULL, jt_fd_pipe_ops(), &pipe, &t) == 0)
            while (rc == JT_ERR_WANT_READ || rc == JT_ERR_WANT_WRITE)
                rc = jt_tls_handshake(t); /* blocking socket */
        if (rc == 0) {
            s->handshakes++;
            if (i == 1 && jt_tls_read(t, buf, sizeof(buf)) > 0 &&
                jt_tls_write(t, (const uint8_t *)"HTTP/1.0 200 OK\r\n\r\nhi",
                             21) == 21) {
                s->served++;
                (void)jt_tls_close(t);
            }
        }
        jt_tls_destroy(t);
        close(pipe.fd);
    }
    jt_tls_config_destroy(cfg);
    free(cert);
    free(key);
    return NULL;
}

/*
 * The lookup is asynchronous (300 ms) and the server hangs up right after
 * the handshake: the library waits for the answer, then reconnects once,
 * warm, and the connection works; two handshakes in all.
 */
static void
hangup_during_lookup(void **state)
{
    struct hangup_srv s = {0};
    struct sockaddr_in sa = {0};
    socklen_t sl = sizeof(sa);
    struct fix f;

    (void)state;
    /* the server's chain: leaf + intermediate in one PEM */
    th_pki_path(s.cert, sizeof(s.cert), "leaf-www.chain.pem");
    th_pki_path(s.key, sizeof(s.key), "leaf-www.key");
    s.ls = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(s.ls >= 0);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(s.ls, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(s.ls, 4), 0);
    assert_int_equal(getsockname(s.ls, (struct sockaddr *)&sa, &sl), 0);
    s.port = ntohs(sa.sin_port);
    assert_int_equal(pthread_create(&s.th, NULL, hangup_main, &s), 0);
    fix_init(&f, 300);
    map(&f, "www.jt.test", s.port);
    assert_int_equal(fix_connect(&f, "www.jt.test", s.port, 5000), 0);
    assert_int_equal(jt_conn_handshakes(f.conn), 2);
    assert_int_equal(count(&f, JT_TRACE_RECONNECT), 1);
    assert_int_equal(count(&f, JT_TRACE_HANDSHAKE), 2);
    assert_int_equal(jt_jit_warm(jt_conn_jit(f.conn)), JT_JIT_WARM);
    assert_true(get_page(&f, "hi"));
    assert_int_equal(pthread_join(s.th, NULL), 0);
    assert_int_equal(s.handshakes, 2);
    assert_int_equal(s.served, 1);
    close(s.ls);
    fix_free(&f);
}

/*
 * --trust-cache: the host entries survive in text form; a new context
 * that loads them connects warm (one key asked, no CA-set yet); a
 * tampered key costs one cold attempt on the same handshake, not trust.
 */
static void
cache_file_roundtrip(void **state)
{
    struct th_peer p = {0};
    char text[2048], forged[2048], *hex;
    size_t used, bad = 99;
    struct fix f;

    (void)state;
    fix_init(&f, 0);
    serve(&p, "leaf-www", "inter-p256");
    map(&f, "www.jt.test", p.port);
    assert_int_equal(fix_connect(&f, "www.jt.test", p.port, 0), 0);
    assert_int_equal(jt_jit_ctx_save(f.jit, text, 8, &used), JT_ERR_NOSPC);
    assert_int_equal(jt_jit_ctx_save(f.jit, text, sizeof(text), &used), 0);
    assert_int_equal(used, strlen(text));
    print_message("# saved:\n%s", text);
    assert_non_null(strstr(text, "jittrust-host-cache 1\nwww.jt.test "));
    fix_free(&f);

    fix_init(&f, 0);
    map(&f, "www.jt.test", p.port);
    assert_int_equal(jt_jit_ctx_load(f.jit, text, used, &bad), 1);
    assert_int_equal(bad, 0);
    assert_int_equal(fix_connect(&f, "www.jt.test", p.port, 0), 0);
    assert_int_equal(jt_jit_warm(jt_conn_jit(f.conn)), JT_JIT_WARM);
    assert_int_equal(count(&f, JT_TRACE_ASK), 1);
    fix_free(&f);

    /* the same entry pointing at another key: cold once, still verified */
    memcpy(forged, text, used + 1);
    hex = strstr(strchr(forged, '\n') + 1, " 1 ") + 3;
    hex[0] = hex[0] == 'A' ? 'B' : 'A';
    fix_init(&f, 0);
    map(&f, "www.jt.test", p.port);
    assert_int_equal(jt_jit_ctx_load(f.jit, forged, used, NULL), 1);
    assert_int_equal(fix_connect(&f, "www.jt.test", p.port, 0), 0);
    assert_int_equal(jt_jit_warm(jt_conn_jit(f.conn)), JT_JIT_WARM_DROPPED);
    assert_int_equal(th_peer_log_count(&p, "ClientHello"), 3);
    th_peer_stop(&p);
    fix_free(&f);
}

static void
flush_now(struct jt_loop *loop, void *ud)
{
    (void)loop;
    assert_int_equal(jt_jit_ctx_flush(ud), 0);
}

/*
 * A flush while a lookup is out (a trust source changed): the connection
 * still verifies on what it was answered, but nothing of that decision is
 * cached under the new generation (review finding: it was, for 1 h).
 */
static void
flush_during_lookup(void **state)
{
    struct th_peer p = {0};
    struct jt_jit_stats st;
    uint64_t id;
    struct fix f;

    (void)state;
    fix_init(&f, 300);
    serve(&p, "leaf-www", "inter-p256");
    map(&f, "www.jt.test", p.port);
    assert_int_equal(jt_loop_timer_add(f.loop, 100, flush_now, f.jit, &id), 0);
    assert_int_equal(fix_connect(&f, "www.jt.test", p.port, 5000), 0);
    assert_int_equal(jt_jit_ctx_stats(f.jit, &st), 0);
    assert_int_equal(st.generation, 2); /* add_source, then the flush */
    assert_int_equal(
        jt_jit_ctx_is_warm(f.jit, jt_conn_host(f.conn), (uint16_t)p.port), 0);
    assert_int_equal(st.casets, 0);
    assert_int_equal(st.sessions_saved, 0);
    th_peer_stop(&p);
    fix_free(&f);
}

/* Malformed cache files: refused whole, with the line; nothing loaded. */
static void
cache_file_malformed(void **state)
{
    static const struct {
        const char *text;
        size_t line;
    } bad[] = {
        {"", 1},
        {"jittrust-host-cache 2\n", 1},
        {"jittrust-host-cache 1\nwww.jt.test 443 0 1 ABCD\n", 2},
        {"jittrust-host-cache 1\nwww.jt.test 0 0 1 ABCD 9999999999\n", 2},
        {"jittrust-host-cache 1\nwww.jt.test 443 0 9 ABCD 9999999999\n", 2},
        /* numbers that overflow their field, or signed */
        {"jittrust-host-cache 1\nwww.jt.test 443 4294967296 1 ABCD 1\n", 2},
        {"jittrust-host-cache 1\nwww.jt.test 184467440737095516161 0 1 AB "
         "1\n",
         2},
        {"jittrust-host-cache 1\nwww.jt.test +443 0 1 ABCD 9999999999\n", 2},
        {"jittrust-host-cache 1\nwww.jt.test 443  0 1 ABCD 9999999999\n", 2},
        {"jittrust-host-cache 1\nwww.jt.test 443 0 1 ABC 9999999999\n", 2},
        {"jittrust-host-cache 1\nwww.jt.test 443 0 1 XYZW 9999999999\n", 2},
        {"jittrust-host-cache 1\nWWW.jt.test 443 0 1 ABCD 9999999999\n", 2},
        {"jittrust-host-cache 1\nwww.jt.test 443 0 1 ABCD 9999999999 x\n", 2},
        /* a key longer than any (found by fuzz-hostcache: it overran the
         * field buffer) */
        {"jittrust-host-cache 1\nwww.jt.test 443 0 1 "
         "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF"
         "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF"
         "00112233445566778899AABBCCDDEEFF 9999999999\n",
         2},
        {"jittrust-host-cache 1\n# ok\n\nwww.jt.test 443 0 1 ABCD 1\n"
         "a.test 443 0 1 ABCD -5\n",
         5},
    };
    struct jt_jit_stats st;
    struct fix f;

    (void)state;
    fix_init(&f, 0);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        size_t line = 0;

        assert_int_equal(
            jt_jit_ctx_load(f.jit, bad[i].text, strlen(bad[i].text), &line),
            JT_ERR_JIT_CACHE_FILE);
        assert_int_equal(line, bad[i].line);
    }
    /* an expired entry is skipped, a live one loaded */
    assert_int_equal(
        jt_jit_ctx_load(f.jit,
                        "jittrust-host-cache 1\nold.test 443 0 1 ABCD 1\n"
                        "new.test 443 0 1 ABCD 9999999999\n",
                        79, NULL),
        1);
    assert_int_equal(jt_jit_ctx_stats(f.jit, &st), 0);
    fix_free(&f);
}

/* s_server -msg: a Certificate message the server received. */
#define CLIENT_CERT_MSG "<<< TLS 1.2, Handshake [length "
#define CERT_NAME "], Certificate\n" /* not CertificateVerify */

/* Count Certificate messages the server received from clients. */
static int
client_certs_seen(const struct th_peer *p)
{
    char line[512];
    int n = 0;
    FILE *f = fopen(p->log, "r");

    assert_non_null(f);
    while (fgets(line, sizeof(line), f) != NULL)
        n += strstr(line, CLIENT_CERT_MSG) != NULL &&
             strstr(line, CERT_NAME) != NULL;
    fclose(f);
    return n;
}

/* s_server asking for a client certificate, verified against the roots. */
static void
serve_mtls(struct th_peer *p, const char *leaf, const char *inter)
{
    char cert[512], key[512], chain[512], roots[512], name[128];
    const char *args[] = {"-cert",
                          cert,
                          "-key",
                          key,
                          "-www",
                          "-msg",
                          "-Verify",
                          "1",
                          "-CAfile",
                          roots,
                          "-verify_return_error",
                          "-cert_chain",
                          chain,
                          NULL};

    snprintf(name, sizeof(name), "%s.pem", leaf);
    th_pki_path(cert, sizeof(cert), name);
    snprintf(name, sizeof(name), "%s.key", leaf);
    th_pki_path(key, sizeof(key), name);
    snprintf(name, sizeof(name), "%s.pem", inter);
    th_pki_path(chain, sizeof(chain), name);
    th_pki_path(roots, sizeof(roots), "roots-trusted.pem");
    assert_int_equal(th_s_server_start(p, args), 0);
}

/* A client config carrying leaf-clientauth (with its intermediate). */
static void
client_cert_config(struct fix *f)
{
    struct jt_tls_config_opts co = {0};
    char path[512];
    size_t clen, klen;
    uint8_t *cert = th_read_file(
        th_pki_path(path, sizeof(path), "leaf-clientauth.chain.pem"), &clen);
    uint8_t *key = th_read_file(
        th_pki_path(path, sizeof(path), "leaf-clientauth.key"), &klen);

    assert_non_null(cert);
    assert_non_null(key);
    co.role = JT_TLS_CLIENT;
    co.cert = cert;
    co.cert_len = clen + 1; /* PEM: the NUL th_read_file adds */
    co.key = key;
    co.key_len = klen + 1;
    jt_tls_config_destroy(f->cfg);
    assert_int_equal(jt_tls_config_create(&co, &f->cfg), 0);
    assert_int_equal(jt_tls_config_has_cert(f->cfg), 1);
    free(cert);
    free(key);
}

/*
 * A client certificate is never sent to a server before it is verified:
 * the handshake stops after the server's key exchange, the JIT flow
 * verifies that chain (the key exchange was signed by its cert 0), and
 * only then does our flight with the certificate go out, on the same
 * connection. An untrusted server never sees the certificate.
 */
static void
client_cert_probe(void **state)
{
    struct th_peer p = {0}, u = {0};
    struct fix f;

    (void)state;
    fix_init(&f, 0);
    client_cert_config(&f);
    serve_mtls(&p, "leaf-www", "inter-p256");
    map(&f, "www.jt.test", p.port);
    assert_int_equal(fix_connect(&f, "www.jt.test", p.port, 0), 0);
    assert_int_equal(jt_conn_handshakes(f.conn), 1);
    assert_int_equal(count(&f, JT_TRACE_RECONNECT), 0);
    assert_true(get_page(&f, "s_server"));
    assert_int_equal(th_peer_log_count(&p, "ClientHello"), 1);
    assert_int_equal(client_certs_seen(&p), 1);
    /* warm: the same, verified before the certificate again */
    f.ntypes = 0;
    assert_int_equal(fix_connect(&f, "www.jt.test", p.port, 0), 0);
    assert_int_equal(jt_jit_warm(jt_conn_jit(f.conn)), JT_JIT_WARM);
    assert_true(get_page(&f, "s_server"));
    assert_int_equal(th_peer_log_count(&p, "ClientHello"), 2);
    assert_int_equal(client_certs_seen(&p), 2);
    th_peer_stop(&p);

    serve_mtls(&u, "leaf-untrusted", "inter-untrusted");
    map(&f, "untrusted.jt.test", u.port);
    assert_int_equal(fix_connect(&f, "untrusted.jt.test", u.port, 0),
                     JT_ERR_JIT_NO_TRUSTED_CA);
    assert_int_equal(jt_conn_handshakes(f.conn), 1);
    assert_int_equal(th_peer_log_count(&u, "ClientHello"), 1);
    assert_int_equal(client_certs_seen(&u), 0);
    th_peer_stop(&u);
    fix_free(&f);
}

/* The same with an asynchronous source: the handshake waits, paused
 * before our flight, for the lookup (200 ms a key), then completes. */
static void
client_cert_async(void **state)
{
    struct th_peer p = {0};
    struct fix f;

    (void)state;
    fix_init(&f, 200);
    client_cert_config(&f);
    serve_mtls(&p, "leaf-www", "inter-p256");
    map(&f, "www.jt.test", p.port);
    assert_int_equal(fix_connect(&f, "www.jt.test", p.port, 5000), 0);
    assert_int_equal(jt_conn_handshakes(f.conn), 1);
    assert_true(get_page(&f, "s_server"));
    assert_int_equal(th_peer_log_count(&p, "ClientHello"), 1);
    assert_int_equal(client_certs_seen(&p), 1);
    th_peer_stop(&p);
    fix_free(&f);
}

int
main(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(by_name),
        cmocka_unit_test(cold_host_shares_ca_set),
        cmocka_unit_test(untrusted),
        cmocka_unit_test(no_such_name),
        cmocka_unit_test(refused),
        cmocka_unit_test(stalling_server),
        cmocka_unit_test(hangup_during_lookup),
        cmocka_unit_test(cache_file_roundtrip),
        cmocka_unit_test(cache_file_malformed),
        cmocka_unit_test(client_cert_probe),
        cmocka_unit_test(client_cert_async),
        cmocka_unit_test(flush_during_lookup),
    };

    return cmocka_run_group_tests_name("conn", tests, NULL, NULL);
}
