// SPDX-License-Identifier: MIT
/*
 * The JIT trust connection flow (net): steps 2-5 of "The JIT trust flow"
 * in ARCHITECTURE.md on a jt_tls client after its VERIFY_NONE handshake.
 * Keys come from core's jt_trust, answers from the context's sources
 * through generation-checked query slots, and the decision from
 * mbedtls_x509_crt_verify_with_profile on each candidate path plus our
 * checklist. Only this file calls jti_tls_mark_verified().
 */
#include "jittrust/jit.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <mbedtls/sha256.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "alloc-int.h"
#include "jit-int.h"
#include "jittrust/error.h"
#include "jittrust/trace.h"
#include "jittrust/hash.h"
#include "tls-int.h"

/* one more than the stash cap, so that its error is what we report */
#define CHAIN_CAP (JT_TRUST_DEFAULT_MAX_CERTS + 1)

/* ---- connections ---- */

int
jt_jit_create(struct jt_jit_ctx *ctx, struct jt_tls *tls,
              const struct jt_host *host, uint16_t port, struct jt_jit **out)
{
    struct jt_jit *j;

    if (out == NULL)
        return JT_ERR_INVAL;
    *out = NULL;
    if (ctx == NULL || tls == NULL || host == NULL)
        return JT_ERR_INVAL;
    j = jti_calloc(ctx->o.alloc, 1, sizeof(*j));
    if (j == NULL)
        return JT_ERR_NOMEM;
    j->ctx = ctx;
    j->tls = tls;
    j->host = *host;
    j->port = port;
    j->result = JT_ERR_STATE;
    *out = j;
    return 0;
}

/* Free the slot of the pending query, if any (its answer becomes stale). */
static void
release_slot(struct jt_jit *j)
{
    struct jti_slot *s;

    if (!j->waiting)
        return;
    s = &j->ctx->slots[j->slot];
    s->owner = NULL;
    s->gen++;
    j->waiting = 0;
}

void
jt_jit_destroy(struct jt_jit *j)
{
    if (j == NULL)
        return;
    release_slot(j);
    if (j->set != NULL)
        jti_caset_release(j->ctx, j->set);
    jti_free(j->ctx->o.alloc, j->meta);
    jt_trust_destroy(j->trust);
    jti_free(j->ctx->o.alloc, j);
}

int
jt_jit_result(const struct jt_jit *j)
{
    return j == NULL ? JT_ERR_INVAL : j->result;
}

const char *
jt_jit_message(const struct jt_jit *j)
{
    if (j == NULL)
        return "no verifier";
    return j->msg[0] != 0 ? j->msg : jt_strerror(j->result);
}

uint32_t
jt_jit_verify_flags(const struct jt_jit *j)
{
    return j == NULL ? 0 : j->flags;
}

int
jt_jit_mbedtls_error(const struct jt_jit *j)
{
    return j == NULL ? 0 : j->mbed_err;
}

int
jt_jit_warm(const struct jt_jit *j)
{
    return j == NULL ? JT_JIT_COLD : j->warm;
}

size_t
jt_jit_queries(const struct jt_jit *j)
{
    return j == NULL ? 0 : j->queries;
}

/* ---- answers ---- */

int
jti_meta_room(struct jt_jit *j, size_t want)
{
    struct jti_meta *m;
    size_t cap = j->meta_cap ? j->meta_cap : 4;

    if (want <= j->meta_cap)
        return 0;
    if (want > JTI_META_MAX)
        return JT_ERR_NOSPC;
    while (cap < want)
        cap *= 2;
    if (cap > JTI_META_MAX)
        cap = JTI_META_MAX;
    m = jti_calloc(j->ctx->o.alloc, cap, sizeof(*m));
    if (m == NULL)
        return JT_ERR_NOMEM;
    if (j->nmeta > 0)
        memcpy(m, j->meta, j->nmeta * sizeof(*m));
    jti_free(j->ctx->o.alloc, j->meta);
    j->meta = m;
    j->meta_cap = cap;
    return 0;
}

