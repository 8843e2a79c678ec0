// SPDX-License-Identifier: MIT
/*
 * core: the HTTP/1.1 request writer (see h1.h). Validates everything first
 * (method and header names are tokens, values carry no CR, LF or other
 * control byte, the framing headers are the writer's own), then writes the
 * head in one pass through a bounded sink, and frames the body as
 * Content-Length bytes or chunks. No allocation, no I/O.
 */
#include "jittrust/h1.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "jittrust/error.h"

#include "h1-int.h"

enum { W_FRESH = 0, W_HEAD = 1, W_DONE = 2 };

int
jt_h1_name_eq(const char *name, size_t len, const char *lit)
{
    size_t n;

    if (name == NULL || lit == NULL)
        return 0;
    n = strlen(lit);
    if (len != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (jti_h1_lower((uint8_t)name[i]) != jti_h1_lower((uint8_t)lit[i]))
            return 0;
    return 1;
}

void
jt_h1_writer_init(struct jt_h1_writer *w)
{
    memset(w, 0, sizeof(*w));
}

/* One caller header: token name, clean value, not one of ours. */
static int
check_header(const struct jt_h1_header *h)
{
    static const char *const reserved[] = {"host", "content-length",
                                           "transfer-encoding", "connection"};

    if ((h->name == NULL && h->name_len > 0) ||
        !jti_h1_is_token(h->name, h->name_len))
        return JT_ERR_H1_BAD_HEADER_NAME;
    if (h->value == NULL && h->value_len > 0)
        return JT_ERR_H1_BAD_HEADER_VALUE;
    for (size_t i = 0; i < h->value_len; i++)
        if (!jti_h1_is_field_byte((uint8_t)h->value[i]))
            return JT_ERR_H1_BAD_HEADER_VALUE;
    for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
        if (jti_h1_ci_eq(h->name, h->name_len, reserved[i]))
            return JT_ERR_H1_RESERVED_HEADER;
    return 0;
}

static int
check_req(const struct jt_h1_req *req)
{
    const struct jt_url *u = req->url;

    if (u == NULL || u->scheme == 0 || u->target_len == 0 ||
        u->target[0] != '/' || req->method == NULL ||
        (req->headers == NULL && req->n_headers > 0) ||
        (req->body != JT_H1_BODY_NONE && req->body != JT_H1_BODY_LENGTH &&
         req->body != JT_H1_BODY_CHUNKED))
        return JT_ERR_INVAL;
    for (size_t i = 0; i < u->target_len; i++)
        if ((uint8_t)u->target[i] <= 0x20 || (uint8_t)u->target[i] >= 0x7f)
            return JT_ERR_INVAL;
    if (!jti_h1_is_token(req->method, strlen(req->method)))
        return JT_ERR_H1_BAD_METHOD;
    for (size_t i = 0; i < req->n_headers; i++) {
        int rc = check_header(&req->headers[i]);

        if (rc != 0)
            return rc;
    }
    return 0;
}

/* POST, PUT and PATCH carry content: send "Content-Length: 0" without. */
static int
wants_length(const char *method)
{
    return strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
           strcmp(method, "PATCH") == 0;
}

static void
sink_head(struct jti_sink *s, const struct jt_h1_req *req)
{
    char host[JT_HOST_MAX + 16];
    size_t hlen = 0;

    jti_sink_str(s, req->method);
    jti_sink_put(s, " ", 1);
    jti_sink_put(s, req->url->target, req->url->target_len);
    jti_sink_str(s, " HTTP/1.1\r\nHost: ");
    (void)jt_url_authority(req->url, host, sizeof(host), &hlen);
    jti_sink_put(s, host, hlen);
    jti_sink_put(s, "\r\n", 2);
    for (size_t i = 0; i < req->n_headers; i++) {
        const struct jt_h1_header *h = &req->headers[i];

        jti_sink_put(s, h->name, h->name_len);
        jti_sink_put(s, ": ", 2);
        jti_sink_put(s, h->value, h->value_len);
        jti_sink_put(s, "\r\n", 2);
    }
    if (req->body == JT_H1_BODY_CHUNKED) {
        jti_sink_str(s, "Transfer-Encoding: chunked\r\n");
    } else if (req->body == JT_H1_BODY_LENGTH || wants_length(req->method)) {
        jti_sink_str(s, "Content-Length: ");
        jti_sink_num(s, req->body == JT_H1_BODY_LENGTH ? req->body_len : 0, 10);
        jti_sink_put(s, "\r\n", 2);
    }
    jti_sink_str(s, req->keep_alive ? "Connection: keep-alive\r\n\r\n"
                                    : "Connection: close\r\n\r\n");
}

int
jt_h1_writer_head(struct jt_h1_writer *w, const struct jt_h1_req *req,
                  uint8_t *buf, size_t cap, size_t *used)
{
    struct jti_sink s = {buf, cap, 0};
    int rc;

    if (used != NULL)
        *used = 0;
    if (w == NULL || req == NULL || used == NULL || (buf == NULL && cap > 0))
        return JT_ERR_INVAL;
    if (w->state != W_FRESH)
        return JT_ERR_STATE;
    rc = check_req(req);
    if (rc != 0)
        return rc;
    sink_head(&s, req);
    *used = s.len;
    if (s.len > cap)
        return JT_ERR_NOSPC;
    w->mode = (uint8_t)req->body;
    w->remaining = req->body == JT_H1_BODY_LENGTH ? req->body_len : 0;
    w->crlf = 0;
    w->state = W_HEAD;
    return 0;
}

static int
check_write(const struct jt_h1_writer *w, const uint8_t *buf, size_t cap,
            size_t *used)
{
    if (used != NULL)
        *used = 0;
    if (w == NULL || used == NULL || (buf == NULL && cap > 0))
        return JT_ERR_INVAL;
    if (w->state != W_HEAD)
        return JT_ERR_STATE;
    return 0;
}

int
jt_h1_writer_body(struct jt_h1_writer *w, const void *data, size_t len,
                  uint8_t *buf, size_t cap, size_t *used)
{
    struct jti_sink s = {buf, cap, 0};
    int rc = check_write(w, buf, cap, used);

    if (rc != 0 || len == 0)
        return rc;
    if (w->mode != JT_H1_BODY_CHUNKED && len > w->remaining)
        return JT_ERR_H1_BODY_LENGTH;
    if (w->mode == JT_H1_BODY_CHUNKED) {
        if (w->crlf)
            jti_sink_put(&s, "\r\n", 2);
        jti_sink_num(&s, len, 16);
        jti_sink_put(&s, "\r\n", 2);
    }
    if (data != NULL)
        jti_sink_put(&s, data, len);
    *used = s.len;
    if (s.len > cap)
        return JT_ERR_NOSPC;
    if (w->mode == JT_H1_BODY_CHUNKED)
        w->crlf = 1;
    else
        w->remaining -= len;
    return 0;
}

int
jt_h1_writer_finish(struct jt_h1_writer *w, uint8_t *buf, size_t cap,
                    size_t *used)
{
    struct jti_sink s = {buf, cap, 0};
    int rc = check_write(w, buf, cap, used);

    if (rc != 0)
        return rc;
    if (w->mode != JT_H1_BODY_CHUNKED) {
        if (w->remaining > 0)
            return JT_ERR_H1_BODY_LENGTH;
        w->state = W_DONE;
        return 0;
    }
    if (w->crlf)
        jti_sink_put(&s, "\r\n", 2);
    jti_sink_str(&s, "0\r\n\r\n");
    *used = s.len;
    if (s.len > cap)
        return JT_ERR_NOSPC;
    w->crlf = 0;
    w->state = W_DONE;
    return 0;
}
