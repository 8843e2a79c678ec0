// SPDX-License-Identifier: MIT
/*
 * integration: the HTTP/1.1 binding (jittrust/http.h) through its C API,
 * for what jitfetch cannot show: the pool keyed by the JIT context (the
 * trust policy), streamed request bodies (chunked, and a 307 that cannot
 * replay one), a stale kept-alive connection retried once, an idle
 * connection the server closes, the body cap, an allowed downgrade, and
 * a plain-http close-delimited body. Peers: nginx (jf-servers.h) and
 * canned servers; every name goes through the static host map.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jf-servers.h"
#include "jittrust/error.h"
#include "jittrust/http.h"
#include "jittrust/jit.h"
#include "jittrust/loop.h"
#include "jittrust/resolve.h"
#include "jittrust/source.h"
#include "jittrust/tls.h"
#include "testutil.h"

static struct jf_nginx ng;

struct fix {
    struct jt_loop *loop;
    struct jt_hostmap *map;
    struct jt_resolver *res;
    struct jt_tls_config *tls;
    struct jt_jit_ctx *jit, *jit2;
    struct jt_http_client *cl;
    /* the fetch */
    char body[4096];
    size_t body_len;
    int done, err, heads, status;
    /* a streamed request body */
    const char *src;
    size_t src_off, src_step;
};

static struct jt_jit_ctx *
new_ctx(struct fix *f)
{
    struct jt_jit_ctx_opts jo = {0};
    struct jt_jit_ctx *ctx;
    struct jt_source src;
    char roots[512];

    jo.loop = f->loop;
    assert_int_equal(jt_jit_ctx_create(&jo, &ctx), 0);
    th_pki_path(roots, sizeof(roots), "roots-trusted.pem");
    assert_int_equal(jt_source_certs_create(roots, NULL, &src), 0);
    assert_int_equal(jt_jit_ctx_add_source(ctx, &src), 0);
    return ctx;
}

static void
map(struct fix *f, const char *host, int port)
{
    char spec[300];

    snprintf(spec, sizeof(spec), "%s:%d:127.0.0.1", host, port);
    assert_int_equal(jt_hostmap_add(f->map, spec), 0);
}

static void
fix_init(struct fix *f)
{
    struct jt_resolver_opts ro = {0};
    struct jt_tls_config_opts to = {0};
    struct jt_http_client_opts co = {0};

    memset(f, 0, sizeof(*f));
    assert_int_equal(jt_loop_create(NULL, &f->loop), 0);
    assert_int_equal(jt_hostmap_create(NULL, 0, &f->map), 0);
    ro.map = f->map; /* no system resolver */
    assert_int_equal(jt_resolver_create(f->loop, &ro, &f->res), 0);
    to.role = JT_TLS_CLIENT;
    assert_int_equal(jt_tls_config_create(&to, &f->tls), 0);
    f->jit = new_ctx(f);
    f->jit2 = new_ctx(f);
    map(f, "www.jt.test", ng.www);
    map(f, "rsa.jt.test", ng.rsa);
    map(f, "www.jt.test", ng.http);
    co.loop = f->loop;
    co.resolver = f->res;
    co.tls = f->tls;
    co.jit = f->jit;
    assert_int_equal(jt_http_client_create(&co, &f->cl), 0);
}

static void
fix_free(struct fix *f)
{
    jt_http_client_destroy(f->cl);
    jt_jit_ctx_destroy(f->jit);
    jt_jit_ctx_destroy(f->jit2);
    jt_tls_config_destroy(f->tls);
    jt_resolver_destroy(f->res);
    jt_hostmap_destroy(f->map);
    jt_loop_destroy(f->loop);
}

static int
on_head(void *ud, const struct jt_http_head *h)
{
    struct fix *f = ud;

    f->heads++;
    f->status = h->info->status;
    return 0;
}

static int
on_body(void *ud, const uint8_t *data, size_t len)
{
    struct fix *f = ud;

    if (f->body_len + len >= sizeof(f->body))
        return JT_ERR_NOSPC;
    memcpy(f->body + f->body_len, data, len);
    f->body_len += len;
    f->body[f->body_len] = 0;
    return 0;
}

