// SPDX-License-Identifier: MIT
/*
 * unit: the redirect rules (jt_redirect_*). One row per rule: 301/302
 * turn POST into GET and drop the body, 303 turns all but HEAD into GET,
 * 307/308 keep method and body (and fail for a streamed body), cross-origin
 * hops flagged, https -> http refused unless allowed, only http(s)
 * Locations; the headers each kind of hop drops; the hop limit and loop
 * detection over the last JT_REDIRECT_REMEMBER visits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "jittrust/error.h"
#include "jittrust/h1.h"
#include "jittrust/url.h"

#define BODY JT_REDIRECT_HAS_BODY
#define STREAM (JT_REDIRECT_HAS_BODY | JT_REDIRECT_BODY_STREAMED)
#define DROP JT_REDIRECT_DROP_BODY
#define XO JT_REDIRECT_CROSS_ORIGIN

struct redir_row {
    const char *method;
    const char *base;
    const char *location; /* NULL: none */
    const char *url;
    const char *method_out;
    int status;
    unsigned in_flags;
    int want;
    unsigned out_flags;
};

/* Rows read: status, method, flags in, base, Location, result, next URL,
 * next method, flags out. */
#define ROW(st, m, fl, base, loc, want, url, mo, of)                           \
    {                                                                          \
        (m), (base), (loc), (url), (mo), (st), (fl), (want), (of)              \
    }

static const struct redir_row redir_rows[] = {
    /* 301/302: POST becomes GET without body, others are kept */
    ROW(301, "GET", 0, "http://a/x", "/y", 0, "http://a/y", "GET", 0),
    ROW(301, "HEAD", 0, "http://a/x", "y", 0, "http://a/y", "HEAD", 0),
    ROW(301, "POST", BODY, "http://a/x", "/y", 0, "http://a/y", "GET", DROP),
    ROW(302, "POST", BODY, "http://a/x", "/y", 0, "http://a/y", "GET", DROP),
    ROW(302, "POST", STREAM, "http://a/x", "/y", 0, "http://a/y", "GET", DROP),
    ROW(302, "POST", 0, "http://a/x", "/y", 0, "http://a/y", "GET", 0),
    ROW(301, "PUT", BODY, "http://a/x", "/y", 0, "http://a/y", "PUT", 0),
    ROW(302, "PUT", STREAM, "http://a/x", "/y", JT_ERR_H1_REDIRECT_NO_REPLAY,
        NULL, NULL, 0),
    ROW(302, "DELETE", 0, "http://a/x", "/y", 0, "http://a/y", "DELETE", 0),
    /* 303: everything but HEAD becomes GET */
    ROW(303, "POST", BODY, "http://a/x", "/y", 0, "http://a/y", "GET", DROP),
    ROW(303, "PUT", STREAM, "http://a/x", "/y", 0, "http://a/y", "GET", DROP),
    ROW(303, "DELETE", 0, "http://a/x", "/y", 0, "http://a/y", "GET", 0),
    ROW(303, "GET", 0, "http://a/x", "/y", 0, "http://a/y", "GET", 0),
    ROW(303, "HEAD", 0, "http://a/x", "/y", 0, "http://a/y", "HEAD", 0),
    /* 307/308: method and body kept, a streamed body cannot be */
    ROW(307, "POST", BODY, "http://a/x", "/y", 0, "http://a/y", "POST", 0),
    ROW(308, "PUT", BODY, "http://a/x", "../z", 0, "http://a/z", "PUT", 0),
    ROW(308, "GET", 0, "http://a/x", "/y", 0, "http://a/y", "GET", 0),
    ROW(307, "POST", STREAM, "http://a/x", "/y", JT_ERR_H1_REDIRECT_NO_REPLAY,
        NULL, NULL, 0),
    ROW(308, "PUT", STREAM, "http://a/x", "/y", JT_ERR_H1_REDIRECT_NO_REPLAY,
        NULL, NULL, 0),
    /* origins */
    ROW(302, "GET", 0, "http://a/x", "http://b/", 0, "http://b/", "GET", XO),
    ROW(302, "GET", 0, "http://a/x", "https://a/", 0, "https://a/", "GET", XO),
    ROW(302, "GET", 0, "http://a/x", "http://a:8080/", 0, "http://a:8080/",
        "GET", XO),
    ROW(302, "GET", 0, "http://a/x", "//A./z", 0, "http://a/z", "GET", 0),
    ROW(302, "GET", 0, "http://a/x", "HTTP://a:80/z", 0, "http://a/z", "GET",
        0),
    ROW(307, "POST", BODY, "https://a/x", "https://b/y", 0, "https://b/y",
        "POST", XO),
    /* downgrade */
    ROW(302, "GET", 0, "https://a/x", "http://a/x",
        JT_ERR_H1_REDIRECT_DOWNGRADE, NULL, NULL, 0),
    ROW(301, "GET", 0, "https://a/x", "http://b/", JT_ERR_H1_REDIRECT_DOWNGRADE,
        NULL, NULL, 0),
    ROW(302, "GET", JT_REDIRECT_ALLOW_DOWNGRADE, "https://a/x", "http://a/x", 0,
        "http://a/x", "GET", XO),
    ROW(302, "GET", 0, "https://a/x", "//b/", 0, "https://b/", "GET", XO),
    /* refusals */
    ROW(302, "GET", 0, "http://a/x", "ftp://a/", JT_ERR_H1_URL_SCHEME, NULL,
        NULL, 0),
    ROW(302, "GET", 0, "http://a/x", "javascript:alert(1)",
        JT_ERR_H1_URL_SCHEME, NULL, NULL, 0),
    ROW(302, "GET", 0, "http://a/x", "http://u:p@b/", JT_ERR_H1_URL_USERINFO,
        NULL, NULL, 0),
    ROW(302, "GET", 0, "http://a/x", "/a b", JT_ERR_H1_URL_BAD_CHAR, NULL, NULL,
        0),
    ROW(302, "GET", 0, "http://a/x", NULL, JT_ERR_H1_REDIRECT_NO_LOCATION, NULL,
        NULL, 0),
    ROW(300, "GET", 0, "http://a/x", "/y", JT_ERR_H1_REDIRECT_STATUS, NULL,
        NULL, 0),
    ROW(304, "GET", 0, "http://a/x", "/y", JT_ERR_H1_REDIRECT_STATUS, NULL,
        NULL, 0),
    ROW(200, "GET", 0, "http://a/x", "/y", JT_ERR_H1_REDIRECT_STATUS, NULL,
        NULL, 0),
    ROW(306, "GET", 0, "http://a/x", NULL, JT_ERR_H1_REDIRECT_STATUS, NULL,
        NULL, 0),
};