/* Remember the metadata of each answer cert, keyed by its SHA-256. */
static void
note_meta(struct jt_jit *j, const struct jt_source_cert *c)
{
    struct jti_meta *m = NULL;
    uint8_t sha[32];

    if (mbedtls_sha256_ret(c->der, c->len, sha, 0) != 0) {
        j->meta_lost = 1;
        return;
    }
    for (size_t i = 0; i < j->nmeta && m == NULL; i++)
        if (memcmp(j->meta[i].sha, sha, 32) == 0)
            m = &j->meta[i];
    if (m == NULL && jti_meta_room(j, j->nmeta + 1) != 0) {
        j->meta_lost = 1; /* fail closed: check_anchor refuses */
        return;
    }
    if (m == NULL) {
        m = &j->meta[j->nmeta++];
        memcpy(m->sha, sha, 32);
        m->not_after = c->not_after;
        m->distrust_after = c->distrust_after;
        return;
    }
    /* the same CA from two answers: the stricter dates win */
    if (c->not_after != 0 && (m->not_after == 0 || c->not_after < m->not_after))
        m->not_after = c->not_after;
    if (c->distrust_after != 0 &&
        (m->distrust_after == 0 || c->distrust_after < m->distrust_after))
        m->distrust_after = c->distrust_after;
}

/* Trace an answer of |given| certs, |kept| of them accepted. */
static void
trace_answer(struct jt_jit *j, size_t given, size_t kept)
{
    struct jt_trace_event ev = {0};

    ev.type = JT_TRACE_ANSWER;
    ev.key = jt_trust_key(j->trust, j->key);
    ev.source = j->ctx->src[j->src].name;
    ev.count = given;
    ev.accepted = kept;
    ev.ms = (uint32_t)(jt_loop_now(j->ctx->o.loop) - j->t_ask);
    jti_jit_trace(j, &ev);
}

/* An answer for the current key from the current source. */
static void
on_answer(struct jt_jit *j, const struct jt_source_cert *certs, size_t n)
{
    struct jt_span spans[JT_SOURCE_MAX_ANSWER] = {{NULL, 0}};
    int results[JT_SOURCE_MAX_ANSWER] = {0};
    int rc;

    if (n > JT_SOURCE_MAX_ANSWER)
        n = JT_SOURCE_MAX_ANSWER;
    if (n == 0 && j->src + 1 < j->ctx->nsrc) {
        trace_answer(j, 0, 0);
        j->src++; /* nothing here: ask the next source */
        return;
    }
    for (size_t i = 0; i < n; i++) {
        spans[i].p = certs[i].der;
        spans[i].len = certs[i].len;
    }
    rc = jt_trust_answer(j->trust, j->key, spans, n, results);
    /* the source's dates of each cert kept (only those can be anchors) */
    for (size_t i = 0; rc > 0 && i < n; i++)
        if (results[i] == 0)
            note_meta(j, &certs[i]);
    if (rc == JT_ERR_NOMEM)
        j->result = JT_ERR_NOMEM;
    else if (rc > 0)
        j->queries++;
    trace_answer(j, n, rc > 0 ? (size_t)rc : 0);
    j->key++;
    j->src = 0;
}

static int run(struct jt_jit *j);
static void finish(struct jt_jit *j, int rc);
static void save_session(struct jt_jit *j);

int
jt_query_answer(struct jt_query q, const struct jt_source_cert *certs, size_t n)
{
    struct jti_slot *s;
    struct jt_jit *j;
    int rc;

    if (q.ctx == NULL || (certs == NULL && n > 0))
        return JT_ERR_INVAL;
    if (q.slot >= JT_JIT_SLOTS)
        return JT_ERR_JIT_STALE;
    s = &q.ctx->slots[q.slot];
    if (s->owner == NULL || s->gen != q.gen)
        return JT_ERR_JIT_STALE;
    j = s->owner;
    release_slot(j);
    on_answer(j, certs, n);
    if (j->in_run)
        return 0; /* synchronous: run() goes on */
    rc = run(j);
    if (rc != JT_ERR_JIT_PENDING && j->done != NULL)
        j->done(j, rc, j->ud); /* may destroy j */
    return 0;
}

