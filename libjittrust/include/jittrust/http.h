/* SPDX-License-Identifier: MIT */
/*
 * The HTTP/1.1 client binding (net): the sans-IO h1 codec, URLs and
 * redirect rules of jittrust/h1.h driven over jt_conn (https, JIT trust)
 * or a plain TCP socket (http), on the loop.
 *
 * A client holds what fetches share: the loop, resolver, TLS config, JIT
 * context, and a small pool of idle keep-alive connections. A fetch is
 * one request and the redirects it follows; its response arrives through
 * callbacks.
 *
 * Connections: a connection is reused only for the same (scheme,
 * normalised host, port, JIT context): a verified https connection is
 * never lent to another host, even one its certificate also names, nor to
 * a request under another trust policy (JIT context). Each redirect hop
 * to another origin gets its own connection and so its own JIT decision
 * under the target's normalised host. Only idempotent requests (GET,
 * HEAD, PUT, DELETE, OPTIONS, TRACE) take an idle connection; a reused
 * connection that turns out closed by the server (no response byte) is
 * retried once on a new one, when the request body can be sent again. A
 * POST always gets a new connection, so it is never sent twice.
 *
 * Redirects (JT_HTTP_FOLLOW): the rules of jt_redirect_next() (301/302
 * POST -> GET, 303 -> GET, 307/308 replay the body, or fail with
 * JT_ERR_H1_REDIRECT_NO_REPLAY when it was streamed), up to max_redirs
 * with loop detection (jt_redirect_track), https -> http refused
 * unless JT_HTTP_ALLOW_DOWNGRADE. Once a hop goes to another origin,
 * Authorization, Cookie, Proxy-Authorization and every header marked in
 * |credential| are dropped for the rest of the fetch (also when a later
 * hop comes back). A redirect response's body is read and discarded
 * (at most JT_HTTP_REDIRECT_BODY_MAX bytes, else its connection is
 * closed instead of reused). A 3xx without Location is a final response.
 *
 * Truncation: a response whose body runs to the connection's close ends
 * with 0 only on a clean close (TLS close_notify, or a TCP FIN on plain
 * http); an https body that ends without close_notify ends with
 * JT_ERR_H1_MAYBE_TRUNCATED (every byte was delivered, but an attacker
 * could have cut it). A Content-Length or chunked body cut short ends
 * with JT_ERR_H1_TRUNCATED.
 *
 * Ownership: the loop, resolver, TLS config and JIT contexts are BORROWED
 * by the client and must outlive it. A request's strings, headers and
 * body are BORROWED until on_done (nothing is copied but the URL).
 * Single-threaded: everything runs on the loop thread.
 */
#ifndef JITTRUST_HTTP_H
#define JITTRUST_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "jittrust/alloc.h"
#include "jittrust/export.h"
#include "jittrust/h1.h"
#include "jittrust/jit.h"
#include "jittrust/loop.h"
#include "jittrust/resolve.h"
#include "jittrust/tls.h"
#include "jittrust/trace.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Most idle connections a client keeps (jt_http_client_opts.max_idle). */
#define JT_HTTP_MAX_IDLE 16u
/* Longest URL (request target) a fetch handles, NUL included. */
#define JT_HTTP_URL_MAX 4096u
/* Longest response header or chunk-size line, NUL included. */
#define JT_HTTP_LINE_MAX 8192u
/* Most bytes of a redirect response body read to keep its connection. */
#define JT_HTTP_REDIRECT_BODY_MAX 65536u
/* Most request headers of one fetch. */
#define JT_HTTP_MAX_HEADERS 64u

struct jt_http_client_opts {
    struct jt_loop *loop;         /* required */
    struct jt_resolver *resolver; /* required */
    struct jt_tls_config *tls;    /* a JT_TLS_CLIENT config: for https */
    struct jt_jit_ctx *jit;       /* default JIT context: for https */
    const struct jt_alloc *alloc; /* NULL: libc */
    size_t max_idle;              /* 0: 4; at most JT_HTTP_MAX_IDLE */
    uint32_t idle_ms;             /* idle connection kept; 0: 30000 */
    /* Every step as a trace event: the connection's (jt_conn_opts.trace)
     * and the binding's own REQUEST, RESPONSE, REDIRECT; may be NULL.
     * The JIT context's events go to its own trace function. */
    jt_trace_fn trace;
    void *trace_ud;
};

