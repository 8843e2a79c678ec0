// SPDX-License-Identifier: MIT
/*
 * The HTTP/1.1 binding's fetch (net): one request and the redirects it
 * follows, on the loop. Writes the head and body the h1 writer frames,
 * feeds what arrives to the h1 response parser, applies the redirect
 * rules of core (jt_redirect_next, jt_redirect_drop_header,
 * jt_redirect_track) and hands each hop's origin its own connection and
 * JIT decision. See jittrust/http.h.
 */
#include <stdio.h>
#include <string.h>

#include "alloc-int.h"
#include "http-int.h"
#include "jittrust/error.h"

#define RBUF_LEN 8192u
#define SBUF_MIN (16384u + 32u)
#define HEAD_MAX 65536u
#define TEXT_MAX (JT_HTTP_URL_MAX + 320u)

enum phase { PH_CONNECT, PH_HEAD, PH_BODY, PH_FINISH, PH_RECV };

struct jt_http {
    struct jt_http_client *cl;
    struct jt_http_req r;
    struct jt_jit_ctx *jit;
    struct jt_url url, next;
    const char *method;
    struct jti_hconn *conn;
    uint8_t *sbuf;
    size_t scap, slen, soff;
    uint64_t body_off, discarded, body_bytes, t_sent, deadline;
    uint64_t start_timer, timer;
    int start_armed, timer_armed;
    int phase, stage, result, ended;
    int reused, retried, got_bytes;
    int status, maybe_follow, follow, drop_conn, user_stop, body_dropped;
    unsigned hops;
    size_t location_len;
    int has_location;
    struct jt_redirect_track track;
    struct jt_redirect redir;
    struct jt_h1_writer w;
    struct jt_h1_resp resp;
    struct jt_h1_resp_cb pcb;
    uint8_t dropped[JT_HTTP_MAX_HEADERS];
    struct jt_h1_header hop_hdrs[JT_HTTP_MAX_HEADERS];
    char url_buf[JT_HTTP_URL_MAX], next_buf[JT_HTTP_URL_MAX];
    char location[JT_HTTP_URL_MAX];
    char url_text[TEXT_MAX], text[TEXT_MAX];
    char line[JT_HTTP_LINE_MAX];
    uint8_t rbuf[RBUF_LEN];
    char msg[JT_HTTP_MSG_MAX];
};

static void get_conn(struct jt_http *h, int fresh);
static void pump_send(struct jt_http *h);
static void pump_recv(struct jt_http *h);

static const char *const stage_names[] = {
    "",    "resolving", "connecting", "in the TLS handshake", "verifying trust",
    "done"};

static const char *
stage_name(int stage)
{
    if (stage >= JT_CONN_RESOLVE && stage <= JT_CONN_DONE)
        return stage_names[stage];
    return stage == JT_HTTP_SEND ? "sending the request"
                                 : "receiving the response";
}

/* The end, once: on_done is the last thing that touches |h|. */
static void
end(struct jt_http *h, int err)
{
    const struct jt_http_cb *cb = h->r.cb;

    if (h->ended)
        return;
    h->ended = 1;
    h->result = err;
    if (err == 0)
        h->stage = JT_HTTP_DONE;
    else if (h->msg[0] == 0)
        jti_http_say(h->msg, sizeof(h->msg), "%s: %s", h->url_text,
                     jt_strerror(err));
    if (h->timer_armed)
        (void)jt_loop_timer_cancel(h->cl->o.loop, h->timer);
    if (h->start_armed)
        (void)jt_loop_timer_cancel(h->cl->o.loop, h->start_timer);
    h->timer_armed = h->start_armed = 0;
    jti_hconn_release(h->conn, 0);
    h->conn = NULL;
    if (cb != NULL && cb->on_done != NULL)
        cb->on_done(h->r.ud, err);
}

