// SPDX-License-Identifier: MIT
/*
 * core: the incremental HTTP/1.x response parser (see h1.h). A byte-wise
 * state machine for the head, chunk-size lines and trailers, and bulk
 * delivery for body bytes, so any split of the input gives the same events
 * and results. Head lines are collected in the caller's line buffer; a
 * header is processed when the first byte of the next line shows it is not
 * folded. The first error is recorded and returned from then on. No
 * allocation, no I/O, no recursion.
 */
#include "jittrust/h1.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "jittrust/error.h"

#include "h1-int.h"

enum {
    S_IDLE = 0,      /* set up, not begun */
    S_LINE,          /* inside a head line (status, header, trailer) */
    S_LINE_LF,       /* CR seen inside a head line */
    S_LINE_START,    /* first byte of a header or trailer line */
    S_EMPTY_LF,      /* CR at the start of a line: the empty line's LF */
    S_BODY_LEN,      /* Content-Length body; |remaining| bytes left */
    S_BODY_CLOSE,    /* body until the connection closes */
    S_CHUNK_SIZE,    /* hex digits; |pending| = a digit was seen */
    S_CHUNK_BWS,     /* whitespace after the size */
    S_CHUNK_EXT,     /* chunk extension, ignored up to the line end */
    S_CHUNK_SIZE_LF, /* CR seen in the size line */
    S_CHUNK_DATA,    /* chunk bytes; |remaining| left */
    S_CHUNK_END,     /* CRLF after chunk data */
    S_CHUNK_END_LF,  /* CR seen after chunk data */
    S_DONE,
    S_ERROR,
};

enum { SEC_STATUS = 0, SEC_INTERIM, SEC_HEADERS, SEC_TRAILERS };

enum {
    F_CL = 0x01,         /* a Content-Length was seen */
    F_TE = 0x02,         /* a Transfer-Encoding was seen */
    F_TE_CHUNKED = 0x04, /* ... naming chunked once */
    F_TE_BAD = 0x08,     /* ... naming anything else, or chunked twice */
    F_CLOSE = 0x10,      /* Connection: close */
    F_KEEP = 0x20,       /* Connection: keep-alive */
};

static void
fail(struct jt_h1_resp *r, int err)
{
    if (r->err == 0)
        r->err = err;
    r->state = S_ERROR;
}

/* A callback's result: 0 goes on, anything else stops the parser. */
static int
cb_result(struct jt_h1_resp *r, int rc)
{
    if (rc != 0)
        fail(r, rc < 0 ? rc : JT_ERR_H1_CALLBACK);
    return r->err;
}

static int
is_ows(uint8_t c)
{
    return c == ' ' || c == '\t';
}

int
jt_h1_resp_setup(struct jt_h1_resp *r, const struct jt_h1_resp_opts *opts)
{
    if (r == NULL)
        return JT_ERR_INVAL;
    memset(r, 0, sizeof(*r));
    if (opts == NULL || opts->buf == NULL || opts->buf_size < 32)
        return JT_ERR_INVAL;
    r->cb = opts->cb;
    r->ud = opts->ud;
    r->buf = opts->buf;
    r->buf_size = opts->buf_size;
    r->max_head = opts->max_head ? opts->max_head : JT_H1_DEFAULT_MAX_HEAD;
    r->max_headers =
        opts->max_headers ? opts->max_headers : JT_H1_DEFAULT_MAX_HEADERS;
    r->max_body = opts->max_body ? opts->max_body : UINT64_MAX;
    return 0;
}

int
jt_h1_resp_begin(struct jt_h1_resp *r, const char *method)
{
    if (r == NULL)
        return JT_ERR_INVAL;
    if (r->buf == NULL)
        return JT_ERR_STATE;
    memset(&r->info, 0, sizeof(r->info));
    r->len = 0;
    r->head_bytes = 0;
    r->body_bytes = 0;
    r->remaining = 0;
    r->total = 0;
    r->n_headers = 0;
    r->err = 0;
    r->section = SEC_STATUS;
    r->pending = 0;
    r->flags = 0;
    r->head_req = method != NULL && strcmp(method, "HEAD") == 0;
    r->state = S_LINE;
    return 0;
}

static void
store(struct jt_h1_resp *r, uint8_t c)
{
    if (r->len >= r->buf_size - 1) {
        fail(r, JT_ERR_H1_LINE_TOO_LONG);
        return;
    }
    r->buf[r->len++] = (char)c;
}

