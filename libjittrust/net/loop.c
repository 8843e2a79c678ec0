// SPDX-License-Identifier: MIT
/*
 * net: the poll() event loop (see loop.h). Fd watches live in fixed slots
 * (a slot generation stops a stale poll result reaching a new watch on a
 * reused fd); timers sit in fixed slots ordered by a binary min-heap on
 * (deadline, sequence); cross-thread calls go through a mutex-protected
 * ring and an eventfd that wakes poll(). Linux (eventfd).
 */
#define _GNU_SOURCE
#include "jittrust/loop.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "jittrust/error.h"
#include "alloc-int.h"
#include "net-int.h"

#define DEF_FDS 64u
#define DEF_TIMERS 256u
#define DEF_CALLS 64u
#define MAX_CAP 65536u
#define NO_POS UINT32_MAX

struct watch {
    int fd; /* -1: free slot */
    unsigned events;
    uint32_t gen;
    jt_loop_fd_cb cb;
    void *ud;
};

struct timer {
    uint64_t deadline;
    uint64_t seq;
    jt_loop_cb cb;
    void *ud;
    uint32_t gen;
    uint32_t pos; /* index in the heap, NO_POS when free */
};

struct call {
    jt_loop_cb cb;
    void *ud;
};

struct jt_loop {
    const struct jt_alloc *alloc;
    jt_clock_fn clock;
    void *clock_ud;
    int err;
    int wake_fd;
    /* fd watches and the per-iteration poll snapshot */
    size_t max_fds, nwatch;
    struct watch *w;
    struct pollfd *pfd; /* max_fds + 1: [0] is the wake fd */
    uint32_t *pslot, *pgen;
    /* timers */
    size_t max_timers, nheap, nfree;
    struct timer *t;
    uint32_t *heap, *free_slots;
    uint64_t seq;
    /* cross-thread calls, under mu */
    pthread_mutex_t mu;
    size_t max_calls, call_head, ncalls;
    struct call *calls;
    int stop;
    long holds; /* jti_loop_hold() */
};

