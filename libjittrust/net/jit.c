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

#include <mbedtls/oid.h>
#include <mbedtls/sha256.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "alloc-int.h"
#include "jit-int.h"
#include "jittrust/cache.h"
#include "jittrust/error.h"
#include "jittrust/hash.h"
#include "jittrust/trust.h"
#include "tls-int.h"

#define HOST_TTL_DEFAULT 3600000u
#define NEG_TTL_MAX 30000u
#define CACHE_BYTES_DEFAULT 16384u
#define META_MAX 16u
/* one more than the stash cap, so that its error is what we report */
#define CHAIN_CAP (JT_TRUST_DEFAULT_MAX_CERTS + 1)

struct slot {
    uint32_t gen;
    struct jt_jit *owner; /* NULL: free */
};

struct jt_jit_ctx {
    struct jt_jit_ctx_opts o;
    struct jt_source src[JT_JIT_MAX_SOURCES];
    size_t nsrc;
    struct jt_cache *hosts, *neg;
    struct slot slots[JT_JIT_SLOTS];
};

/* What a source said about an answer cert, found again by its hash. */
struct meta {
    uint8_t sha[32];
    int64_t not_after, distrust_after;
};

struct jt_jit {
    struct jt_jit_ctx *ctx;
    struct jt_tls *tls;
    struct jt_host host;
    uint16_t port;
    struct jt_trust *trust;
    size_t key, src; /* next query: key index, source index */
    uint32_t slot;
    int waiting, in_run, started, result;
    jt_jit_done_fn done;
    void *ud;
    struct meta meta[META_MAX];
    size_t nmeta, queries;
    uint32_t flags;
    int mbed_err;
    int warm; /* JT_JIT_COLD, _WARM or _WARM_DROPPED */
    struct jt_key warm_keys[JT_TRUST_MAX_ANCHORS];
    size_t nwarm;
    struct jt_key anchor_key; /* the verifying anchor's key, once passed */
    char msg[JT_JIT_MSG_MAX];
};

/* Our verification profile: SHA-2, RSA >= 2048, P-256/P-384. */
static const mbedtls_x509_crt_profile profile = {
    MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA256) |
        MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA384) |
        MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA512),
    MBEDTLS_X509_ID_FLAG(MBEDTLS_PK_RSA) |
        MBEDTLS_X509_ID_FLAG(MBEDTLS_PK_ECDSA) |
        MBEDTLS_X509_ID_FLAG(MBEDTLS_PK_ECKEY),
    MBEDTLS_X509_ID_FLAG(MBEDTLS_ECP_DP_SECP256R1) |
        MBEDTLS_X509_ID_FLAG(MBEDTLS_ECP_DP_SECP384R1),
    2048,
};

/* ---- context ---- */

/* Index check over the authenticated index blob. */
static int
index_check(void *ud, const struct jt_key *asked, const uint8_t sha256[32])
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
    /* seed: deterministic is fine here (a few hosts per device) */
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
    return 0;
}

/* ---- connections ---- */

