// SPDX-License-Identifier: MIT
/*
 * unit: the HTTP/1.1 request writer (jt_h1_writer_*). A table of request
 * heads: methods, Host with and without port and IPv6 brackets, caller
 * headers, Content-Length / chunked / none, Connection; refusals with the
 * exact code (header injection through a CR or LF in a value or name, the
 * writer's own headers, bad methods) and the writer left unchanged. Then
 * output caps (|used| says what is needed), states, Content-Length
 * accounting, and chunked framing parsed back by the response parser.
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

struct req_row {
    const char *method;
    const char *url;
    struct jt_h1_header headers[3];
    size_t n_headers;
    int body;
    uint64_t body_len;
    int keep_alive;
    int want;
    const char *out;
};

#define HDR(n, v) JT_H1_HEADER(n, v)
static const struct req_row req_rows[] = {
    {"GET",
     "http://example.com",
     {{0}},
     0,
     JT_H1_BODY_NONE,
     0,
     1,
     0,
     "GET / HTTP/1.1\r\nHost: example.com\r\nConnection: keep-alive\r\n\r\n"},
    {"HEAD",
     "https://[::1]:8443/x?y#z",
     {{0}},
     0,
     JT_H1_BODY_NONE,
     0,
     0,
     0,
     "HEAD /x?y HTTP/1.1\r\nHost: [::1]:8443\r\nConnection: close\r\n\r\n"},
    {"GET",
     "http://A.Example:8080/caf\xc3\xa9",
     {HDR("Accept", "*/*")},
     1,
     JT_H1_BODY_NONE,
     0,
     1,
     0,
     "GET /caf%C3%A9 HTTP/1.1\r\nHost: a.example:8080\r\nAccept: */*\r\n"
     "Connection: keep-alive\r\n\r\n"},
    {"POST",
     "https://h/p",
     {{0}},
     0,
     JT_H1_BODY_NONE,
     0,
     1,
     0,
     "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n"
     "Connection: keep-alive\r\n\r\n"},
    {"PUT",
     "http://h/p",
     {HDR("Content-Type", "text/plain"), HDR("X-Tab", "a\tb"),
      HDR("X-Empty", "")},
     3,
     JT_H1_BODY_LENGTH,
     5,
     1,
     0,
     "PUT /p HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\n"
     "X-Tab: a\tb\r\nX-Empty: \r\nContent-Length: 5\r\n"
     "Connection: keep-alive\r\n\r\n"},
    {"POST",
     "http://h/",
     {{0}},
     0,
     JT_H1_BODY_CHUNKED,
     0,
     0,
     0,
     "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
     "Connection: close\r\n\r\n"},
    {"GET",
     "http://h/",
     {{0}},
     0,
     JT_H1_BODY_LENGTH,
     0,
     1,
     0,
     "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n"
     "Connection: keep-alive\r\n\r\n"},
    {"M-SEARCH",
     "http://h:80/",
     {HDR("X-Obs", "caf\xc3\xa9")},
     1,
     JT_H1_BODY_NONE,
     0,
     1,
     0,
     "M-SEARCH / HTTP/1.1\r\nHost: h\r\nX-Obs: caf\xc3\xa9\r\n"
     "Connection: keep-alive\r\n\r\n"},
    /* refused */
    {"GE T",
     "http://h/",
     {{0}},
     0,
     JT_H1_BODY_NONE,
     0,
     1,
     JT_ERR_H1_BAD_METHOD,
     NULL},
    {"",
     "http://h/",
     {{0}},
     0,
     JT_H1_BODY_NONE,
     0,
     1,
     JT_ERR_H1_BAD_METHOD,
     NULL},
    {"GET / HTTP/1.1\r\nX:",
     "http://h/",
     {{0}},
     0,
     JT_H1_BODY_NONE,
     0,
     1,
     JT_ERR_H1_BAD_METHOD,
     NULL},
    {"GET",
     "http://h/",
     {HDR("X-Evil", "a\r\nHost: evil")},
     1,
     JT_H1_BODY_NONE,
     0,
     1,
     JT_ERR_H1_BAD_HEADER_VALUE,
     NULL},
    {"GET",
     "http://h/",
     {HDR("X-Evil", "a\nb")},
     1,
     JT_H1_BODY_NONE,
     0,
     1,
     JT_ERR_H1_BAD_HEADER_VALUE,
     NULL},
    {"GET",
     "http://h/",
     {HDR("X-Evil", "a\rb")},
     1,
     JT_H1_BODY_NONE,
     0,
     1,
     JT_ERR_H1_BAD_HEADER_VALUE,
     NULL},
    {"GET",
     "http://h/",
     {HDR("X-Evil", "a\x7f")},
     1,
     JT_H1_BODY_NONE,
     0,
     1,
     JT_ERR_H1_BAD_HEADER_VALUE,
     NULL},
    {"GET",
     "http://h/",
     {HDR("A", "ok"), HDR("Bad Name", "v")},
     2,
     JT_H1_BODY_NONE,
     0,
     1,
     JT_ERR_H1_BAD_HEADER_NAME,
     NULL},
    {"GET",
     "http://h/",
     {HDR("X:Y", "v")},
     1,
     JT_H1_BODY_NONE,
     0,
     1,
     JT_ERR_H1_BAD_HEADER_NAME,
     NULL},
    {"GET",
     "http://h/",
     {HDR("", "v")},
     1,
     JT_H1_BODY_NONE,
     0,
     1,
     JT_ERR_H1_BAD_HEADER_NAME,
     NULL},
    {"GET",
     "http://h/",
     {HDR("X\r\nY", "v")},
     1,
     JT_H1_BODY_NONE,
     0,
     1,
     JT_ERR_H1_BAD_HEADER_NAME,
     NULL},
    {"GET",
     "http://h/",
     {HDR("host", "evil")},
     1,
     JT_H1_BODY_NONE,
     0,
     1,
     JT_ERR_H1_RESERVED_HEADER,
     NULL},
    {"GET",
     "http://h/",
     {HDR("Content-LENGTH", "0")},
     1,
     JT_H1_BODY_NONE,
     0,
     1,
     JT_ERR_H1_RESERVED_HEADER,
     NULL},
    {"GET",
     "http://h/",
     {HDR("Transfer-Encoding", "chunked")},
     1,
     JT_H1_BODY_NONE,
     0,
     1,
     JT_ERR_H1_RESERVED_HEADER,
     NULL},
    {"GET",
     "http://h/",
     {HDR("connection", "upgrade")},
     1,
     JT_H1_BODY_NONE,
     0,
     1,
     JT_ERR_H1_RESERVED_HEADER,
     NULL},
    {"GET", "http://h/", {{0}}, 0, JT_H1_BODY_CLOSE, 0, 1, JT_ERR_INVAL, NULL},
};

