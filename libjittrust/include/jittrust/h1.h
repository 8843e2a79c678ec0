/* SPDX-License-Identifier: MIT */
/*
 * The HTTP/1.1 client codec (core, sans-IO): a request writer, an
 * incremental response parser and the redirect rules. Bytes in, bytes out,
 * events through callbacks, as nghttp2 and wslay do: the net binding reads
 * from the connection, feeds the parser, and sends what the writer
 * produced. Nothing here allocates: the parser works in one line buffer the
 * caller lends; the writer writes into caller buffers.
 *
 * A request/response round on one connection:
 *
 *   jt_h1_writer_init(&w);
 *   jt_h1_writer_head(&w, &req, buf, cap, &n);          send buf[0..n)
 *   jt_h1_writer_body(&w, data, len, buf, cap, &n);     send, repeat
 *   jt_h1_writer_finish(&w, buf, cap, &n);              send
 *   jt_h1_resp_begin(&r, req.method);
 *   jt_h1_resp_feed(&r, bytes, len, &used) as bytes arrive, until it
 *   returns 0 (complete); at EOF jt_h1_resp_finish(&r, clean_close);
 *   jt_h1_resp_keep_alive(&r) says whether the connection may carry the
 *   next request (then jt_h1_resp_begin() again).
 *
 * Framing decisions (RFC 9112 6.3), in order:
 *  1. a response to HEAD, and 204 and 304, have no body (any Content-Length
 *     or Transfer-Encoding they carry describes another response);
 *  2. Transfer-Encoding: exactly one coding, "chunked", is accepted (any
 *     case, over one or several header lines); anything else (gzip,
 *     "chunked, chunked", identity) is JT_ERR_H1_TRANSFER_ENCODING;
 *  3. Transfer-Encoding and Content-Length together: chunked framing is used
 *     and the connection is never reused (a sign of response smuggling;
 *     RFC 9112 6.3 item 3 lets a client read it and requires the close).
 *     The same for Transfer-Encoding in an HTTP/1.0 response;
 *  4. Content-Length: decimal digits only; several fields, or a list
 *     "42, 42", must all agree (JT_ERR_H1_CONTENT_LENGTH_MISMATCH);
 *  5. otherwise the body runs to the connection's close, and the connection
 *     is never reused.
 * 1xx interim responses (100 Continue, 103 Early Hints) are read and
 * skipped without any callback; 101 Switching Protocols is an error (we
 * never ask for an upgrade).
 *
 * Keep-alive: HTTP/1.1 unless "Connection: close"; HTTP/1.0 only with
 * "Connection: keep-alive" (and no "close"); never after a close-delimited
 * body, after rule 3, after an error, or before the response is complete.
 *
 * Leniency, on purpose: a bare LF ends a line like CRLF (RFC 9112 2.2
 * allows it); obs-fold continuation lines in headers are joined with a
 * space (RFC 9112 5.2 requires that of a user agent); "HTTP/1.1 200" with
 * no reason phrase is accepted. Strict: a CR must be followed by LF; no
 * whitespace before a header's colon or before the first header; no NUL or
 * control byte (other than HTAB) in any value; status code 100..999.
 *
 * Not modelled: CONNECT (a 2xx to it starts a tunnel), Upgrade, request
 * trailers, content codings (a Content-Encoding body is delivered as
 * sent; send "Accept-Encoding: identity" to ask for none).
 *
 * Objects are single-thread.
 */
#ifndef JITTRUST_H1_H
#define JITTRUST_H1_H

#include <stddef.h>
#include <stdint.h>

#include "jittrust/export.h"
#include "jittrust/url.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How a message body is framed. */
enum jt_h1_body {
    JT_H1_BODY_NONE = 0,    /* no body */
    JT_H1_BODY_LENGTH = 1,  /* Content-Length bytes */
    JT_H1_BODY_CHUNKED = 2, /* Transfer-Encoding: chunked */
    JT_H1_BODY_CLOSE = 3,   /* until the connection closes (responses) */
};

