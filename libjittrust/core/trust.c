// SPDX-License-Identifier: MIT
/*
 * core: the JIT trust decision state machine (see trust.h). Stashes the
 * certificates a server sent (borrowed, parsed with the DER walker), walks
 * every simple issuer path from cert 0 with an explicit stack, lists the
 * keys to look up from the leaf upward, and checks and copies what trust
 * sources answer. All fixed-size state is allocated at create; only
 * accepted answer copies are allocated later, each under a cap.
 */
#include "jittrust/trust.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "jittrust/error.h"

#include "alloc-int.h"

enum tstate {
    T_ADDING, /* taking certificates */
    T_BUILT,  /* paths and keys known, taking answers */
    T_FAILED, /* add_cert or build failed; only reset helps */
};

/* One sent certificate. */
struct tcert {
    struct jt_der_cert c;
    uint8_t dup;     /* exact DER duplicate of an earlier cert: ignored */
    uint8_t selfend; /* self-issued: ends every path it is on */
};

/* One level of the path walk: a cert and the next issuer to try. */
struct frame {
    size_t cert;
    size_t next;
    int pushed; /* an issuer was pushed above this frame */
};

/* One stored answer certificate (a copy). */
struct tans {
    uint8_t *der;
    size_t len;
    size_t key;      /* earliest key that named it */
    size_t pend_key; /* an earlier key naming it in the answer under way,
                        SIZE_MAX when none */
};

struct jt_trust {
    const struct jt_alloc *a;
    struct jt_hash_ops hash;
    jt_trust_index_fn index_check;
    void *index_ud;
    size_t max_certs, max_paths, max_per_key, max_answers, max_keys;
    enum tstate state;
    int failed; /* index of the cert that failed, -1 */
    size_t ncerts;
    struct tcert *certs; /* max_certs */
    size_t npaths;
    size_t *path_idx;    /* max_paths rows of max_certs */
    size_t *path_len;    /* max_paths */
    struct frame *stack; /* max_certs */
    uint8_t *onpath;     /* max_certs */
    size_t nkeys;
    struct jt_key *keys; /* max_keys */
    uint8_t *answered;   /* max_keys */
    size_t nans;
    struct tans *ans; /* max_answers */
};

/* ---------------------------------------------------------------------- */
/* Create, reset, destroy. */

/* |v|, or |def| when |v| is 0. */
static size_t
cap_or(size_t v, size_t def)
{
    return v == 0 ? def : v;
}

/* 0 when |o| is usable, JT_ERR_INVAL otherwise. */
static int
check_opts(const struct jt_trust_opts *o)
{
    if (o == NULL || o->hash == NULL || o->hash->sha1 == NULL ||
        o->hash->sha256 == NULL)
        return JT_ERR_INVAL;
    if (o->max_certs > JT_TRUST_CAP_LIMIT ||
        o->max_paths > JT_TRUST_CAP_LIMIT ||
        o->max_per_key > JT_TRUST_CAP_LIMIT ||
        o->max_answers > JT_TRUST_CAP_LIMIT)
        return JT_ERR_INVAL;
    return 0;
}

/* Allocate every fixed-size array; 0 or JT_ERR_NOMEM. */
static int
alloc_arrays(struct jt_trust *t)
{
    const struct jt_alloc *a = t->a;

    t->certs = jti_calloc(a, t->max_certs, sizeof(*t->certs));
    t->path_idx = jti_calloc(a, t->max_paths * t->max_certs, sizeof(size_t));
    t->path_len = jti_calloc(a, t->max_paths, sizeof(size_t));
    t->stack = jti_calloc(a, t->max_certs, sizeof(*t->stack));
    t->onpath = jti_calloc(a, t->max_certs, 1);
    t->keys = jti_calloc(a, t->max_keys, sizeof(*t->keys));
    t->answered = jti_calloc(a, t->max_keys, 1);
    t->ans = jti_calloc(a, t->max_answers, sizeof(*t->ans));
    if (t->certs == NULL || t->path_idx == NULL || t->path_len == NULL ||
        t->stack == NULL || t->onpath == NULL || t->keys == NULL ||
        t->answered == NULL || t->ans == NULL)
        return JT_ERR_NOMEM;
    return 0;
}

