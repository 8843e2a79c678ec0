// SPDX-License-Identifier: MIT
/*
 * unit: the HTTP/1 response parser (jt_h1_resp_*). Response table: valid
 * and malformed responses with the exact result, event log and keep-alive
 * verdict; every row is also fed one byte at a time, in every two-piece
 * split and in pseudo-random splits, which must give the one-shot result.
 * Caps (line buffer, head bytes, header count, body) are hit exactly at
 * their boundary; callbacks can stop the parser; keep-alive reuse. The
 * writer is in test-h1-req.c, the redirect rules in test-h1-redirect.c.
 * The codec allocates nothing, so there is no failing-allocator run.
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

/* ------------------------------------------------------------------ */
/* Response parser harness: an event log that is split-invariant        */
/* ------------------------------------------------------------------ */

#define LOG_MAX 4096

struct log {
    char text[LOG_MAX];
    size_t len;
    int in_body; /* the last event was body bytes (merge the next ones) */
    int fail_on; /* 'H': on_header returns fail_rc */
    int fail_rc;
};

static void
log_add(struct log *l, const char *s, size_t n)
{
    assert_true(n < LOG_MAX - l->len);
    memcpy(l->text + l->len, s, n);
    l->len += n;
    l->text[l->len] = '\0';
}

/* Add one event's text; body bytes before it get their closing newline. */
static void
log_event(struct log *l, const char *text)
{
    if (l->in_body)
        log_add(l, "\n", 1);
    l->in_body = 0;
    log_add(l, text, strlen(text));
}

static int
on_status(void *ud, int status, int version, const char *reason, size_t len)
{
    char tmp[1024];

    assert_int_equal(strlen(reason), len);
    snprintf(tmp, sizeof(tmp), "S%d %d %s\n", status, version, reason);
    log_event(ud, tmp);
    return 0;
}

static void
log_field(struct log *l, char tag, const char *n, size_t nl, const char *v,
          size_t vl)
{
    char tmp[1024];

    assert_int_equal(strlen(n), nl);
    assert_int_equal(strlen(v), vl);
    snprintf(tmp, sizeof(tmp), "%c%s=%s\n", tag, n, v);
    log_event(l, tmp);
}

static int
on_header(void *ud, const char *n, size_t nl, const char *v, size_t vl)
{
    struct log *l = ud;

    log_field(l, 'H', n, nl, v, vl);
    return l->fail_on == 'H' ? l->fail_rc : 0;
}

static int
on_headers_done(void *ud, const struct jt_h1_resp_info *i)
{
    char tmp[128];

    snprintf(tmp, sizeof(tmp), "D%u,%llu,%u,%u\n", i->body,
             (unsigned long long)i->content_length, i->keep_alive,
             i->te_and_cl);
    log_event(ud, tmp);
    return 0;
}

static int
on_body(void *ud, const uint8_t *data, size_t len)
{
    struct log *l = ud;

    assert_true(len > 0);
    if (!l->in_body)
        log_event(l, "B");
    l->in_body = 1;
    log_add(l, (const char *)data, len);
    return 0;
}

static int
on_trailer(void *ud, const char *n, size_t nl, const char *v, size_t vl)
{
    log_field(ud, 'T', n, nl, v, vl);
    return 0;
}

static int
on_complete(void *ud)
{
    log_event(ud, "C\n");
    return 0;
}

static const struct jt_h1_resp_cb log_cb = {
    on_status, on_header, on_headers_done, on_body, on_trailer, on_complete,
};

/* Caps for one run; 0 fields take the parser's defaults. */
struct caps {
    size_t buf_size; /* 0: 1024 */
    size_t max_head;
    uint32_t max_headers;
    uint64_t max_body;
};

struct result {
    int rc;          /* 0 complete, or the error (from feed or finish) */
    size_t consumed; /* bytes used in total */
    int keep_alive;
    struct log log;
};

/*
 * Feed |in| in pieces: |split| > 0 gives pieces of that size, or with
 * |cut| (1..len-1) two pieces cut there; a PRNG seed > 0 gives random
 * sizes. At the end of input, finish(|clean|).
 */
struct feed_plan {
    size_t split;
    size_t cut;
    uint32_t seed;
};

/* One response to feed: bytes, request method, how the connection ends. */
struct job {
    const char *in;
    size_t len;
    const char *method;
    int clean;
    const struct caps *c;
};

static size_t
next_piece(struct feed_plan *p, size_t off, size_t left)
{
    if (p->cut > 0)
        return off < p->cut ? p->cut - off : left;
    if (p->seed > 0) {
        p->seed = p->seed * 1103515245u + 12345u;
        return 1 + (p->seed >> 16) % (left < 17 ? left : 17);
    }
    if (p->split > 0 && p->split < left)
        return p->split;
    return left;
}