/* Ask the current key of the current source. */
static int
ask(struct jt_jit *j)
{
    struct jt_jit_ctx *c = j->ctx;
    const struct jt_source *src = &c->src[j->src];
    struct jt_query q = {c, 0, 0};
    struct jt_trace_event ev = {0};
    uint32_t i;
    int rc;

    for (i = 0; i < JT_JIT_SLOTS && c->slots[i].owner != NULL; i++)
        ;
    if (i == JT_JIT_SLOTS)
        return JT_ERR_JIT_BUSY;
    c->slots[i].owner = j;
    q.slot = i;
    q.gen = c->slots[i].gen;
    j->slot = i;
    j->waiting = 1;
    ev.type = JT_TRACE_ASK;
    ev.key = jt_trust_key(j->trust, j->key);
    ev.source = src->name;
    jti_jit_trace(j, &ev);
    c->stats.queries++;
    j->t_ask = jt_loop_now(c->o.loop);
    rc = src->query(src->ud, jt_trust_key(j->trust, j->key), q);
    if (rc < 0 && j->waiting && j->slot == i) {
        release_slot(j); /* failed without answering: an empty answer */
        on_answer(j, NULL, 0);
    }
    return 0;
}

/* ---- messages ---- */

/* "blob, dir" into |buf|. */
static void
source_names(const struct jt_jit_ctx *c, char *buf, size_t cap)
{
    size_t off = 0;

    buf[0] = 0;
    for (size_t i = 0; i < c->nsrc && off < cap; i++) {
        int w = snprintf(buf + off, cap - off, "%s%s", i ? ", " : "",
                         c->src[i].name);

        if (w < 0)
            return;
        off += (size_t)w;
    }
}

/* The "no trusted CA" message, naming the topmost key asked. */
static void
msg_no_ca(struct jt_jit *j)
{
    size_t nk = jt_trust_key_count(j->trust);
    const struct jt_key *k = nk ? jt_trust_key(j->trust, nk - 1) : NULL;
    char hex[2 * JT_KEY_MAX + 8] = "?", names[128];

    if (k != NULL)
        (void)jt_key_hex(k, 1, hex, sizeof(hex));
    source_names(j->ctx, names, sizeof(names));
    snprintf(j->msg, sizeof(j->msg), "%s: no trusted CA for %s %s (asked: %s)",
             j->host.name,
             k != NULL && k->type == JT_KEY_SKID
                 ? "AKID"
                 : jt_key_type_name(k != NULL ? k->type : 0),
             hex, names[0] ? names : "no source");
}

/* Cache host -> the key of the anchor that verified (best effort). */
static void
remember(struct jt_jit *j)
{
    struct jt_cache_key ck = {j->host.name, j->host.len, j->port,
                              j->ctx->o.policy};
    uint8_t val[2 + JT_KEY_MAX];
    const struct jt_key *k = &j->anchor_key;

    if (k->len == 0)
        return;
    val[0] = k->type;
    val[1] = k->len;
    memcpy(val + 2, k->b, k->len);
    (void)jt_cache_put(j->ctx->hosts, &ck, val, 2u + k->len,
                       j->ctx->o.host_ttl_ms, jt_loop_now(j->ctx->o.loop));
}

/* Warm: the cached anchor keys of this host, if any. */
static void
warm_lookup(struct jt_jit *j)
{
    struct jt_cache_key ck = {j->host.name, j->host.len, j->port,
                              j->ctx->o.policy};
    uint8_t val[JT_TRUST_MAX_ANCHORS * (2 + JT_KEY_MAX)];
    struct jt_trace_event ev = {0};
    size_t used = 0, off = 0;

    if (jt_cache_get(j->ctx->hosts, &ck, jt_loop_now(j->ctx->o.loop), val,
                     sizeof(val), &used) != 0)
        used = 0;
    while (off + 2 <= used && j->nwarm < JTI_WARM_KEYS) {
        struct jt_key *k = &j->warm_keys[j->nwarm];

        if (val[off + 1] == 0 || val[off + 1] > JT_KEY_MAX ||
            off + 2 + val[off + 1] > used)
            break;
        k->type = val[off];
        k->len = val[off + 1];
        memcpy(k->b, val + off + 2, k->len);
        off += 2u + k->len;
        j->nwarm++;
    }
    if (j->nwarm > 0)
        j->warm = JT_JIT_WARM;
    if (j->nwarm > 0)
        j->ctx->stats.warm++;
    else
        j->ctx->stats.cold++;
    ev.type = JT_TRACE_HOST_CACHE;
    ev.rc = j->nwarm > 0 ? 0 : JT_ERR_NOT_FOUND;
    ev.key = j->nwarm > 0 ? &j->warm_keys[0] : NULL;
    jti_jit_trace(j, &ev);
}

