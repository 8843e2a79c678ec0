// SPDX-License-Identifier: MIT
/*
 * TLS sessions of a JIT context (net): saved only after post-verification
 * passed, keyed by (normalised host, port, policy) under the context's
 * generation, each with the peer chain it was verified on. A resumed
 * handshake carries no Certificate message, so the JIT flow re-verifies
 * that saved chain (its cert 0 must be byte-identical to the session's
 * leaf) against the sources, exactly as a full handshake.
 */
#include <string.h>

#include <mbedtls/platform_util.h>

#include "alloc-int.h"
#include "jit-int.h"
#include "jittrust/error.h"
#include "tls-int.h"

/* A serialised session with its leaf: a few KB at most. */
#define SESSION_MAX 16384u

struct jti_session {
    struct jt_host host;
    uint16_t port;
    uint32_t policy, gen;
    uint64_t expires, used;
    size_t sess_len, chain_len;
    uint8_t *buf; /* session bytes, then the chain: (u16 length, DER)* */
};

/* Wipe (the session holds its master secret) and free one entry. */
static void
entry_free(struct jt_jit_ctx *c, struct jti_session *s)
{
    mbedtls_platform_zeroize(s->buf, s->sess_len + s->chain_len);
    jti_free(c->o.alloc, s->buf);
    jti_free(c->o.alloc, s);
}

static void
session_free(struct jt_jit_ctx *c, size_t i)
{
    struct jti_session *s = c->sessions[i];

    entry_free(c, s);
    c->sessions[i] = c->sessions[--c->nsessions];
    c->sessions[c->nsessions] = NULL;
}

/* The live entry of (|h|, |port|), or -1; stale ones are freed. */
static long
find(struct jt_jit_ctx *c, const struct jt_host *h, uint16_t port)
{
    uint64_t now = jt_loop_now(c->o.loop);

    for (size_t i = c->nsessions; i-- > 0;) {
        struct jti_session *s = c->sessions[i];

        if (s->gen != c->gen || now >= s->expires) {
            session_free(c, i);
            continue;
        }
        if (s->port == port && s->policy == c->o.policy &&
            s->host.len == h->len && memcmp(s->host.name, h->name, h->len) == 0)
            return (long)i;
    }
    return -1;
}

int
jt_jit_session_offer(struct jt_jit_ctx *c, struct jt_tls *tls,
                     const struct jt_host *h, uint16_t port)
{
    long i;
    int rc;

    if (c == NULL || tls == NULL || h == NULL)
        return JT_ERR_INVAL;
    i = find(c, h, port);
    if (i < 0)
        return 0;
    rc = jti_tls_session_offer(tls, c->sessions[i]->buf,
                               c->sessions[i]->sess_len,
                               c->sessions[i]->buf + c->sessions[i]->sess_len,
                               c->sessions[i]->chain_len);
    if (rc != 0) {
        session_free(c, (size_t)i); /* unusable: forget it */
        return rc;
    }
    c->sessions[i]->used = jt_loop_now(c->o.loop);
    return 1;
}

void
jti_session_drop(struct jt_jit_ctx *c, const struct jt_host *h, uint16_t port)
{
    long i = find(c, h, port);

    if (i >= 0)
        session_free(c, (size_t)i);
}

/* A slot for a new entry: a free one, else the least recently used. */
static size_t
slot(struct jt_jit_ctx *c)
{
    size_t victim = 0;

    if (c->nsessions < c->o.max_sessions)
        return c->nsessions++;
    for (size_t i = 1; i < c->nsessions; i++)
        if (c->sessions[i]->used < c->sessions[victim]->used)
            victim = i;
    entry_free(c, c->sessions[victim]);
    c->sessions[victim] = NULL;
    return victim;
}

/* Append |n| chain certificates as (u16 length, DER)* at |p|. */
static void
pack_chain(uint8_t *p, const struct jt_span *chain, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        p[0] = (uint8_t)(chain[i].len >> 8);
        p[1] = (uint8_t)chain[i].len;
        memcpy(p + 2, chain[i].p, chain[i].len);
        p += 2 + chain[i].len;
    }
}

void
jti_session_store(struct jt_jit *j, const struct jt_span *chain, size_t n)
{
    struct jt_jit_ctx *c = j->ctx;
    struct jti_session *s;
    size_t sess_len = 0, chain_len = 0;
    uint8_t *buf;

    if (c->o.max_sessions == 0 || n == 0)
        return;
    for (size_t i = 0; i < n; i++) {
        if (chain[i].len > 0xffff)
            return;
        chain_len += 2 + chain[i].len;
    }
    /* the size first, then straight into the entry: no stack copy */
    if (jti_tls_session_save(j->tls, NULL, 0, &sess_len) != JT_ERR_NOSPC ||
        sess_len == 0 || sess_len > SESSION_MAX)
        return;
    buf = jti_calloc(c->o.alloc, 1, sess_len + chain_len);
    s = buf != NULL ? jti_calloc(c->o.alloc, 1, sizeof(*s)) : NULL;
    if (s == NULL ||
        jti_tls_session_save(j->tls, buf, sess_len, &sess_len) != 0) {
        if (buf != NULL)
            mbedtls_platform_zeroize(buf, sess_len + chain_len);
        jti_free(c->o.alloc, buf);
        jti_free(c->o.alloc, s);
        return;
    }
    pack_chain(buf + sess_len, chain, n);
    jti_session_drop(c, &j->host, j->port);
    s->host = j->host;
    s->port = j->port;
    s->policy = c->o.policy;
    s->gen = c->gen;
    s->used = jt_loop_now(c->o.loop);
    s->expires = s->used + c->o.session_ttl_ms;
    s->buf = buf;
    s->sess_len = sess_len;
    s->chain_len = chain_len;
    c->sessions[slot(c)] = s;
    c->stats.sessions_saved++;
}

int
jti_session_chain(struct jt_jit *j, struct jt_span *out, size_t cap, size_t *n)
{
    size_t len;
    const uint8_t *p = jti_tls_offered_chain(j->tls, &len);
    const uint8_t *end = p + len;

    *n = 0;
    if (p == NULL || len == 0)
        return JT_ERR_NOT_FOUND;
    while (p + 2 <= end && *n < cap) {
        size_t l = (size_t)p[0] << 8 | p[1];

        if (l > (size_t)(end - p - 2))
            break;
        out[*n].p = p + 2;
        out[*n].len = l;
        (*n)++;
        p += 2 + l;
    }
    return 0;
}

void
jti_session_free_all(struct jt_jit_ctx *c)
{
    while (c->nsessions > 0)
        session_free(c, c->nsessions - 1);
}
