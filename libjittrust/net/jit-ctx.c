// SPDX-License-Identifier: MIT
/*
 * The JIT context (net): options, trust sources, the caches and their
 * generation, counters and the trace hook. The per-connection flow is
 * jit.c.
 */
#include "jittrust/jit.h"

#include <string.h>
#include <sys/random.h>

#include "alloc-int.h"
#include "jit-int.h"
#include "jittrust/error.h"

#define HOST_TTL_DEFAULT 3600000u
#define NEG_TTL_MAX 30000u
#define CACHE_BYTES_DEFAULT 16384u
#define GRACE_DEFAULT 5000u
#define CASETS_DEFAULT 4u
#define SESSIONS_DEFAULT 4u

/* ---- context ---- */

/* Index check over the authenticated index blob. */
int
jti_jit_index_check(void *ud, const struct jt_key *asked,
                    const uint8_t sha256[32])
{
    const struct jt_blob *b = ud;
    struct jt_blob_iter it = {0};
    struct jt_blob_entry e;
    size_t idx;

    while (jt_blob_find(b, asked, &it, &idx) == 1)
        if (jt_blob_entry(b, idx, &e) == 0 && e.sha256 != NULL &&
            memcmp(e.sha256, sha256, 32) == 0)
            return 1;
    return 0;
}

static int
make_cache(struct jt_jit_ctx *c, struct jt_cache **out, uint32_t ttl)
{
    struct jt_cache_opts co = {0};

    co.max_footprint = c->o.cache_bytes;
    co.max_value = 1024;
    co.max_ttl_ms = ttl;
    /* a random SipHash seed: host names come from the network; without
     * entropy the cache still works, with a fixed seed */
    if (getrandom(co.seed, sizeof(co.seed), GRND_NONBLOCK) !=
        (ssize_t)sizeof(co.seed))
        memset(co.seed, 0x5a, sizeof(co.seed));
    return jt_cache_create(out, &co, c->o.alloc);
}

int
jt_jit_ctx_create(const struct jt_jit_ctx_opts *opts, struct jt_jit_ctx **out)
{
    struct jt_jit_ctx *c;
    int rc;

    if (out == NULL)
        return JT_ERR_INVAL;
    *out = NULL;
    if (opts == NULL || opts->loop == NULL)
        return JT_ERR_INVAL;
    c = jti_calloc(opts->alloc, 1, sizeof(*c));
    if (c == NULL)
        return JT_ERR_NOMEM;
    c->o = *opts;
    if (c->o.host_ttl_ms == 0)
        c->o.host_ttl_ms = HOST_TTL_DEFAULT;
    if (c->o.neg_ttl_ms == 0 || c->o.neg_ttl_ms > NEG_TTL_MAX)
        c->o.neg_ttl_ms = NEG_TTL_MAX;
    if (c->o.cache_bytes == 0)
        c->o.cache_bytes = CACHE_BYTES_DEFAULT;
    if (c->o.caset_grace_ms == 0)
        c->o.caset_grace_ms = GRACE_DEFAULT;
    if (c->o.caset_max == 0)
        c->o.caset_max = CASETS_DEFAULT;
    if (c->o.caset_max > JT_JIT_MAX_CASETS)
        c->o.caset_max = JT_JIT_MAX_CASETS;
    if (c->o.max_sessions == 0)
        c->o.max_sessions = SESSIONS_DEFAULT;
    else if (c->o.max_sessions == JT_JIT_NO_SESSIONS)
        c->o.max_sessions = 0;
    if (c->o.max_sessions > JT_JIT_MAX_SESSIONS)
        c->o.max_sessions = JT_JIT_MAX_SESSIONS;
    if (c->o.session_ttl_ms == 0)
        c->o.session_ttl_ms = HOST_TTL_DEFAULT;
    rc = make_cache(c, &c->hosts, c->o.host_ttl_ms);
    if (rc == 0)
        rc = make_cache(c, &c->neg, c->o.neg_ttl_ms);
    if (rc != 0) {
        jt_jit_ctx_destroy(c);
        return rc;
    }
    *out = c;
    return 0;
}

void
jt_jit_ctx_destroy(struct jt_jit_ctx *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->nsrc; i++)
        if (c->src[i].destroy != NULL)
            c->src[i].destroy(c->src[i].ud);
    jti_caset_free_all(c);
    jti_session_free_all(c);
    jt_cache_destroy(c->hosts);
    jt_cache_destroy(c->neg);
    jti_free(c->o.alloc, c);
}

int
jt_jit_ctx_add_source(struct jt_jit_ctx *c, const struct jt_source *src)
{
    if (c == NULL || src == NULL || src->query == NULL || src->name == NULL)
        return JT_ERR_INVAL;
    if (c->nsrc == JT_JIT_MAX_SOURCES)
        return JT_ERR_NOSPC;
    c->src[c->nsrc++] = *src;
    return jt_jit_ctx_flush(c); /* decisions made without it are stale */
}

int
jt_jit_ctx_flush(struct jt_jit_ctx *c)
{
    int rc;

    if (c == NULL)
        return JT_ERR_INVAL;
    if (c->gen == UINT32_MAX)
        return JT_ERR_OVERFLOW;
    rc = jt_cache_bump_generation(c->hosts, NULL);
    if (rc == 0)
        rc = jt_cache_bump_generation(c->neg, NULL);
    if (rc != 0)
        return rc;
    c->gen++;
    jti_caset_flush(c);
    return 0;
}

int
jt_jit_ctx_is_warm(struct jt_jit_ctx *c, const struct jt_host *h, uint16_t port)
{
    struct jt_cache_key ck;
    size_t used;

    if (c == NULL || h == NULL)
        return 0;
    ck.host = h->name;
    ck.host_len = h->len;
    ck.port = port;
    ck.policy = c->o.policy;
    /* a live entry with a value: "too small" for no buffer means a hit */
    return jt_cache_get(c->hosts, &ck, jt_loop_now(c->o.loop), NULL, 0,
                        &used) == JT_ERR_CACHE_BUF_TOO_SMALL;
}

int
jt_jit_ctx_stats(const struct jt_jit_ctx *c, struct jt_jit_stats *out)
{
    if (c == NULL || out == NULL)
        return JT_ERR_INVAL;
    *out = c->stats;
    out->casets = c->nsets;
    out->casets_idle = 0;
    for (size_t i = 0; i < c->nsets; i++)
        if (c->sets[i]->refs == 0)
            out->casets_idle++;
    out->generation = c->gen;
    return 0;
}

void
jti_jit_trace(const struct jt_jit *j, struct jt_trace_event *ev)
{
    if (j->ctx->o.trace == NULL)
        return;
    ev->host = j->host.name;
    ev->port = j->port;
    ev->at_ms = jt_loop_now(j->ctx->o.loop);
    j->ctx->o.trace(ev, j->ctx->o.trace_ud);
}