static void
on_done(void *ud, int err)
{
    struct fix *f = ud;

    f->done = 1;
    f->err = err;
}

static const struct jt_http_cb cbs = {NULL, NULL, on_head, on_body, on_done};

/* Fetch |req| (cb and ud filled in) and run the loop until on_done. */
static int
fetch(struct fix *f, struct jt_http_req *req)
{
    struct jt_http *h;

    f->done = f->heads = f->status = 0;
    f->body_len = 0;
    f->body[0] = 0;
    req->cb = &cbs;
    req->ud = f;
    assert_int_equal(jt_http_start(f->cl, req, &h), 0);
    assert_int_equal(f->done, 0); /* never inside jt_http_start */
    while (!f->done)
        assert_int_equal(jt_loop_run_once(f->loop, 1000), 0);
    print_message("# %s: %s\n", req->url, jt_http_message(h));
    jt_http_destroy(h);
    return f->err;
}

/* GET |base| ("https://www.jt.test") :|port| |path|. */
static int
get(struct fix *f, const char *base, int port, const char *path,
    struct jt_jit_ctx *jit)
{
    struct jt_http_req r = {0};
    char url[256];

    snprintf(url, sizeof(url), "%s:%d%s", base, port, path);
    r.url = url;
    r.jit = jit;
    return fetch(f, &r);
}

/* ---- tests ---- */

/* A kept-alive connection serves the same JIT context only: another
 * context (trust policy) to the same host gets its own connection. */
static void
pool_keyed_by_policy(void **state)
{
    struct jt_http_stats st;
    struct fix f;
    int before = jf_access_conns(&ng, ng.www);

    (void)state;
    fix_init(&f);
    assert_int_equal(get(&f, "https://www.jt.test", ng.www, "/hello.txt", NULL),
                     0);
    assert_string_equal(f.body, "hello jit\n");
    assert_int_equal(get(&f, "https://www.jt.test", ng.www, "/hello.txt", NULL),
                     0);
    assert_int_equal(
        get(&f, "https://www.jt.test", ng.www, "/hello.txt", f.jit2), 0);
    assert_int_equal(
        get(&f, "https://www.jt.test", ng.www, "/hello.txt", f.jit2), 0);
    assert_int_equal(jt_http_client_stats(f.cl, &st), 0);
    assert_int_equal(st.connections, 2);
    assert_int_equal(st.handshakes, 2);
    assert_int_equal(st.reused, 2);
    assert_int_equal(st.idle, 2);
    assert_int_equal(jf_access_conns_wait(&ng, ng.www, before + 2), before + 2);
    /* plain http never shares an https connection of the same name */
    assert_int_equal(get(&f, "http://www.jt.test", ng.http, "/hello.txt", NULL),
                     0);
    assert_int_equal(jt_http_client_stats(f.cl, &st), 0);
    assert_int_equal(st.connections, 3);
    fix_free(&f);
}

/* A flush (a trust source changed) retires idle connections verified
 * before it: the next request makes a new connection and verification. */
static void
pool_dropped_on_flush(void **state)
{
    struct jt_http_stats st;
    struct fix f;

    (void)state;
    fix_init(&f);
    assert_int_equal(get(&f, "https://www.jt.test", ng.www, "/hello.txt", NULL),
                     0);
    assert_int_equal(jt_jit_ctx_flush(f.jit), 0);
    assert_int_equal(get(&f, "https://www.jt.test", ng.www, "/hello.txt", NULL),
                     0);
    assert_int_equal(jt_http_client_stats(f.cl, &st), 0);
    assert_int_equal(st.connections, 2);
    assert_int_equal(st.handshakes, 2);
    assert_int_equal(st.reused, 0);
    fix_free(&f);
}

/* A POST never takes an idle connection (it could need a replay that
 * sends it twice); a GET after it does. */