static void
complete(struct jt_h1_resp *r)
{
    r->state = S_DONE;
    if (r->cb != NULL && r->cb->on_complete != NULL)
        (void)cb_result(r, r->cb->on_complete(r->ud));
}

/* "HTTP/1.x NNN[ reason]" in buf[0..len). */
static int
parse_status(struct jt_h1_resp *r)
{
    const char *b = r->buf;
    size_t len = r->len;

    if (len < 5 || memcmp(b, "HTTP/", 5) != 0)
        return JT_ERR_H1_BAD_STATUS_LINE;
    if (len < 8 || b[5] != '1' || b[6] != '.' || (b[7] != '0' && b[7] != '1'))
        return JT_ERR_H1_BAD_VERSION;
    if (len < 12 || b[8] != ' ' || b[9] < '1' || b[9] > '9' || b[10] < '0' ||
        b[10] > '9' || b[11] < '0' || b[11] > '9' || (len > 12 && b[12] != ' '))
        return JT_ERR_H1_BAD_STATUS_LINE;
    for (size_t i = 13; i < len; i++)
        if (!jti_h1_is_field_byte((uint8_t)b[i]))
            return JT_ERR_H1_BAD_STATUS_LINE;
    r->info.status =
        (uint16_t)((b[9] - '0') * 100 + (b[10] - '0') * 10 + (b[11] - '0'));
    r->info.version = (uint8_t)(b[7] - '0');
    return 0;
}

static void
status_line(struct jt_h1_resp *r)
{
    int rc = parse_status(r);
    const char *reason = r->buf + (r->len > 13 ? 13 : r->len);
    size_t rlen = r->len > 13 ? r->len - 13 : 0;

    if (rc == 0 && r->info.status == 101)
        rc = JT_ERR_H1_SWITCHING_PROTOCOLS;
    if (rc != 0) {
        fail(r, rc);
        return;
    }
    r->buf[r->len] = '\0';
    r->len = 0;
    r->state = S_LINE_START;
    if (r->info.status < 200) {
        r->section = SEC_INTERIM;
        return;
    }
    r->section = SEC_HEADERS;
    if (r->cb != NULL && r->cb->on_status != NULL)
        (void)cb_result(r, r->cb->on_status(r->ud, r->info.status,
                                            r->info.version, reason, rlen));
}

/* Content-Length: a list of equal decimal values. */
static int
content_length(struct jt_h1_resp *r, const char *v, size_t len)
{
    size_t i = 0;

    do {
        uint64_t n = 0;
        size_t digits = 0;

        while (i < len && is_ows((uint8_t)v[i]))
            i++;
        for (; i < len && v[i] >= '0' && v[i] <= '9'; i++, digits++) {
            uint64_t d = (uint64_t)(v[i] - '0');

            if (n > (UINT64_MAX - d) / 10)
                return JT_ERR_H1_BAD_CONTENT_LENGTH;
            n = n * 10 + d;
        }
        while (i < len && is_ows((uint8_t)v[i]))
            i++;
        if (digits == 0 || (i < len && v[i] != ','))
            return JT_ERR_H1_BAD_CONTENT_LENGTH;
        if ((r->flags & F_CL) && n != r->info.content_length)
            return JT_ERR_H1_CONTENT_LENGTH_MISMATCH;
        r->flags |= F_CL;
        r->info.content_length = n;
    } while (i++ < len);
    return 0;
}

/*
 * Transfer-Encoding and Connection: comma lists of tokens (empty elements
 * allowed, RFC 9110 5.6.1). Records what the framing decision needs.
 */
static void
token_list(struct jt_h1_resp *r, const char *v, size_t len, int te)
{
    size_t i = 0;

    if (te)
        r->flags |= F_TE;
    while (i < len) {
        size_t s, e;

        while (i < len && (is_ows((uint8_t)v[i]) || v[i] == ','))
            i++;
        for (s = i; i < len && v[i] != ','; i++)
            ;
        for (e = i; e > s && is_ows((uint8_t)v[e - 1]); e--)
            ;
        if (e == s)
            continue;
        if (!te && jti_h1_ci_eq(v + s, e - s, "close"))
            r->flags |= F_CLOSE;
        else if (!te && jti_h1_ci_eq(v + s, e - s, "keep-alive"))
            r->flags |= F_KEEP;
        else if (te && jti_h1_ci_eq(v + s, e - s, "chunked") &&
                 !(r->flags & F_TE_CHUNKED))
            r->flags |= F_TE_CHUNKED;
        else if (te)
            r->flags |= F_TE_BAD;
    }
}