static void
on_deadline(struct jt_loop *loop, void *ud)
{
    struct jt_http *h = ud;

    (void)loop;
    h->timer_armed = 0;
    if (h->phase == PH_CONNECT && h->conn != NULL)
        h->stage = jti_hconn_stage(h->conn);
    jti_http_say(h->msg, sizeof(h->msg), "%s: timed out after %lu ms (%s)",
                 h->url_text, (unsigned long)h->r.timeout_ms,
                 stage_name(h->stage));
    end(h, JT_ERR_NET_TIMEOUT);
}

static void
trace(struct jt_http *h, struct jt_trace_event *ev)
{
    jti_http_trace(h->cl, ev, &h->url.host, h->url.port);
}

/* ---- the request ---- */

/* This hop's body framing. */
static int
body_mode(const struct jt_http *h)
{
    if (h->body_dropped || (h->r.body == NULL && h->r.body_read == NULL))
        return JT_H1_BODY_NONE;
    if (h->r.body_read != NULL && h->r.body_len == JT_HTTP_LEN_CHUNKED)
        return JT_H1_BODY_CHUNKED;
    return JT_H1_BODY_LENGTH;
}

/* Write the head into the send buffer (grown when it needs more). */
static int
write_head(struct jt_http *h)
{
    struct jt_h1_req q = {0};
    size_t n = 0, used = 0;
    int rc;

    for (size_t i = 0; i < h->r.n_headers; i++)
        if (!h->dropped[i])
            h->hop_hdrs[n++] = h->r.headers[i];
    q.method = h->method;
    q.url = &h->url;
    q.headers = h->hop_hdrs;
    q.n_headers = n;
    q.body = body_mode(h);
    q.body_len = q.body == JT_H1_BODY_LENGTH ? h->r.body_len : 0;
    q.keep_alive = !(h->r.flags & JT_HTTP_NO_REUSE);
    jt_h1_writer_init(&h->w);
    rc = jt_h1_writer_head(&h->w, &q, h->sbuf, h->scap, &used);
    if (rc == JT_ERR_NOSPC && used <= HEAD_MAX) {
        uint8_t *b = jti_alloc(h->cl->o.alloc, used + SBUF_MIN);

        if (b == NULL)
            return JT_ERR_NOMEM;
        jti_free(h->cl->o.alloc, h->sbuf);
        h->sbuf = b;
        h->scap = used + SBUF_MIN;
        rc = jt_h1_writer_head(&h->w, &q, h->sbuf, h->scap, &used);
    }
    h->slen = used;
    h->soff = 0;
    return rc;
}

static void
send_request(struct jt_http *h)
{
    struct jt_trace_event ev = {0};
    int rc = write_head(h);

    if (rc != 0) {
        end(h, rc);
        return;
    }
    h->phase = PH_HEAD;
    h->stage = JT_HTTP_SEND;
    h->body_off = 0;
    h->got_bytes = 0;
    h->conn->requests++;
    h->cl->st.requests++;
    h->cl->st.reused += (uint64_t)h->reused;
    jti_http_say(h->text, sizeof(h->text), "%s %s", h->method, h->url_text);
    ev.type = JT_TRACE_REQUEST;
    ev.text = h->text;
    ev.index = h->reused;
    ev.count = h->conn->requests;
    trace(h, &ev);
    pump_send(h);
}

/* A memory body or a streamed one: the next framed piece. */
static int
fill_body(struct jt_http *h)
{
    size_t n;
    int rc;

    if (h->r.body_read != NULL) {
        rc = h->r.body_read(h->r.body_ud, h->rbuf, sizeof(h->rbuf));
        if (rc <= 0) {
            h->phase = PH_FINISH;
            return rc;
        }
        n = (size_t)rc;
        return jt_h1_writer_body(&h->w, h->rbuf, n, h->sbuf, h->scap, &h->slen);
    }
    n = SBUF_MIN - 32u;
    if (h->r.body_len - h->body_off < n)
        n = (size_t)(h->r.body_len - h->body_off);
    rc = jt_h1_writer_body(&h->w, h->r.body + h->body_off, n, h->sbuf, h->scap,
                           &h->slen);
    h->body_off += n;
    if (h->body_off == h->r.body_len)
        h->phase = PH_FINISH;
    return rc;
}