/* 1 when |name| (|len| bytes) equals the literal |lit|, ASCII any case. */
JT_API int jt_h1_name_eq(const char *name, size_t len, const char *lit);

/* ------------------------------------------------------------------ */
/* Request writer                                                     */
/* ------------------------------------------------------------------ */

/* One request header. Neither string needs a NUL. */
struct jt_h1_header {
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
};

/* A jt_h1_header from two string literals. */
#define JT_H1_HEADER(n, v)                                                     \
    {                                                                          \
        (n), sizeof(n) - 1, (v), sizeof(v) - 1                                 \
    }

/*
 * A request. Borrowed by jt_h1_writer_head() only for the call.
 * @method:  an HTTP token (GET, HEAD, POST, PUT, ... any token), NUL-ended.
 * @url:     gives the request target (url->target, origin form) and the
 *           Host header (jt_url_authority: the port only when not the
 *           scheme's default, an IPv6 host in brackets).
 * @headers: extra headers, written in order after Host. Host,
 *           Content-Length, Transfer-Encoding and Connection are the
 *           writer's own and refused here.
 * @body:    JT_H1_BODY_NONE, JT_H1_BODY_LENGTH (|body_len| bytes, sent as
 *           Content-Length, 0 allowed) or JT_H1_BODY_CHUNKED. With NONE,
 *           POST, PUT and PATCH still get "Content-Length: 0" (RFC 9110
 *           8.6).
 * @keep_alive: 1 sends "Connection: keep-alive", 0 "Connection: close".
 */
struct jt_h1_req {
    const char *method;
    const struct jt_url *url;
    const struct jt_h1_header *headers;
    size_t n_headers;
    uint64_t body_len;
    int body; /* enum jt_h1_body, not JT_H1_BODY_CLOSE */
    int keep_alive;
};

/*
 * The writer's state: which framing the body uses and how much of it is
 * still owed. Plain data; the fields are private.
 */
struct jt_h1_writer {
    uint64_t remaining; /* LENGTH: body bytes still owed */
    uint8_t mode;       /* enum jt_h1_body of the request */
    uint8_t state;      /* 0 fresh, 1 head written, 2 finished */
    uint8_t crlf;       /* CHUNKED: the last chunk's CRLF is still owed */
};

/* jt_h1_writer_init() - a fresh writer. Cannot fail; |w| not NULL. */
JT_API void jt_h1_writer_init(struct jt_h1_writer *w);

/*
 * jt_h1_writer_head() - write the request line and header block of |req|
 * into |buf| (|cap| bytes):
 *   METHOD SP target SP HTTP/1.1, Host, the caller's headers,
 *   Content-Length or Transfer-Encoding: chunked, Connection, empty line.
 * |*used| gets the byte count; on JT_ERR_NOSPC the count that is needed.
 * Nothing is written unless everything is valid (header injection: a CR or
 * LF in a value is refused, never escaped).
 *
 * Returns 0, or (writer unchanged):
 *   JT_ERR_INVAL                 NULL argument, |url| empty, |body| out of
 *                                range, or |buf| NULL with |cap| > 0;
 *   JT_ERR_STATE                 the head was already written;
 *   JT_ERR_H1_BAD_METHOD         |method| empty or not a token;
 *   JT_ERR_H1_BAD_HEADER_NAME    a header name empty or not a token;
 *   JT_ERR_H1_BAD_HEADER_VALUE   a value with CR, LF, NUL or another
 *                                control byte (HTAB is allowed);
 *   JT_ERR_H1_RESERVED_HEADER    Host, Content-Length, Transfer-Encoding
 *                                or Connection among |headers|;
 *   JT_ERR_NOSPC                 |cap| too small (|*used| = bytes needed).
 */
JT_API int jt_h1_writer_head(struct jt_h1_writer *w,
                             const struct jt_h1_req *req, uint8_t *buf,
                             size_t cap, size_t *used);

