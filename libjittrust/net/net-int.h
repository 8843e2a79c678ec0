/* SPDX-License-Identifier: MIT */
/*
 * net: internals shared by the net files (not installed).
 */
#ifndef JITTRUST_NET_INT_H
#define JITTRUST_NET_INT_H

#include <stddef.h>

#include "jittrust/loop.h"
#include "jittrust/sock.h"

/*
 * jti_loop_hold() - count work the loop cannot see (e.g. a lookup running
 * on a helper thread that will answer through jt_loop_call()): while the
 * count is above 0, jt_loop_run() keeps waiting. |delta| is +1 or -1.
 * Loop thread only.
 */
void jti_loop_hold(struct jt_loop *loop, int delta);

/*
 * jti_loop_drop_calls() - remove queued jt_loop_call() entries matching
 * |cb| and |ud| without running them (an object going away). Any thread.
 */
void jti_loop_drop_calls(struct jt_loop *loop, jt_loop_cb cb, void *ud);

struct jt_resolver;

/*
 * A system lookup as the helper thread runs it: |name| to up to |cap|
 * addresses (ports 0). Returns 0, JT_ERR_NET_NXDOMAIN, JT_ERR_NET_RESOLVE
 * (|*gai| set) or JT_ERR_NET_NO_ADDRESS. Runs on the helper thread.
 */
typedef int (*jti_lookup_fn)(const char *name, struct jt_addr *out, size_t cap,
                             size_t *n, int *gai);

/*
 * jti_resolver_set_lookup() - replace getaddrinfo() on the helper thread
 * (tests: exercise the thread and wake path without the system resolver).
 * NULL restores getaddrinfo(). Before the first jt_resolve().
 */
void jti_resolver_set_lookup(struct jt_resolver *r, jti_lookup_fn fn);

#endif /* JITTRUST_NET_INT_H */