/* Put the next bytes to send in the buffer. Returns 1 (bytes ready), 0
 * (the request is out) or a failure. */
static int
fill(struct jt_http *h)
{
    int rc = 0;

    h->slen = 0;
    h->soff = 0;
    while (h->slen == 0 && rc == 0) {
        if (h->phase == PH_HEAD)
            h->phase = body_mode(h) == JT_H1_BODY_NONE ? PH_FINISH : PH_BODY;
        else if (h->phase == PH_BODY &&
                 (h->r.body_read != NULL || h->body_off < h->r.body_len))
            rc = fill_body(h);
        else if (h->phase == PH_BODY)
            h->phase = PH_FINISH;
        else if (h->phase == PH_FINISH) {
            rc = jt_h1_writer_finish(&h->w, h->sbuf, h->scap, &h->slen);
            h->phase = PH_RECV;
        } else
            return 0;
    }
    return rc < 0 ? rc : 1;
}

static void
on_io(struct jt_loop *loop, int fd, unsigned events, void *ud)
{
    struct jt_http *h = ud;

    (void)loop;
    (void)fd;
    (void)events;
    if (h->phase == PH_RECV)
        pump_recv(h);
    else
        pump_send(h);
}

/* Wait for the socket after a JT_ERR_WANT_* |rc|. */
static int
wait_io(struct jt_http *h, int rc)
{
    return jt_loop_watch(h->cl->o.loop, jti_hconn_fd(h->conn),
                         rc == JT_ERR_WANT_WRITE ? JT_LOOP_WRITE : JT_LOOP_READ,
                         on_io, h);
}

/* A reused connection that the server had closed: once more, new. */
static int
retry_stale(struct jt_http *h)
{
    if (!h->reused || h->got_bytes || h->retried ||
        (h->r.body_read != NULL && body_mode(h) != JT_H1_BODY_NONE))
        return 0;
    jti_hconn_release(h->conn, 0);
    h->conn = NULL;
    h->retried = 1;
    h->reused = 0;
    h->cl->st.retries++;
    get_conn(h, 1);
    return 1;
}

static void start_recv(struct jt_http *h);

static void
pump_send(struct jt_http *h)
{
    for (;;) {
        int rc;

        if (h->soff < h->slen) {
            rc = jti_hconn_write(h->conn, h->sbuf + h->soff, h->slen - h->soff);
            if (rc > 0) {
                h->soff += (size_t)rc;
                continue;
            }
            if (rc == JT_ERR_WANT_READ || rc == JT_ERR_WANT_WRITE)
                rc = wait_io(h, rc);
            if (rc != 0 && !retry_stale(h))
                end(h, rc);
            return;
        }
        rc = fill(h);
        if (rc < 0) {
            end(h, rc);
            return;
        }
        if (rc == 0) {
            start_recv(h);
            return;
        }
    }
}

/* ---- the response ---- */

static int
p_status(void *ud, int status, int version, const char *reason, size_t len)
{
    struct jt_http *h = ud;
    const struct jt_http_cb *cb = h->r.cb;
    int rc = 0;

    h->status = status;
    h->maybe_follow =
        (h->r.flags & JT_HTTP_FOLLOW) && jt_redirect_is_redirect(status);
    if (cb != NULL && cb->on_status != NULL)
        rc = cb->on_status(h->r.ud, status, version, reason, len);
    h->user_stop |= rc != 0;
    return rc;
}