/*
 * jt_h1_writer_body() - frame |len| body bytes into |buf|.
 * With |data| the framing and a copy of the bytes are written. With |data|
 * NULL only the framing is written (zero copy): the caller sends |buf|'s
 * bytes and then its own |len| bytes, nothing in between. Chunked: each
 * call makes one chunk ("[CRLF]hex CRLF data"; the CRLF that ends a chunk
 * is written with the next chunk or by finish). A |len| of 0 writes
 * nothing (a zero chunk would end the body).
 *
 * Returns 0 (|*used| = bytes written), or (writer unchanged, |*used| = 0
 * except for NOSPC):
 *   JT_ERR_INVAL            |w| or |used| NULL, |buf| NULL with |cap| > 0;
 *   JT_ERR_STATE            head not written yet, or already finished;
 *   JT_ERR_H1_BODY_LENGTH   more bytes than the Content-Length still owed,
 *                           or any bytes for a request without a body;
 *   JT_ERR_NOSPC            |cap| too small (|*used| = bytes needed).
 */
JT_API int jt_h1_writer_body(struct jt_h1_writer *w, const void *data,
                             size_t len, uint8_t *buf, size_t cap,
                             size_t *used);

/*
 * jt_h1_writer_finish() - end the body. Chunked: writes the pending CRLF
 * and the last chunk "0 CRLF CRLF" (no trailers). Other modes write
 * nothing. Returns 0, JT_ERR_INVAL, JT_ERR_STATE (head not written or
 * already finished), JT_ERR_H1_BODY_LENGTH (Content-Length bytes still
 * owed: the request cannot be completed; close the connection) or
 * JT_ERR_NOSPC (|*used| = bytes needed; at most 7).
 */
JT_API int jt_h1_writer_finish(struct jt_h1_writer *w, uint8_t *buf, size_t cap,
                               size_t *used);

/* ------------------------------------------------------------------ */
/* Response parser                                                    */
/* ------------------------------------------------------------------ */

/* What the head of a final (non-1xx) response says. */
struct jt_h1_resp_info {
    uint64_t content_length; /* Content-Length when received, else 0 */
    uint16_t status;         /* 100..999, never 1xx here */
    uint8_t version;         /* minor version: 0 (HTTP/1.0) or 1 */
    uint8_t body;            /* enum jt_h1_body */
    uint8_t keep_alive;      /* reusable once complete (see the top) */
    uint8_t te_and_cl;       /* 1: framing rule 3 applied */
};

/*
 * Callbacks; each may be NULL. Each returns 0 to go on; any other value
 * stops the parser: a negative value is returned by jt_h1_resp_feed() (and
 * every later call) as is, a positive one as JT_ERR_H1_CALLBACK. Strings
 * are NUL-terminated and valid only during the call (they live in the
 * parser's line buffer). Header values have leading and trailing
 * whitespace removed; names are as received (compare with
 * jt_h1_name_eq()).
 *
 * on_status:   the final status line (1xx are skipped), |reason| may be "".
 * on_header:   each header field, in order (the Location of a redirect
 *              comes here: copy it).
 * on_headers_done: the head is complete; |info| says how the body is
 *              framed. For a body-less response on_complete follows.
 * on_body:     body bytes, de-chunked, in pieces of any size (feeding the
 *              same bytes in other splits gives the same bytes in other
 *              pieces).
 * on_trailer:  each trailer field of a chunked body.
 * on_complete: the response is complete.
 */
struct jt_h1_resp_cb {
    int (*on_status)(void *ud, int status, int version, const char *reason,
                     size_t reason_len);
    int (*on_header)(void *ud, const char *name, size_t name_len,
                     const char *value, size_t value_len);
    int (*on_headers_done)(void *ud, const struct jt_h1_resp_info *info);
    int (*on_body)(void *ud, const uint8_t *data, size_t len);
    int (*on_trailer)(void *ud, const char *name, size_t name_len,
                      const char *value, size_t value_len);
    int (*on_complete)(void *ud);
};