static void
run(const struct job *j, struct feed_plan plan, struct result *res)
{
    static char buf[70000];
    const struct caps *c = j->c;
    struct jt_h1_resp_opts o = {buf,         c->buf_size ? c->buf_size : 1024,
                                c->max_head, c->max_headers,
                                c->max_body, &log_cb,
                                &res->log};
    struct jt_h1_resp r;
    size_t off = 0;
    int rc = JT_ERR_WANT_READ;

    assert_true(o.buf_size <= sizeof(buf));
    assert_int_equal(jt_h1_resp_setup(&r, &o), 0);
    assert_int_equal(jt_h1_resp_begin(&r, j->method), 0);
    while (off < j->len && rc == JT_ERR_WANT_READ) {
        size_t n = next_piece(&plan, off, j->len - off), used = 99;

        rc = jt_h1_resp_feed(&r, (const uint8_t *)j->in + off, n, &used);
        assert_true(used <= n);
        if (rc == JT_ERR_WANT_READ)
            assert_int_equal(used, n);
        off += used;
    }
    if (rc == JT_ERR_WANT_READ)
        rc = jt_h1_resp_finish(&r, j->clean);
    log_event(&res->log, "");
    res->rc = rc;
    res->consumed = off;
    res->keep_alive = jt_h1_resp_keep_alive(&r);
    assert_int_equal(jt_h1_resp_done(&r), rc == 0);
    if (rc != 0) /* sticky */
        assert_int_equal(jt_h1_resp_feed(&r, (const uint8_t *)"x", 1, &off),
                         rc);
}

/* One-shot, one byte at a time, every cut, random splits: all equal. */
static void
run_all_splits(const char *in, size_t len, const char *method, int clean,
               const struct caps *c, struct result *one)
{
    const struct job j = {in, len, method, clean, c};
    struct feed_plan p = {0, 0, 0};
    struct result other;

    memset(one, 0, sizeof(*one));
    run(&j, p, one);
    for (size_t k = 1; k < len + 40; k++) {
        memset(&p, 0, sizeof(p));
        if (k == 1)
            p.split = 1;
        else if (k < len)
            p.cut = k;
        else
            p.seed = (uint32_t)k;
        memset(&other, 0, sizeof(other));
        run(&j, p, &other);
        if (other.rc != one->rc || other.consumed != one->consumed ||
            other.keep_alive != one->keep_alive ||
            strcmp(other.log.text, one->log.text) != 0)
            fail_msg("split %zu of \"%.60s\": rc %d/%d consumed %zu/%zu "
                     "log\n%s\nvs one-shot\n%s",
                     k, in, other.rc, one->rc, other.consumed, one->consumed,
                     other.log.text, one->log.text);
    }
}

/* ------------------------------------------------------------------ */
/* Response table                                                     */
/* ------------------------------------------------------------------ */

struct resp_row {
    const char *in;
    const char *log;    /* expected event log */
    const char *method; /* NULL: GET */
    size_t extra;       /* bytes left unconsumed after completion */
    int want;           /* final result */
    int keep_alive;     /* expected jt_h1_resp_keep_alive() */
    int unclean;        /* finish(clean_close = 0) */
};

/* Rows read: input, result, log, keep-alive, method, unclean, extra. */
#define ROW(in, want, log, ka, method, unclean, extra)                         \
    {                                                                          \
        (in), (log), (method), (extra), (want), (ka), (unclean)                \
    }

#define OK200 "HTTP/1.1 200 OK\r\n"
#define CHK "Transfer-Encoding: chunked\r\n\r\n"
#define S200 "S200 1 OK\n"
#define HCHK "HTransfer-Encoding=chunked\n"
#define DCHK "D2,0,1,0\n"

