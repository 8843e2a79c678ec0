// SPDX-License-Identifier: MIT
/*
 * Parsed CA sets (net): the anchors of a verification that passed, kept
 * parsed under the lookup key of the anchor that verified, so a warm
 * connection verifies without asking a source or parsing a CA again.
 * Reference-counted by the connections holding them; an idle set lives
 * on for the context's grace (default 5000 ms) on a loop timer, then is
 * freed. A flush (generation change) frees idle sets at once and retires
 * those in use.
 */
#include <string.h>

#include <mbedtls/sha256.h>

#include "alloc-int.h"
#include "jit-int.h"
#include "jittrust/loop.h"

static void
set_free(struct jt_jit_ctx *c, size_t i)
{
    struct jti_caset *s = c->sets[i];

    mbedtls_x509_crt_free(&s->crt);
    jti_free(c->o.alloc, s);
    c->sets[i] = c->sets[--c->nsets];
    c->sets[c->nsets] = NULL;
}

static void arm(struct jt_jit_ctx *c);

/* The grace timer: free every set idle for the whole grace. */
static void
sweep(struct jt_loop *loop, void *ud)
{
    struct jt_jit_ctx *c = ud;
    uint64_t now = jt_loop_now(loop);

    c->sweep_armed = 0;
    for (size_t i = c->nsets; i-- > 0;) {
        const struct jti_caset *s = c->sets[i];

        if (s->refs == 0 && now - s->idle_since >= c->o.caset_grace_ms)
            set_free(c, i);
    }
    arm(c);
}

/* Arm the timer for the oldest idle set, if any and not armed. */
static void
arm(struct jt_jit_ctx *c)
{
    uint64_t now = jt_loop_now(c->o.loop), first = UINT64_MAX, delay;

    if (c->sweep_armed)
        return;
    for (size_t i = 0; i < c->nsets; i++)
        if (c->sets[i]->refs == 0 && c->sets[i]->idle_since < first)
            first = c->sets[i]->idle_since;
    if (first == UINT64_MAX)
        return;
    delay = first + c->o.caset_grace_ms > now
                ? first + c->o.caset_grace_ms - now
                : 0;
    if (jt_loop_timer_add(c->o.loop, delay, sweep, c, &c->sweep_id) == 0)
        c->sweep_armed = 1;
}

struct jti_caset *
jti_caset_get(struct jt_jit_ctx *c, const struct jt_key *k)
{
    for (size_t i = 0; i < c->nsets; i++) {
        struct jti_caset *s = c->sets[i];

        if (s->gen == c->gen && !s->retired && jt_key_cmp(&s->key, k) == 0) {
            s->refs++;
            c->stats.caset_hits++;
            return s;
        }
    }
    c->stats.caset_misses++;
    return NULL;
}

/* Make room for one more set: evict the longest-idle one if full. */
static int
room(struct jt_jit_ctx *c)
{
    size_t victim = SIZE_MAX;

    if (c->nsets < c->o.caset_max)
        return 1;
    for (size_t i = 0; i < c->nsets; i++)
        if (c->sets[i]->refs == 0 &&
            (victim == SIZE_MAX ||
             c->sets[i]->idle_since < c->sets[victim]->idle_since))
            victim = i;
    if (victim == SIZE_MAX)
        return 0;
    set_free(c, victim);
    return 1;
}

/* Copy the source metadata of each anchor of |s| from |j|. */
static void
keep_meta(struct jti_caset *s, const struct jt_jit *j)
{
    for (const mbedtls_x509_crt *x = &s->crt; x != NULL; x = x->next) {
        uint8_t sha[32];

        if (x->raw.p == NULL ||
            mbedtls_sha256_ret(x->raw.p, x->raw.len, sha, 0) != 0)
            continue;
        for (size_t i = 0; i < j->nmeta; i++)
            if (s->nmeta < JT_TRUST_MAX_ANCHORS &&
                memcmp(j->meta[i].sha, sha, 32) == 0) {
                s->meta[s->nmeta++] = j->meta[i];
                break;
            }
    }
}

struct jti_caset *
jti_caset_adopt(struct jt_jit_ctx *c, const struct jt_key *k,
                mbedtls_x509_crt *ca, size_t ncerts, const struct jt_jit *j)
{
    struct jti_caset *s;

    if (k->len == 0)
        return NULL;
    /* one set per key: an older one goes now, or when its users do */
    for (size_t i = c->nsets; i-- > 0;) {
        struct jti_caset *old = c->sets[i];

        if (old->retired || jt_key_cmp(&old->key, k) != 0)
            continue;
        if (old->refs == 0)
            set_free(c, i);
        else
            old->retired = 1;
    }
    if (!room(c))
        return NULL;
    s = jti_calloc(c->o.alloc, 1, sizeof(*s));
    if (s == NULL)
        return NULL;
    s->key = *k;
    memcpy(&s->crt, ca, sizeof(*ca)); /* no self-pointers: a move */
    mbedtls_x509_crt_init(ca);
    s->ncerts = ncerts;
    keep_meta(s, j);
    s->refs = 1;
    s->gen = c->gen;
    c->sets[c->nsets++] = s;
    return s;
}

void
jti_caset_release(struct jt_jit_ctx *c, struct jti_caset *s)
{
    size_t i;

    for (i = 0; i < c->nsets && c->sets[i] != s; i++)
        ;
    if (i == c->nsets || s->refs == 0)
        return;
    if (--s->refs > 0)
        return;
    if (s->gen != c->gen || s->retired ||
        c->o.caset_grace_ms == JT_JIT_GRACE_NONE) {
        set_free(c, i);
        return;
    }
    s->idle_since = jt_loop_now(c->o.loop);
    arm(c);
}

void
jti_caset_flush(struct jt_jit_ctx *c)
{
    for (size_t i = c->nsets; i-- > 0;)
        if (c->sets[i]->refs == 0)
            set_free(c, i);
}

void
jti_caset_free_all(struct jt_jit_ctx *c)
{
    if (c->sweep_armed)
        (void)jt_loop_timer_cancel(c->o.loop, c->sweep_id);
    c->sweep_armed = 0;
    while (c->nsets > 0)
        set_free(c, c->nsets - 1);
}