/* Counters of a client (jt_http_client_stats). */
struct jt_http_stats {
    uint64_t connections; /* connections made (TCP, or TCP + TLS) */
    uint64_t handshakes;  /* TLS handshakes completed (jt_conn_handshakes) */
    uint64_t reused;      /* requests sent on a kept-alive connection */
    uint64_t requests;    /* requests sent, redirect hops included */
    uint64_t retries;     /* requests sent again after a stale reuse */
    size_t idle;          /* idle connections kept now */
};

struct jt_http_client;
struct jt_http;

/*
 * jt_http_client_create() - a client. Returns 0, JT_ERR_INVAL (|out|,
 * loop or resolver NULL, max_idle over JT_HTTP_MAX_IDLE) or JT_ERR_NOMEM.
 */
JT_API int jt_http_client_create(const struct jt_http_client_opts *opts,
                                 struct jt_http_client **out);

/*
 * jt_http_client_destroy() - close every idle connection (close_notify
 * first, best effort) and free. Every fetch must be destroyed first.
 * NULL-safe.
 */
JT_API void jt_http_client_destroy(struct jt_http_client *cl);

/* jt_http_client_stats() - copy the counters. 0 or JT_ERR_INVAL. */
JT_API int jt_http_client_stats(const struct jt_http_client *cl,
                                struct jt_http_stats *out);

/* jt_http_client_close_idle() - close every idle connection now. */
JT_API void jt_http_client_close_idle(struct jt_http_client *cl);

/* What jt_http_cb.on_head gets: the head of one response. */
struct jt_http_head {
    const struct jt_h1_resp_info *info; /* status, framing, keep-alive */
    const char *url;  /* the URL that answered, canonical form */
    unsigned hop;     /* 0: the first request's response, 1: the next ... */
    int follow;       /* 1: a redirect about to be followed: its body is
                         not delivered and another head comes next */
    const char *next; /* with |follow|: the next URL, else NULL */
};

/*
 * Callbacks, each may be NULL; all run on the loop, never inside
 * jt_http_start(). on_status, on_header and on_head run for every
 * response, redirects included (as curl -L -i shows them); on_body only
 * for the final one. Strings live only during the call. A non-zero return
 * from on_status, on_header, on_head or on_body ends the fetch: a
 * negative value is given to on_done as is, a positive one as
 * JT_ERR_H1_CALLBACK.
 *
 * on_done: called exactly once, last, with 0 or the failure (see
 * jt_http_start). The callee may destroy the fetch inside it.
 */
struct jt_http_cb {
    int (*on_status)(void *ud, int status, int version, const char *reason,
                     size_t reason_len);
    int (*on_header)(void *ud, const char *name, size_t name_len,
                     const char *value, size_t value_len);
    int (*on_head)(void *ud, const struct jt_http_head *head);
    int (*on_body)(void *ud, const uint8_t *data, size_t len);
    void (*on_done)(void *ud, int err);
};

/*
 * A streamed request body: write up to |cap| bytes to |buf|. Returns the
 * count (> 0), 0 at the end, or a negative jt_err (ends the fetch).
 */
typedef int (*jt_http_body_fn)(void *ud, uint8_t *buf, size_t cap);

/* jt_http_req.flags */
#define JT_HTTP_FOLLOW 0x1u          /* follow redirects */
#define JT_HTTP_ALLOW_DOWNGRADE 0x2u /* a redirect may go https -> http */
#define JT_HTTP_NO_REUSE 0x4u        /* fresh connection, not kept */

/* jt_http_req.body_len of a streamed body of unknown length: chunked. */
#define JT_HTTP_LEN_CHUNKED UINT64_MAX

/*
 * A request.
 * @method:  an HTTP token; NULL: "GET".
 * @url:     absolute http:// or https:// URL, NUL-terminated.
 * @headers: extra request headers, in order (the writer's own Host,
 *           Content-Length, Transfer-Encoding, Connection are refused);
 *           at most JT_HTTP_MAX_HEADERS.
 * @credential: NULL, or one flag per header: 1 marks a header that
 *           carries credentials (e.g. "X-Api-Key"), dropped like
 *           Authorization on a cross-origin hop.
 * @body:    a body in memory (|body_len| bytes; "" with 0 sends an empty
 *           body), or NULL.
 * @body_read: a streamed body instead (|body| NULL): |body_len| bytes
 *           (Content-Length), or JT_HTTP_LEN_CHUNKED. It cannot be sent
 *           twice: no retry, and a 307/308 fails.
 * @timeout_ms: the whole fetch, redirects included; 0: none (each
 *           connection attempt still has jt_conn's 30 s).
 * @connect_timeout_ms: per address; 0: jt_conn's default (10 s).
 * @max_body: response body cap (JT_ERR_H1_BODY_TOO_BIG); 0: none.
 * @max_head: response head cap; 0: JT_H1_DEFAULT_MAX_HEAD.
 * @jit:     JIT context (the trust policy) for https; NULL: the
 *           client's.
 */