static void
redirect_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(redir_rows) / sizeof(redir_rows[0]); i++) {
        const struct redir_row *row = &redir_rows[i];
        char b1[64], b2[64], out[128];
        struct jt_url base, next;
        struct jt_redirect r;
        struct jt_redirect_req req = {row->status,
                                      row->method,
                                      &base,
                                      row->location,
                                      row->location ? strlen(row->location) : 0,
                                      row->in_flags};
        int rc;

        jt_url_init(&base, b1, sizeof(b1));
        jt_url_init(&next, b2, sizeof(b2));
        assert_int_equal(jt_url_parse(&base, row->base, strlen(row->base)), 0);
        rc = jt_redirect_next(&req, &next, &r);
        if (rc != row->want)
            fail_msg("row %zu (%d %s %s): got %d (%s), want %d (%s)", i,
                     row->status, row->method,
                     row->location ? row->location : "(none)", rc,
                     jt_strerror(rc), row->want, jt_strerror(row->want));
        assert_int_equal(jt_redirect_is_redirect(row->status),
                         row->want != JT_ERR_H1_REDIRECT_STATUS);
        if (rc != 0) {
            assert_int_equal(next.scheme, 0);
            assert_null(r.method);
            assert_int_equal(r.flags, 0);
            continue;
        }
        assert_int_equal(jt_url_format(&next, out, sizeof(out), NULL), 0);
        assert_string_equal(out, row->url);
        assert_string_equal(r.method, row->method_out);
        if (r.flags != row->out_flags)
            fail_msg("row %zu: flags %#x, want %#x", i, r.flags,
                     row->out_flags);
    }
}

static void
redirect_bad_arguments(void **state)
{
    char b1[64], b2[64];
    struct jt_url base, next;
    struct jt_redirect r;
    struct jt_redirect_req req = {302, "GET", &base, "/y", 2, 0};

    (void)state;
    jt_url_init(&base, b1, sizeof(b1));
    jt_url_init(&next, b2, sizeof(b2));
    assert_int_equal(jt_redirect_next(&req, &next, &r), JT_ERR_INVAL);
    assert_int_equal(jt_url_parse(&base, "http://a/", 9), 0);
    assert_int_equal(jt_redirect_next(&req, NULL, &r), JT_ERR_INVAL);
    assert_int_equal(jt_redirect_next(&req, &next, NULL), JT_ERR_INVAL);
    assert_int_equal(jt_redirect_next(NULL, &next, &r), JT_ERR_INVAL);
    req.method = NULL;
    assert_int_equal(jt_redirect_next(&req, &next, &r), JT_ERR_INVAL);
    req.method = "GET";
    assert_int_equal(jt_redirect_next(&req, &next, &r), 0);
    /* |next| too small */
    jt_url_init(&next, b2, 2);
    assert_int_equal(jt_redirect_next(&req, &next, &r), JT_ERR_NOSPC);
    assert_null(r.method);
}

struct drop_row {
    unsigned flags;
    const char *name;
    int caller_auth;
    int drop;
};