int
jt_trust_create(struct jt_trust **tp, const struct jt_trust_opts *o,
                const struct jt_alloc *a)
{
    struct jt_trust *t;

    if (tp == NULL)
        return JT_ERR_INVAL;
    *tp = NULL;
    if (check_opts(o) != 0)
        return JT_ERR_INVAL;
    t = jti_calloc(a, 1, sizeof(*t));
    if (t == NULL)
        return JT_ERR_NOMEM;
    t->a = a;
    t->hash = *o->hash;
    t->index_check = o->index_check;
    t->index_ud = o->index_ud;
    t->max_certs = cap_or(o->max_certs, JT_TRUST_DEFAULT_MAX_CERTS);
    t->max_paths = cap_or(o->max_paths, JT_TRUST_DEFAULT_MAX_PATHS);
    t->max_per_key = cap_or(o->max_per_key, JT_TRUST_DEFAULT_MAX_PER_KEY);
    t->max_answers = cap_or(o->max_answers, JT_TRUST_DEFAULT_MAX_ANSWERS);
    /* Each cert adds at most two keys: its own and its issuer's. */
    t->max_keys = 2 * t->max_certs;
    t->failed = -1;
    if (alloc_arrays(t) != 0) {
        jt_trust_destroy(t);
        return JT_ERR_NOMEM;
    }
    *tp = t;
    return 0;
}

void
jt_trust_reset(struct jt_trust *t)
{
    if (t == NULL)
        return;
    jt_trust_release_answers(t);
    memset(t->answered, 0, t->max_keys);
    t->ncerts = 0;
    t->npaths = 0;
    t->nkeys = 0;
    t->state = T_ADDING;
    t->failed = -1;
}

void
jt_trust_release_answers(struct jt_trust *t)
{
    if (t == NULL || t->ans == NULL)
        return;
    for (size_t i = 0; i < t->nans; i++)
        jti_free(t->a, t->ans[i].der);
    memset(t->ans, 0, t->max_answers * sizeof(*t->ans));
    t->nans = 0;
}

void
jt_trust_destroy(struct jt_trust *t)
{
    const struct jt_alloc *a;

    if (t == NULL)
        return;
    a = t->a;
    if (t->ans != NULL && t->answered != NULL)
        jt_trust_reset(t);
    jti_free(a, t->certs);
    jti_free(a, t->path_idx);
    jti_free(a, t->path_len);
    jti_free(a, t->stack);
    jti_free(a, t->onpath);
    jti_free(a, t->keys);
    jti_free(a, t->answered);
    jti_free(a, t->ans);
    jti_free(a, t);
}

/* Make |t| fail stickily with |rc|, naming cert |idx| (-1: none). */
static int
fail(struct jt_trust *t, int rc, int idx)
{
    t->state = T_FAILED;
    t->failed = idx;
    t->npaths = 0;
    t->nkeys = 0;
    return rc;
}

/* ---------------------------------------------------------------------- */
/* Certificates. */

static int
span_eq(const struct jt_span *a, const struct jt_span *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->p, b->p, a->len) == 0);
}

/* Self-issued: issuer == subject, AKID keyid absent or its own SKID. */
static uint8_t
self_ends(const struct jt_der_cert *c)
{
    if (!span_eq(&c->issuer, &c->subject))
        return 0;
    if (c->akid.len == 0)
        return 1;
    return c->skid.len != 0 && span_eq(&c->akid, &c->skid);
}

/* 1 when cert |n| has the same DER as an earlier one. */
static uint8_t
is_dup(const struct jt_trust *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (span_eq(&t->certs[i].c.raw, &t->certs[n].c.raw))
            return 1;
    return 0;
}

int
jt_trust_add_cert(struct jt_trust *t, const uint8_t *der, size_t len)
{
    struct tcert *tc;
    int rc;

    if (t == NULL || der == NULL)
        return JT_ERR_INVAL;
    if (t->state != T_ADDING)
        return JT_ERR_STATE;
    if (t->ncerts == t->max_certs)
        return fail(t, JT_ERR_TRUST_TOO_MANY_CERTS, (int)t->ncerts);
    tc = &t->certs[t->ncerts];
    memset(tc, 0, sizeof(*tc));
    rc = jt_der_cert_parse(&tc->c, der, len);
    if (rc != 0)
        return fail(t, rc, (int)t->ncerts);
    tc->dup = is_dup(t, t->ncerts);
    tc->selfend = self_ends(&tc->c);
    t->ncerts++;
    return 0;
}

int
jt_trust_failed_index(const struct jt_trust *t)
{
    return t == NULL ? -1 : t->failed;
}

size_t
jt_trust_cert_count(const struct jt_trust *t)
{
    return t == NULL ? 0 : t->ncerts;
}

const struct jt_der_cert *
jt_trust_cert(const struct jt_trust *t, size_t i)
{
    if (t == NULL || i >= t->ncerts)
        return NULL;
    return &t->certs[i].c;
}