/* Warm: 1 when key |i| is not one of the cached anchor keys. */
static int
warm_skip(const struct jt_jit *j, size_t i)
{
    const struct jt_key *k = jt_trust_key(j->trust, i);

    if (j->warm != JT_JIT_WARM)
        return 0;
    for (size_t w = 0; w < j->nwarm; w++)
        if (jt_key_cmp(k, &j->warm_keys[w]) == 0)
            return 0;
    return 1;
}

/* Ask every key through the sources (warm: only the cached keys).
 * Returns 0 when every key is answered, JT_ERR_JIT_PENDING, or an error. */
static int
lookups(struct jt_jit *j)
{
    int rc = 0;

    j->in_run = 1;
    while (rc == 0 && j->result == JT_ERR_JIT_PENDING &&
           j->key < jt_trust_key_count(j->trust)) {
        if (j->waiting) {
            j->in_run = 0;
            return JT_ERR_JIT_PENDING;
        }
        if (j->ctx->nsrc == 0 || warm_skip(j, j->key)) {
            (void)jt_trust_answer(j->trust, j->key, NULL, 0, NULL);
            j->key++;
            continue;
        }
        rc = ask(j);
    }
    j->in_run = 0;
    if (rc == 0 && j->result != JT_ERR_JIT_PENDING)
        rc = j->result; /* NOMEM while answering */
    return rc;
}

static int load_chain(struct jt_jit *j);

/* A warm entry that no longer verifies: drop it and start cold, once. */
static int
go_cold(struct jt_jit *j)
{
    struct jt_cache_key ck = {j->host.name, j->host.len, j->port,
                              j->ctx->o.policy};

    (void)jt_cache_del(j->ctx->hosts, &ck, jt_loop_now(j->ctx->o.loop));
    jt_trust_reset(j->trust);
    j->warm = JT_JIT_WARM_DROPPED;
    j->key = 0;
    j->src = 0;
    j->nmeta = 0;
    j->meta_lost = 0;
    j->flags = 0;
    j->mbed_err = 0;
    j->msg[0] = 0;
    return load_chain(j);
}

/* 1 when no flush came since this verification began: only then may its
 * outcome be cached (answers from before a source changed must not
 * outlive the change). */
static int
current(const struct jt_jit *j)
{
    return j->gen == j->ctx->gen;
}

/* Step 5 on the anchors the sources gave: parse them (counted), verify,
 * and on success keep them as the CA set of the verifying anchor's key. */
static int
verify_found(struct jt_jit *j)
{
    struct jt_span anchors[JT_TRUST_MAX_ANCHORS];
    const mbedtls_x509_crt *top;
    mbedtls_x509_crt ca;
    int n = jt_trust_anchors(j->trust, anchors, JT_TRUST_MAX_ANCHORS);
    size_t usable = 0;
    int rc;

    if (n <= 0) {
        msg_no_ca(j);
        return JT_ERR_JIT_NO_TRUSTED_CA;
    }
    mbedtls_x509_crt_init(&ca);
    for (int i = 0; i < n; i++) {
        j->parsed++;
        j->ctx->stats.ca_parsed++;
        if (mbedtls_x509_crt_parse_der(&ca, anchors[i].p, anchors[i].len) == 0)
            usable++;
    }
    /* the parse made its own copies: free the answers' before verifying
     * (one less copy of each CA at this connection's heap peak) */
    jt_trust_release_answers(j->trust);
    rc = usable > 0 ? jti_post_verify(j, &ca, &top) : JT_ERR_JIT_NOT_TRUSTED;
    if (rc == 0 && current(j)) {
        remember(j);
        j->set = jti_caset_adopt(j->ctx, &j->anchor_key, &ca, usable, j);
    }
    mbedtls_x509_crt_free(&ca);
    return rc;
}