static const struct resp_row resp_rows[] = {
    /* Content-Length */
    ROW(OK200 "Content-Length: 5\r\n\r\nhello", 0,
        S200 "HContent-Length=5\nD1,5,1,0\nBhello\nC\n", 1, NULL, 0, 0),
    ROW("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi", 0,
        "S200 0 OK\nHContent-Length=2\nD1,2,0,0\nBhi\nC\n", 0, NULL, 0, 0),
    ROW("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: "
        "0\r\n\r\n",
        0,
        "S200 0 OK\nHConnection=Keep-Alive\nHContent-Length=0\nD1,0,1,0\nC\n",
        1, NULL, 0, 0),
    ROW("HTTP/1.0 200 OK\r\nConnection: keep-alive, close\r\n"
        "Content-Length: 0\r\n\r\n",
        0,
        "S200 0 OK\nHConnection=keep-alive, close\nHContent-Length=0\n"
        "D1,0,0,0\nC\n",
        0, NULL, 0, 0),
    ROW(OK200 "Connection: close\r\nContent-Length: 1\r\n\r\nx", 0,
        S200 "HConnection=close\nHContent-Length=1\nD1,1,0,0\nBx\nC\n", 0, NULL,
        0, 0),
    ROW(OK200 "Connection: ,, Upgrade , CLOSE\r\nContent-Length: 0\r\n\r\n", 0,
        S200 "HConnection=,, Upgrade , CLOSE\nHContent-Length=0\nD1,0,0,0\nC\n",
        0, NULL, 0, 0),
    ROW(OK200 "Content-Length: 3, 3\r\ncontent-length:3\r\n\r\nabc", 0,
        S200 "HContent-Length=3, 3\nHcontent-length=3\nD1,3,1,0\nBabc\nC\n", 1,
        NULL, 0, 0),
    ROW(OK200 "Content-Length: 007\r\n\r\n1234567", 0,
        S200 "HContent-Length=007\nD1,7,1,0\nB1234567\nC\n", 1, NULL, 0, 0),
    ROW(OK200 "Content-Length: 1\r\n\r\nxEXTRA", 0,
        S200 "HContent-Length=1\nD1,1,1,0\nBx\nC\n", 1, NULL, 0, 5),
    ROW(OK200 "Content-Length: 18446744073709551615\r\n\r\nab",
        JT_ERR_H1_TRUNCATED,
        S200 "HContent-Length=18446744073709551615\n"
             "D1,18446744073709551615,1,0\nBab\n",
        0, NULL, 0, 0),
    /* status lines, reasons, 1xx */
    ROW("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", 0,
        "S404 1 Not Found\nHContent-Length=0\nD1,0,1,0\nC\n", 1, NULL, 0, 0),
    ROW("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", 0,
        "S200 1 \nHContent-Length=0\nD1,0,1,0\nC\n", 1, NULL, 0, 0),
    ROW("HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n", 0,
        "S200 1 \nHContent-Length=0\nD1,0,1,0\nC\n", 1, NULL, 0, 0),
    ROW("HTTP/1.1 999 Odd \xe9t\xe9\tx\r\nContent-Length: 0\r\n\r\n", 0,
        "S999 1 Odd \xe9t\xe9\tx\nHContent-Length=0\nD1,0,1,0\nC\n", 1, NULL, 0,
        0),
    ROW("HTTP/1.1 100 Continue\r\n\r\n" OK200 "Content-Length: 2\r\n\r\nhi", 0,
        S200 "HContent-Length=2\nD1,2,1,0\nBhi\nC\n", 1, NULL, 0, 0),
    ROW("HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"
        "HTTP/1.1 100 Continue\r\n\r\n" OK200 "Content-Length: 0\r\n\r\n",
        0, S200 "HContent-Length=0\nD1,0,1,0\nC\n", 1, NULL, 0, 0),
    ROW("HTTP/1.1 100 Continue\r\nConnection: close\r\n\r\n" OK200
        "Content-Length: 0\r\n\r\n",
        0, S200 "HContent-Length=0\nD1,0,1,0\nC\n", 1, NULL, 0, 0),
    /* no body: HEAD, 204, 304 */
    ROW(OK200 "Content-Length: 100\r\n\r\n", 0,
        S200 "HContent-Length=100\nD0,100,1,0\nC\n", 1, "HEAD", 0, 0),
    ROW(OK200 "Transfer-Encoding: gzip, chunked\r\nContent-Length: 9\r\n\r\n",
        0,
        S200 "HTransfer-Encoding=gzip, chunked\nHContent-Length=9\n"
             "D0,9,1,0\nC\n",
        1, "HEAD", 0, 0),
    ROW("HTTP/1.1 204 No Content\r\n\r\n", 0,
        "S204 1 No Content\nD0,0,1,0\nC\n", 1, NULL, 0, 0),
    ROW("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n", 0,
        "S304 1 Not Modified\nHContent-Length=10\nD0,10,1,0\nC\n", 1, NULL, 0,
        0),
    ROW("HTTP/1.1 204 No Content\r\nTransfer-Encoding: "
        "chunked\r\n\r\n0\r\n\r\n",
        0, "S204 1 No Content\n" HCHK "D0,0,1,0\nC\n", 1, NULL, 0, 5),
    /* chunked */
    ROW(OK200 CHK
        "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n",
        0, S200 HCHK DCHK "Bhello world\nTX-Trailer=t\nC\n", 1, NULL, 0, 0),
    ROW(OK200 "Transfer-Encoding: Chunked\r\n\r\nA\r\n0123456789\r\n"
              "0\r\n\r\n",
        0, S200 "HTransfer-Encoding=Chunked\n" DCHK "B0123456789\nC\n", 1, NULL,
        0, 0),
    ROW(OK200 "Transfer-Encoding: , chunked ,\r\n\r\na\r\n0123456789\r\n"
              "0\r\n\r\n",
        0, S200 "HTransfer-Encoding=, chunked ,\n" DCHK "B0123456789\nC\n", 1,
        NULL, 0, 0),
    ROW(OK200 CHK "5 ; a=b ;c=\"d e\"\r\nhello\r\n000\r\n\r\n", 0,
        S200 HCHK DCHK "Bhello\nC\n", 1, NULL, 0, 0),
    ROW(OK200 CHK "0005\t\r\nhello\r\n0;last\r\n\r\n", 0,
        S200 HCHK DCHK "Bhello\nC\n", 1, NULL, 0, 0),
    ROW(OK200 CHK "5\nhello\n0\n\n", 0, S200 HCHK DCHK "Bhello\nC\n", 1, NULL,
        0, 0),
    ROW(OK200 CHK "0\r\nA: 1\r\nB:  two  \r\n  three\r\n\r\nNEXT", 0,
        S200 HCHK DCHK "TA=1\nTB=two    three\nC\n", 1, NULL, 0, 4),
    ROW(OK200 CHK "FFFFFFFFFFFFFFFF\r\nab", JT_ERR_H1_TRUNCATED,
        S200 HCHK DCHK "Bab\n", 0, NULL, 0, 0),
    ROW(OK200 "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"
              "1\r\nx\r\n0\r\n\r\n",
        0, S200 HCHK "HContent-Length=3\nD2,3,0,1\nBx\nC\n", 0, NULL, 0, 0),
    ROW("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n" CHK
        "1\r\nx\r\n0\r\n\r\n",
        0, "S200 0 OK\nHConnection=keep-alive\n" HCHK "D2,0,0,1\nBx\nC\n", 0,
        NULL, 0, 0),
    /* close-delimited */
    ROW(OK200 "\r\nabc", 0, S200 "D3,0,0,0\nBabc\nC\n", 0, NULL, 0, 0),
    ROW(OK200 "\r\nabc", JT_ERR_H1_MAYBE_TRUNCATED, S200 "D3,0,0,0\nBabc\n", 0,
        NULL, 1, 0),
    ROW("HTTP/1.0 200 OK\r\n\r\n", 0, "S200 0 OK\nD3,0,0,0\nC\n", 0, NULL, 0,
        0),
    /* leniency: bare LF, obs-fold, OWS */
    ROW("HTTP/1.1 200 OK\nContent-Length: 1\n\nx", 0,
        S200 "HContent-Length=1\nD1,1,1,0\nBx\nC\n", 1, NULL, 0, 0),
    ROW(OK200 "X-Long: a\r\n b\r\n\tc\r\nContent-Length: 0\r\n\r\n", 0,
        S200 "HX-Long=a b c\nHContent-Length=0\nD1,0,1,0\nC\n", 1, NULL, 0, 0),
    ROW(OK200 "X:   v  \r\nY:\r\nZ:\t\r\nContent-Length: 0\r\n\r\n", 0,
        S200 "HX=v\nHY=\nHZ=\nHContent-Length=0\nD1,0,1,0\nC\n", 1, NULL, 0, 0),
    ROW(OK200 "Location: /a?b=c:d\r\nContent-Length: 0\r\n\r\n", 0,
        S200 "HLocation=/a?b=c:d\nHContent-Length=0\nD1,0,1,0\nC\n", 1, NULL, 0,
        0),
    /* ends early */
    ROW("", JT_ERR_H1_NO_RESPONSE, "", 0, NULL, 0, 0),
    ROW("", JT_ERR_H1_NO_RESPONSE, "", 0, NULL, 1, 0),
    ROW("HTTP/1.1 2", JT_ERR_H1_TRUNCATED, "", 0, NULL, 0, 0),
    ROW(OK200 "Content-Le", JT_ERR_H1_TRUNCATED, S200, 0, NULL, 0, 0),
    ROW(OK200 "Content-Length: 5\r\n\r\nhel", JT_ERR_H1_TRUNCATED,
        S200 "HContent-Length=5\nD1,5,1,0\nBhel\n", 0, NULL, 0, 0),
    ROW(OK200 CHK "5\r\nhello\r\n", JT_ERR_H1_TRUNCATED,
        S200 HCHK DCHK "Bhello\n", 0, NULL, 0, 0),
    ROW(OK200 CHK "0\r\n", JT_ERR_H1_TRUNCATED, S200 HCHK DCHK, 0, NULL, 0, 0),
    ROW("HTTP/1.1 100 Continue\r\n\r\n", JT_ERR_H1_TRUNCATED, "", 0, NULL, 0,
        0),
    /* malformed status lines */
    ROW("HTTP/2 200\r\n\r\n", JT_ERR_H1_BAD_VERSION, "", 0, NULL, 0, 0),
    ROW("HTTP/1.2 200 OK\r\n\r\n", JT_ERR_H1_BAD_VERSION, "", 0, NULL, 0, 0),
    ROW("HTTP/0.9 200 OK\r\n\r\n", JT_ERR_H1_BAD_VERSION, "", 0, NULL, 0, 0),
    ROW("HTTP/1.x 200 OK\r\n\r\n", JT_ERR_H1_BAD_VERSION, "", 0, NULL, 0, 0),
    ROW("HTTPS/1.1 200 OK\r\n\r\n", JT_ERR_H1_BAD_STATUS_LINE, "", 0, NULL, 0,
        0),
    ROW("http/1.1 200 OK\r\n\r\n", JT_ERR_H1_BAD_STATUS_LINE, "", 0, NULL, 0,
        0),
    ROW("HTTP/1.1 20 OK\r\n\r\n", JT_ERR_H1_BAD_STATUS_LINE, "", 0, NULL, 0, 0),
    ROW("HTTP/1.1 099 OK\r\n\r\n", JT_ERR_H1_BAD_STATUS_LINE, "", 0, NULL, 0,
        0),
    ROW("HTTP/1.1 2000 OK\r\n\r\n", JT_ERR_H1_BAD_STATUS_LINE, "", 0, NULL, 0,
        0),
    ROW("HTTP/1.1  200 OK\r\n\r\n", JT_ERR_H1_BAD_STATUS_LINE, "", 0, NULL, 0,
        0),
    ROW("HTTP/1.1 2x0 OK\r\n\r\n", JT_ERR_H1_BAD_STATUS_LINE, "", 0, NULL, 0,
        0),
    ROW("HTTP/1.1 200 O\x01K\r\n\r\n", JT_ERR_H1_BAD_STATUS_LINE, "", 0, NULL,
        0, 0),
    ROW("\r\nHTTP/1.1 200 OK\r\n\r\n", JT_ERR_H1_BAD_STATUS_LINE, "", 0, NULL,
        0, 0),
    ROW("HTTP/1.1 200 OK\rX", JT_ERR_H1_BAD_LINE_END, "", 0, NULL, 0, 0),
    ROW("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n",
        JT_ERR_H1_SWITCHING_PROTOCOLS, "", 0, NULL, 0, 0),
    /* malformed headers */
    ROW(OK200 "X Y: z\r\n\r\n", JT_ERR_H1_BAD_HEADER, S200, 0, NULL, 0, 0),
    ROW(OK200 "X : z\r\n\r\n", JT_ERR_H1_BAD_HEADER, S200, 0, NULL, 0, 0),
    ROW(OK200 "NoColon\r\n\r\n", JT_ERR_H1_BAD_HEADER, S200, 0, NULL, 0, 0),
    ROW(OK200 ": v\r\n\r\n", JT_ERR_H1_BAD_HEADER, S200, 0, NULL, 0, 0),
    ROW(OK200 "X: a\x01"
              "b\r\n\r\n",
        JT_ERR_H1_BAD_HEADER, S200, 0, NULL, 0, 0),
    ROW(OK200 "X: a\x7f\r\n\r\n", JT_ERR_H1_BAD_HEADER, S200, 0, NULL, 0, 0),
    ROW(OK200 " X: y\r\n\r\n", JT_ERR_H1_BAD_HEADER, S200, 0, NULL, 0, 0),
    ROW(OK200 "X: a\rb\r\n\r\n", JT_ERR_H1_BAD_LINE_END, S200, 0, NULL, 0, 0),
    ROW(OK200 "X: a\r\n\rX", JT_ERR_H1_BAD_LINE_END, S200, 0, NULL, 0, 0),
    ROW("HTTP/1.1 100 Continue\r\nBad Header\r\n\r\n", JT_ERR_H1_BAD_HEADER, "",
        0, NULL, 0, 0),
    /* Content-Length and Transfer-Encoding refusals */
    ROW(OK200 "Content-Length: abc\r\n\r\n", JT_ERR_H1_BAD_CONTENT_LENGTH, S200,
        0, NULL, 0, 0),
    ROW(OK200 "Content-Length: -1\r\n\r\n", JT_ERR_H1_BAD_CONTENT_LENGTH, S200,
        0, NULL, 0, 0),
    ROW(OK200 "Content-Length: +5\r\n\r\n", JT_ERR_H1_BAD_CONTENT_LENGTH, S200,
        0, NULL, 0, 0),
    ROW(OK200 "Content-Length: 1 2\r\n\r\n", JT_ERR_H1_BAD_CONTENT_LENGTH, S200,
        0, NULL, 0, 0),
    ROW(OK200 "Content-Length: 0x10\r\n\r\n", JT_ERR_H1_BAD_CONTENT_LENGTH,
        S200, 0, NULL, 0, 0),
    ROW(OK200 "Content-Length:\r\n\r\n", JT_ERR_H1_BAD_CONTENT_LENGTH, S200, 0,
        NULL, 0, 0),
    ROW(OK200 "Content-Length: 5,\r\n\r\n", JT_ERR_H1_BAD_CONTENT_LENGTH, S200,
        0, NULL, 0, 0),
    ROW(OK200 "Content-Length: 18446744073709551616\r\n\r\n",
        JT_ERR_H1_BAD_CONTENT_LENGTH, S200, 0, NULL, 0, 0),
    ROW(OK200 "Content-Length: 99999999999999999999999\r\n\r\n",
        JT_ERR_H1_BAD_CONTENT_LENGTH, S200, 0, NULL, 0, 0),
    ROW(OK200 "Content-Length: 5, 6\r\n\r\n", JT_ERR_H1_CONTENT_LENGTH_MISMATCH,
        S200, 0, NULL, 0, 0),
    ROW(OK200 "Content-Length: 5\r\nContent-Length: 6\r\n\r\n",
        JT_ERR_H1_CONTENT_LENGTH_MISMATCH, S200 "HContent-Length=5\n", 0, NULL,
        0, 0),
    ROW(OK200 "Content-Length: 5\r\nContent-Length: 05\r\n\r\nhello", 0,
        S200 "HContent-Length=5\nHContent-Length=05\nD1,5,1,0\nBhello\nC\n", 1,
        NULL, 0, 0),
    ROW(OK200 "Transfer-Encoding: gzip\r\n\r\n", JT_ERR_H1_TRANSFER_ENCODING,
        S200 "HTransfer-Encoding=gzip\n", 0, NULL, 0, 0),
    ROW(OK200 "Transfer-Encoding: gzip, chunked\r\n\r\n",
        JT_ERR_H1_TRANSFER_ENCODING, S200 "HTransfer-Encoding=gzip, chunked\n",
        0, NULL, 0, 0),
    ROW(OK200 "Transfer-Encoding: chunked, chunked\r\n\r\n",
        JT_ERR_H1_TRANSFER_ENCODING,
        S200 "HTransfer-Encoding=chunked, chunked\n", 0, NULL, 0, 0),
    ROW(OK200
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
        JT_ERR_H1_TRANSFER_ENCODING, S200 HCHK HCHK, 0, NULL, 0, 0),
    ROW(OK200 "Transfer-Encoding: identity\r\n\r\n",
        JT_ERR_H1_TRANSFER_ENCODING, S200 "HTransfer-Encoding=identity\n", 0,
        NULL, 0, 0),
    ROW(OK200 "Transfer-Encoding:\r\n\r\n", JT_ERR_H1_TRANSFER_ENCODING,
        S200 "HTransfer-Encoding=\n", 0, NULL, 0, 0),
    ROW(OK200 "Transfer-Encoding: chunked;q=1\r\n\r\n",
        JT_ERR_H1_TRANSFER_ENCODING, S200 "HTransfer-Encoding=chunked;q=1\n", 0,
        NULL, 0, 0),
    /* chunk framing */
    ROW(OK200 CHK "zz\r\n", JT_ERR_H1_CHUNK_SIZE, S200 HCHK DCHK, 0, NULL, 0,
        0),
    ROW(OK200 CHK "\r\n", JT_ERR_H1_CHUNK_SIZE, S200 HCHK DCHK, 0, NULL, 0, 0),
    ROW(OK200 CHK ";x\r\n", JT_ERR_H1_CHUNK_SIZE, S200 HCHK DCHK, 0, NULL, 0,
        0),
    ROW(OK200 CHK " 5\r\n", JT_ERR_H1_CHUNK_SIZE, S200 HCHK DCHK, 0, NULL, 0,
        0),
    ROW(OK200 CHK "5 5\r\n", JT_ERR_H1_CHUNK_SIZE, S200 HCHK DCHK, 0, NULL, 0,
        0),
    ROW(OK200 CHK "-5\r\n", JT_ERR_H1_CHUNK_SIZE, S200 HCHK DCHK, 0, NULL, 0,
        0),
    ROW(OK200 CHK "0x5\r\n", JT_ERR_H1_CHUNK_SIZE, S200 HCHK DCHK, 0, NULL, 0,
        0),
    ROW(OK200 CHK "5;a\x01\r\n", JT_ERR_H1_CHUNK_SIZE, S200 HCHK DCHK, 0, NULL,
        0, 0),
    ROW(OK200 CHK "10000000000000000\r\n", JT_ERR_H1_CHUNK_SIZE, S200 HCHK DCHK,
        0, NULL, 0, 0),
    ROW(OK200 CHK "00000000000000000000000000001\r\nx\r\n0\r\n\r\n", 0,
        S200 HCHK DCHK "Bx\nC\n", 1, NULL, 0, 0),
    ROW(OK200 CHK "5\r\nhelloX", JT_ERR_H1_CHUNK_CRLF,
        S200 HCHK DCHK "Bhello\n", 0, NULL, 0, 0),
    ROW(OK200 CHK "5\r\nhello\rX", JT_ERR_H1_CHUNK_CRLF,
        S200 HCHK DCHK "Bhello\n", 0, NULL, 0, 0),
    ROW(OK200 CHK "3\r\nhello\r\n", JT_ERR_H1_CHUNK_CRLF,
        S200 HCHK DCHK "Bhel\n", 0, NULL, 0, 0),
    ROW(OK200 CHK "5\rX", JT_ERR_H1_BAD_LINE_END, S200 HCHK DCHK, 0, NULL, 0,
        0),
    ROW(OK200 CHK "0\r\nBad Trailer\r\n\r\n", JT_ERR_H1_BAD_HEADER,
        S200 HCHK DCHK, 0, NULL, 0, 0),
    ROW(OK200 CHK "0\r\n X: y\r\n\r\n", JT_ERR_H1_BAD_HEADER, S200 HCHK DCHK, 0,
        NULL, 0, 0),
};