static void
request_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(req_rows) / sizeof(req_rows[0]); i++) {
        const struct req_row *row = &req_rows[i];
        char tb[128];
        uint8_t out[512];
        struct jt_url u;
        struct jt_h1_writer w;
        struct jt_h1_req req = {
            row->method,   &u,        row->headers,   row->n_headers,
            row->body_len, row->body, row->keep_alive};
        size_t used = 99;
        int rc;

        jt_url_init(&u, tb, sizeof(tb));
        assert_int_equal(jt_url_parse(&u, row->url, strlen(row->url)), 0);
        jt_h1_writer_init(&w);
        rc = jt_h1_writer_head(&w, &req, out, sizeof(out), &used);
        if (rc != row->want)
            fail_msg("row %zu: got %d (%s), want %d (%s)", i, rc,
                     jt_strerror(rc), row->want, jt_strerror(row->want));
        if (rc != 0) {
            assert_int_equal(used, 0);
            assert_int_equal(w.state, 0); /* writer unchanged */
            continue;
        }
        if (used != strlen(row->out) || memcmp(out, row->out, used) != 0)
            fail_msg("row %zu: got\n%.*s\nwant\n%s", i, (int)used, out,
                     row->out);
    }
}

static void
request_caps_and_states(void **state)
{
    char tb[32];
    uint8_t out[256];
    struct jt_url u;
    struct jt_h1_writer w;
    struct jt_h1_req req = {"GET", &u, NULL, 0, 0, JT_H1_BODY_NONE, 1};
    size_t used = 0, need;

    (void)state;
    jt_url_init(&u, tb, sizeof(tb));
    assert_int_equal(jt_url_parse(&u, "http://h/", 9), 0);
    jt_h1_writer_init(&w);
    assert_int_equal(jt_h1_writer_head(&w, &req, NULL, 0, &used), JT_ERR_NOSPC);
    need = used;
    assert_int_equal(need, strlen("GET / HTTP/1.1\r\nHost: h\r\n"
                                  "Connection: keep-alive\r\n\r\n"));
    assert_int_equal(jt_h1_writer_head(&w, &req, out, need - 1, &used),
                     JT_ERR_NOSPC);
    assert_int_equal(used, need);
    assert_int_equal(jt_h1_writer_body(&w, "x", 1, out, sizeof(out), &used),
                     JT_ERR_STATE);
    assert_int_equal(jt_h1_writer_finish(&w, out, sizeof(out), &used),
                     JT_ERR_STATE);
    assert_int_equal(jt_h1_writer_head(&w, &req, out, need, &used), 0);
    assert_int_equal(used, need);
    assert_int_equal(jt_h1_writer_head(&w, &req, out, need, &used),
                     JT_ERR_STATE);
    /* no body: any byte is refused, a zero-length piece writes nothing */
    assert_int_equal(jt_h1_writer_body(&w, "x", 1, out, sizeof(out), &used),
                     JT_ERR_H1_BODY_LENGTH);
    assert_int_equal(jt_h1_writer_body(&w, "x", 0, out, sizeof(out), &used), 0);
    assert_int_equal(used, 0);
    assert_int_equal(jt_h1_writer_finish(&w, out, sizeof(out), &used), 0);
    assert_int_equal(used, 0);
    assert_int_equal(jt_h1_writer_finish(&w, out, sizeof(out), &used),
                     JT_ERR_STATE);
    /* argument checks */
    jt_h1_writer_init(&w);
    assert_int_equal(jt_h1_writer_head(NULL, &req, out, 9, &used),
                     JT_ERR_INVAL);
    assert_int_equal(jt_h1_writer_head(&w, NULL, out, 9, &used), JT_ERR_INVAL);
    assert_int_equal(jt_h1_writer_head(&w, &req, out, 9, NULL), JT_ERR_INVAL);
    assert_int_equal(jt_h1_writer_head(&w, &req, NULL, 9, &used), JT_ERR_INVAL);
    req.method = NULL;
    assert_int_equal(jt_h1_writer_head(&w, &req, out, 9, &used), JT_ERR_INVAL);
    req.method = "GET";
    jt_url_init(&u, tb, sizeof(tb));
    assert_int_equal(jt_h1_writer_head(&w, &req, out, 9, &used), JT_ERR_INVAL);
    assert_int_equal(jt_h1_writer_body(NULL, "x", 1, out, 9, &used),
                     JT_ERR_INVAL);
    assert_int_equal(jt_h1_writer_finish(&w, out, 9, NULL), JT_ERR_INVAL);
}