/* Verify against CA set |s| (held); 0 keeps it, else it is released. */
static int
try_set(struct jt_jit *j, struct jti_caset *s)
{
    const mbedtls_x509_crt *top;
    int rc;

    if (jti_meta_room(j, s->nmeta) != 0) {
        jti_caset_release(j->ctx, s);
        return JT_ERR_NOMEM;
    }
    memcpy(j->meta, s->meta, s->nmeta * sizeof(s->meta[0]));
    j->nmeta = s->nmeta;
    rc = jti_post_verify(j, &s->crt, &top);
    if (rc == 0) {
        j->set = s;
        return 0;
    }
    jti_caset_release(j->ctx, s);
    /* a cold attempt asks the sources next: start it clean */
    j->nmeta = 0;
    j->untrusted_top = 0;
    j->flags = 0;
    j->msg[0] = 0;
    return rc;
}

/*
 * Before asking any source: the CA sets kept for the keys to look up.
 * Warm, the cached anchor keys (a failure there drops the entry: see
 * run()); cold, every key of the chain, leaf upward (sets hold only
 * anchors that passed the answer checks for that key under the current
 * generation, so this is the answer a source gave, without a query or a
 * parse). Returns 0, JT_ERR_NOT_FOUND (ask the sources) or a warm
 * failure.
 */
static int
verify_caset(struct jt_jit *j)
{
    int warm = j->warm == JT_JIT_WARM;
    size_t n = warm ? j->nwarm : jt_trust_key_count(j->trust);

    for (size_t i = 0; i < n; i++) {
        const struct jt_key *k =
            warm ? &j->warm_keys[i] : jt_trust_key(j->trust, i);
        struct jti_caset *s = jti_caset_get(j->ctx, k);
        struct jt_trace_event ev = {0};
        int rc;

        if (s == NULL && !warm)
            continue;
        ev.type = JT_TRACE_CASET;
        ev.key = k;
        ev.rc = s != NULL ? 0 : JT_ERR_NOT_FOUND;
        jti_jit_trace(j, &ev);
        if (s == NULL)
            continue;
        rc = try_set(j, s);
        if (rc == 0 && !warm && current(j))
            remember(j); /* cold, found in a set: this host is warm now */
        if (rc == 0 || warm)
            return rc;
    }
    return JT_ERR_NOT_FOUND;
}

/* Warm: the CA set, else lookups; then post-verification. A failed warm
 * attempt goes cold, once. */
static int
run(struct jt_jit *j)
{
    int rc;

    for (;;) {
        rc = JT_ERR_NOT_FOUND;
        if (!j->caset_done) {
            j->caset_done = 1;
            rc = verify_caset(j);
        }
        if (rc == JT_ERR_NOT_FOUND) {
            rc = lookups(j);
            if (rc == JT_ERR_JIT_PENDING)
                return rc;
            if (rc == 0)
                rc = verify_found(j);
        }
        if (rc == 0 || j->warm != JT_JIT_WARM)
            break;
        rc = go_cold(j);
        if (rc != 0)
            break;
    }
    finish(j, rc);
    return rc;
}

static unsigned char
alert_for(int rc)
{
    switch (rc) {
    case JT_ERR_JIT_NO_TRUSTED_CA:
    case JT_ERR_JIT_NEGATIVE:
    case JT_ERR_JIT_NOT_TRUSTED:
        return MBEDTLS_SSL_ALERT_MSG_UNKNOWN_CA;
    case JT_ERR_JIT_EXPIRED:
    case JT_ERR_JIT_NOT_YET_VALID:
    case JT_ERR_JIT_ANCHOR_EXPIRED:
        return MBEDTLS_SSL_ALERT_MSG_CERT_EXPIRED;
    case JT_ERR_JIT_KEY_USAGE:
    case JT_ERR_JIT_EKU:
        return MBEDTLS_SSL_ALERT_MSG_UNSUPPORTED_CERT;
    case JT_ERR_NOMEM:
    case JT_ERR_JIT_BUSY:
        return MBEDTLS_SSL_ALERT_MSG_INTERNAL_ERROR;
    default:
        return MBEDTLS_SSL_ALERT_MSG_BAD_CERT;
    }
}