/* ---------------------------------------------------------------------- */
/* Candidate paths. */

/*
 * 1 when |j| may have issued |c|: not a duplicate, subject == c's issuer,
 * and SKID == c's AKID keyid when both are present.
 */
static int
is_issuer(const struct tcert *c, const struct tcert *j)
{
    if (j->dup || !span_eq(&j->c.subject, &c->c.issuer))
        return 0;
    if (c->c.akid.len != 0 && j->c.skid.len != 0)
        return span_eq(&j->c.skid, &c->c.akid);
    return 1;
}

/* The first issuer candidate of cert |c| at index >= |from|, or ncerts. */
static size_t
next_issuer(const struct jt_trust *t, size_t c, size_t from)
{
    if (t->certs[c].selfend)
        return t->ncerts;
    for (size_t j = from; j < t->ncerts; j++)
        if (j != c && is_issuer(&t->certs[c], &t->certs[j]))
            return j;
    return t->ncerts;
}

/* Record the |depth| certs on the stack as the next candidate path. */
static int
emit_path(struct jt_trust *t, size_t depth)
{
    size_t *dst;

    if (t->npaths == t->max_paths) {
        t->failed = (int)t->stack[depth - 1].cert;
        return JT_ERR_TRUST_TOO_MANY_PATHS;
    }
    dst = t->path_idx + t->npaths * t->max_certs;
    for (size_t i = 0; i < depth; i++)
        dst[i] = t->stack[i].cert;
    t->path_len[t->npaths++] = depth;
    return 0;
}

/*
 * Every maximal simple path from cert 0, depth first. A frame whose certs
 * are all distinct never outgrows the stack (ncerts <= max_certs), and
 * every push ends in an emitted path or an error, so the walk is bounded
 * by max_paths. Returns 0, JT_ERR_TRUST_CYCLE or
 * JT_ERR_TRUST_TOO_MANY_PATHS (with t->failed set).
 */