int
jt_jit_create(struct jt_jit_ctx *ctx, struct jt_tls *tls,
              const struct jt_host *host, uint16_t port, struct jt_jit **out)
{
    struct jt_trust_opts to = {0};
    struct jt_jit *j;
    int rc;

    if (out == NULL)
        return JT_ERR_INVAL;
    *out = NULL;
    if (ctx == NULL || tls == NULL || host == NULL)
        return JT_ERR_INVAL;
    j = jti_calloc(ctx->o.alloc, 1, sizeof(*j));
    if (j == NULL)
        return JT_ERR_NOMEM;
    to.hash = jt_hash_ops_mbedtls();
    if (ctx->o.index != NULL) {
        to.index_check = index_check;
        to.index_ud = (void *)(uintptr_t)ctx->o.index;
    }
    rc = jt_trust_create(&j->trust, &to, ctx->o.alloc);
    if (rc != 0) {
        jti_free(ctx->o.alloc, j);
        return rc;
    }
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
    struct slot *s;

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

/* Remember the metadata of each answer cert, keyed by its SHA-256. */
static void
note_meta(struct jt_jit *j, const struct jt_source_cert *c)
{
    struct meta *m;

    if (j->nmeta == META_MAX || c->der == NULL)
        return;
    m = &j->meta[j->nmeta];
    if (mbedtls_sha256_ret(c->der, c->len, m->sha, 0) != 0)
        return;
    m->not_after = c->not_after;
    m->distrust_after = c->distrust_after;
    j->nmeta++;
}

/* An answer for the current key from the current source. */
static void
on_answer(struct jt_jit *j, const struct jt_source_cert *certs, size_t n)
{
    struct jt_span spans[JT_SOURCE_MAX_ANSWER];
    int rc;

    if (n > JT_SOURCE_MAX_ANSWER)
        n = JT_SOURCE_MAX_ANSWER;
    if (n == 0 && j->src + 1 < j->ctx->nsrc) {
        j->src++; /* nothing here: ask the next source */
        return;
    }
    for (size_t i = 0; i < n; i++) {
        spans[i].p = certs[i].der;
        spans[i].len = certs[i].len;
        note_meta(j, &certs[i]);
    }
    rc = jt_trust_answer(j->trust, j->key, spans, n, NULL);
    if (rc == JT_ERR_NOMEM)
        j->result = JT_ERR_NOMEM;
    else if (rc > 0)
        j->queries++;
    j->key++;
    j->src = 0;
}

static int run(struct jt_jit *j);
static void finish(struct jt_jit *j, int rc);

int
jt_query_answer(struct jt_query q, const struct jt_source_cert *certs, size_t n)
{
    struct slot *s;
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
    snprintf(j->msg, sizeof(j->msg), "no trusted CA for %s %s (asked: %s)",
             k != NULL && k->type == JT_KEY_SKID
                 ? "AKID"
                 : jt_key_type_name(k != NULL ? k->type : 0),
             hex, names[0] ? names : "no source");
}

/* ---- post-verification ---- */

/* The topmost certificate mbedTLS put in the verified chain: the anchor. */
struct vtop {
    const mbedtls_x509_crt *crt;
    int depth;
};

static int
vrfy_cb(void *ud, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    struct vtop *v = ud;

    (void)flags;
    if (depth >= v->depth) {
        v->depth = depth;
        v->crt = crt;
    }
    return 0;
}

/* 1 when the leaf has an iPAddress SAN equal to the host's address. */
static int
ip_san_match(const struct jt_host *h, const struct jt_der_cert *leaf)
{
    size_t alen = h->kind == JT_HOST_IPV4 ? 4 : 16;
    struct jt_der_iter it = {0};
    enum jt_der_gn kind;
    struct jt_span v;

    while (jt_der_san_next(leaf, &it, &kind, &v) == 1)
        if (kind == JT_DER_GN_IP && v.len == alen &&
            memcmp(v.p, h->addr, alen) == 0)
            return 1;
    return 0;
}

/* Map mbedTLS verify flags to our code (0 when acceptable). */
static int
map_flags(const struct jt_jit *j, const struct jt_der_cert *leaf,
          uint32_t flags)
{
    if (jt_host_is_ip(&j->host)) {
        if ((flags & ~(uint32_t)MBEDTLS_X509_BADCERT_CN_MISMATCH) == 0)
            return ip_san_match(&j->host, leaf) ? 0 : JT_ERR_JIT_NAME_MISMATCH;
    }
    if (flags == 0)
        return 0;
    if (flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED)
        return JT_ERR_JIT_NOT_TRUSTED;
    if (flags & MBEDTLS_X509_BADCERT_FUTURE)
        return JT_ERR_JIT_NOT_YET_VALID;
    if (flags & MBEDTLS_X509_BADCERT_EXPIRED)
        return JT_ERR_JIT_EXPIRED;
    if (flags & MBEDTLS_X509_BADCERT_CN_MISMATCH)
        return JT_ERR_JIT_NAME_MISMATCH;
    return JT_ERR_JIT_VERIFY;
}

/* Leaf key: EC on P-256/P-384, or RSA >= 2048 bits. */
static int
leaf_key_ok(const mbedtls_x509_crt *leaf)
{
    mbedtls_pk_type_t t = mbedtls_pk_get_type(&leaf->pk);

    if (t == MBEDTLS_PK_RSA)
        return mbedtls_pk_get_bitlen(&leaf->pk) >= 2048;
    if (t == MBEDTLS_PK_ECKEY || t == MBEDTLS_PK_ECDSA) {
        mbedtls_ecp_group_id g = mbedtls_pk_ec(leaf->pk)->grp.id;

        return g == MBEDTLS_ECP_DP_SECP256R1 || g == MBEDTLS_ECP_DP_SECP384R1;
    }
    return 0;
}

/* 1 when the leaf's EKU names serverAuth itself (anyExtendedKeyUsage is
 * not enough for a server certificate). */
static int
leaf_server_auth(const mbedtls_x509_crt *leaf)
{
    static const char sa[] = MBEDTLS_OID_SERVER_AUTH;

    for (const mbedtls_x509_sequence *e = &leaf->ext_key_usage; e != NULL;
         e = e->next)
        if (e->buf.p != NULL && e->buf.len == sizeof(sa) - 1 &&
            memcmp(e->buf.p, sa, sizeof(sa) - 1) == 0)
            return 1;
    return 0;
}

/* Checklist on a path mbedTLS verified: SAN, KU, EKU, leaf key. */
static int
check_usage(const struct jt_der_cert *leaf, const mbedtls_x509_crt *chain)
{
    static const char sa[] = MBEDTLS_OID_SERVER_AUTH;

    if (!(leaf->flags & JT_DER_HAS_SAN))
        return JT_ERR_JIT_NO_SAN;
    if ((leaf->flags & JT_DER_HAS_KU) &&
        !(leaf->key_usage & JT_DER_KU_DIGITAL_SIGNATURE))
        return JT_ERR_JIT_KEY_USAGE;
    if (!(leaf->flags & JT_DER_HAS_EKU) || !leaf_server_auth(chain))
        return JT_ERR_JIT_EKU;
    for (const mbedtls_x509_crt *c = chain->next; c != NULL; c = c->next)
        if (mbedtls_x509_crt_check_extended_key_usage(c, sa, sizeof(sa) - 1) !=
            0)
            return JT_ERR_JIT_EKU;
    if (!leaf_key_ok(chain))
        return JT_ERR_JIT_LEAF_KEY;
    return 0;
}

/* The anchor mbedTLS chose: within its not-after; no distrust-after
 * before the leaf's notBefore. */
static int
check_anchor(const struct jt_jit *j, const struct jt_der_cert *leaf,
             const mbedtls_x509_crt *anchor)
{
    struct jt_der_cert d;
    uint8_t sha[32];
    int64_t not_after, now = (int64_t)time(NULL);

    if (anchor == NULL ||
        jt_der_cert_parse(&d, anchor->raw.p, anchor->raw.len) != 0 ||
        mbedtls_sha256_ret(anchor->raw.p, anchor->raw.len, sha, 0) != 0)
        return JT_ERR_JIT_NOT_TRUSTED;
    not_after = d.not_after;
    for (size_t i = 0; i < j->nmeta; i++) {
        const struct meta *m = &j->meta[i];

        if (memcmp(m->sha, sha, 32) != 0)
            continue;
        if (m->not_after != 0 && m->not_after < not_after)
            not_after = m->not_after;
        if (m->distrust_after != 0 && leaf->not_before > m->distrust_after)
            return JT_ERR_JIT_DISTRUSTED;
    }
    return now > not_after ? JT_ERR_JIT_ANCHOR_EXPIRED : 0;
}

/* 1 when |leaf| is byte-identical to the peer's cert 0 (the cert whose
 * key signed the key exchange). */
static int
is_peer_leaf(const struct jt_jit *j, const struct jt_der_cert *leaf)
{
    struct jt_span first;
    size_t n;
    int rc = jt_tls_peer_chain(j->tls, &first, 1, &n);

    return (rc == 0 || rc == JT_ERR_NOSPC) && leaf != NULL &&
           first.len == leaf->raw.len &&
           memcmp(first.p, leaf->raw.p, first.len) == 0;
}

/* Keep the first lookup key the anchor that verified answers to. */
static void
note_anchor_key(struct jt_jit *j, const mbedtls_x509_crt *anchor)
{
    struct jt_der_cert d;

    memset(&j->anchor_key, 0, sizeof(j->anchor_key));
    if (jt_der_cert_parse(&d, anchor->raw.p, anchor->raw.len) != 0)
        return;
    for (size_t i = 0; i < jt_trust_key_count(j->trust); i++) {
        const struct jt_key *k = jt_trust_key(j->trust, i);
        struct jt_key mine;

        if (jti_cert_key(&mine, k->type, &d) == 0 &&
            jt_key_cmp(&mine, k) == 0) {
            j->anchor_key = *k;
            return;
        }
    }
}

/* Verify candidate path |p| against |ca|; 0 when it passes everything. */
static int
try_path(struct jt_jit *j, size_t p, mbedtls_x509_crt *ca)
{
    const struct jt_der_cert *leaf = jt_trust_cert(j->trust, 0);
    struct vtop top = {NULL, -1};
    mbedtls_x509_crt chain;
    const size_t *idx;
    size_t len;
    uint32_t flags = 0;
    int rc = jt_trust_path(j->trust, p, &idx, &len);

    if (rc != 0 || len == 0 || idx[0] != 0 || !is_peer_leaf(j, leaf))
        return JT_ERR_JIT_NOT_TRUSTED; /* every path starts at cert 0 */
    mbedtls_x509_crt_init(&chain);
    for (size_t i = 0; i < len && rc == 0; i++) {
        const struct jt_der_cert *c = jt_trust_cert(j->trust, idx[i]);
        int ret = mbedtls_x509_crt_parse_der(&chain, c->raw.p, c->raw.len);

        if (ret != 0) {
            j->mbed_err = ret;
            rc = JT_ERR_JIT_PARSE;
        }
    }
    if (rc == 0) {
        (void)mbedtls_x509_crt_verify_with_profile(
            &chain, ca, NULL, &profile, j->host.name, &flags, vrfy_cb, &top);
        j->flags = flags;
        rc = map_flags(j, leaf, flags);
    }
    if (rc == 0)
        rc = check_usage(leaf, &chain);
    if (rc == 0)
        rc = check_anchor(j, leaf, top.crt);
    if (rc == 0)
        note_anchor_key(j, top.crt);
    mbedtls_x509_crt_free(&chain);
    return rc;
}

/* Prefer a specific failure over "does not chain" across paths. */
static int
worse(int best, int rc)
{
    if (best == 0 || best == JT_ERR_JIT_NOT_TRUSTED)
        return rc;
    return best;
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
    size_t used = 0, off = 0;

    if (jt_cache_get(j->ctx->hosts, &ck, jt_loop_now(j->ctx->o.loop), val,
                     sizeof(val), &used) != 0)
        return;
    while (off + 2 <= used && j->nwarm < JT_TRUST_MAX_ANCHORS) {
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

/* Step 5: every candidate path against the anchors the sources gave. */
static int
post_verify(struct jt_jit *j)
{
    struct jt_span anchors[JT_TRUST_MAX_ANCHORS];
    mbedtls_x509_crt ca;
    int n = jt_trust_anchors(j->trust, anchors, JT_TRUST_MAX_ANCHORS);
    int rc = JT_ERR_JIT_NOT_TRUSTED, usable = 0;

    if (n <= 0) {
        msg_no_ca(j);
        return JT_ERR_JIT_NO_TRUSTED_CA;
    }
    mbedtls_x509_crt_init(&ca);
    for (int i = 0; i < n; i++)
        if (mbedtls_x509_crt_parse_der(&ca, anchors[i].p, anchors[i].len) == 0)
            usable++;
    for (size_t p = 0; usable > 0 && p < jt_trust_path_count(j->trust); p++) {
        int r = try_path(j, p, &ca);

        if (r == 0) {
            rc = 0;
            break;
        }
        rc = worse(rc, r);
    }
    mbedtls_x509_crt_free(&ca);
    if (rc == 0)
        remember(j);
    return rc;
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
    j->flags = 0;
    j->mbed_err = 0;
    j->msg[0] = 0;
    return load_chain(j);
}

/* Lookups, then post-verification; a failed warm attempt goes cold. */
static int
run(struct jt_jit *j)
{
    int rc;

    for (;;) {
        rc = lookups(j);
        if (rc == JT_ERR_JIT_PENDING)
            return rc;
        if (rc == 0)
            rc = post_verify(j);
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

    j->result = rc;
    if (rc == 0) {
        jti_tls_mark_verified(j->tls);
        snprintf(j->msg, sizeof(j->msg), "verified %s", j->host.name);
        return;
    }
    if (j->msg[0] == 0)
        snprintf(j->msg, sizeof(j->msg), "%s: %s", j->host.name,
                 jt_strerror(rc));
    (void)jti_tls_reject(j->tls, rc, alert_for(rc));
    if (rc == JT_ERR_JIT_NO_TRUSTED_CA)
        (void)jt_cache_put(j->ctx->neg, &ck, "", 0, j->ctx->o.neg_ttl_ms,
                           jt_loop_now(j->ctx->o.loop));
}

/* Stash the peer chain and build the paths and keys. */
static int
load_chain(struct jt_jit *j)
{
    struct jt_span spans[CHAIN_CAP];
    size_t n;
    int rc = jt_tls_peer_chain(j->tls, spans, CHAIN_CAP, &n);

    if (rc != 0 && rc != JT_ERR_NOSPC)
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

/* 1 when a recent "no trusted CA" for this host is cached. */
static int
negative_hit(struct jt_jit *j)
{
    struct jt_cache_key ck = {j->host.name, j->host.len, j->port,
                              j->ctx->o.policy};
    size_t used;

    return jt_cache_get(j->ctx->neg, &ck, jt_loop_now(j->ctx->o.loop), NULL, 0,
                        &used) == 0;
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
    if (rc != 0) {
        finish(j, rc);
        return rc;
    }
    j->result = JT_ERR_JIT_PENDING;
    warm_lookup(j);
    return run(j);
}
