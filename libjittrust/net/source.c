// SPDX-License-Identifier: MIT
/*
 * Built-in trust sources (net): a blob, a file or directory of PEM/DER
 * certificates, and an asynchronous test source. Each implements the
 * jit_trust_query op of jittrust/source.h: it answers the query handle
 * exactly once, synchronously except for the async source, which answers
 * through its inner source from a loop timer.
 */
#include "jittrust/source.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <mbedtls/x509_crt.h>

#include "alloc-int.h"
#include "jit-int.h"
#include "jittrust/error.h"
#include "jittrust/hash.h"

/* ---- blob ---- */

/* Answer |key| with every entry of the blob that carries DER. */
static int
blob_query(void *ud, const struct jt_key *key, struct jt_query q)
{
    const struct jt_blob *b = ud;
    struct jt_source_cert certs[JT_SOURCE_MAX_ANSWER];
    struct jt_blob_iter it = {0};
    struct jt_blob_entry e;
    size_t n = 0, idx;

    while (n < JT_SOURCE_MAX_ANSWER && jt_blob_find(b, key, &it, &idx) == 1) {
        if (jt_blob_entry(b, idx, &e) != 0 || e.der.len == 0)
            continue;
        certs[n].der = e.der.p;
        certs[n].len = e.der.len;
        certs[n].not_after = e.not_after;
        certs[n].distrust_after = e.distrust_after;
        n++;
    }
    return jt_query_answer(q, certs, n);
}

int
jt_source_blob(const struct jt_blob *b, struct jt_source *out)
{
    if (b == NULL || out == NULL)
        return JT_ERR_INVAL;
    memset(out, 0, sizeof(*out));
    out->name = "blob";
    out->query = blob_query;
    out->ud = (void *)(uintptr_t)b;
    return 0;
}

/* ---- certificates from a file or directory ---- */

struct certs_src {
    const struct jt_alloc *alloc;
    mbedtls_x509_crt chain;
};

int
jti_cert_key(struct jt_key *k, int type, const struct jt_der_cert *c)
{
    switch (type) {
    case JT_KEY_SKID:
        if (jt_key_skid(k, c) == 0)
            return 0;
        return jt_key_computed(k, c, jt_hash_ops_mbedtls());
    case JT_KEY_COMPUTED:
        return jt_key_computed(k, c, jt_hash_ops_mbedtls());
    case JT_KEY_ISSUER_SERIAL:
        return jt_key_issuer_serial(k, c, jt_hash_ops_mbedtls());
    case JT_KEY_SUBJECT:
        return jt_key_subject(k, c, jt_hash_ops_mbedtls());
    default:
        return JT_ERR_INVAL;
    }
}

static int
certs_query(void *ud, const struct jt_key *key, struct jt_query q)
{
    struct certs_src *s = ud;
    struct jt_source_cert certs[JT_SOURCE_MAX_ANSWER];
    size_t n = 0;

    for (mbedtls_x509_crt *c = &s->chain;
         c != NULL && c->raw.p != NULL && n < JT_SOURCE_MAX_ANSWER;
         c = c->next) {
        struct jt_der_cert d;
        struct jt_key k;

        if (jt_der_cert_parse(&d, c->raw.p, c->raw.len) != 0 ||
            jti_cert_key(&k, key->type, &d) != 0 || jt_key_cmp(&k, key) != 0)
            continue;
        memset(&certs[n], 0, sizeof(certs[n]));
        certs[n].der = c->raw.p;
        certs[n].len = c->raw.len;
        n++;
    }
    return jt_query_answer(q, certs, n);
}

static void
certs_destroy(void *ud)
{
    struct certs_src *s = ud;

    if (s == NULL)
        return;
    mbedtls_x509_crt_free(&s->chain);
    jti_free(s->alloc, s);
}

/* Parse every certificate of file |path| into the chain. */
static int
load_file(struct certs_src *s, const char *path)
{
    int ret = mbedtls_x509_crt_parse_file(&s->chain, path);

    return ret == 0 ? 0 : JT_ERR_JIT_SOURCE;
}