static int
interpret(struct jt_h1_resp *r, const char *n, size_t nlen, const char *v,
          size_t vlen)
{
    if (jti_h1_ci_eq(n, nlen, "content-length"))
        return content_length(r, v, vlen);
    if (jti_h1_ci_eq(n, nlen, "transfer-encoding"))
        token_list(r, v, vlen, 1);
    else if (jti_h1_ci_eq(n, nlen, "connection"))
        token_list(r, v, vlen, 0);
    return 0;
}

/* The header or trailer line in buf[0..len). */
static void
field_line(struct jt_h1_resp *r)
{
    char *b = r->buf;
    const char *colon = memchr(b, ':', r->len);
    size_t nlen, vs, ve;
    int rc = 0;

    if (++r->n_headers > r->max_headers) {
        fail(r, JT_ERR_H1_TOO_MANY_HEADERS);
        return;
    }
    nlen = colon != NULL ? (size_t)(colon - b) : 0;
    if (colon == NULL || !jti_h1_is_token(b, nlen)) {
        fail(r, JT_ERR_H1_BAD_HEADER);
        return;
    }
    for (vs = nlen + 1; vs < r->len && is_ows((uint8_t)b[vs]); vs++)
        ;
    for (ve = r->len; ve > vs && is_ows((uint8_t)b[ve - 1]); ve--)
        ;
    for (size_t i = vs; i < ve; i++)
        if (!jti_h1_is_field_byte((uint8_t)b[i]))
            rc = JT_ERR_H1_BAD_HEADER;
    b[nlen] = '\0';
    b[ve] = '\0';
    if (rc == 0 && r->section == SEC_HEADERS)
        rc = interpret(r, b, nlen, b + vs, ve - vs);
    if (rc != 0) {
        fail(r, rc);
    } else if (r->cb == NULL || r->section == SEC_INTERIM) {
        return;
    } else if (r->section == SEC_HEADERS && r->cb->on_header != NULL) {
        (void)cb_result(r, r->cb->on_header(r->ud, b, nlen, b + vs, ve - vs));
    } else if (r->section == SEC_TRAILERS && r->cb->on_trailer != NULL) {
        (void)cb_result(r, r->cb->on_trailer(r->ud, b, nlen, b + vs, ve - vs));
    }
}

/* Decide the framing (RFC 9112 6.3) once the header block has ended. */
static int
framing(struct jt_h1_resp *r)
{
    struct jt_h1_resp_info *i = &r->info;
    unsigned f = r->flags;

    if (r->head_req || i->status == 204 || i->status == 304) {
        i->body = JT_H1_BODY_NONE;
    } else if (f & F_TE) {
        if ((f & F_TE_BAD) || !(f & F_TE_CHUNKED))
            return JT_ERR_H1_TRANSFER_ENCODING;
        i->body = JT_H1_BODY_CHUNKED;
        i->te_and_cl = (f & F_CL) || i->version == 0;
    } else if (f & F_CL) {
        i->body = JT_H1_BODY_LENGTH;
        if (i->content_length > r->max_body)
            return JT_ERR_H1_BODY_TOO_BIG;
        r->remaining = i->content_length;
    } else {
        i->body = JT_H1_BODY_CLOSE;
    }
    if (i->version == 1)
        i->keep_alive = !(f & F_CLOSE);
    else
        i->keep_alive = (f & F_KEEP) && !(f & F_CLOSE);
    if (i->te_and_cl || i->body == JT_H1_BODY_CLOSE)
        i->keep_alive = 0;
    return 0;
}

static void
headers_done(struct jt_h1_resp *r)
{
    int rc = framing(r);

    if (rc != 0) {
        fail(r, rc);
        return;
    }
    if (r->cb != NULL && r->cb->on_headers_done != NULL &&
        cb_result(r, r->cb->on_headers_done(r->ud, &r->info)) != 0)
        return;
    switch (r->info.body) {
    case JT_H1_BODY_LENGTH:
        r->state = r->remaining > 0 ? S_BODY_LEN : S_DONE;
        break;
    case JT_H1_BODY_CHUNKED:
        r->state = S_CHUNK_SIZE;
        r->len = 0;
        r->pending = 0;
        break;
    case JT_H1_BODY_CLOSE:
        r->state = S_BODY_CLOSE;
        break;
    default:
        r->state = S_DONE;
    }
    if (r->state == S_DONE)
        complete(r);
}