static int
p_header(void *ud, const char *name, size_t nlen, const char *value,
         size_t vlen)
{
    struct jt_http *h = ud;
    const struct jt_http_cb *cb = h->r.cb;
    int rc = 0;

    if (h->maybe_follow && !h->has_location &&
        jt_h1_name_eq(name, nlen, "location")) {
        if (vlen >= sizeof(h->location)) {
            jti_http_say(h->msg, sizeof(h->msg),
                         "%s: redirect Location longer than %u bytes",
                         h->url_text, (unsigned)sizeof(h->location) - 1);
            return JT_ERR_NOSPC;
        }
        memcpy(h->location, value, vlen);
        h->location[vlen] = 0;
        h->location_len = vlen;
        h->has_location = 1;
    }
    if (cb != NULL && cb->on_header != NULL)
        rc = cb->on_header(h->r.ud, name, nlen, value, vlen);
    h->user_stop |= rc != 0;
    return rc;
}

/* A redirect to follow: the next URL, method and flags, checked now. */
static int
decide_redirect(struct jt_http *h)
{
    struct jt_redirect_req rq = {0};
    struct jt_trace_event ev = {0};
    int rc;

    rq.status = h->status;
    rq.method = h->method;
    rq.url = &h->url;
    rq.location = h->location;
    rq.location_len = h->location_len;
    if (body_mode(h) != JT_H1_BODY_NONE)
        rq.flags |= JT_REDIRECT_HAS_BODY;
    if (h->r.body_read != NULL && body_mode(h) != JT_H1_BODY_NONE)
        rq.flags |= JT_REDIRECT_BODY_STREAMED;
    if (h->r.flags & JT_HTTP_ALLOW_DOWNGRADE)
        rq.flags |= JT_REDIRECT_ALLOW_DOWNGRADE;
    rc = jt_redirect_next(&rq, &h->next, &h->redir);
    if (rc == 0)
        rc = jt_redirect_track_visit(&h->track, h->redir.method, &h->next);
    if (rc == 0 || rc == JT_ERR_H1_REDIRECT_TOO_MANY ||
        rc == JT_ERR_H1_REDIRECT_LOOP)
        (void)jt_url_format(&h->next, h->text, sizeof(h->text), NULL);
    else
        jti_http_say(h->text, sizeof(h->text), "%s", h->location);
    ev.type = JT_TRACE_REDIRECT;
    ev.rc = rc;
    ev.index = h->status;
    ev.flags = h->redir.flags;
    ev.text = h->text;
    trace(h, &ev);
    if (rc == JT_ERR_H1_REDIRECT_TOO_MANY)
        jti_http_say(h->msg, sizeof(h->msg), "%s: %u redirect(s) followed: %s",
                     h->url_text, h->hops, jt_strerror(rc));
    else if (rc != 0)
        jti_http_say(h->msg, sizeof(h->msg),
                     "redirect from %s to %s refused: %s", h->url_text, h->text,
                     jt_strerror(rc));
    return rc;
}

static int
p_headers_done(void *ud, const struct jt_h1_resp_info *info)
{
    struct jt_http *h = ud;
    const struct jt_http_cb *cb = h->r.cb;
    struct jt_http_head head = {info, h->url_text, h->hops, 0, NULL};
    int rc;

    if (h->maybe_follow && h->has_location) {
        rc = decide_redirect(h);
        if (rc != 0)
            return rc;
        h->follow = 1;
        h->drop_conn = info->body == JT_H1_BODY_CLOSE ||
                       (info->body == JT_H1_BODY_LENGTH &&
                        info->content_length > JT_HTTP_REDIRECT_BODY_MAX);
        head.follow = 1;
        head.next = h->text;
    }
    rc = cb != NULL && cb->on_head != NULL ? cb->on_head(h->r.ud, &head) : 0;
    h->user_stop |= rc != 0;
    if (rc == 0 && h->follow && h->drop_conn)
        return 1; /* stop reading: follow now, close this connection */
    return rc;
}