/* Defaults for caps left 0 in struct jt_h1_resp_opts. */
#define JT_H1_DEFAULT_MAX_HEAD 65536u
#define JT_H1_DEFAULT_MAX_HEADERS 100u

/*
 * Parser setup; all caps are per response.
 * @buf, @buf_size: the line buffer, lent for the parser's life. The longest
 *      status line, header line (folded lines joined, terminator not
 *      counted), trailer line or chunk-size line (extensions included) is
 *      buf_size - 1 bytes (JT_ERR_H1_LINE_TOO_LONG); buf_size >= 32.
 * @max_head: bytes of the whole head: interim 1xx responses, status line,
 *      header lines and trailer lines with their line ends
 *      (JT_ERR_H1_HEAD_TOO_BIG). 0: JT_H1_DEFAULT_MAX_HEAD.
 * @max_headers: header fields of the response, 1xx and trailer fields
 *      included (JT_ERR_H1_TOO_MANY_HEADERS). 0: the default.
 * @max_body: body bytes delivered (JT_ERR_H1_BODY_TOO_BIG); a
 *      Content-Length or chunk size over it fails before any of its bytes
 *      is delivered. 0: no cap (the parser stores no body byte).
 */
struct jt_h1_resp_opts {
    char *buf;
    size_t buf_size;
    size_t max_head;
    uint32_t max_headers;
    uint64_t max_body;
    const struct jt_h1_resp_cb *cb;
    void *ud;
};

/* The parser. Plain data, the fields are private; no free needed. */
struct jt_h1_resp {
    const struct jt_h1_resp_cb *cb;
    void *ud;
    char *buf;
    size_t buf_size, len;
    size_t max_head, head_bytes;
    uint64_t max_body, body_bytes, remaining, total;
    struct jt_h1_resp_info info;
    uint32_t max_headers, n_headers;
    int err;
    uint8_t state, section, pending, head_req, flags;
};

/*
 * jt_h1_resp_setup() - set up |r| from |opts| (copied; the buffer and
 * callbacks are borrowed). The parser then waits for jt_h1_resp_begin().
 * Returns 0 or JT_ERR_INVAL (NULL, buf_size < 32; |r| then refuses every
 * call with JT_ERR_STATE).
 */
JT_API int jt_h1_resp_setup(struct jt_h1_resp *r,
                            const struct jt_h1_resp_opts *opts);

/*
 * jt_h1_resp_begin() - expect the response to a request with |method|
 * ("HEAD" means no body; anything else or NULL is an ordinary method).
 * Call before each response, also on a reused connection. Resets the
 * per-response caps' counters. Returns 0, JT_ERR_INVAL (|r| NULL) or
 * JT_ERR_STATE (setup failed or not done).
 */
JT_API int jt_h1_resp_begin(struct jt_h1_resp *r, const char *method);

/*
 * jt_h1_resp_feed() - parse |len| bytes at |data|, any split: feeding a
 * response one byte at a time gives exactly the events, results and
 * consumed counts of feeding it at once. |*consumed| (not NULL) gets how
 * many bytes were used: all of them, unless the response completed first
 * (the rest is not part of it: a client that sent one request should treat
 * extra bytes as a reason not to reuse the connection) or an error came
 * (then the offset of the byte that failed).
 *
 * Returns:
 *   0                  the response is complete;
 *   JT_ERR_WANT_READ   every byte used, more are needed (not a failure);
 *   JT_ERR_STATE       not begun, or already complete;
 *   JT_ERR_INVAL       |r| or |consumed| NULL, or |data| NULL with len > 0;
 *   a failure, then returned again by every later feed and finish:
 *   JT_ERR_H1_BAD_STATUS_LINE, JT_ERR_H1_BAD_VERSION, JT_ERR_H1_BAD_HEADER,
 *   JT_ERR_H1_BAD_LINE_END, JT_ERR_H1_LINE_TOO_LONG, JT_ERR_H1_HEAD_TOO_BIG,
 *   JT_ERR_H1_TOO_MANY_HEADERS, JT_ERR_H1_BAD_CONTENT_LENGTH,
 *   JT_ERR_H1_CONTENT_LENGTH_MISMATCH, JT_ERR_H1_TRANSFER_ENCODING,
 *   JT_ERR_H1_SWITCHING_PROTOCOLS, JT_ERR_H1_CHUNK_SIZE,
 *   JT_ERR_H1_CHUNK_CRLF, JT_ERR_H1_BODY_TOO_BIG, JT_ERR_H1_CALLBACK or a
 *   callback's own negative code.
 */