/* Load every regular file of directory |path|. */
static int
load_dir(struct certs_src *s, const char *path)
{
    char file[4096];
    struct dirent *de;
    DIR *d = opendir(path);
    int rc = 0;

    if (d == NULL)
        return JT_ERR_JIT_SOURCE;
    while (rc == 0 && (de = readdir(d)) != NULL) {
        struct stat st;
        int w;

        if (de->d_name[0] == '.')
            continue;
        w = snprintf(file, sizeof(file), "%s/%s", path, de->d_name);
        if (w < 0 || (size_t)w >= sizeof(file))
            rc = JT_ERR_JIT_SOURCE;
        else if (stat(file, &st) == 0 && S_ISREG(st.st_mode))
            rc = load_file(s, file);
    }
    closedir(d);
    return rc;
}

int
jt_source_certs_create(const char *path, const struct jt_alloc *a,
                       struct jt_source *out)
{
    struct certs_src *s;
    struct stat st;
    int rc;

    if (path == NULL || out == NULL)
        return JT_ERR_INVAL;
    memset(out, 0, sizeof(*out));
    if (stat(path, &st) != 0)
        return JT_ERR_JIT_SOURCE;
    s = jti_calloc(a, 1, sizeof(*s));
    if (s == NULL)
        return JT_ERR_NOMEM;
    s->alloc = a;
    mbedtls_x509_crt_init(&s->chain);
    rc = S_ISDIR(st.st_mode) ? load_dir(s, path) : load_file(s, path);
    if (rc == 0 && s->chain.raw.p == NULL)
        rc = JT_ERR_JIT_SOURCE;
    if (rc != 0) {
        certs_destroy(s);
        return rc;
    }
    out->name = "dir";
    out->query = certs_query;
    out->destroy = certs_destroy;
    out->ud = s;
    return 0;
}

/* ---- asynchronous test source ---- */

#define ASYNC_MAX 16u

struct async_pending {
    uint64_t timer; /* 0 = free */
    struct jt_query q;
    struct jt_key key;
    struct async_src *src;
};

struct async_src {
    const struct jt_alloc *alloc;
    struct jt_loop *loop;
    struct jt_source inner;
    uint32_t delay_ms;
    struct async_pending p[ASYNC_MAX];
};

static void
async_fire(struct jt_loop *loop, void *ud)
{
    struct async_pending *p = ud;
    struct jt_query q = p->q;
    struct jt_key key = p->key;
    struct async_src *s = p->src;

    (void)loop;
    p->timer = 0;
    if (s->inner.query(s->inner.ud, &key, q) < 0)
        (void)jt_query_answer(q, NULL, 0);
}

static int
async_query(void *ud, const struct jt_key *key, struct jt_query q)
{
    struct async_src *s = ud;

    for (size_t i = 0; i < ASYNC_MAX; i++) {
        struct async_pending *p = &s->p[i];

        if (p->timer != 0)
            continue;
        p->q = q;
        p->key = *key;
        p->src = s;
        return jt_loop_timer_add(s->loop, s->delay_ms, async_fire, p,
                                 &p->timer);
    }
    return JT_ERR_NOSPC;
}

static void
async_destroy(void *ud)
{
    struct async_src *s = ud;

    if (s == NULL)
        return;
    for (size_t i = 0; i < ASYNC_MAX; i++)
        if (s->p[i].timer != 0)
            (void)jt_loop_timer_cancel(s->loop, s->p[i].timer);
    if (s->inner.destroy != NULL)
        s->inner.destroy(s->inner.ud);
    jti_free(s->alloc, s);
}

int
jt_source_async_create(struct jt_loop *loop, const struct jt_source *inner,
                       uint32_t delay_ms, const struct jt_alloc *a,
                       struct jt_source *out)
{
    struct async_src *s;

    if (loop == NULL || inner == NULL || inner->query == NULL || out == NULL)
        return JT_ERR_INVAL;
    memset(out, 0, sizeof(*out));
    s = jti_calloc(a, 1, sizeof(*s));
    if (s == NULL)
        return JT_ERR_NOMEM;
    s->alloc = a;
    s->loop = loop;
    s->inner = *inner;
    s->delay_ms = delay_ms;
    out->name = inner->name;
    out->query = async_query;
    out->destroy = async_destroy;
    out->ud = s;
    return 0;
}