static void
response_table(void **state)
{
    const struct caps c = {0, 0, 0, 0};

    (void)state;
    for (size_t i = 0; i < sizeof(resp_rows) / sizeof(resp_rows[0]); i++) {
        const struct resp_row *row = &resp_rows[i];
        size_t len = strlen(row->in);
        struct result res;

        run_all_splits(row->in, len, row->method ? row->method : "GET",
                       !row->unclean, &c, &res);
        if (res.rc != row->want || strcmp(res.log.text, row->log) != 0 ||
            res.keep_alive != row->keep_alive)
            fail_msg("row %zu \"%.50s\": rc %d (%s) want %d (%s), ka %d want "
                     "%d, log\n%s\nwant\n%s",
                     i, row->in, res.rc, jt_strerror(res.rc), row->want,
                     jt_strerror(row->want), res.keep_alive, row->keep_alive,
                     res.log.text, row->log);
        if (res.rc == 0)
            assert_int_equal(res.consumed, len - row->extra);
    }
}

/* NUL bytes need explicit lengths. */
static void
nul_bytes(void **state)
{
    static const char status[] = "HTTP/1.1 200 O\0K\r\n\r\n";
    static const char value[] = OK200 "X: a\0b\r\n\r\n";
    static const char name[] = OK200 "X\0: ab\r\n\r\n";
    static const char chunk[] = OK200 CHK "5;\0\r\n";
    const struct caps c = {0, 0, 0, 0};
    struct result res;

    (void)state;
    run_all_splits(status, sizeof(status) - 1, "GET", 1, &c, &res);
    assert_int_equal(res.rc, JT_ERR_H1_BAD_STATUS_LINE);
    run_all_splits(value, sizeof(value) - 1, "GET", 1, &c, &res);
    assert_int_equal(res.rc, JT_ERR_H1_BAD_HEADER);
    run_all_splits(name, sizeof(name) - 1, "GET", 1, &c, &res);
    assert_int_equal(res.rc, JT_ERR_H1_BAD_HEADER);
    run_all_splits(chunk, sizeof(chunk) - 1, "GET", 1, &c, &res);
    assert_int_equal(res.rc, JT_ERR_H1_CHUNK_SIZE);
}

