// SPDX-License-Identifier: MIT
/*
 * unit (net): jt_loop. Timers fire in (deadline, insertion) order on a fake
 * clock without sleeping; cancel and stale ids; caps; a timer added by a
 * timer waits for the next round; fd watches and unwatch from a callback;
 * cross-thread calls and stop wake a loop blocked in poll(); every
 * allocation failure in create is clean.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "jittrust/error.h"
#include "jittrust/loop.h"
#include "failalloc.h"
#include "net-int.h"

struct fake {
    uint64_t now;
};

static uint64_t
fake_now(void *ud)
{
    return ((struct fake *)ud)->now;
}

struct log {
    int order[512];
    size_t n;
};

struct tctx {
    struct log *log;
    int tag;
    uint64_t deadline;
};

static void
on_timer(struct jt_loop *loop, void *ud)
{
    struct tctx *t = ud;

    (void)loop;
    t->log->order[t->log->n++] = t->tag;
}

static struct jt_loop *
fake_loop(struct fake *clk, size_t max_timers)
{
    struct jt_loop_opts o = {.clock = fake_now, .clock_ud = clk};
    struct jt_loop *l = NULL;

    o.max_timers = max_timers;
    assert_int_equal(jt_loop_create(&o, &l), 0);
    return l;
}

static void
timers_in_order_on_fake_clock(void **state)
{
    static const uint64_t delays[] = {30, 10, 20, 10, 0, 25};
    struct fake clk = {1000};
    struct log log = {{0}, 0};
    struct tctx t[6];
    struct jt_loop *l = fake_loop(&clk, 0);
    struct timespec a, b;

    (void)state;
    for (int i = 0; i < 6; i++) {
        t[i] = (struct tctx){&log, i, 0};
        assert_int_equal(jt_loop_timer_add(l, delays[i], on_timer, &t[i], NULL),
                         0);
    }
    assert_int_equal(jt_loop_timer_count(l), 6);
    clock_gettime(CLOCK_MONOTONIC, &a);
    assert_int_equal(jt_loop_run_once(l, 0), 0); /* only the 0 ms one */
    assert_int_equal(log.n, 1);
    assert_int_equal(log.order[0], 4);
    clk.now = 1015;
    assert_int_equal(jt_loop_run_once(l, 0), 0);
    assert_int_equal(log.n, 3);
    assert_int_equal(log.order[1], 1); /* the tie fires in add order */
    assert_int_equal(log.order[2], 3);
    clk.now = 1100;
    /* -1 would sleep until the next deadline: none pending sleeps 0 */
    assert_int_equal(jt_loop_run_once(l, 0), 0);
    clock_gettime(CLOCK_MONOTONIC, &b);
    assert_int_equal(log.n, 6);
    assert_int_equal(log.order[3], 2);
    assert_int_equal(log.order[4], 5);
    assert_int_equal(log.order[5], 0);
    assert_int_equal(jt_loop_timer_count(l), 0);
    assert_true(b.tv_sec - a.tv_sec < 2); /* no sleeping on fake time */
    jt_loop_destroy(l);
}

static void
cancel_and_stale_ids(void **state)
{
    struct fake clk = {0};
    struct log log = {{0}, 0};
    struct tctx t[3] = {{&log, 0, 0}, {&log, 1, 0}, {&log, 2, 0}};
    struct jt_loop *l = fake_loop(&clk, 2);
    uint64_t id0, id1, id2;

    (void)state;
    assert_int_equal(jt_loop_timer_add(l, 5, on_timer, &t[0], &id0), 0);
    assert_int_equal(jt_loop_timer_add(l, 5, on_timer, &t[1], &id1), 0);
    assert_int_not_equal(id0, 0);
    assert_int_not_equal(id0, id1);
    assert_int_equal(jt_loop_timer_add(l, 5, on_timer, &t[2], &id2),
                     JT_ERR_NOSPC);
    assert_int_equal(id2, 0);
    assert_int_equal(jt_loop_timer_cancel(l, id0), 0);
    assert_int_equal(jt_loop_timer_cancel(l, id0), JT_ERR_NOT_FOUND);
    /* the freed slot is reused; the old id must not cancel the new timer */
    assert_int_equal(jt_loop_timer_add(l, 5, on_timer, &t[2], &id2), 0);
    assert_int_equal(jt_loop_timer_cancel(l, id0), JT_ERR_NOT_FOUND);
    assert_int_equal(jt_loop_timer_cancel(l, 0), JT_ERR_NOT_FOUND);
    assert_int_equal(jt_loop_timer_cancel(l, UINT64_MAX), JT_ERR_NOT_FOUND);
    clk.now = 5;
    assert_int_equal(jt_loop_run_once(l, 0), 0);
    assert_int_equal(log.n, 2);
    assert_int_equal(log.order[0], 1);
    assert_int_equal(log.order[1], 2);
    assert_int_equal(jt_loop_timer_cancel(l, id1), JT_ERR_NOT_FOUND);
    assert_int_equal(jt_loop_timer_add(l, 1, NULL, NULL, NULL), JT_ERR_INVAL);
    assert_int_equal(jt_loop_timer_add(l, UINT64_MAX, on_timer, &t[0], NULL),
                     JT_ERR_OVERFLOW);
    jt_loop_destroy(l);
}