static void
post_never_reuses(void **state)
{
    struct jt_http_req r = {0};
    struct jt_http_stats st;
    char url[256];
    struct fix f;

    (void)state;
    fix_init(&f);
    snprintf(url, sizeof(url), "https://www.jt.test:%d/hello.txt", ng.www);
    r.url = url;
    r.method = "POST";
    r.body = (const uint8_t *)"a=1";
    r.body_len = 3;
    assert_int_equal(fetch(&f, &r), 0);
    assert_int_equal(fetch(&f, &r), 0);
    assert_int_equal(jt_http_client_stats(f.cl, &st), 0);
    assert_int_equal(st.connections, 2);
    assert_int_equal(st.reused, 0);
    assert_int_equal(get(&f, "https://www.jt.test", ng.www, "/hello.txt", NULL),
                     0);
    assert_int_equal(jt_http_client_stats(f.cl, &st), 0);
    assert_int_equal(st.reused, 1);
    fix_free(&f);
}

static int
read_src(void *ud, uint8_t *buf, size_t cap)
{
    struct fix *f = ud;
    size_t n = strlen(f->src + f->src_off);

    if (n > f->src_step)
        n = f->src_step;
    if (n > cap)
        n = cap;
    memcpy(buf, f->src + f->src_off, n);
    f->src_off += n;
    return (int)n;
}

/* A streamed body goes out chunked; a 307 cannot replay it; a memory
 * body is replayed (nginx logs the POST on the other host). */
static void
streamed_bodies(void **state)
{
    struct jt_http_req r = {0};
    char url[256];
    struct fix f;
    int posts;

    (void)state;
    fix_init(&f);
    f.src = "0123456789abcdefghij";
    f.src_step = 7;
    snprintf(url, sizeof(url), "https://www.jt.test:%d/echo", ng.www);
    r.url = url;
    r.method = "POST";
    r.body_read = read_src;
    r.body_ud = &f;
    r.body_len = JT_HTTP_LEN_CHUNKED;
    assert_int_equal(fetch(&f, &r), 0);
    assert_string_equal(f.body, "echo\n");
    assert_int_equal(f.src_off, 20);

    snprintf(url, sizeof(url), "https://www.jt.test:%d/temp", ng.www);
    r.flags = JT_HTTP_FOLLOW;
    r.max_redirs = 5;
    f.src_off = 0;
    assert_int_equal(fetch(&f, &r), JT_ERR_H1_REDIRECT_NO_REPLAY);

    posts = jf_access_count(&ng, (const char *[]){"\"POST /echo", NULL});
    r.body_read = NULL;
    r.body = (const uint8_t *)"k=v";
    r.body_len = 3;
    assert_int_equal(fetch(&f, &r), 0);
    assert_int_equal(f.heads, 2);
    assert_int_equal(
        jf_access_wait(&ng, (const char *[]){"\"POST /echo", NULL}, posts + 1),
        posts + 1);
    fix_free(&f);
}

/* A kept-alive connection the server closes when the next request
 * arrives: no response byte, so the request goes once more, on a new
 * connection. */
static void
stale_connection_retried(void **state)
{
    static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n";
    struct jf_canned c = {0};
    struct jt_http_stats st;
    struct fix f;

    (void)state;
    c.reply[0] = ok;
    c.stale[0] = 1;
    c.reply[1] = ok;
    c.max_conns = 2;
    assert_int_equal(jf_canned_start(&c), 0);
    fix_init(&f);
    map(&f, "plain.jt.test", c.port);
    assert_int_equal(get(&f, "http://plain.jt.test", c.port, "/a", NULL), 0);
    assert_int_equal(get(&f, "http://plain.jt.test", c.port, "/b", NULL), 0);
    assert_string_equal(f.body, "ok\n");
    assert_int_equal(jt_http_client_stats(f.cl, &st), 0);
    assert_int_equal(st.retries, 1);
    assert_int_equal(st.connections, 2);
    assert_int_equal(st.requests, 3);
    fix_free(&f);
    jf_canned_stop(&c);
    assert_int_equal(c.accepted, 2);
    assert_int_equal(c.requests, 3);
}