/* Build "HTTP/1.1 200 OK\r\n" + X: <pad to a line of |line| bytes> ... */
static size_t
make_line(char *out, size_t cap, size_t line)
{
    size_t n = (size_t)snprintf(out, cap, "%sX: ", OK200);

    assert_true(line >= 4 && n + line + 40 < cap);
    memset(out + n, 'v', line - 3);
    n += line - 3;
    return n +
           (size_t)snprintf(out + n, cap - n, "\r\nContent-Length: 0\r\n\r\n");
}

static void
cap_line(void **state)
{
    char in[512];
    struct caps c = {64, 0, 0, 0};
    struct result res;
    size_t n;

    (void)state;
    /* buffer of 64: a 63-byte header line fits, 64 does not */
    n = make_line(in, sizeof(in), 63);
    run_all_splits(in, n, "GET", 1, &c, &res);
    assert_int_equal(res.rc, 0);
    n = make_line(in, sizeof(in), 64);
    run_all_splits(in, n, "GET", 1, &c, &res);
    assert_int_equal(res.rc, JT_ERR_H1_LINE_TOO_LONG);
    /* the status line too: 13 + 51 = 64 bytes */
    n = (size_t)snprintf(in, sizeof(in), "HTTP/1.1 200 %051d\r\n\r\n", 0);
    c.buf_size = 64;
    run_all_splits(in, n, "GET", 1, &c, &res);
    assert_int_equal(res.rc, JT_ERR_H1_LINE_TOO_LONG);
    c.buf_size = 65;
    run_all_splits(in, n, "GET", 1, &c, &res);
    assert_int_equal(res.rc, 0);
    /* a folded header counts its joined length: "X: a" + " " + "b..." */
    n = (size_t)snprintf(in, sizeof(in), "%sX: a\r\n %058d\r\n\r\n", OK200, 0);
    c.buf_size = 64; /* 4 + 1 + 58 = 63 */
    run_all_splits(in, n, "GET", 1, &c, &res);
    assert_int_equal(res.rc, 0);
    c.buf_size = 63;
    run_all_splits(in, n, "GET", 1, &c, &res);
    assert_int_equal(res.rc, JT_ERR_H1_LINE_TOO_LONG);
    /* a chunk-size line with its extension: "1;" + 61 = 63 */
    n = (size_t)snprintf(in, sizeof(in), "%s%s1;%061d\r\nx\r\n0\r\n\r\n", OK200,
                         CHK, 0);
    c.buf_size = 64;
    run_all_splits(in, n, "GET", 1, &c, &res);
    assert_int_equal(res.rc, 0);
    c.buf_size = 63;
    run_all_splits(in, n, "GET", 1, &c, &res);
    assert_int_equal(res.rc, JT_ERR_H1_LINE_TOO_LONG);
}