/* The empty line that ends a head section. */
static void
empty_line(struct jt_h1_resp *r)
{
    if (r->pending) {
        r->pending = 0;
        field_line(r);
        if (r->err != 0)
            return;
    }
    r->len = 0;
    if (r->section == SEC_INTERIM) {
        r->section = SEC_STATUS;
        r->state = S_LINE;
    } else if (r->section == SEC_HEADERS) {
        headers_done(r);
    } else {
        complete(r);
    }
}

/* First byte of a line after the status line: fold, flush or start. */
static void
line_start(struct jt_h1_resp *r, uint8_t c)
{
    if (c == '\r') {
        r->state = S_EMPTY_LF;
        return;
    }
    if (c == '\n') {
        empty_line(r);
        return;
    }
    if (is_ows(c) && !r->pending) {
        fail(r, JT_ERR_H1_BAD_HEADER);
        return;
    }
    r->state = S_LINE;
    if (is_ows(c)) { /* obs-fold: the line break becomes one space */
        r->pending = 0;
        store(r, ' ');
        return;
    }
    if (r->pending) {
        r->pending = 0;
        field_line(r);
        r->len = 0;
        if (r->err != 0)
            return;
    }
    store(r, c);
}

static void
line_end(struct jt_h1_resp *r)
{
    if (r->section == SEC_STATUS) {
        status_line(r);
        return;
    }
    r->pending = 1;
    r->state = S_LINE_START;
}

static void
head_byte(struct jt_h1_resp *r, uint8_t c)
{
    if (r->head_bytes >= r->max_head) {
        fail(r, JT_ERR_H1_HEAD_TOO_BIG);
        return;
    }
    r->head_bytes++;
    switch (r->state) {
    case S_LINE:
        if (c == '\r')
            r->state = S_LINE_LF;
        else if (c == '\n')
            line_end(r);
        else
            store(r, c);
        break;
    case S_LINE_LF:
    case S_EMPTY_LF:
        if (c != '\n')
            fail(r, JT_ERR_H1_BAD_LINE_END);
        else if (r->state == S_LINE_LF)
            line_end(r);
        else
            empty_line(r);
        break;
    default:
        line_start(r, c);
    }
}