/* An idle connection that the server closes leaves the pool. */
static void
idle_closed_by_server(void **state)
{
    static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n";
    struct jf_canned c = {0};
    struct jt_http_stats st;
    struct fix f;

    (void)state;
    c.reply[0] = ok;
    c.delay_ms[0] = 300; /* closes once the client has pooled it */
    c.max_conns = 1;
    assert_int_equal(jf_canned_start(&c), 0);
    fix_init(&f);
    map(&f, "plain.jt.test", c.port);
    assert_int_equal(get(&f, "http://plain.jt.test", c.port, "/a", NULL), 0);
    assert_int_equal(jt_http_client_stats(f.cl, &st), 0);
    assert_int_equal(st.idle, 1);
    for (int i = 0; i < 40 && st.idle > 0; i++) {
        assert_int_equal(jt_loop_run_once(f.loop, 50), 0);
        assert_int_equal(jt_http_client_stats(f.cl, &st), 0);
    }
    assert_int_equal(st.idle, 0);
    fix_free(&f);
    jf_canned_stop(&c);
}

/* A plain-http body delimited by the server's FIN is complete; the body
 * cap stops a body that is too big. */
static void
close_delimited_and_cap(void **state)
{
    static const char eof[] = "HTTP/1.0 200 OK\r\n\r\nto the end";
    struct jt_http_req r = {0};
    struct jf_canned c = {0};
    char url[256];
    struct fix f;

    (void)state;
    c.reply[0] = eof;
    c.max_conns = 1;
    assert_int_equal(jf_canned_start(&c), 0);
    fix_init(&f);
    map(&f, "plain.jt.test", c.port);
    assert_int_equal(get(&f, "http://plain.jt.test", c.port, "/", NULL), 0);
    assert_string_equal(f.body, "to the end");
    jf_canned_stop(&c);

    snprintf(url, sizeof(url), "https://www.jt.test:%d/big.bin", ng.www);
    r.url = url;
    r.max_body = 1000;
    assert_int_equal(fetch(&f, &r), JT_ERR_H1_BODY_TOO_BIG);
    fix_free(&f);
}

/* https -> http only with JT_HTTP_ALLOW_DOWNGRADE. */
static void
downgrade_allowed(void **state)
{
    struct jt_http_req r = {0};
    char url[256];
    struct fix f;

    (void)state;
    fix_init(&f);
    snprintf(url, sizeof(url), "https://www.jt.test:%d/downgrade", ng.www);
    r.url = url;
    r.flags = JT_HTTP_FOLLOW;
    r.max_redirs = 3;
    assert_int_equal(fetch(&f, &r), JT_ERR_H1_REDIRECT_DOWNGRADE);
    r.flags |= JT_HTTP_ALLOW_DOWNGRADE;
    assert_int_equal(fetch(&f, &r), 0);
    assert_string_equal(f.body, "hello jit\n");
    fix_free(&f);
}

/* What jt_http_start refuses at once. */
static void
start_errors(void **state)
{
    static const struct jt_h1_header host = JT_H1_HEADER("Host", "x");
    struct jt_http_req r = {0};
    struct jt_http *h;
    struct fix f;

    (void)state;
    fix_init(&f);
    r.cb = &cbs;
    r.ud = &f;
    assert_int_equal(jt_http_start(f.cl, &r, &h), JT_ERR_INVAL);
    r.url = "ftp://www.jt.test/";
    assert_int_equal(jt_http_start(f.cl, &r, &h), JT_ERR_H1_URL_SCHEME);
    r.url = "https://www.jt.test/";
    r.headers = &host;
    r.n_headers = 1;
    assert_int_equal(jt_http_start(f.cl, &r, &h), JT_ERR_H1_RESERVED_HEADER);
    r.n_headers = 0;
    r.method = "GE T";
    assert_int_equal(jt_http_start(f.cl, &r, &h), JT_ERR_H1_BAD_METHOD);
    assert_null(h);
    fix_free(&f);
}

static int
setup(void **state)
{
    (void)state;
    return jf_nginx_start(&ng);
}

static int
teardown(void **state)
{
    (void)state;
    jf_nginx_stop(&ng);
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pool_keyed_by_policy),
        cmocka_unit_test(pool_dropped_on_flush),
        cmocka_unit_test(post_never_reuses),
        cmocka_unit_test(streamed_bodies),
        cmocka_unit_test(stale_connection_retried),
        cmocka_unit_test(idle_closed_by_server),
        cmocka_unit_test(close_delimited_and_cap),
        cmocka_unit_test(downgrade_allowed),
        cmocka_unit_test(start_errors),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