static const struct drop_row drop_rows[] = {
    {XO, "Authorization", 0, 1},
    {XO, "authorization", 0, 1},
    {XO, "COOKIE", 0, 1},
    {XO, "Proxy-Authorization", 0, 1},
    {XO, "X-Api-Key", 1, 1},
    {XO, "X-Api-Key", 0, 0},
    {XO, "Accept", 0, 0},
    {XO, "Content-Type", 0, 0},
    {0, "Authorization", 0, 0},
    {0, "Cookie", 0, 0},
    {0, "X-Api-Key", 1, 0},
    {DROP, "Content-Type", 0, 1},
    {DROP, "content-encoding", 0, 1},
    {DROP, "Content-Language", 0, 1},
    {DROP, "Content-Location", 0, 1},
    {DROP, "Content-Length", 0, 1},
    {DROP, "Transfer-Encoding", 0, 1},
    {DROP, "Authorization", 0, 0},
    {DROP, "Accept", 0, 0},
    {XO | DROP, "Cookie", 0, 1},
    {XO | DROP, "Content-Type", 0, 1},
    {XO | DROP, "User-Agent", 0, 0},
    {XO, "Authorization2", 0, 0},
    {XO, "Cookie2", 0, 0},
};

static void
redirect_drop_headers(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(drop_rows) / sizeof(drop_rows[0]); i++) {
        struct jt_redirect r = {"GET", drop_rows[i].flags};
        const char *n = drop_rows[i].name;

        if (jt_redirect_drop_header(&r, n, strlen(n),
                                    drop_rows[i].caller_auth) !=
            drop_rows[i].drop)
            fail_msg("row %zu: %s", i, n);
    }
    /* NULL hop: the safe answer */
    assert_int_equal(jt_redirect_drop_header(NULL, "Cookie", 6, 0), 1);
    assert_int_equal(jt_redirect_drop_header(NULL, "Content-Type", 12, 0), 1);
    assert_int_equal(jt_redirect_drop_header(NULL, "Accept", 6, 0), 0);
    assert_int_equal(jt_redirect_drop_header(NULL, NULL, 0, 1), 0);
}

static void
visit(struct jt_redirect_track *t, const char *method, const char *url,
      int want)
{
    char tb[64];
    struct jt_url u;

    jt_url_init(&u, tb, sizeof(tb));
    assert_int_equal(jt_url_parse(&u, url, strlen(url)), 0);
    assert_int_equal(jt_redirect_track_visit(t, method, &u), want);
}

static void
redirect_track(void **state)
{
    struct jt_redirect_track t;
    char url[64];

    (void)state;
    /* limit 3: the first URL and 3 redirects */
    jt_redirect_track_init(&t, 3);
    visit(&t, "GET", "http://a/0", 0);
    visit(&t, "GET", "http://a/1", 0);
    visit(&t, "GET", "http://a/2", 0);
    visit(&t, "GET", "http://a/3", 0);
    visit(&t, "GET", "http://a/4", JT_ERR_H1_REDIRECT_TOO_MANY);
    /* limit 0: no redirect at all */
    jt_redirect_track_init(&t, 0);
    visit(&t, "GET", "http://a/0", 0);
    visit(&t, "GET", "http://a/1", JT_ERR_H1_REDIRECT_TOO_MANY);
    /* loops: same method and URL (any spelling); an error records nothing */
    jt_redirect_track_init(&t, 50);
    visit(&t, "POST", "http://a/x", 0);
    visit(&t, "GET", "http://a/x", 0); /* 303 to itself: not a loop */
    visit(&t, "GET", "http://b/", 0);
    visit(&t, "GET", "HTTP://A:80/x#f", JT_ERR_H1_REDIRECT_LOOP);
    visit(&t, "GET", "http://b/", JT_ERR_H1_REDIRECT_LOOP);
    visit(&t, "GET", "https://a/x", 0);
    visit(&t, "GET", "http://a:81/x", 0);
    visit(&t, "GET", "http://a/x?", 0);
    /* only the last JT_REDIRECT_REMEMBER visits are compared */
    jt_redirect_track_init(&t, 100);
    for (unsigned i = 0; i <= JT_REDIRECT_REMEMBER; i++) {
        snprintf(url, sizeof(url), "http://a/%u", i);
        visit(&t, "GET", url, 0);
    }
    visit(&t, "GET", "http://a/1", JT_ERR_H1_REDIRECT_LOOP);
    visit(&t, "GET", "http://a/0", 0);
    assert_int_equal(jt_redirect_track_visit(&t, "GET", NULL), JT_ERR_INVAL);
    assert_int_equal(jt_redirect_track_visit(NULL, "GET", NULL), JT_ERR_INVAL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(redirect_table),
        cmocka_unit_test(redirect_bad_arguments),
        cmocka_unit_test(redirect_drop_headers),
        cmocka_unit_test(redirect_track),
    };
    return cmocka_run_group_tests_name("h1-redirect", tests, NULL, NULL);
}