struct jt_http_req {
    const char *method;
    const char *url;
    const struct jt_h1_header *headers;
    size_t n_headers;
    const uint8_t *credential;
    const uint8_t *body;
    uint64_t body_len;
    jt_http_body_fn body_read;
    void *body_ud;
    unsigned flags;      /* JT_HTTP_* */
    uint32_t max_redirs; /* with JT_HTTP_FOLLOW; 0: follow none */
    uint32_t timeout_ms;
    uint32_t connect_timeout_ms;
    uint64_t max_body;
    size_t max_head;
    struct jt_jit_ctx *jit;
    const struct jt_http_cb *cb;
    void *ud;
};

/*
 * jt_http_start() - begin a fetch; its callbacks run later, from the loop.
 * Returns 0 with |*out| set, or (nothing started, no callback):
 *   JT_ERR_INVAL                |cl|, |req|, url or |out| NULL, too many
 *                               headers, body and body_read both set;
 *   a jt_url_parse() code       the URL (JT_ERR_H1_URL_*, NOSPC over
 *                               JT_HTTP_URL_MAX, JT_ERR_NET_HOST_*);
 *   JT_ERR_STATE                an https URL and no TLS config or JIT
 *                               context;
 *   a jt_h1_writer_head() code  bad method or header (e.g.
 *                               JT_ERR_H1_RESERVED_HEADER);
 *   JT_ERR_NOMEM, JT_ERR_NOSPC (loop timers full).
 * Errors given to on_done: jt_conn_start()'s and its callback's
 * (resolve, connect, TLS, JIT: jt_http_stage() says which), the same for
 * plain http without TLS and JIT, JT_ERR_NET_TIMEOUT (|timeout_ms|),
 * JT_ERR_TLS_* or JT_ERR_NET_PIPE_IO while sending or receiving,
 * the parser's JT_ERR_H1_* (including JT_ERR_H1_TRUNCATED,
 * JT_ERR_H1_MAYBE_TRUNCATED, JT_ERR_H1_NO_RESPONSE), the redirect codes
 * (jt_redirect_next, jt_redirect_track_visit: JT_ERR_H1_REDIRECT_*,
 * JT_ERR_H1_URL_*), a body_read error, a callback's code, JT_ERR_NOMEM.
 */
JT_API int jt_http_start(struct jt_http_client *cl,
                         const struct jt_http_req *req, struct jt_http **out);

/*
 * jt_http_destroy() - cancel (no callback after this) and free. A
 * connection in the middle of a request is closed, never pooled.
 * NULL-safe.
 */
JT_API void jt_http_destroy(struct jt_http *h);

/* Stages of jt_http_stage(): JT_CONN_RESOLVE .. JT_CONN_VERIFY (conn.h)
 * while connecting, then: */
#define JT_HTTP_SEND 10 /* sending the request */
#define JT_HTTP_RECV 11 /* receiving the response */
#define JT_HTTP_DONE 12 /* ended (on_done ran or runs) */

/* jt_http_stage() - where the fetch is, or was when it failed. */
JT_API int jt_http_stage(const struct jt_http *h);

/* jt_http_result() - 0, JT_ERR_WANT_READ (running), or the failure. */
JT_API int jt_http_result(const struct jt_http *h);

/* Longest jt_http_message(), NUL included. */
#define JT_HTTP_MSG_MAX 768u

/*
 * jt_http_message() - a sentence about the result, never NULL, e.g.
 * "www.x.test: no trusted CA for AKID 5AEE…743B (asked: blob)" or
 * "redirect from https://a.test/ to http://a.test/ refused: ...".
 */
JT_API const char *jt_http_message(const struct jt_http *h);

/* jt_http_url() - the URL requested last (the effective URL), "" before. */
JT_API const char *jt_http_url(const struct jt_http *h);

/* jt_http_redirects() - redirects followed so far. */
JT_API unsigned jt_http_redirects(const struct jt_http *h);

/* jt_http_status() - status of the last response head, 0 before. */
JT_API int jt_http_status(const struct jt_http *h);

#ifdef __cplusplus
}
#endif

#endif /* JITTRUST_HTTP_H */
