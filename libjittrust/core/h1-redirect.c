// SPDX-License-Identifier: MIT
/*
 * core: the redirect rules as pure functions (see h1.h): the next URL,
 * method and body decision for 301/302/303/307/308, the headers a hop must
 * drop, and the hop counter with loop detection over hashed (method, URL)
 * pairs. No allocation, no I/O.
 */
#include "jittrust/h1.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "jittrust/error.h"

#include "h1-int.h"

int
jt_redirect_is_redirect(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 ||
           status == 308;
}

/* Does |status| turn |method| into GET without a body? */
static int
becomes_get(int status, const char *method)
{
    if (status == 303)
        return strcmp(method, "HEAD") != 0;
    if (status == 301 || status == 302)
        return strcmp(method, "POST") == 0;
    return 0;
}

static int
next_request(const struct jt_redirect_req *req, struct jt_url *next,
             struct jt_redirect *out)
{
    int rc;

    if (!jt_redirect_is_redirect(req->status))
        return JT_ERR_H1_REDIRECT_STATUS;
    if (req->location == NULL)
        return JT_ERR_H1_REDIRECT_NO_LOCATION;
    rc = jt_url_resolve(next, req->url, req->location, req->location_len);
    if (rc != 0)
        return rc;
    if (req->url->scheme == JT_URL_HTTPS && next->scheme == JT_URL_HTTP &&
        !(req->flags & JT_REDIRECT_ALLOW_DOWNGRADE))
        return JT_ERR_H1_REDIRECT_DOWNGRADE;
    out->method = req->method;
    if (becomes_get(req->status, req->method)) {
        out->method = "GET";
        if (req->flags & (JT_REDIRECT_HAS_BODY | JT_REDIRECT_BODY_STREAMED))
            out->flags |= JT_REDIRECT_DROP_BODY;
    } else if (req->flags & JT_REDIRECT_BODY_STREAMED) {
        return JT_ERR_H1_REDIRECT_NO_REPLAY;
    }
    if (!jt_url_same_origin(req->url, next))
        out->flags |= JT_REDIRECT_CROSS_ORIGIN;
    return 0;
}

int
jt_redirect_next(const struct jt_redirect_req *req, struct jt_url *next,
                 struct jt_redirect *out)
{
    int rc;

    if (out != NULL)
        memset(out, 0, sizeof(*out));
    if (next == NULL)
        return JT_ERR_INVAL;
    if (out == NULL || req == NULL || req->url == NULL ||
        req->url->scheme == 0 || req->method == NULL) {
        jt_url_init(next, next->target, next->target_cap);
        return JT_ERR_INVAL;
    }
    rc = next_request(req, next, out);
    if (rc != 0) {
        memset(out, 0, sizeof(*out));
        jt_url_init(next, next->target, next->target_cap);
    }
    return rc;
}

int
jt_redirect_drop_header(const struct jt_redirect *r, const char *name,
                        size_t len, int caller_auth)
{
    static const char *const creds[] = {"authorization", "cookie",
                                        "proxy-authorization"};
    static const char *const body[] = {"content-type",     "content-encoding",
                                       "content-language", "content-location",
                                       "content-length",   "transfer-encoding"};
    unsigned flags =
        r != NULL ? r->flags : JT_REDIRECT_CROSS_ORIGIN | JT_REDIRECT_DROP_BODY;

    if (name == NULL)
        return 0;
    if (flags & JT_REDIRECT_CROSS_ORIGIN) {
        if (caller_auth)
            return 1;
        for (size_t i = 0; i < sizeof(creds) / sizeof(creds[0]); i++)
            if (jti_h1_ci_eq(name, len, creds[i]))
                return 1;
    }
    if (flags & JT_REDIRECT_DROP_BODY)
        for (size_t i = 0; i < sizeof(body) / sizeof(body[0]); i++)
            if (jti_h1_ci_eq(name, len, body[i]))
                return 1;
    return 0;
}

void
jt_redirect_track_init(struct jt_redirect_track *t, uint32_t max_redirs)
{
    memset(t, 0, sizeof(*t));
    t->max_redirs = max_redirs;
}

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;

    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

/* FNV-1a 64 over method, scheme, host, port and target, NUL-separated. */
static uint64_t
visit_hash(const char *method, const struct jt_url *u)
{
    uint8_t port[2] = {(uint8_t)(u->port >> 8), (uint8_t)u->port};
    uint64_t h = 0xcbf29ce484222325ull;

    h = fnv(h, method, strlen(method) + 1);
    h = fnv(h, &u->scheme, 1);
    h = fnv(h, u->host.name, (size_t)u->host.len + 1);
    h = fnv(h, port, sizeof(port));
    return fnv(h, u->target, u->target_len);
}

int
jt_redirect_track_visit(struct jt_redirect_track *t, const char *method,
                        const struct jt_url *u)
{
    uint64_t h;
    uint32_t n;

    if (t == NULL || method == NULL || u == NULL || u->scheme == 0)
        return JT_ERR_INVAL;
    if (t->visits > 0 && t->visits - 1 >= t->max_redirs)
        return JT_ERR_H1_REDIRECT_TOO_MANY;
    h = visit_hash(method, u);
    n = t->visits < JT_REDIRECT_REMEMBER ? t->visits : JT_REDIRECT_REMEMBER;
    for (uint32_t i = 0; i < n; i++)
        if (t->seen[i] == h)
            return JT_ERR_H1_REDIRECT_LOOP;
    t->seen[t->visits % JT_REDIRECT_REMEMBER] = h;
    t->visits++;
    return 0;
}