static void
request_content_length(void **state)
{
    char tb[32];
    uint8_t out[256];
    struct jt_url u;
    struct jt_h1_writer w;
    struct jt_h1_req req = {"PUT", &u, NULL, 0, 5, JT_H1_BODY_LENGTH, 1};
    size_t used;

    (void)state;
    jt_url_init(&u, tb, sizeof(tb));
    assert_int_equal(jt_url_parse(&u, "http://h/", 9), 0);
    jt_h1_writer_init(&w);
    assert_int_equal(jt_h1_writer_head(&w, &req, out, sizeof(out), &used), 0);
    assert_int_equal(jt_h1_writer_body(&w, "abc", 3, out, 2, &used),
                     JT_ERR_NOSPC);
    assert_int_equal(used, 3);
    assert_int_equal(jt_h1_writer_body(&w, "abc", 3, out, 3, &used), 0);
    assert_memory_equal(out, "abc", 3);
    assert_int_equal(jt_h1_writer_finish(&w, out, sizeof(out), &used),
                     JT_ERR_H1_BODY_LENGTH);
    assert_int_equal(jt_h1_writer_body(&w, "xyz", 3, out, sizeof(out), &used),
                     JT_ERR_H1_BODY_LENGTH);
    /* zero copy: framing only (none for Content-Length), the count goes */
    assert_int_equal(jt_h1_writer_body(&w, NULL, 2, out, 0, &used), 0);
    assert_int_equal(used, 0);
    assert_int_equal(jt_h1_writer_body(&w, "x", 1, out, sizeof(out), &used),
                     JT_ERR_H1_BODY_LENGTH);
    assert_int_equal(jt_h1_writer_finish(&w, out, sizeof(out), &used), 0);
}

static int
collect(void *ud, const uint8_t *data, size_t len)
{
    char *body = ud;
    size_t n = strlen(body);

    assert_true(n + len < 128);
    memcpy(body + n, data, len);
    body[n + len] = '\0';
    return 0;
}