static uint64_t
mono_ms(void *ud)
{
    struct timespec ts;

    (void)ud;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int
alloc_arrays(struct jt_loop *l)
{
    const struct jt_alloc *a = l->alloc;

    l->w = jti_calloc(a, l->max_fds, sizeof(*l->w));
    l->pfd = jti_calloc(a, l->max_fds + 1, sizeof(*l->pfd));
    l->pslot = jti_calloc(a, l->max_fds + 1, sizeof(*l->pslot));
    l->pgen = jti_calloc(a, l->max_fds + 1, sizeof(*l->pgen));
    l->t = jti_calloc(a, l->max_timers, sizeof(*l->t));
    l->heap = jti_calloc(a, l->max_timers, sizeof(*l->heap));
    l->free_slots = jti_calloc(a, l->max_timers, sizeof(*l->free_slots));
    l->calls = jti_calloc(a, l->max_calls, sizeof(*l->calls));
    if (!l->w || !l->pfd || !l->pslot || !l->pgen || !l->t || !l->heap ||
        !l->free_slots || !l->calls)
        return JT_ERR_NOMEM;
    for (size_t i = 0; i < l->max_fds; i++)
        l->w[i].fd = -1;
    for (size_t i = 0; i < l->max_timers; i++) {
        l->t[i].pos = NO_POS;
        l->free_slots[i] = (uint32_t)(l->max_timers - 1 - i);
    }
    l->nfree = l->max_timers;
    return 0;
}

static size_t
cap_or(size_t v, size_t def)
{
    return v == 0 ? def : v;
}

int
jt_loop_create(const struct jt_loop_opts *opts, struct jt_loop **out)
{
    static const struct jt_loop_opts none;
    struct jt_loop *l;
    int rc;

    if (out == NULL)
        return JT_ERR_INVAL;
    *out = NULL;
    if (opts == NULL)
        opts = &none;
    if (opts->max_fds > MAX_CAP || opts->max_timers > MAX_CAP ||
        opts->max_calls > MAX_CAP)
        return JT_ERR_INVAL;
    l = jti_calloc(opts->alloc, 1, sizeof(*l));
    if (l == NULL)
        return JT_ERR_NOMEM;
    l->alloc = opts->alloc;
    l->clock = opts->clock ? opts->clock : mono_ms;
    l->clock_ud = opts->clock_ud;
    l->max_fds = cap_or(opts->max_fds, DEF_FDS);
    l->max_timers = cap_or(opts->max_timers, DEF_TIMERS);
    l->max_calls = cap_or(opts->max_calls, DEF_CALLS);
    l->wake_fd = -1;
    pthread_mutex_init(&l->mu, NULL);
    rc = alloc_arrays(l);
    if (rc == 0) {
        l->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (l->wake_fd < 0)
            rc = JT_ERR_NET_WAKE;
    }
    if (rc != 0) {
        jt_loop_destroy(l);
        return rc;
    }
    *out = l;
    return 0;
}

void
jt_loop_destroy(struct jt_loop *l)
{
    const struct jt_alloc *a;

    if (l == NULL)
        return;
    a = l->alloc;
    if (l->wake_fd >= 0)
        close(l->wake_fd);
    pthread_mutex_destroy(&l->mu);
    jti_free(a, l->w);
    jti_free(a, l->pfd);
    jti_free(a, l->pslot);
    jti_free(a, l->pgen);
    jti_free(a, l->t);
    jti_free(a, l->heap);
    jti_free(a, l->free_slots);
    jti_free(a, l->calls);
    jti_free(a, l);
}

uint64_t
jt_loop_now(const struct jt_loop *l)
{
    return l->clock(l->clock_ud);
}

int
jt_loop_errno(const struct jt_loop *l)
{
    return l->err;
}

/* ---- fd watches ---- */

static struct watch *
find_watch(struct jt_loop *l, int fd)
{
    for (size_t i = 0; i < l->nwatch; i++)
        if (l->w[i].fd == fd)
            return &l->w[i];
    return NULL;
}

int
jt_loop_watch(struct jt_loop *l, int fd, unsigned events, jt_loop_fd_cb cb,
              void *ud)
{
    struct watch *w;

    if (fd < 0 || cb == NULL || (events & ~(JT_LOOP_READ | JT_LOOP_WRITE)))
        return JT_ERR_INVAL;
    w = find_watch(l, fd);
    if (w == NULL) {
        w = find_watch(l, -1);
        if (w == NULL && l->nwatch == l->max_fds)
            return JT_ERR_NOSPC;
        if (w == NULL)
            w = &l->w[l->nwatch++];
        w->fd = fd;
        w->gen++;
    }
    w->events = events;
    w->cb = cb;
    w->ud = ud;
    return 0;
}

int
jt_loop_unwatch(struct jt_loop *l, int fd)
{
    struct watch *w = fd < 0 ? NULL : find_watch(l, fd);

    if (w == NULL)
        return JT_ERR_NOT_FOUND;
    w->fd = -1;
    w->events = 0;
    w->cb = NULL;
    w->ud = NULL;
    return 0;
}

/* ---- timers: a binary min-heap of slot numbers ---- */

static int
before(const struct jt_loop *l, uint32_t a, uint32_t b)
{
    const struct timer *x = &l->t[a], *y = &l->t[b];

    return x->deadline < y->deadline ||
           (x->deadline == y->deadline && x->seq < y->seq);
}

static void
heap_set(struct jt_loop *l, size_t pos, uint32_t slot)
{
    l->heap[pos] = slot;
    l->t[slot].pos = (uint32_t)pos;
}

static void
sift_up(struct jt_loop *l, size_t pos)
{
    uint32_t slot = l->heap[pos];

    while (pos > 0) {
        size_t parent = (pos - 1) / 2;

        if (!before(l, slot, l->heap[parent]))
            break;
        heap_set(l, pos, l->heap[parent]);
        pos = parent;
    }
    heap_set(l, pos, slot);
}

static void
sift_down(struct jt_loop *l, size_t pos)
{
    uint32_t slot = l->heap[pos];

    for (;;) {
        size_t c = 2 * pos + 1;

        if (c >= l->nheap)
            break;
        if (c + 1 < l->nheap && before(l, l->heap[c + 1], l->heap[c]))
            c++;
        if (!before(l, l->heap[c], slot))
            break;
        heap_set(l, pos, l->heap[c]);
        pos = c;
    }
    heap_set(l, pos, slot);
}

/* Take slot |slot| out of the heap and back to the free list. */
static void
heap_remove(struct jt_loop *l, uint32_t slot)
{
    size_t pos = l->t[slot].pos;
    uint32_t last = l->heap[--l->nheap];

    l->t[slot].pos = NO_POS;
    l->free_slots[l->nfree++] = slot;
    if (pos == l->nheap)
        return;
    heap_set(l, pos, last);
    if (pos > 0 && before(l, last, l->heap[(pos - 1) / 2]))
        sift_up(l, pos);
    else
        sift_down(l, pos);
}

int
jt_loop_timer_add(struct jt_loop *l, uint64_t delay_ms, jt_loop_cb cb, void *ud,
                  uint64_t *id)
{
    uint64_t now;
    uint32_t slot;
    struct timer *t;

    if (id != NULL)
        *id = 0;
    if (cb == NULL)
        return JT_ERR_INVAL;
    if (l->nfree == 0)
        return JT_ERR_NOSPC;
    now = jt_loop_now(l);
    if (delay_ms > UINT64_MAX - now)
        return JT_ERR_OVERFLOW;
    slot = l->free_slots[--l->nfree];
    t = &l->t[slot];
    t->deadline = now + delay_ms;
    t->seq = l->seq++;
    t->cb = cb;
    t->ud = ud;
    t->gen++;
    if (t->gen == 0)
        t->gen = 1;
    l->heap[l->nheap++] = slot;
    sift_up(l, l->nheap - 1);
    if (id != NULL)
        *id = (uint64_t)t->gen << 32 | (uint64_t)(slot + 1);
    return 0;
}

int
jt_loop_timer_cancel(struct jt_loop *l, uint64_t id)
{
    uint64_t slot1 = id & 0xffffffffu;
    uint32_t gen = (uint32_t)(id >> 32);

    if (slot1 == 0 || slot1 > l->max_timers)
        return JT_ERR_NOT_FOUND;
    if (l->t[slot1 - 1].pos == NO_POS || l->t[slot1 - 1].gen != gen)
        return JT_ERR_NOT_FOUND;
    heap_remove(l, (uint32_t)(slot1 - 1));
    return 0;
}

size_t
jt_loop_timer_count(const struct jt_loop *l)
{
    return l->nheap;
}

/* Fire every timer due now that existed before this call. */
static void
fire_timers(struct jt_loop *l)
{
    uint64_t now = jt_loop_now(l), limit = l->seq;

    while (l->nheap > 0) {
        uint32_t slot = l->heap[0];
        struct timer *t = &l->t[slot];
        jt_loop_cb cb = t->cb;
        void *ud = t->ud;

        if (t->deadline > now || t->seq >= limit)
            break;
        heap_remove(l, slot);
        cb(l, ud);
    }
}

/* ---- cross-thread calls ---- */

static void
wake(struct jt_loop *l)
{
    uint64_t one = 1;
    ssize_t n;

    /* EAGAIN means the counter is already non-zero: awake anyway. */
    n = write(l->wake_fd, &one, sizeof(one));
    (void)n;
}

int
jt_loop_call(struct jt_loop *l, jt_loop_cb cb, void *ud)
{
    int rc = 0;

    if (cb == NULL)
        return JT_ERR_INVAL;
    pthread_mutex_lock(&l->mu);
    if (l->ncalls == l->max_calls) {
        rc = JT_ERR_NOSPC;
    } else {
        struct call *c = &l->calls[(l->call_head + l->ncalls) % l->max_calls];

        c->cb = cb;
        c->ud = ud;
        l->ncalls++;
    }
    pthread_mutex_unlock(&l->mu);
    if (rc == 0)
        wake(l);
    return rc;
}

void
jt_loop_stop(struct jt_loop *l)
{
    pthread_mutex_lock(&l->mu);
    l->stop = 1;
    pthread_mutex_unlock(&l->mu);
    wake(l);
}

void
jti_loop_drop_calls(struct jt_loop *l, jt_loop_cb cb, void *ud)
{
    size_t kept = 0;

    pthread_mutex_lock(&l->mu);
    for (size_t i = 0; i < l->ncalls; i++) {
        struct call c = l->calls[(l->call_head + i) % l->max_calls];

        if (c.cb == cb && c.ud == ud)
            continue;
        l->calls[(l->call_head + kept++) % l->max_calls] = c;
    }
    l->ncalls = kept;
    pthread_mutex_unlock(&l->mu);
}

static size_t
calls_pending(struct jt_loop *l)
{
    size_t n;

    pthread_mutex_lock(&l->mu);
    n = l->ncalls;
    pthread_mutex_unlock(&l->mu);
    return n;
}

/* Run the calls queued before now; later ones wait for the next round. */
static void
run_calls(struct jt_loop *l)
{
    size_t n = calls_pending(l);

    while (n-- > 0) {
        struct call c;

        pthread_mutex_lock(&l->mu);
        c = l->calls[l->call_head];
        l->call_head = (l->call_head + 1) % l->max_calls;
        l->ncalls--;
        pthread_mutex_unlock(&l->mu);
        c.cb(l, c.ud);
    }
}

/* ---- one iteration ---- */

static int
poll_timeout(struct jt_loop *l, int timeout_ms)
{
    uint64_t now, d, wait;

    if (calls_pending(l) > 0)
        return 0;
    if (l->nheap == 0)
        return timeout_ms;
    now = jt_loop_now(l);
    d = l->t[l->heap[0]].deadline;
    wait = d <= now ? 0 : d - now;
    if (wait > INT_MAX)
        wait = INT_MAX;
    if (timeout_ms >= 0 && (uint64_t)timeout_ms < wait)
        return timeout_ms;
    return (int)wait;
}

static nfds_t
build_pollfds(struct jt_loop *l)
{
    nfds_t n = 1;

    l->pfd[0].fd = l->wake_fd;
    l->pfd[0].events = POLLIN;
    l->pfd[0].revents = 0;
    for (size_t i = 0; i < l->nwatch; i++) {
        const struct watch *w = &l->w[i];

        if (w->fd < 0 || w->events == 0)
            continue;
        l->pfd[n].fd = w->fd;
        l->pfd[n].events = (short)(((w->events & JT_LOOP_READ) ? POLLIN : 0) |
                                   ((w->events & JT_LOOP_WRITE) ? POLLOUT : 0));
        l->pfd[n].revents = 0;
        l->pslot[n] = (uint32_t)i;
        l->pgen[n] = w->gen;
        n++;
    }
    return n;
}

static void
dispatch_fds(struct jt_loop *l, nfds_t n)
{
    for (nfds_t i = 1; i < n; i++) {
        const struct pollfd *p = &l->pfd[i];
        struct watch *w = &l->w[l->pslot[i]];
        unsigned ev = 0;

        if (p->revents == 0 || w->fd != p->fd || w->gen != l->pgen[i])
            continue; /* unwatched (or replaced) by an earlier callback */
        if (p->revents & POLLIN)
            ev |= JT_LOOP_READ;
        if (p->revents & POLLOUT)
            ev |= JT_LOOP_WRITE;
        if (p->revents & (POLLERR | POLLHUP | POLLNVAL))
            ev |= JT_LOOP_ERROR;
        w->cb(l, w->fd, ev, w->ud);
    }
}

int
jt_loop_run_once(struct jt_loop *l, int timeout_ms)
{
    nfds_t n = build_pollfds(l);
    int rc = poll(l->pfd, n, poll_timeout(l, timeout_ms));

    if (rc < 0) {
        if (errno == EINTR)
            return 0;
        l->err = errno;
        return JT_ERR_NET_POLL;
    }
    if (l->pfd[0].revents & POLLIN) {
        uint64_t v;
        ssize_t r = read(l->wake_fd, &v, sizeof(v));

        (void)r;
    }
    if (rc > 0)
        dispatch_fds(l, n);
    run_calls(l);
    fire_timers(l);
    return 0;
}

void
jti_loop_hold(struct jt_loop *l, int delta)
{
    l->holds += delta;
}

static int
has_work(struct jt_loop *l)
{
    if (l->nheap > 0 || l->holds > 0 || calls_pending(l) > 0)
        return 1;
    for (size_t i = 0; i < l->nwatch; i++)
        if (l->w[i].fd >= 0 && l->w[i].events != 0)
            return 1;
    return 0;
}

static int
take_stop(struct jt_loop *l)
{
    int s;

    pthread_mutex_lock(&l->mu);
    s = l->stop;
    l->stop = 0;
    pthread_mutex_unlock(&l->mu);
    return s;
}

int
jt_loop_run(struct jt_loop *l)
{
    while (!take_stop(l) && has_work(l)) {
        int rc = jt_loop_run_once(l, -1);

        if (rc != 0)
            return rc;
    }
    return 0;
}
