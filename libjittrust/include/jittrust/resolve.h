/* SPDX-License-Identifier: MIT */
/*
 * Name resolution (net): a static host map (like curl's --resolve), and a
 * resolver that answers IP literals itself, then the map, then a backend
 * behind struct jt_resolver_ops: by default getaddrinfo() on a helper
 * thread (answers come back through the loop's wake), or any replacement
 * (an asynchronous resolver such as c-ares). With system = 0 and no
 * backend, a name missing from the map fails with JT_ERR_NET_UNMAPPED:
 * tests run that way and never ask the system resolver.
 *
 * Every answer arrives exactly once, from the loop, never from inside
 * jt_resolve(), unless cancelled first. Loop thread only (the helper
 * thread is internal). A host map is read-only once a resolver uses it.
 */
#ifndef JITTRUST_RESOLVE_H
#define JITTRUST_RESOLVE_H

#include <stddef.h>
#include <stdint.h>

#include "jittrust/alloc.h"
#include "jittrust/export.h"
#include "jittrust/host.h"
#include "jittrust/loop.h"
#include "jittrust/sock.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Most addresses one answer (or one map entry) carries. */
#define JT_RESOLVE_MAX_ADDRS 8u

/* ---- the static host map ---- */

struct jt_hostmap;

/*
 * jt_hostmap_create() - an empty map holding up to |max_entries| (0: 64).
 * Returns 0, JT_ERR_INVAL or JT_ERR_NOMEM.
 */
JT_API int jt_hostmap_create(const struct jt_alloc *alloc, size_t max_entries,
                             struct jt_hostmap **out);

/* jt_hostmap_destroy() - free. NULL-safe. */
JT_API void jt_hostmap_destroy(struct jt_hostmap *m);

/*
 * jt_hostmap_add() - add "HOST:PORT:ADDR[,ADDR...]" (curl --resolve
 * syntax). HOST is a DNS name (normalised); PORT is 1..65535 or "*" for
 * any port; each ADDR an IPv4 or IPv6 literal (IPv6 may be bracketed), at
 * most JT_RESOLVE_MAX_ADDRS, answered in order. An empty ADDR list makes
 * the entry answer "no such name" (JT_ERR_NET_NXDOMAIN). An entry for an
 * existing HOST:PORT replaces it. An exact port wins over "*".
 * Returns 0, JT_ERR_INVAL, JT_ERR_NET_HOSTMAP_SPEC (syntax, bad port, an
 * ADDR that is not an IP literal, too many ADDRs), a JT_ERR_NET_HOST_*
 * code for HOST, or JT_ERR_NOSPC (map full).
 */
JT_API int jt_hostmap_add(struct jt_hostmap *m, const char *spec);

/*
 * jt_hostmap_lookup() - the entry for |h| and |port|: copies up to |cap|
 * addresses (port set to |port|) to |out| and their count to |*n|.
 * Returns 0, JT_ERR_NET_NXDOMAIN (an NXDOMAIN entry), JT_ERR_NOT_FOUND
 * (no entry) or JT_ERR_INVAL.
 */
JT_API int jt_hostmap_lookup(const struct jt_hostmap *m,
                             const struct jt_host *h, uint16_t port,
                             struct jt_addr *out, size_t cap, size_t *n);

/* ---- resolvers ---- */

/*
 * An answer: |err| 0 with 1..JT_RESOLVE_MAX_ADDRS addresses (ports set),
 * or JT_ERR_NET_NXDOMAIN, JT_ERR_NET_UNMAPPED, JT_ERR_NET_NO_ADDRESS,
 * JT_ERR_NET_RESOLVE (with n 0). |addrs| lives only during the call.
 */
typedef void (*jt_resolve_cb)(void *ud, int err, const struct jt_addr *addrs,
                              size_t n);

/*
 * A resolver backend for DNS names (never IP literals, never mapped
 * names). start() must answer exactly once through |cb|, on the loop
 * thread and never inside start(); it returns 0 with a non-zero |*q|, or
 * an error (then no answer). cancel(q): no answer after it returns.
 * destroy(): free the backend; no answer after it.
 */
struct jt_resolver_ops {
    int (*start)(void *impl, const struct jt_host *host, uint16_t port,
                 jt_resolve_cb cb, void *ud, uint64_t *q);
    void (*cancel)(void *impl, uint64_t q);
    void (*destroy)(void *impl);
};

struct jt_resolver_opts {
    const struct jt_alloc *alloc;      /* NULL: libc */
    const struct jt_hostmap *map;      /* borrowed; may be NULL */
    int system;                        /* 1: getaddrinfo on a helper thread */
    const struct jt_resolver_ops *ops; /* a replacement backend, or NULL */
    void *impl;                        /* its state; destroyed with us */
    size_t max_queries;                /* in flight; 0: 32 */
};

struct jt_resolver;

/*
 * jt_resolver_create() - a resolver on |loop|. With |ops| set, |system| is
 * ignored. The helper thread starts on the first system lookup.
 * Returns 0, JT_ERR_INVAL or JT_ERR_NOMEM.
 */
JT_API int jt_resolver_create(struct jt_loop *loop,
                              const struct jt_resolver_opts *opts,
                              struct jt_resolver **out);

/*
 * jt_resolver_destroy() - cancel every query and free. Waits for the
 * helper thread's current getaddrinfo() to return. NULL-safe.
 */
JT_API void jt_resolver_destroy(struct jt_resolver *r);

/*
 * jt_resolve() - look up |h| (normalised) for |port|. |*q| (never 0) names
 * the query for jt_resolve_cancel(); |q| may be NULL.
 * Returns 0 (the answer comes later), JT_ERR_INVAL, JT_ERR_NOSPC
 * (max_queries in flight), JT_ERR_NET_THREAD, or the backend's error.
 */
JT_API int jt_resolve(struct jt_resolver *r, const struct jt_host *h,
                      uint16_t port, jt_resolve_cb cb, void *ud, uint64_t *q);

/* jt_resolve_cancel() - no answer for |q| after this. Unknown q: no-op. */
JT_API void jt_resolve_cancel(struct jt_resolver *r, uint64_t q);

/*
 * jt_resolve_gai_error() - the getaddrinfo() code behind the last
 * JT_ERR_NET_RESOLVE answer, else 0.
 */
JT_API int jt_resolve_gai_error(const struct jt_resolver *r);

#ifdef __cplusplus
}
#endif

#endif /* JITTRUST_RESOLVE_H */