/* Parse |msg| (a response) one byte at a time; return its body. */
static void
parse_body(const char *msg, size_t n, char body[128])
{
    const struct jt_h1_resp_cb cb = {NULL, NULL, NULL, collect, NULL, NULL};
    char line[256];
    struct jt_h1_resp_opts o = {line, sizeof(line), 0, 0, 0, &cb, body};
    struct jt_h1_resp r;
    size_t used = 0;
    int rc = JT_ERR_WANT_READ;

    body[0] = '\0';
    assert_int_equal(jt_h1_resp_setup(&r, &o), 0);
    assert_int_equal(jt_h1_resp_begin(&r, "GET"), 0);
    for (size_t i = 0; i < n && rc == JT_ERR_WANT_READ; i++)
        rc = jt_h1_resp_feed(&r, (const uint8_t *)msg + i, 1, &used);
    assert_int_equal(rc, 0);
    assert_int_equal(jt_h1_resp_keep_alive(&r), 1);
}

/* Chunked pieces from the writer parse back to the same body. */
static void
request_chunked_round_trip(void **state)
{
    static const char *const pieces[] = {"hello", " ", "chunked world",
                                         "0123456789abcdefghij"};
    char tb[32], msg[512], body[128];
    uint8_t out[128];
    struct jt_url u;
    struct jt_h1_writer w;
    struct jt_h1_req req = {"POST", &u, NULL, 0, 0, JT_H1_BODY_CHUNKED, 1};
    size_t used, n;

    (void)state;
    jt_url_init(&u, tb, sizeof(tb));
    assert_int_equal(jt_url_parse(&u, "http://h/", 9), 0);
    jt_h1_writer_init(&w);
    assert_int_equal(jt_h1_writer_head(&w, &req, out, sizeof(out), &used), 0);
    n = (size_t)snprintf(msg, sizeof(msg),
                         "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                         "\r\n");
    for (size_t i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
        assert_int_equal(jt_h1_writer_body(&w, pieces[i], strlen(pieces[i]),
                                           out, sizeof(out), &used),
                         0);
        memcpy(msg + n, out, used);
        n += used;
    }
    assert_int_equal(jt_h1_writer_finish(&w, out, 6, &used), JT_ERR_NOSPC);
    assert_int_equal(used, 7);
    assert_int_equal(jt_h1_writer_finish(&w, out, 7, &used), 0);
    memcpy(msg + n, out, used);
    n += used;
    msg[n] = '\0';
    assert_non_null(strstr(msg, "5\r\nhello\r\n1\r\n \r\nd\r\nchunked world"
                                "\r\n14\r\n0123456789abcdefghij\r\n0\r\n\r\n"));
    parse_body(msg, n, body);
    assert_string_equal(body, "hello chunked world0123456789abcdefghij");
    /* zero copy: the writer frames, the caller sends its own bytes */
    jt_h1_writer_init(&w);
    assert_int_equal(jt_h1_writer_head(&w, &req, out, sizeof(out), &used), 0);
    assert_int_equal(jt_h1_writer_body(&w, NULL, 0x1234, out, 3, &used),
                     JT_ERR_NOSPC);
    assert_int_equal(used, 6);
    assert_int_equal(jt_h1_writer_body(&w, NULL, 0x1234, out, 6, &used), 0);
    assert_memory_equal(out, "1234\r\n", 6);
    assert_int_equal(jt_h1_writer_body(&w, NULL, 1, out, 16, &used), 0);
    assert_memory_equal(out, "\r\n1\r\n", 5);
    assert_int_equal(jt_h1_writer_finish(&w, out, 16, &used), 0);
    assert_memory_equal(out, "\r\n0\r\n\r\n", 7);
}

static void
name_eq(void **state)
{
    (void)state;
    assert_int_equal(jt_h1_name_eq("Location", 8, "location"), 1);
    assert_int_equal(jt_h1_name_eq("LOCATION", 8, "Location"), 1);
    assert_int_equal(jt_h1_name_eq("Locatio", 7, "location"), 0);
    assert_int_equal(jt_h1_name_eq("Location", 8, "locations"), 0);
    assert_int_equal(jt_h1_name_eq(NULL, 0, "x"), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(request_table),
        cmocka_unit_test(request_caps_and_states),
        cmocka_unit_test(request_content_length),
        cmocka_unit_test(request_chunked_round_trip),
        cmocka_unit_test(name_eq),
    };
    return cmocka_run_group_tests_name("h1-req", tests, NULL, NULL);
}