JT_API int jt_h1_resp_feed(struct jt_h1_resp *r, const uint8_t *data,
                           size_t len, size_t *consumed);

/*
 * jt_h1_resp_finish() - the connection ended. |clean_close| is 1 when the
 * end is known to be the peer's: TLS close_notify received, or a TCP FIN on
 * plain http; 0 when the transport just stopped (EOF without close_notify,
 * a reset).
 * Returns:
 *   0                           complete (a close-delimited body ends here
 *                               and on_complete is called);
 *   JT_ERR_H1_MAYBE_TRUNCATED   a close-delimited body ended without a
 *                               clean close: every byte was delivered but
 *                               the body may be cut short (on_complete is
 *                               not called);
 *   JT_ERR_H1_NO_RESPONSE       not a byte of the response arrived (a
 *                               reused connection the server had closed:
 *                               retry on a new one);
 *   JT_ERR_H1_TRUNCATED         the head, a Content-Length body or a
 *                               chunked body was cut short;
 *   JT_ERR_STATE                not begun (JT_ERR_INVAL for NULL);
 *   the parser's earlier failure, if any.
 * Any result but 0 is sticky, and the connection is not reusable.
 */
JT_API int jt_h1_resp_finish(struct jt_h1_resp *r, int clean_close);

/*
 * jt_h1_resp_info() - the head of the final response, valid from
 * on_headers_done on (all zero before). NULL when |r| is NULL.
 */
JT_API const struct jt_h1_resp_info *
jt_h1_resp_info(const struct jt_h1_resp *r);

/* jt_h1_resp_done() - 1 when the response is complete, else 0. */
JT_API int jt_h1_resp_done(const struct jt_h1_resp *r);

/*
 * jt_h1_resp_keep_alive() - 1 when the response is complete, with no
 * error, and the connection may carry another request; else 0.
 */
JT_API int jt_h1_resp_keep_alive(const struct jt_h1_resp *r);

/* ------------------------------------------------------------------ */
/* Redirects                                                          */
/* ------------------------------------------------------------------ */

/* Flags of struct jt_redirect_req. */
#define JT_REDIRECT_HAS_BODY 0x1u        /* the request sent a body */
#define JT_REDIRECT_BODY_STREAMED 0x2u   /* ... that cannot be sent again */
#define JT_REDIRECT_ALLOW_DOWNGRADE 0x4u /* https -> http allowed */

/* Flags of struct jt_redirect. */
#define JT_REDIRECT_DROP_BODY 0x1u    /* send the next request without body */
#define JT_REDIRECT_CROSS_ORIGIN 0x2u /* the next URL has another origin */

/* The request that got a redirect response, and the response. */
struct jt_redirect_req {
    int status;               /* the response's status */
    const char *method;       /* the request's method, NUL-ended */
    const struct jt_url *url; /* the request's URL: the base */
    const char *location;     /* the Location value; NULL: none */
    size_t location_len;
    unsigned flags; /* JT_REDIRECT_HAS_BODY | _BODY_STREAMED | _ALLOW_... */
};

/* What the next request must be (its URL is written separately). */
struct jt_redirect {
    const char *method; /* req->method or the static string "GET" */
    unsigned flags;     /* JT_REDIRECT_DROP_BODY | JT_REDIRECT_CROSS_ORIGIN */
};

/* jt_redirect_is_redirect() - 1 for 301, 302, 303, 307, 308; else 0. */
JT_API int jt_redirect_is_redirect(int status);