/* Record the result: mark verified, or alert and (no CA) negative-cache. */
static void
finish(struct jt_jit *j, int rc)
{
    struct jt_cache_key ck = {j->host.name, j->host.len, j->port,
                              j->ctx->o.policy};
    struct jt_trace_event ev = {0};

    j->result = rc;
    if (rc == 0) {
        jti_tls_mark_verified(j->tls);
        snprintf(j->msg, sizeof(j->msg), "verified %s%s", j->host.name,
                 jt_tls_resumed(j->tls) ? " (resumed session)" : "");
        j->ctx->stats.verified++;
        if (!jt_tls_resumed(j->tls) && current(j))
            save_session(j);
    } else {
        if (j->msg[0] == 0)
            snprintf(j->msg, sizeof(j->msg), "%s: %s", j->host.name,
                     jt_strerror(rc));
        (void)jti_tls_reject(j->tls, rc, alert_for(rc));
        jti_session_drop(j->ctx, &j->host, j->port);
        if (rc == JT_ERR_JIT_NO_TRUSTED_CA && current(j))
            (void)jt_cache_put(j->ctx->neg, &ck, "", 0, j->ctx->o.neg_ttl_ms,
                               jt_loop_now(j->ctx->o.loop));
        j->ctx->stats.failed++;
    }
    ev.type = JT_TRACE_RESULT;
    ev.rc = rc;
    ev.text = j->msg;
    ev.index = j->warm;
    ev.count = j->parsed;
    ev.ms = (uint32_t)(jt_loop_now(j->ctx->o.loop) - j->t_start);
    jti_jit_trace(j, &ev);
}

/* The chain to verify: as sent, or (resumed: no Certificate message)
 * the one saved with the session, whose cert 0 must be the session's
 * leaf byte for byte. */
static int
chain_of(struct jt_jit *j, struct jt_span *spans, size_t *n)
{
    struct jt_span leaf;
    int rc = jt_tls_peer_chain(j->tls, spans, CHAIN_CAP, n);

    if (!jt_tls_resumed(j->tls) || (rc != 0 && rc != JT_ERR_NOSPC))
        return rc;
    leaf = spans[0];
    rc = jti_session_chain(j, spans, CHAIN_CAP, n);
    if (rc == 0 && j->warm != JT_JIT_WARM_DROPPED)
        j->ctx->stats.sessions_resumed++; /* once, not again when cold */
    if (rc != 0 || *n == 0 || spans[0].len != leaf.len ||
        memcmp(spans[0].p, leaf.p, leaf.len) != 0) {
        snprintf(j->msg, sizeof(j->msg),
                 "%s: resumed a session whose saved chain is gone or does "
                 "not start with its leaf: refused",
                 j->host.name);
        return JT_ERR_JIT_NOT_TRUSTED;
    }
    return 0;
}

/* Save the session with the chain as sent (best effort). */
static void
save_session(struct jt_jit *j)
{
    struct jt_span spans[CHAIN_CAP];
    size_t n;
    int rc = jt_tls_peer_chain(j->tls, spans, CHAIN_CAP, &n);

    if (rc == 0)
        jti_session_store(j, spans, n);
}

/* The trust decision, sized for the |n| certificates sent (its arrays
 * are most of a verification's heap), with the stash cap beyond that. */