static void
cap_head_and_count(void **state)
{
    static const char in[] =
        "HTTP/1.1 100 Continue\r\n\r\n" OK200 "A: 1\r\nB: 2\r\n\r\n";
    static const char trl[] = OK200 CHK "0\r\nT: 1\r\n\r\n";
    const size_t head = sizeof(in) - 1;
    struct caps c = {0, head, 0, 0};
    struct result res;

    (void)state;
    run_all_splits(in, head, "GET", 1, &c, &res); /* close-delimited, empty */
    assert_int_equal(res.rc, 0);
    c.max_head = head - 1;
    run_all_splits(in, head, "GET", 1, &c, &res);
    assert_int_equal(res.rc, JT_ERR_H1_HEAD_TOO_BIG);
    assert_int_equal(res.consumed, head - 1);
    /* header count: 2 fields */
    c.max_head = 0;
    c.max_headers = 2;
    run_all_splits(in, head, "GET", 1, &c, &res);
    assert_int_equal(res.rc, 0);
    c.max_headers = 1;
    run_all_splits(in, head, "GET", 1, &c, &res);
    assert_int_equal(res.rc, JT_ERR_H1_TOO_MANY_HEADERS);
    assert_string_equal(res.log.text, S200 "HA=1\n");
    /* trailers count against both caps */
    c.max_headers = 2;
    run_all_splits(trl, sizeof(trl) - 1, "GET", 1, &c, &res);
    assert_int_equal(res.rc, 0);
    c.max_headers = 1;
    run_all_splits(trl, sizeof(trl) - 1, "GET", 1, &c, &res);
    assert_int_equal(res.rc, JT_ERR_H1_TOO_MANY_HEADERS);
    c.max_headers = 0;
    c.max_head = strlen(OK200 CHK "T: 1\r\n\r\n");
    run_all_splits(trl, sizeof(trl) - 1, "GET", 1, &c, &res);
    assert_int_equal(res.rc, 0);
    c.max_head--;
    run_all_splits(trl, sizeof(trl) - 1, "GET", 1, &c, &res);
    assert_int_equal(res.rc, JT_ERR_H1_HEAD_TOO_BIG);
}