static int
find_paths(struct jt_trust *t)
{
    size_t depth = 1;

    memset(t->onpath, 0, t->ncerts);
    t->stack[0] = (struct frame){0, 0, 0};
    t->onpath[0] = 1;
    while (depth > 0) {
        struct frame *f = &t->stack[depth - 1];
        size_t j = next_issuer(t, f->cert, f->next);

        if (j < t->ncerts) {
            if (t->onpath[j]) {
                t->failed = (int)j;
                return JT_ERR_TRUST_CYCLE;
            }
            f->next = j + 1;
            f->pushed = 1;
            t->stack[depth++] = (struct frame){j, 0, 0};
            t->onpath[j] = 1;
            continue;
        }
        if (!f->pushed) {
            int rc = emit_path(t, depth);

            if (rc != 0)
                return rc;
        }
        t->onpath[f->cert] = 0;
        depth--;
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Keys to look up. */

/* A CA's own key: its SKID, else its computed key id. */
static int
own_key(const struct jt_trust *t, const struct jt_der_cert *c, struct jt_key *k)
{
    int rc = jt_key_skid(k, c);

    if (rc == JT_ERR_NOT_FOUND)
        rc = jt_key_computed(k, c, &t->hash);
    return rc;
}

/* The key of |c|'s issuer: AKID keyid, else AKID issuer+serial, else the
   issuer Name. */
static int
issuer_key(const struct jt_trust *t, const struct jt_der_cert *c,
           struct jt_key *k)
{
    int rc = jt_key_akid(k, c);

    if (rc == JT_ERR_NOT_FOUND)
        rc = jt_key_akid_issuer_serial(k, c, &t->hash);
    if (rc == JT_ERR_NOT_FOUND)
        rc = jt_key_issuer(k, c, &t->hash);
    return rc;
}

/* Append |k| unless it is already listed. */
static int
add_key(struct jt_trust *t, const struct jt_key *k)
{
    for (size_t i = 0; i < t->nkeys; i++)
        if (jt_key_cmp(&t->keys[i], k) == 0)
            return 0;
    if (t->nkeys == t->max_keys)
        return JT_ERR_NOSPC; /* cannot happen: two keys per cert */
    t->keys[t->nkeys++] = *k;
    return 0;
}

/* The keys of cert |ci| met at |depth| of a path. */
static int
cert_keys(struct jt_trust *t, size_t ci, size_t depth)
{
    const struct tcert *tc = &t->certs[ci];
    struct jt_key k;
    int rc = 0;

    if (depth > 0) {
        rc = own_key(t, &tc->c, &k);
        if (rc == 0)
            rc = add_key(t, &k);
    }
    if (rc == 0 && !(depth > 0 && tc->selfend)) {
        rc = issuer_key(t, &tc->c, &k);
        if (rc == 0)
            rc = add_key(t, &k);
    }
    if (rc != 0)
        t->failed = (int)ci;
    return rc;
}

/* Walk the paths by depth, then path index, collecting keys. */
static int
find_keys(struct jt_trust *t)
{
    size_t maxlen = 0;

    for (size_t p = 0; p < t->npaths; p++)
        if (t->path_len[p] > maxlen)
            maxlen = t->path_len[p];
    for (size_t d = 0; d < maxlen; d++) {
        for (size_t p = 0; p < t->npaths; p++) {
            int rc;

            if (d >= t->path_len[p])
                continue;
            rc = cert_keys(t, t->path_idx[p * t->max_certs + d], d);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}

int
jt_trust_build(struct jt_trust *t)
{
    int rc;

    if (t == NULL)
        return JT_ERR_INVAL;
    if (t->state != T_ADDING)
        return JT_ERR_STATE;
    if (t->ncerts == 0)
        return fail(t, JT_ERR_TRUST_NO_CERTS, -1);
    if (t->certs[0].c.flags & JT_DER_IS_CA)
        return fail(t, JT_ERR_TRUST_LEAF_IS_CA, 0);
    rc = find_paths(t);
    if (rc == 0)
        rc = find_keys(t);
    if (rc != 0)
        return fail(t, rc, t->failed);
    t->state = T_BUILT;
    return 0;
}

size_t
jt_trust_path_count(const struct jt_trust *t)
{
    return t == NULL ? 0 : t->npaths;
}

int
jt_trust_path(const struct jt_trust *t, size_t i, const size_t **idx,
              size_t *len)
{
    if (t == NULL || idx == NULL || len == NULL || i >= t->npaths)
        return JT_ERR_INVAL;
    *idx = t->path_idx + i * t->max_certs;
    *len = t->path_len[i];
    return 0;
}

size_t
jt_trust_key_count(const struct jt_trust *t)
{
    return t == NULL ? 0 : t->nkeys;
}

const struct jt_key *
jt_trust_key(const struct jt_trust *t, size_t i)
{
    if (t == NULL || i >= t->nkeys)
        return NULL;
    return &t->keys[i];
}

int
jt_trust_key_answered(const struct jt_trust *t, size_t i)
{
    if (t == NULL || i >= t->nkeys)
        return JT_ERR_INVAL;
    return t->answered[i] != 0;
}

size_t
jt_trust_pending(const struct jt_trust *t)
{
    size_t n = 0;

    if (t == NULL)
        return 0;
    for (size_t i = 0; i < t->nkeys; i++)
        n += t->answered[i] == 0;
    return n;
}

/* ---------------------------------------------------------------------- */
/* Answers. */

/* 0 when |c|'s key of |asked|'s type has |asked|'s bytes. */
static int
key_matches(const struct jt_trust *t, const struct jt_key *asked,
            const struct jt_der_cert *c)
{
    struct jt_key k;
    int rc;

    switch (asked->type) {
    case JT_KEY_SKID:
        rc = jt_key_skid(&k, c);
        if (rc == JT_ERR_NOT_FOUND)
            rc = jt_key_computed(&k, c, &t->hash);
        break;
    case JT_KEY_COMPUTED:
        rc = jt_key_computed(&k, c, &t->hash);
        break;
    case JT_KEY_ISSUER_SERIAL:
        rc = jt_key_issuer_serial(&k, c, &t->hash);
        break;
    default:
        rc = jt_key_subject(&k, c, &t->hash);
        break;
    }
    if (rc == JT_ERR_NOT_FOUND)
        return JT_ERR_TRUST_ANSWER_KEY_MISMATCH;
    if (rc != 0)
        return rc;
    if (k.len != asked->len || memcmp(k.b, asked->b, k.len) != 0)
        return JT_ERR_TRUST_ANSWER_KEY_MISMATCH;
    return 0;
}

/* The authenticated index check of answer |s| for |asked|. */
static int
index_ok(const struct jt_trust *t, const struct jt_key *asked,
         const struct jt_span *s)
{
    uint8_t h[32];

    if (t->hash.sha256(t->hash.ud, s->p, s->len, h) != 0)
        return JT_ERR_TRUST_HASH;
    if (t->index_check(t->index_ud, asked, h) != 1)
        return JT_ERR_TRUST_ANSWER_NOT_INDEXED;
    return 0;
}

/* Every acceptance check of answer cert |s| for |asked| (see trust.h). */
static int
check_answer(const struct jt_trust *t, const struct jt_key *asked,
             const struct jt_span *s)
{
    struct jt_der_cert c;
    int rc;

    if (s->p == NULL)
        return JT_ERR_INVAL;
    if (s->len > JT_TRUST_ANSWER_MAX)
        return JT_ERR_TRUST_ANSWER_TOO_BIG;
    rc = jt_der_cert_parse(&c, s->p, s->len);
    if (rc != 0)
        return rc;
    rc = key_matches(t, asked, &c);
    if (rc != 0)
        return rc;
    if (!(c.flags & JT_DER_IS_CA))
        return JT_ERR_TRUST_ANSWER_NOT_CA;
    if ((c.flags & JT_DER_HAS_KU) && !(c.key_usage & JT_DER_KU_KEY_CERT_SIGN))
        return JT_ERR_TRUST_ANSWER_NO_CERTSIGN;
    if (t->index_check != NULL)
        return index_ok(t, asked, s);
    return 0;
}

/*
 * Store accepted cert |s| for key |ki|: a duplicate of a stored or pending
 * cert is not stored again (a committed one remembers |ki| if earlier);
 * else it becomes pending copy number |*added| of this answer.
 * Returns 0, JT_ERR_NOSPC (a cap is full) or JT_ERR_NOMEM.
 */
static int
keep_answer(struct jt_trust *t, size_t ki, const struct jt_span *s,
            size_t *added)
{
    size_t total = t->nans + *added;
    struct tans *a;

    for (size_t i = 0; i < total; i++) {
        a = &t->ans[i];
        if (a->len != s->len || memcmp(a->der, s->p, s->len) != 0)
            continue;
        if (i < t->nans && ki < a->key && ki < a->pend_key)
            a->pend_key = ki;
        return 0;
    }
    if (*added == t->max_per_key || total == t->max_answers)
        return JT_ERR_NOSPC;
    a = &t->ans[total];
    a->der = jti_alloc(t->a, s->len);
    if (a->der == NULL)
        return JT_ERR_NOMEM;
    memcpy(a->der, s->p, s->len);
    a->len = s->len;
    a->key = ki;
    a->pend_key = SIZE_MAX;
    (*added)++;
    return 0;
}

/* End the answer under way: keep (|keep| != 0) or drop its |added| copies
   and its earlier-key notes. */
static void
end_answer(struct jt_trust *t, size_t added, int keep)
{
    for (size_t i = 0; i < t->nans; i++) {
        struct tans *a = &t->ans[i];

        if (keep && a->pend_key != SIZE_MAX)
            a->key = a->pend_key;
        a->pend_key = SIZE_MAX;
    }
    if (keep) {
        t->nans += added;
        return;
    }
    for (size_t i = t->nans; i < t->nans + added; i++) {
        jti_free(t->a, t->ans[i].der);
        memset(&t->ans[i], 0, sizeof(t->ans[i]));
    }
}

int
jt_trust_answer(struct jt_trust *t, size_t key_index,
                const struct jt_span *certs, size_t n, int *results)
{
    size_t added = 0;
    int accepted = 0;

    if (t == NULL || (certs == NULL && n > 0) || n > INT_MAX)
        return JT_ERR_INVAL;
    if (t->state != T_BUILT)
        return JT_ERR_STATE;
    if (key_index >= t->nkeys)
        return JT_ERR_INVAL;
    if (t->answered[key_index])
        return JT_ERR_TRUST_ANSWERED;
    for (size_t i = 0; i < n; i++) {
        int rc = check_answer(t, &t->keys[key_index], &certs[i]);

        if (rc == 0)
            rc = keep_answer(t, key_index, &certs[i], &added);
        if (rc == JT_ERR_NOMEM) {
            end_answer(t, added, 0);
            return JT_ERR_NOMEM;
        }
        if (results != NULL)
            results[i] = rc;
        accepted += rc == 0;
    }
    end_answer(t, added, 1);
    t->answered[key_index] = 1;
    return accepted;
}

int
jt_trust_anchors(const struct jt_trust *t, struct jt_span *out, size_t cap)
{
    size_t n = 0,
           want = cap < JT_TRUST_MAX_ANCHORS ? cap : JT_TRUST_MAX_ANCHORS;

    if (out == NULL && cap > 0)
        return JT_ERR_INVAL;
    if (t == NULL)
        return 0;
    for (size_t k = 0; k < t->nkeys && n < want; k++) {
        for (size_t i = 0; i < t->nans && n < want; i++) {
            if (t->ans[i].key != k)
                continue;
            out[n].p = t->ans[i].der;
            out[n].len = t->ans[i].len;
            n++;
        }
    }
    return (int)n;
}