static int
p_body(void *ud, const uint8_t *data, size_t len)
{
    struct jt_http *h = ud;
    const struct jt_http_cb *cb = h->r.cb;
    int rc = 0;

    if (h->follow) {
        h->discarded += len;
        h->drop_conn = h->discarded > JT_HTTP_REDIRECT_BODY_MAX;
        return h->drop_conn;
    }
    h->body_bytes += len;
    if (cb != NULL && cb->on_body != NULL)
        rc = cb->on_body(h->r.ud, data, len);
    h->user_stop |= rc != 0;
    return rc;
}

static void
start_recv(struct jt_http *h)
{
    int rc;

    h->phase = PH_RECV;
    h->stage = JT_HTTP_RECV;
    h->t_sent = jt_loop_now(h->cl->o.loop);
    h->status = 0;
    h->maybe_follow = h->follow = h->drop_conn = 0;
    h->has_location = 0;
    h->discarded = h->body_bytes = 0;
    rc = jt_h1_resp_begin(&h->resp, h->method);
    if (rc != 0) {
        end(h, rc);
        return;
    }
    pump_recv(h);
}

/* After a complete response: nothing more may be waiting on the
 * connection, else it cannot carry another request. */
static int
quiet(struct jt_http *h)
{
    uint8_t b;

    return jti_hconn_read(h->conn, &b, 1) == JT_ERR_WANT_READ;
}

static void
trace_response(struct jt_http *h, int rc, int keep)
{
    struct jt_trace_event ev = {0};

    ev.type = JT_TRACE_RESPONSE;
    ev.rc = rc;
    ev.index = h->status;
    ev.count = (size_t)(h->follow ? h->discarded : h->body_bytes);
    ev.flags = (uint32_t)keep;
    ev.ms = (uint32_t)(jt_loop_now(h->cl->o.loop) - h->t_sent);
    trace(h, &ev);
}

/* Go to the next hop. Headers dropped once stay dropped. */
static void
follow(struct jt_http *h, int keep)
{
    int rc;

    trace_response(h, 0, keep);
    jti_hconn_release(h->conn, keep);
    h->conn = NULL;
    for (size_t i = 0; i < h->r.n_headers; i++) {
        const struct jt_h1_header *x = &h->r.headers[i];
        int cred = h->r.credential != NULL && h->r.credential[i];

        if (jt_redirect_drop_header(&h->redir, x->name, x->name_len, cred))
            h->dropped[i] = 1;
    }
    if (h->redir.flags & JT_REDIRECT_DROP_BODY)
        h->body_dropped = 1;
    h->method = h->redir.method;
    rc = jt_url_copy(&h->url, &h->next);
    if (rc == 0)
        rc = jt_url_format(&h->url, h->url_text, sizeof(h->url_text), NULL);
    if (rc != 0) {
        end(h, rc);
        return;
    }
    h->hops++;
    h->reused = h->retried = 0;
    get_conn(h, 0);
}

/* The response is complete; |extra|: bytes came after it. */
static void
complete(struct jt_http *h, int extra)
{
    int keep = !extra && jt_h1_resp_keep_alive(&h->resp) &&
               !(h->r.flags & JT_HTTP_NO_REUSE) && !h->drop_conn && quiet(h);

    if (h->follow) {
        follow(h, keep);
        return;
    }
    trace_response(h, 0, keep);
    jti_hconn_release(h->conn, keep);
    h->conn = NULL;
    end(h, 0);
}

/* A parser result other than "more": done, follow, or fail. */
static void
parsed(struct jt_http *h, int rc, int extra)
{
    if (rc == 0) {
        complete(h, extra);
    } else if (rc == JT_ERR_H1_CALLBACK && !h->user_stop && h->follow) {
        h->drop_conn = 1;
        follow(h, 0);
    } else {
        trace_response(h, rc, 0);
        end(h, rc);
    }
}

/* The connection ended (|rc|: 0 clean, or why). */
static void
ended(struct jt_http *h, int rc)
{
    if (rc != 0 && rc != JT_ERR_TLS_EOF && rc != JT_ERR_NET_PIPE_IO) {
        if (!retry_stale(h)) {
            trace_response(h, rc, 0);
            end(h, rc);
        }
        return;
    }
    if (!h->got_bytes && retry_stale(h))
        return;
    parsed(h, jt_h1_resp_finish(&h->resp, rc == 0), 0);
}