static int
hex_value(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = jti_h1_lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* The size line is complete: data, or the last chunk and trailers. */
static void
size_line_done(struct jt_h1_resp *r)
{
    r->len = 0;
    if (r->remaining == 0) {
        r->section = SEC_TRAILERS;
        r->pending = 0;
        r->state = S_LINE_START;
    } else if (r->remaining > r->max_body - r->body_bytes) {
        fail(r, JT_ERR_H1_BODY_TOO_BIG);
    } else {
        r->state = S_CHUNK_DATA;
    }
}

/* One byte of a chunk-size line: hex [BWS] [";" ext] CRLF. */
static void
size_byte(struct jt_h1_resp *r, uint8_t c)
{
    int v = hex_value(c);

    if (r->state == S_CHUNK_SIZE && v >= 0) {
        if (r->remaining > (UINT64_MAX >> 4)) {
            fail(r, JT_ERR_H1_CHUNK_SIZE);
            return;
        }
        r->remaining = (r->remaining << 4) | (uint64_t)v;
        r->pending = 1;
    } else if (c == '\r' || c == '\n' || c == ';' || is_ows(c)) {
        if (r->state == S_CHUNK_SIZE && !r->pending)
            fail(r, JT_ERR_H1_CHUNK_SIZE);
        else if (c == '\r')
            r->state = S_CHUNK_SIZE_LF;
        else if (c == '\n')
            size_line_done(r);
        else if (c == ';')
            r->state = S_CHUNK_EXT;
        else if (r->state != S_CHUNK_EXT)
            r->state = S_CHUNK_BWS;
    } else if (r->state != S_CHUNK_EXT || !jti_h1_is_field_byte(c)) {
        fail(r, JT_ERR_H1_CHUNK_SIZE);
    }
}

/* Chunk framing bytes (everything but the data). */
static void
chunk_byte(struct jt_h1_resp *r, uint8_t c)
{
    switch (r->state) {
    case S_CHUNK_SIZE_LF:
        if (c == '\n')
            size_line_done(r);
        else
            fail(r, JT_ERR_H1_BAD_LINE_END);
        return;
    case S_CHUNK_END:
    case S_CHUNK_END_LF:
        if (c == '\n') {
            r->state = S_CHUNK_SIZE;
            r->remaining = 0;
            r->pending = 0;
            r->len = 0;
        } else if (c == '\r' && r->state == S_CHUNK_END) {
            r->state = S_CHUNK_END_LF;
        } else {
            fail(r, JT_ERR_H1_CHUNK_CRLF);
        }
        return;
    default:
        if (c != '\r' && c != '\n' && r->len++ >= r->buf_size - 1) {
            fail(r, JT_ERR_H1_LINE_TOO_LONG);
            return;
        }
        size_byte(r, c);
    }
}

static void
deliver(struct jt_h1_resp *r, const uint8_t *p, size_t n)
{
    r->body_bytes += n;
    if (n > 0 && r->cb != NULL && r->cb->on_body != NULL)
        (void)cb_result(r, r->cb->on_body(r->ud, p, n));
}

/* Body bytes of a Content-Length body or a chunk. Returns bytes used. */
static size_t
body_run(struct jt_h1_resp *r, const uint8_t *p, size_t n)
{
    size_t take = n;

    if (r->state == S_BODY_CLOSE) {
        if (take > r->max_body - r->body_bytes)
            take = (size_t)(r->max_body - r->body_bytes);
        deliver(r, p, take);
        if (take < n && r->err == 0)
            fail(r, JT_ERR_H1_BODY_TOO_BIG);
        return take;
    }
    if (take > r->remaining)
        take = (size_t)r->remaining;
    r->remaining -= take;
    deliver(r, p, take);
    if (r->err == 0 && r->remaining == 0) {
        if (r->state == S_CHUNK_DATA)
            r->state = S_CHUNK_END;
        else
            complete(r);
    }
    return take;
}

/* One step over |p| (n >= 1 bytes). Returns bytes used (0 on a failure). */
static size_t
step(struct jt_h1_resp *r, const uint8_t *p, size_t n)
{
    switch (r->state) {
    case S_BODY_LEN:
    case S_BODY_CLOSE:
    case S_CHUNK_DATA:
        return body_run(r, p, n);
    case S_CHUNK_SIZE:
    case S_CHUNK_BWS:
    case S_CHUNK_EXT:
    case S_CHUNK_SIZE_LF:
    case S_CHUNK_END:
    case S_CHUNK_END_LF:
        chunk_byte(r, p[0]);
        break;
    default:
        head_byte(r, p[0]);
    }
    return r->err == 0 ? 1 : 0;
}

int
jt_h1_resp_feed(struct jt_h1_resp *r, const uint8_t *data, size_t len,
                size_t *consumed)
{
    size_t i = 0;

    if (consumed != NULL)
        *consumed = 0;
    if (r == NULL || consumed == NULL || (data == NULL && len > 0))
        return JT_ERR_INVAL;
    if (r->err != 0)
        return r->err;
    if (r->state == S_IDLE || r->state == S_DONE)
        return JT_ERR_STATE;
    while (i < len && r->state != S_DONE && r->err == 0)
        i += step(r, data + i, len - i);
    *consumed = i;
    r->total += i;
    if (r->err != 0)
        return r->err;
    return r->state == S_DONE ? 0 : JT_ERR_WANT_READ;
}

int
jt_h1_resp_finish(struct jt_h1_resp *r, int clean_close)
{
    if (r == NULL)
        return JT_ERR_INVAL;
    if (r->err != 0)
        return r->err;
    switch (r->state) {
    case S_IDLE:
        return JT_ERR_STATE;
    case S_DONE:
        return 0;
    case S_BODY_CLOSE:
        if (clean_close)
            complete(r);
        else
            fail(r, JT_ERR_H1_MAYBE_TRUNCATED);
        break;
    default:
        fail(r, r->total == 0 ? JT_ERR_H1_NO_RESPONSE : JT_ERR_H1_TRUNCATED);
    }
    return r->err;
}

const struct jt_h1_resp_info *
jt_h1_resp_info(const struct jt_h1_resp *r)
{
    return r != NULL ? &r->info : NULL;
}

int
jt_h1_resp_done(const struct jt_h1_resp *r)
{
    return r != NULL && r->state == S_DONE && r->err == 0;
}

int
jt_h1_resp_keep_alive(const struct jt_h1_resp *r)
{
    return jt_h1_resp_done(r) && r->info.keep_alive;
}