/*
 * 400 timers with scattered deadlines, a third cancelled: the rest fire
 * sorted by (deadline, add order).
 */
static void
heap_order_many(void **state)
{
    struct fake clk = {0};
    static struct log log;
    static struct tctx t[400];
    uint64_t ids[400];
    struct jt_loop *l = fake_loop(&clk, 400);
    uint32_t x = 12345;
    int prev = -1;
    uint64_t prev_d = 0;

    (void)state;
    memset(&log, 0, sizeof(log));
    for (int i = 0; i < 400; i++) {
        x = x * 1103515245u + 12345u;
        t[i] = (struct tctx){&log, i, (x >> 16) % 97};
        assert_int_equal(
            jt_loop_timer_add(l, t[i].deadline, on_timer, &t[i], &ids[i]), 0);
    }
    for (int i = 0; i < 400; i += 3)
        assert_int_equal(jt_loop_timer_cancel(l, ids[i]), 0);
    clk.now = 100; /* all due at once: one round fires them all */
    assert_int_equal(jt_loop_run_once(l, 0), 0);
    assert_int_equal(log.n, 400 - 134);
    for (size_t k = 0; k < log.n; k++) {
        const struct tctx *c = &t[log.order[k]];

        assert_true(c->tag % 3 != 0);
        if (prev >= 0)
            assert_true(c->deadline > prev_d ||
                        (c->deadline == prev_d && c->tag > prev));
        prev = c->tag;
        prev_d = c->deadline;
    }
    jt_loop_destroy(l);
}

static void
on_timer_readd(struct jt_loop *loop, void *ud)
{
    struct tctx *t = ud;

    t->log->order[t->log->n++] = t->tag;
    if (t->log->n < 3)
        assert_int_equal(jt_loop_timer_add(loop, 0, on_timer_readd, t, NULL),
                         0);
}

static void
timer_added_by_timer_waits(void **state)
{
    struct fake clk = {0};
    struct log log = {{0}, 0};
    struct tctx t = {&log, 7, 0};
    struct jt_loop *l = fake_loop(&clk, 0);

    (void)state;
    assert_int_equal(jt_loop_timer_add(l, 0, on_timer_readd, &t, NULL), 0);
    assert_int_equal(jt_loop_run_once(l, 0), 0);
    assert_int_equal(log.n, 1);
    assert_int_equal(jt_loop_run_once(l, 0), 0);
    assert_int_equal(log.n, 2);
    jt_loop_destroy(l);
}

struct fdctx {
    struct jt_loop *loop;
    int calls;
    unsigned events;
    int unwatch_fd;
};

static void
on_fd(struct jt_loop *loop, int fd, unsigned events, void *ud)
{
    struct fdctx *c = ud;
    char b;

    c->calls++;
    c->events = events;
    if (read(fd, &b, 1) != 1)
        c->events |= 0x100;
    if (c->unwatch_fd >= 0)
        assert_int_equal(jt_loop_unwatch(loop, c->unwatch_fd), 0);
}

static void
fd_watches(void **state)
{
    struct jt_loop_opts o = {.max_fds = 2};
    struct jt_loop *l;
    int p1[2], p2[2], p3[2];
    struct fdctx c1 = {0}, c2 = {0};

    (void)state;
    assert_int_equal(jt_loop_create(&o, &l), 0);
    assert_int_equal(pipe(p1), 0);
    assert_int_equal(pipe(p2), 0);
    assert_int_equal(pipe(p3), 0);
    c1.unwatch_fd = p2[0];
    c2.unwatch_fd = -1;
    assert_int_equal(jt_loop_watch(l, p1[0], JT_LOOP_READ, on_fd, &c1), 0);
    assert_int_equal(jt_loop_watch(l, p2[0], JT_LOOP_READ, on_fd, &c2), 0);
    assert_int_equal(jt_loop_watch(l, p3[0], JT_LOOP_READ, on_fd, &c2),
                     JT_ERR_NOSPC);
    assert_int_equal(jt_loop_watch(l, -1, JT_LOOP_READ, on_fd, &c2),
                     JT_ERR_INVAL);
    assert_int_equal(jt_loop_watch(l, p3[0], 0x8, on_fd, &c2), JT_ERR_INVAL);
    assert_int_equal(write(p1[1], "a", 1), 1);
    assert_int_equal(write(p2[1], "b", 1), 1);
    assert_int_equal(jt_loop_run_once(l, 1000), 0);
    /* c1 ran first (watched first) and unwatched p2: c2 never runs */
    assert_int_equal(c1.calls, 1);
    assert_int_equal(c1.events, JT_LOOP_READ);
    assert_int_equal(c2.calls, 0);
    assert_int_equal(jt_loop_unwatch(l, p2[0]), JT_ERR_NOT_FOUND);
    /* the freed slot takes p3; hang-up is reported as an error bit */
    c1.unwatch_fd = -1;
    assert_int_equal(jt_loop_watch(l, p3[0], JT_LOOP_READ, on_fd, &c2), 0);
    close(p3[1]);
    assert_int_equal(jt_loop_run_once(l, 1000), 0);
    assert_int_equal(c2.calls, 1);
    assert_true(c2.events & JT_LOOP_ERROR);
    /* interest 0: watched but silent */
    assert_int_equal(write(p1[1], "c", 1), 1);
    assert_int_equal(jt_loop_watch(l, p1[0], 0, on_fd, &c1), 0);
    assert_int_equal(jt_loop_run_once(l, 0), 0);
    assert_int_equal(c1.calls, 1);
    jt_loop_destroy(l);
    close(p1[0]);
    close(p1[1]);
    close(p2[0]);
    close(p2[1]);
    close(p3[0]);
}