static void
pump_recv(struct jt_http *h)
{
    for (;;) {
        size_t used = 0;
        int n, rc = jti_hconn_read(h->conn, h->rbuf, sizeof(h->rbuf));

        if (rc == JT_ERR_WANT_READ || rc == JT_ERR_WANT_WRITE) {
            rc = wait_io(h, rc);
            if (rc != 0)
                end(h, rc);
            return;
        }
        if (rc <= 0) {
            ended(h, rc);
            return;
        }
        h->got_bytes = 1;
        n = rc;
        rc = jt_h1_resp_feed(&h->resp, h->rbuf, (size_t)n, &used);
        if (rc != JT_ERR_WANT_READ) {
            parsed(h, rc, rc == 0 && used < (size_t)n);
            return;
        }
    }
}

/* ---- connections ---- */

static void
on_open(struct jti_hconn *c, int err, void *ud)
{
    struct jt_http *h = ud;

    if (err != 0) {
        h->stage = c->stage;
        jti_http_say(h->msg, sizeof(h->msg), "%s", jti_hconn_message(c));
        jti_hconn_close(c);
        h->conn = NULL;
        end(h, err);
        return;
    }
    send_request(h);
}

/* 1 for the methods RFC 9110 9.2.2 calls idempotent. */
static int
idempotent(const char *m)
{
    static const char *const ok[] = {"GET",    "HEAD",    "PUT",
                                     "DELETE", "OPTIONS", "TRACE"};

    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        if (strcmp(m, ok[i]) == 0)
            return 1;
    return 0;
}

/* A connection for this hop: an idle one of the same (scheme, host,
 * port, JIT context) unless |fresh|, else a new one. */
static void
get_conn(struct jt_http *h, int fresh)
{
    uint32_t left = 0;
    int rc;

    h->phase = PH_CONNECT;
    h->stage = JT_CONN_RESOLVE;
    /* a request that must not be sent twice (POST, PATCH, ...) never
     * rides an idle connection the server may already have closed: that
     * would need a replay (RFC 9110 9.2.2) */
    if (!fresh && !(h->r.flags & JT_HTTP_NO_REUSE) && idempotent(h->method))
        h->conn = jti_hconn_take(h->cl, &h->url, h->jit);
    if (h->conn != NULL) {
        h->reused = 1;
        send_request(h);
        return;
    }
    if (h->r.timeout_ms != 0) {
        uint64_t now = jt_loop_now(h->cl->o.loop);

        left = h->deadline > now ? (uint32_t)(h->deadline - now) : 1u;
    }
    rc = jti_hconn_open(h->cl, &h->url, h->jit, h->r.connect_timeout_ms, left,
                        on_open, h, &h->conn);
    if (rc != 0)
        end(h, rc);
}

static void
begin(struct jt_loop *loop, void *ud)
{
    struct jt_http *h = ud;

    (void)loop;
    h->start_armed = 0;
    get_conn(h, 0);
}

/* ---- the fetch object ---- */

