/* SPDX-License-Identifier: MIT */
/*
 * The event loop (net): poll() over watched file descriptors, a min-heap of
 * timers, a cross-thread wake (eventfd) with a "run this on the loop" queue,
 * and a pluggable clock.
 *
 * Threads: a loop belongs to the thread that runs it. Only jt_loop_call()
 * and jt_loop_stop() may be called from other threads; everything else,
 * and every callback, runs on the loop thread.
 *
 * Clock: jt_loop_now() reads the clock given at creation (default:
 * CLOCK_MONOTONIC in ms). Timers and caches follow it; a test installs a
 * fake clock, advances it and calls jt_loop_run_once(loop, 0): due timers
 * fire in deadline order without sleeping. X.509 time checks do not use
 * this clock.
 *
 * Caps, fixed at creation: watched fds, pending timers, queued calls.
 * Hitting one returns JT_ERR_NOSPC. Costs: timer add/cancel O(log n), fire
 * O(log n) each; poll setup O(fds) per iteration.
 */
#ifndef JITTRUST_LOOP_H
#define JITTRUST_LOOP_H

#include <stddef.h>
#include <stdint.h>

#include "jittrust/alloc.h"
#include "jittrust/export.h"

#ifdef __cplusplus
extern "C" {
#endif

struct jt_loop;

/* Interest and event bits for fd watches. */
#define JT_LOOP_READ 0x1u
#define JT_LOOP_WRITE 0x2u
#define JT_LOOP_ERROR 0x4u /* delivered only: POLLERR, POLLHUP or POLLNVAL */

/* A clock in milliseconds; must never go backwards. */
typedef uint64_t (*jt_clock_fn)(void *ud);

/* An fd is ready: |events| is a mask of JT_LOOP_* bits. */
typedef void (*jt_loop_fd_cb)(struct jt_loop *loop, int fd, unsigned events,
                              void *ud);

/* A timer fired, or a queued call runs, on the loop thread. */
typedef void (*jt_loop_cb)(struct jt_loop *loop, void *ud);

/* Options for jt_loop_create(); zero fields take the defaults. */
struct jt_loop_opts {
    const struct jt_alloc *alloc; /* NULL: libc */
    size_t max_fds;               /* default 64 */
    size_t max_timers;            /* default 256 */
    size_t max_calls;             /* queued cross-thread calls, default 64 */
    jt_clock_fn clock;            /* NULL: CLOCK_MONOTONIC */
    void *clock_ud;
};

/*
 * jt_loop_create() - a new loop in |*out|.
 * Returns 0, JT_ERR_INVAL (|out| NULL, or a cap over 65536), JT_ERR_NOMEM,
 * or JT_ERR_NET_WAKE (eventfd failed; |*out| NULL, errno lost).
 */
JT_API int jt_loop_create(const struct jt_loop_opts *opts,
                          struct jt_loop **out);

/*
 * jt_loop_destroy() - free the loop. Queued calls are dropped without
 * running; fds are not closed (their owners close them). NULL-safe. No
 * other thread may be calling jt_loop_call() any more.
 */
JT_API void jt_loop_destroy(struct jt_loop *loop);

/* jt_loop_now() - the loop clock, in ms. */
JT_API uint64_t jt_loop_now(const struct jt_loop *loop);

/*
 * jt_loop_watch() - watch |fd| for |events| (JT_LOOP_READ and/or
 * JT_LOOP_WRITE; 0 keeps the watch but asks for nothing), calling |cb|.
 * Watching an fd again replaces its interest, callback and |ud|; a
 * callback may watch and unwatch any fd, including its own.
 * Returns 0, JT_ERR_INVAL (fd < 0, |cb| NULL, unknown bits) or
 * JT_ERR_NOSPC (max_fds watched).
 */
JT_API int jt_loop_watch(struct jt_loop *loop, int fd, unsigned events,
                         jt_loop_fd_cb cb, void *ud);

/*
 * jt_loop_unwatch() - stop watching |fd|; no callback for it runs after
 * this returns, even one already polled. Returns 0 or JT_ERR_NOT_FOUND.
 */
JT_API int jt_loop_unwatch(struct jt_loop *loop, int fd);

/*
 * jt_loop_timer_add() - call |cb| once when jt_loop_now() reaches now +
 * |delay_ms|. Equal deadlines fire in the order they were added. |*id|
 * (never 0) names the timer for jt_loop_timer_cancel(); |id| may be NULL.
 * Returns 0, JT_ERR_INVAL (|cb| NULL), JT_ERR_OVERFLOW (deadline wraps) or
 * JT_ERR_NOSPC (max_timers pending).
 */
JT_API int jt_loop_timer_add(struct jt_loop *loop, uint64_t delay_ms,
                             jt_loop_cb cb, void *ud, uint64_t *id);

/*
 * jt_loop_timer_cancel() - cancel a pending timer. Returns 0, or
 * JT_ERR_NOT_FOUND (already fired or cancelled, or never existed: stale
 * ids are detected, never confused with a newer timer).
 */
JT_API int jt_loop_timer_cancel(struct jt_loop *loop, uint64_t id);

/* jt_loop_timer_count() - timers pending. */
JT_API size_t jt_loop_timer_count(const struct jt_loop *loop);

/*
 * jt_loop_call() - THREAD-SAFE: run |cb(loop, ud)| on the loop thread soon,
 * and wake the loop if it sleeps in poll(). Calls run in the order queued.
 * Returns 0, JT_ERR_INVAL (|cb| NULL) or JT_ERR_NOSPC (max_calls queued).
 */
JT_API int jt_loop_call(struct jt_loop *loop, jt_loop_cb cb, void *ud);

/*
 * jt_loop_run_once() - one iteration: poll fds for at most |timeout_ms|
 * (-1: until an fd or the next timer; 0: do not block; shortened to the
 * next timer's deadline), dispatch ready fds, run queued calls, then fire
 * every timer due by jt_loop_now().
 * Returns 0, or JT_ERR_NET_POLL (errno via jt_loop_errno()). EINTR is not
 * an error.
 */
JT_API int jt_loop_run_once(struct jt_loop *loop, int timeout_ms);

/*
 * jt_loop_run() - iterate until jt_loop_stop(), or until nothing is left
 * to wait for (no fd with interest, no timer). Returns 0 or
 * JT_ERR_NET_POLL.
 */
JT_API int jt_loop_run(struct jt_loop *loop);

/* jt_loop_stop() - THREAD-SAFE: make jt_loop_run() return soon. */
JT_API void jt_loop_stop(struct jt_loop *loop);

/* jt_loop_errno() - errno of the last JT_ERR_NET_POLL, else 0. */
JT_API int jt_loop_errno(const struct jt_loop *loop);

#ifdef __cplusplus
}
#endif

#endif /* JITTRUST_LOOP_H */
