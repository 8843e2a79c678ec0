/* SPDX-License-Identifier: MIT */
/*
 * Trust sources and the query op (net): where the JIT flow looks up the CA
 * certificates for a key ("Trust sources" and step 4 of "The JIT trust
 * flow" in ARCHITECTURE.md; the lws_system_ops jit_trust_query idea).
 *
 * A source is a query function plus its user data. The flow calls
 * query(ud, key, q) once per key and source; the source must then call
 * jt_query_answer(q, ...) exactly once, either from inside query()
 * (synchronously) or later on the loop thread. The handle |q| is a value
 * holding a slot number and a generation: an answer to a query that was
 * already answered, or whose connection is gone, is a no-op returning
 * JT_ERR_JIT_STALE. A source answers with zero or more DER certificates;
 * every one is checked by the flow (jt_trust_answer: single DER <= 64 KB,
 * carries the asked key, CA with keyCertSign, in the authenticated index
 * when one is configured) before it can become an anchor.
 *
 * Built-in sources: a blob (the built-in one, a blob file, or any open
 * blob), a directory or file of PEM/DER certificates, and an asynchronous
 * test source that answers for another source after a delay on the loop.
 * Single-threaded: sources and answers belong to the loop thread.
 */
#ifndef JITTRUST_SOURCE_H
#define JITTRUST_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "jittrust/alloc.h"
#include "jittrust/blob.h"
#include "jittrust/export.h"
#include "jittrust/key.h"
#include "jittrust/loop.h"

#ifdef __cplusplus
extern "C" {
#endif

struct jt_jit_ctx;

/* A query handle: plain data, copy it freely (e.g. into a timer). */
struct jt_query {
    struct jt_jit_ctx *ctx;
    uint32_t slot;
    uint32_t gen;
};

/* One certificate of an answer; |der| is only read during the answer. */
struct jt_source_cert {
    const uint8_t *der;
    size_t len;
    int64_t not_after;      /* unix seconds, 0 = take it from the cert */
    int64_t distrust_after; /* unix seconds, 0 = none */
};

/* At most this many certificates of one answer are looked at. */
#define JT_SOURCE_MAX_ANSWER 16u

/*
 * The query op. Answer |q| exactly once (now or later). Returning a
 * negative code without having answered counts as an empty answer.
 */
typedef int (*jit_trust_query_fn)(void *ud, const struct jt_key *key,
                                  struct jt_query q);

struct jt_source {
    const char *name; /* short, for messages ("blob", "dir"); borrowed */
    jit_trust_query_fn query;
    void (*destroy)(void *ud); /* may be NULL; called by jt_jit_ctx_destroy */
    void *ud;
};

/*
 * jt_query_answer() - answer query |q| with |n| certificates (|certs| may
 * be NULL when |n| is 0; only the first JT_SOURCE_MAX_ANSWER are used).
 * Returns 0 (delivered), JT_ERR_JIT_STALE (already answered, cancelled,
 * or the connection is gone: nothing happens) or JT_ERR_INVAL (NULL
 * |q.ctx|, |certs| NULL with |n| > 0).
 */
JT_API int jt_query_answer(struct jt_query q,
                           const struct jt_source_cert *certs, size_t n);

/*
 * jt_source_blob() - a source answering from the open blob |b| (BORROWED:
 * it and its buffer must outlive the source). Entries without DER
 * (index-only blobs) are skipped; each answer carries the entry's
 * not-after and distrust-after. Fills |out| with name "blob". Returns 0 or
 * JT_ERR_INVAL.
 */
JT_API int jt_source_blob(const struct jt_blob *b, struct jt_source *out);

/*
 * jt_source_certs_create() - a source holding copies of every certificate
 * found at |path|: a PEM or DER file (PEM bundles allowed), or a directory
 * whose regular files are each such a file. Fills |out| with name "dir";
 * |out->destroy| frees it. Returns 0, JT_ERR_INVAL, JT_ERR_NOMEM or
 * JT_ERR_JIT_SOURCE (unreadable, no certificate, or a file that does not
 * parse).
 */
JT_API int jt_source_certs_create(const char *path, const struct jt_alloc *a,
                                  struct jt_source *out);

/*
 * jt_source_async_create() - a test source: each query is answered by
 * |inner| (queried with the same handle) |delay_ms| after it was asked,
 * from a timer on |loop|. Pending timers are cancelled by destroy. Fills
 * |out| with |inner|'s name. On success it OWNS |inner|: |out->destroy|
 * cancels its timers, then destroys |inner| (its destroy op) and itself.
 * Returns 0, JT_ERR_INVAL or JT_ERR_NOMEM (|inner| still the caller's).
 */
JT_API int jt_source_async_create(struct jt_loop *loop,
                                  const struct jt_source *inner,
                                  uint32_t delay_ms, const struct jt_alloc *a,
                                  struct jt_source *out);

#ifdef __cplusplus
}
#endif

#endif /* JITTRUST_SOURCE_H */
