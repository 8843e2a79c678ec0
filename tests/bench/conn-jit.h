/* SPDX-License-Identifier: MIT */
/*
 * bench: a JIT-trust connection made the way an application makes it on
 * libjittrust's public API: resolve the name through a static host map
 * (never the system resolver), jt_connect_start, a VERIFY_NONE jt_tls
 * handshake driven by the library's loop, jt_jit_verify, close_notify.
 * What an application keeps across connections (loop, map, resolver,
 * TLS config) lives in struct bj_env; the trust context is the caller's.
 * bj_connect() is the one function to switch when the library gains a
 * "connect by host" helper.
 */
#ifndef JT_BENCH_CONN_JIT_H
#define JT_BENCH_CONN_JIT_H

#include <stdint.h>

#include "jittrust/host.h"
#include "jittrust/jit.h"
#include "jittrust/loop.h"
#include "jittrust/resolve.h"
#include "jittrust/tls.h"

struct bj_env {
    struct jt_loop *loop;
    struct jt_hostmap *map;
    struct jt_resolver *res;
    struct jt_tls_config *cfg;
    struct jt_host host;
    uint16_t port;
    int nodelay; /* set TCP_NODELAY on the connected socket */
};

/* What one connection reports: its time, its path, and heap marks
 * (heap-count.h, absolute bytes) at the end of the handshake and after
 * jt_jit_create(). */
struct bj_result {
    double ms;      /* from resolve to verified */
    int warm;       /* jt_jit_warm(), -1 when no verify ran */
    size_t queries; /* jt_jit_queries() */
    long long hs_peak, hs_live, jit_live;
    char msg[160]; /* jt_jit_message() on failure */
};

/*
 * Set up |e| for |host| mapped to 127.0.0.1:|port|. Returns 0 or the
 * first JT_ERR_* code (then call bj_env_free()).
 */
int bj_env_init(struct bj_env *e, const char *host, int port, int nodelay);

/* Free what bj_env_init() made. Safe on a zeroed or half-made env. */
void bj_env_free(struct bj_env *e);

/*
 * One connection verified through |ctx| (borrowed), then closed and
 * freed. Returns 0, or the first error (JT_ERR_NET_TIMEOUT after 10 s).
 */
int bj_connect(struct bj_env *e, struct jt_jit_ctx *ctx, struct bj_result *out);

#endif /* JT_BENCH_CONN_JIT_H */