static int
make_trust(struct jt_jit *j, size_t n)
{
    struct jt_trust_opts to = {0};

    if (j->trust != NULL)
        return 0;
    to.hash = jt_hash_ops_mbedtls();
    if (j->ctx->o.index != NULL) {
        to.index_check = jti_jit_index_check;
        to.index_ud = (void *)(uintptr_t)j->ctx->o.index;
    }
    to.max_certs = n == 0 || n > JT_TRUST_DEFAULT_MAX_CERTS
                       ? JT_TRUST_DEFAULT_MAX_CERTS
                       : n;
    return jt_trust_create(&j->trust, &to, j->ctx->o.alloc);
}

/* Stash the peer chain and build the paths and keys. */
static int
load_chain(struct jt_jit *j)
{
    struct jt_span spans[CHAIN_CAP];
    size_t n;
    int rc = chain_of(j, spans, &n);

    if (rc != 0 && rc != JT_ERR_NOSPC)
        return rc;
    rc = make_trust(j, n);
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < n && i < CHAIN_CAP; i++) {
        rc = jt_trust_add_cert(j->trust, spans[i].p, spans[i].len);
        if (rc == JT_ERR_TRUST_TOO_MANY_CERTS) {
            snprintf(j->msg, sizeof(j->msg),
                     "server sent %zu certificates; at most %d are kept "
                     "(stash cap): chain refused",
                     n, JT_TRUST_DEFAULT_MAX_CERTS);
            return rc;
        }
        if (rc != 0) {
            snprintf(j->msg, sizeof(j->msg), "certificate %zu: %s", i,
                     jt_strerror(rc));
            return rc;
        }
    }
    rc = jt_trust_build(j->trust);
    if (rc != 0)
        snprintf(j->msg, sizeof(j->msg), "certificate %d: %s",
                 jt_trust_failed_index(j->trust), jt_strerror(rc));
    return rc;
}

/* Trace each certificate the peer sent, with its SKID and AKID. */
static void
trace_chain(const struct jt_jit *j)
{
    if (j->ctx->o.trace == NULL)
        return;
    for (size_t i = 0; i < jt_trust_cert_count(j->trust); i++) {
        const struct jt_der_cert *c = jt_trust_cert(j->trust, i);
        struct jt_trace_event ev = {0};
        struct jt_key skid, akid;

        ev.type = JT_TRACE_CERT;
        ev.index = (int)i;
        ev.flags = (c->flags & JT_DER_IS_CA) != 0;
        if ((c->flags & JT_DER_HAS_SKID) && jt_key_skid(&skid, c) == 0)
            ev.key = &skid;
        if (jt_key_akid(&akid, c) == 0)
            ev.key2 = &akid;
        jti_jit_trace(j, &ev);
    }
}

/* 1 when a recent "no trusted CA" for this host is cached. */
static int
negative_hit(struct jt_jit *j)
{
    struct jt_cache_key ck = {j->host.name, j->host.len, j->port,
                              j->ctx->o.policy};
    struct jt_trace_event ev = {0};
    size_t used;

    if (jt_cache_get(j->ctx->neg, &ck, jt_loop_now(j->ctx->o.loop), NULL, 0,
                     &used) != 0)
        return 0;
    ev.type = JT_TRACE_HOST_CACHE;
    ev.rc = JT_ERR_JIT_NEGATIVE;
    jti_jit_trace(j, &ev);
    return 1;
}

int
jt_jit_verify(struct jt_jit *j, jt_jit_done_fn done, void *ud)
{
    int rc;

    if (j == NULL)
        return JT_ERR_INVAL;
    if (j->started)
        return JT_ERR_STATE;
    j->started = 1;
    j->t_start = jt_loop_now(j->ctx->o.loop);
    j->gen = j->ctx->gen;
    j->done = done;
    j->ud = ud;
    if (negative_hit(j)) {
        snprintf(j->msg, sizeof(j->msg),
                 "%s: no trusted CA a moment ago (negative cache)",
                 j->host.name);
        finish(j, JT_ERR_JIT_NEGATIVE);
        return JT_ERR_JIT_NEGATIVE;
    }
    rc = load_chain(j);
    trace_chain(j);
    if (rc != 0) {
        finish(j, rc);
        return rc;
    }
    j->result = JT_ERR_JIT_PENDING;
    warm_lookup(j);
    return run(j);
}