static void
cap_body(void **state)
{
    static const char cl[] = OK200 "Content-Length: 5\r\n\r\nhello";
    static const char chk[] =
        OK200 CHK "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
    static const char cls[] = OK200 "\r\nabc";
    struct caps c = {0, 0, 0, 5};
    struct result res;

    (void)state;
    run_all_splits(cl, sizeof(cl) - 1, "GET", 1, &c, &res);
    assert_int_equal(res.rc, 0);
    c.max_body = 4; /* refused before any body byte */
    run_all_splits(cl, sizeof(cl) - 1, "GET", 1, &c, &res);
    assert_int_equal(res.rc, JT_ERR_H1_BODY_TOO_BIG);
    assert_string_equal(res.log.text, S200 "HContent-Length=5\n");
    c.max_body = 11;
    run_all_splits(chk, sizeof(chk) - 1, "GET", 1, &c, &res);
    assert_int_equal(res.rc, 0);
    c.max_body = 10; /* the second chunk would pass the cap */
    run_all_splits(chk, sizeof(chk) - 1, "GET", 1, &c, &res);
    assert_int_equal(res.rc, JT_ERR_H1_BODY_TOO_BIG);
    assert_string_equal(res.log.text, S200 HCHK DCHK "Bhello\n");
    c.max_body = 3;
    run_all_splits(cls, sizeof(cls) - 1, "GET", 1, &c, &res);
    assert_int_equal(res.rc, 0);
    c.max_body = 2; /* close-delimited: 2 bytes delivered, then the error */
    run_all_splits(cls, sizeof(cls) - 1, "GET", 1, &c, &res);
    assert_int_equal(res.rc, JT_ERR_H1_BODY_TOO_BIG);
    assert_string_equal(res.log.text, S200 "D3,0,0,0\nBab\n");
    assert_int_equal(res.consumed, sizeof(cls) - 2);
}