struct xctx {
    struct jt_loop *loop;
    pthread_t loop_thread;
    int ran;
    int on_loop_thread;
};

static void
on_call(struct jt_loop *loop, void *ud)
{
    struct xctx *x = ud;

    x->ran++;
    x->on_loop_thread = pthread_equal(pthread_self(), x->loop_thread);
    if (x->ran == 32)
        jt_loop_stop(loop);
}

static void *
caller(void *ud)
{
    struct xctx *x = ud;
    struct timespec ts = {0, 50000000L};

    nanosleep(&ts, NULL); /* let the loop block in poll() first */
    for (int i = 0; i < 32; i++)
        while (jt_loop_call(x->loop, on_call, x) == JT_ERR_NOSPC)
            nanosleep(&ts, NULL);
    return NULL;
}

static void
wake_from_thread(void **state)
{
    struct jt_loop_opts o = {.max_calls = 8};
    struct xctx x = {0};
    pthread_t th;

    (void)state;
    assert_int_equal(jt_loop_create(&o, &x.loop), 0);
    x.loop_thread = pthread_self();
    jti_loop_hold(x.loop, 1); /* nothing else to wait for: poll forever */
    assert_int_equal(pthread_create(&th, NULL, caller, &x), 0);
    assert_int_equal(jt_loop_run(x.loop), 0);
    pthread_join(th, NULL);
    assert_int_equal(x.ran, 32);
    assert_true(x.on_loop_thread);
    jti_loop_hold(x.loop, -1);
    assert_int_equal(jt_loop_run(x.loop), 0); /* nothing left: returns */
    jt_loop_destroy(x.loop);
}

static void *
stopper(void *ud)
{
    struct timespec ts = {0, 30000000L};

    nanosleep(&ts, NULL);
    jt_loop_stop(ud);
    return NULL;
}

static void
stop_from_thread_and_queue_cap(void **state)
{
    struct jt_loop_opts o = {.max_calls = 2};
    struct jt_loop *l;
    struct xctx x = {0};
    pthread_t th;

    (void)state;
    assert_int_equal(jt_loop_create(&o, &l), 0);
    jti_loop_hold(l, 1);
    assert_int_equal(pthread_create(&th, NULL, stopper, l), 0);
    assert_int_equal(jt_loop_run(l), 0);
    pthread_join(th, NULL);
    x.loop_thread = pthread_self();
    assert_int_equal(jt_loop_call(l, on_call, &x), 0);
    assert_int_equal(jt_loop_call(l, on_call, &x), 0);
    assert_int_equal(jt_loop_call(l, on_call, &x), JT_ERR_NOSPC);
    assert_int_equal(jt_loop_call(l, NULL, &x), JT_ERR_INVAL);
    assert_int_equal(jt_loop_run_once(l, -1), 0); /* calls pending: no block */
    assert_int_equal(x.ran, 2);
    jti_loop_hold(l, -1);
    jt_loop_destroy(l); /* queued calls are dropped, not run */
}

static void
create_alloc_failures(void **state)
{
    struct jt_loop_opts bad = {.max_fds = 65537};
    struct jt_loop *l = (struct jt_loop *)&l;

    (void)state;
    assert_int_equal(jt_loop_create(NULL, NULL), JT_ERR_INVAL);
    assert_int_equal(jt_loop_create(&bad, &l), JT_ERR_INVAL);
    assert_null(l);
    for (long n = 1;; n++) {
        struct th_failalloc fa;
        struct jt_loop_opts o = {0};
        int rc;

        th_failalloc_init(&fa, n);
        o.alloc = &fa.alloc;
        rc = jt_loop_create(&o, &l);
        if (rc == 0) {
            assert_true(n > 8); /* nine allocations */
            jt_loop_destroy(l);
            assert_int_equal(fa.live, 0);
            break;
        }
        assert_int_equal(rc, JT_ERR_NOMEM);
        assert_null(l);
        assert_int_equal(fa.live, 0);
    }
    jt_loop_destroy(NULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(timers_in_order_on_fake_clock),
        cmocka_unit_test(cancel_and_stale_ids),
        cmocka_unit_test(heap_order_many),
        cmocka_unit_test(timer_added_by_timer_waits),
        cmocka_unit_test(fd_watches),
        cmocka_unit_test(wake_from_thread),
        cmocka_unit_test(stop_from_thread_and_queue_cap),
        cmocka_unit_test(create_alloc_failures),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