/* Check what jt_http_start() can check at once. */
static int
setup(struct jt_http *h)
{
    struct jt_h1_resp_opts po = {0};
    int rc;

    jt_url_init(&h->url, h->url_buf, sizeof(h->url_buf));
    jt_url_init(&h->next, h->next_buf, sizeof(h->next_buf));
    rc = jt_url_parse(&h->url, h->r.url, strlen(h->r.url));
    if (rc != 0)
        return rc;
    if (h->url.scheme == JT_URL_HTTPS &&
        (h->cl->o.tls == NULL || h->jit == NULL))
        return JT_ERR_STATE;
    rc = jt_url_format(&h->url, h->url_text, sizeof(h->url_text), NULL);
    if (rc != 0)
        return rc;
    h->pcb.on_status = p_status;
    h->pcb.on_header = p_header;
    h->pcb.on_headers_done = p_headers_done;
    h->pcb.on_body = p_body;
    po.buf = h->line;
    po.buf_size = sizeof(h->line);
    po.max_head = h->r.max_head;
    po.max_body = h->r.max_body;
    po.cb = &h->pcb;
    po.ud = h;
    rc = jt_h1_resp_setup(&h->resp, &po);
    if (rc != 0)
        return rc;
    jt_redirect_track_init(&h->track,
                           (h->r.flags & JT_HTTP_FOLLOW) ? h->r.max_redirs : 0);
    rc = jt_redirect_track_visit(&h->track, h->method, &h->url);
    if (rc != 0)
        return rc;
    h->scap = SBUF_MIN;
    h->sbuf = jti_alloc(h->cl->o.alloc, h->scap);
    if (h->sbuf == NULL)
        return JT_ERR_NOMEM;
    return write_head(h); /* refuses a bad method or header now */
}

void
jt_http_destroy(struct jt_http *h)
{
    struct jt_loop *loop;

    if (h == NULL)
        return;
    loop = h->cl->o.loop;
    if (h->start_armed)
        (void)jt_loop_timer_cancel(loop, h->start_timer);
    if (h->timer_armed)
        (void)jt_loop_timer_cancel(loop, h->timer);
    jti_hconn_release(h->conn, 0);
    jti_free(h->cl->o.alloc, h->sbuf);
    jti_free(h->cl->o.alloc, h);
}

int
jt_http_start(struct jt_http_client *cl, const struct jt_http_req *req,
              struct jt_http **out)
{
    struct jt_http *h;
    int rc;

    if (out == NULL)
        return JT_ERR_INVAL;
    *out = NULL;
    if (cl == NULL || req == NULL || req->url == NULL ||
        req->n_headers > JT_HTTP_MAX_HEADERS ||
        (req->n_headers > 0 && req->headers == NULL) ||
        (req->body != NULL && req->body_read != NULL))
        return JT_ERR_INVAL;
    h = jti_calloc(cl->o.alloc, 1, sizeof(*h));
    if (h == NULL)
        return JT_ERR_NOMEM;
    h->cl = cl;
    h->r = *req;
    h->jit = req->jit != NULL ? req->jit : cl->o.jit;
    h->method = req->method != NULL ? req->method : "GET";
    h->result = JT_ERR_WANT_READ;
    rc = setup(h);
    if (rc == 0)
        rc = jt_loop_timer_add(cl->o.loop, 0, begin, h, &h->start_timer);
    h->start_armed = rc == 0;
    if (rc == 0 && req->timeout_ms != 0) {
        h->deadline = jt_loop_now(cl->o.loop) + req->timeout_ms;
        rc = jt_loop_timer_add(cl->o.loop, req->timeout_ms, on_deadline, h,
                               &h->timer);
        h->timer_armed = rc == 0;
    }
    if (rc != 0) {
        jt_http_destroy(h);
        return rc;
    }
    *out = h;
    return 0;
}

int
jt_http_stage(const struct jt_http *h)
{
    return h == NULL ? 0 : h->stage;
}

int
jt_http_result(const struct jt_http *h)
{
    return h == NULL ? JT_ERR_INVAL : h->result;
}

const char *
jt_http_message(const struct jt_http *h)
{
    if (h == NULL)
        return "no fetch";
    if (h->msg[0] != 0)
        return h->msg;
    return h->result == 0 ? "done" : jt_strerror(h->result);
}

const char *
jt_http_url(const struct jt_http *h)
{
    return h == NULL ? "" : h->url_text;
}

unsigned
jt_http_redirects(const struct jt_http *h)
{
    return h == NULL ? 0 : h->hops;
}

int
jt_http_status(const struct jt_http *h)
{
    return h == NULL ? 0 : h->status;
}