/*
 * jt_redirect_next() - the next request after a redirect response, as a
 * pure function: |next| (set up with its own buffer) gets
 * jt_url_resolve(req->url, Location), |out| the method and flags:
 *   301, 302: POST becomes GET without its body; other methods are kept;
 *   303:      every method but HEAD becomes GET without a body;
 *   307, 308: method and body are kept.
 * A kept body must be sent again: with JT_REDIRECT_BODY_STREAMED that is
 * impossible and the redirect fails. CROSS_ORIGIN is set when scheme, host
 * or port differ (then use jt_redirect_drop_header()).
 *
 * Returns 0, or (|next| empty, |out| zeroed):
 *   JT_ERR_INVAL                   NULL argument or empty req->url;
 *   JT_ERR_H1_REDIRECT_STATUS      status not one of the five above;
 *   JT_ERR_H1_REDIRECT_NO_LOCATION req->location NULL;
 *   a jt_url_resolve() code        bad Location (JT_ERR_H1_URL_SCHEME for
 *                                  a scheme other than http/https);
 *   JT_ERR_H1_REDIRECT_DOWNGRADE   https to http without
 *                                  JT_REDIRECT_ALLOW_DOWNGRADE;
 *   JT_ERR_H1_REDIRECT_NO_REPLAY   the body must be replayed but was
 *                                  streamed.
 * Checks run in this order.
 */
JT_API int jt_redirect_next(const struct jt_redirect_req *req,
                            struct jt_url *next, struct jt_redirect *out);

/*
 * jt_redirect_drop_header() - 1 when the request header |name| (|len|
 * bytes) must not be sent on the next hop described by |r|:
 *  - on a cross-origin hop: Authorization, Cookie, Proxy-Authorization,
 *    and any header the caller marked as carrying credentials
 *    (|caller_auth| 1, e.g. an "X-Api-Key" the user set);
 *  - when the body is dropped: Content-Type, Content-Encoding,
 *    Content-Language, Content-Location (and Content-Length,
 *    Transfer-Encoding, which the writer refuses anyway).
 * Else 0. |name| NULL gives 0; |r| NULL is taken as a cross-origin hop
 * that drops the body (the safe answer). Names compare in any case.
 */
JT_API int jt_redirect_drop_header(const struct jt_redirect *r,
                                   const char *name, size_t len,
                                   int caller_auth);

/* URLs a jt_redirect_track remembers for loop detection. */
#define JT_REDIRECT_REMEMBER 16u

/*
 * Redirect bookkeeping the caller keeps for one fetch: the hop count
 * against a limit, and a 64-bit hash (FNV-1a) of the last
 * JT_REDIRECT_REMEMBER (method, URL) pairs visited. A loop is a pair seen
 * again: A -> B -> A with the same method. (A 303 from POST /a to GET /a is
 * not a loop.) Plain data, fields private.
 */
struct jt_redirect_track {
    uint64_t seen[JT_REDIRECT_REMEMBER];
    uint32_t visits;
    uint32_t max_redirs;
};

/*
 * jt_redirect_track_init() - no visit yet; at most |max_redirs|
 * redirects (0: none is followed). Cannot fail; |t| not NULL.
 */
JT_API void jt_redirect_track_init(struct jt_redirect_track *t,
                                   uint32_t max_redirs);

/*
 * jt_redirect_track_visit() - record a request about to be made: the first
 * URL, then each redirect's next URL and method.
 * Returns 0, JT_ERR_INVAL (NULL or empty |u|), JT_ERR_H1_REDIRECT_TOO_MANY
 * (this would be redirect max_redirs + 1), or JT_ERR_H1_REDIRECT_LOOP (the
 * pair was visited within the last JT_REDIRECT_REMEMBER visits). An error
 * records nothing.
 */
JT_API int jt_redirect_track_visit(struct jt_redirect_track *t,
                                   const char *method, const struct jt_url *u);

#ifdef __cplusplus
}
#endif

#endif /* JITTRUST_H1_H */