static int
on_body_fail(void *ud, const uint8_t *data, size_t len)
{
    (void)ud;
    (void)data;
    (void)len;
    return 7;
}

static void
callbacks_stop(void **state)
{
    static const char in[] = OK200 "A: 1\r\nContent-Length: 2\r\n\r\nhi";
    const struct caps c = {0, 0, 0, 0};
    const struct job j = {in, sizeof(in) - 1, "GET", 1, &c};
    struct feed_plan p = {0, 0, 0};
    struct jt_h1_resp_cb cb = {0};
    struct jt_h1_resp_opts o;
    struct jt_h1_resp r;
    struct result res;
    char buf[64];
    size_t used;

    (void)state;
    memset(&res, 0, sizeof(res));
    res.log.fail_on = 'H';
    res.log.fail_rc = -42;
    run(&j, p, &res);
    assert_int_equal(res.rc, -42);
    assert_string_equal(res.log.text, S200 "HA=1\n");
    memset(&res, 0, sizeof(res));
    res.log.fail_on = 'H';
    res.log.fail_rc = 1;
    run(&j, p, &res);
    assert_int_equal(res.rc, JT_ERR_H1_CALLBACK);
    /* a body callback failing; NULL callbacks are skipped */
    cb.on_body = on_body_fail;
    memset(&o, 0, sizeof(o));
    o.buf = buf;
    o.buf_size = sizeof(buf);
    o.cb = &cb;
    assert_int_equal(jt_h1_resp_setup(&r, &o), 0);
    assert_int_equal(jt_h1_resp_begin(&r, "GET"), 0);
    assert_int_equal(
        jt_h1_resp_feed(&r, (const uint8_t *)in, sizeof(in) - 1, &used),
        JT_ERR_H1_CALLBACK);
    assert_int_equal(jt_h1_resp_finish(&r, 1), JT_ERR_H1_CALLBACK);
    assert_int_equal(jt_h1_resp_keep_alive(&r), 0);
}

static void
parser_states(void **state)
{
    static const char two[] =
        OK200 "Content-Length: 1\r\n\r\nA" OK200 "Content-Length: 1\r\n\r\nB";
    char buf[64];
    struct jt_h1_resp_opts o = {buf, sizeof(buf), 0, 0, 0, NULL, NULL};
    struct jt_h1_resp r;
    size_t used = 0, half = (sizeof(two) - 1) / 2;

    (void)state;
    assert_int_equal(jt_h1_resp_setup(NULL, &o), JT_ERR_INVAL);
    o.buf_size = 31;
    assert_int_equal(jt_h1_resp_setup(&r, &o), JT_ERR_INVAL);
    assert_int_equal(jt_h1_resp_begin(&r, "GET"), JT_ERR_STATE);
    assert_int_equal(jt_h1_resp_setup(&r, NULL), JT_ERR_INVAL);
    o.buf_size = sizeof(buf);
    assert_int_equal(jt_h1_resp_setup(&r, &o), 0);
    assert_int_equal(jt_h1_resp_feed(&r, (const uint8_t *)"H", 1, &used),
                     JT_ERR_STATE);
    assert_int_equal(jt_h1_resp_finish(&r, 1), JT_ERR_STATE);
    assert_int_equal(jt_h1_resp_begin(NULL, "GET"), JT_ERR_INVAL);
    /* keep-alive: two responses in one read */
    assert_int_equal(jt_h1_resp_begin(&r, NULL), 0);
    assert_int_equal(jt_h1_resp_feed(&r, NULL, 1, &used), JT_ERR_INVAL);
    assert_int_equal(jt_h1_resp_feed(&r, (const uint8_t *)two, 0, NULL),
                     JT_ERR_INVAL);
    assert_int_equal(
        jt_h1_resp_feed(&r, (const uint8_t *)two, sizeof(two) - 1, &used), 0);
    assert_int_equal(used, half);
    assert_int_equal(jt_h1_resp_keep_alive(&r), 1);
    assert_int_equal(jt_h1_resp_info(&r)->status, 200);
    assert_int_equal(jt_h1_resp_info(&r)->body, JT_H1_BODY_LENGTH);
    assert_int_equal(jt_h1_resp_feed(&r, (const uint8_t *)two + half, 1, &used),
                     JT_ERR_STATE);
    assert_int_equal(jt_h1_resp_finish(&r, 0), 0);
    assert_int_equal(jt_h1_resp_begin(&r, "GET"), 0);
    assert_int_equal(jt_h1_resp_info(&r)->status, 0);
    assert_int_equal(jt_h1_resp_feed(&r, (const uint8_t *)two + half,
                                     sizeof(two) - 1 - half, &used),
                     0);
    assert_int_equal(used, half);
    assert_int_equal(jt_h1_resp_done(&r), 1);
    assert_null(jt_h1_resp_info(NULL));
    assert_int_equal(jt_h1_resp_done(NULL), 0);
    assert_int_equal(jt_h1_resp_keep_alive(NULL), 0);
    assert_int_equal(jt_h1_resp_finish(NULL, 1), JT_ERR_INVAL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(response_table), cmocka_unit_test(nul_bytes),
        cmocka_unit_test(cap_line),       cmocka_unit_test(cap_head_and_count),
        cmocka_unit_test(cap_body),       cmocka_unit_test(callbacks_stop),
        cmocka_unit_test(parser_states),
    };
    return cmocka_run_group_tests_name("h1", tests, NULL, NULL);
}
