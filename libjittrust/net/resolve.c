// SPDX-License-Identifier: MIT
/*
 * net: name resolution (see resolve.h). The static host map; a resolver
 * whose queries live in fixed, generation-checked slots. IP literals, map
 * hits and refusals are answered through a 0 ms loop timer; a backend
 * (struct jt_resolver_ops) answers through its own callback; system
 * lookups run getaddrinfo() on one helper thread fed by a capped job ring,
 * and come back through jt_loop_call(). Slot state shared with the thread
 * is under |mu|; user callbacks always run on the loop thread, unlocked.
 */
#define _GNU_SOURCE
#include "jittrust/resolve.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "jittrust/error.h"
#include "alloc-int.h"
#include "net-int.h"

#define DEF_MAP 64u
#define DEF_QUERIES 32u
#define MAX_CAP 4096u

/* ---- the host map ---- */

struct map_entry {
    struct jt_host host;
    uint16_t port; /* 0: any port ("*") */
    uint8_t n;     /* 0: NXDOMAIN */
    struct jt_addr addrs[JT_RESOLVE_MAX_ADDRS];
};

struct jt_hostmap {
    const struct jt_alloc *alloc;
    size_t max, n;
    struct map_entry *e;
};

int
jt_hostmap_create(const struct jt_alloc *alloc, size_t max_entries,
                  struct jt_hostmap **out)
{
    struct jt_hostmap *m;

    if (out == NULL)
        return JT_ERR_INVAL;
    *out = NULL;
    if (max_entries > MAX_CAP)
        return JT_ERR_INVAL;
    m = jti_calloc(alloc, 1, sizeof(*m));
    if (m == NULL)
        return JT_ERR_NOMEM;
    m->alloc = alloc;
    m->max = max_entries ? max_entries : DEF_MAP;
    m->e = jti_calloc(alloc, m->max, sizeof(*m->e));
    if (m->e == NULL) {
        jti_free(alloc, m);
        return JT_ERR_NOMEM;
    }
    *out = m;
    return 0;
}

void
jt_hostmap_destroy(struct jt_hostmap *m)
{
    if (m == NULL)
        return;
    jti_free(m->alloc, m->e);
    jti_free(m->alloc, m);
}

/* "*" or a decimal 1..65535 of |len| bytes. Returns 0 or -1. */
static int
parse_port(const char *s, size_t len, uint16_t *port)
{
    unsigned v = 0;

    if (len == 1 && s[0] == '*') {
        *port = 0;
        return 0;
    }
    if (len == 0 || len > 5)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10u + (unsigned)(s[i] - '0');
    }
    if (v == 0 || v > 65535 || (len > 1 && s[0] == '0'))
        return -1;
    *port = (uint16_t)v;
    return 0;
}

/* The comma-separated ADDR list |s|, |len| bytes, into |e|. */
static int
parse_addrs(const char *s, size_t len, struct map_entry *e)
{
    size_t start = 0;

    if (len == 0)
        return 0; /* NXDOMAIN entry */
    for (size_t i = 0; i <= len; i++) {
        struct jt_host h;

        if (i < len && s[i] != ',')
            continue;
        if (e->n == JT_RESOLVE_MAX_ADDRS ||
            jt_host_normalise(s + start, i - start, &h) != 0 ||
            jt_addr_from_host(&h, 0, &e->addrs[e->n]) != 0)
            return JT_ERR_NET_HOSTMAP_SPEC;
        e->n++;
        start = i + 1;
    }
    return 0;
}

static struct map_entry *
map_find(const struct jt_hostmap *m, const struct jt_host *h, uint16_t port)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->e[i].port == port && strcmp(m->e[i].host.name, h->name) == 0)
            return &m->e[i];
    return NULL;
}

int
jt_hostmap_add(struct jt_hostmap *m, const char *spec)
{
    struct map_entry e, *old;
    const char *c1, *c2;
    int rc;

    if (m == NULL || spec == NULL)
        return JT_ERR_INVAL;
    memset(&e, 0, sizeof(e));
    c1 = strchr(spec, ':');
    c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (c2 == NULL)
        return JT_ERR_NET_HOSTMAP_SPEC;
    rc = jt_host_normalise(spec, (size_t)(c1 - spec), &e.host);
    if (rc != 0)
        return rc;
    if (e.host.kind != JT_HOST_NAME ||
        parse_port(c1 + 1, (size_t)(c2 - c1 - 1), &e.port) != 0)
        return JT_ERR_NET_HOSTMAP_SPEC;
    rc = parse_addrs(c2 + 1, strlen(c2 + 1), &e);
    if (rc != 0)
        return rc;
    old = map_find(m, &e.host, e.port);
    if (old == NULL && m->n == m->max)
        return JT_ERR_NOSPC;
    if (old == NULL)
        old = &m->e[m->n++];
    *old = e;
    return 0;
}

int
jt_hostmap_lookup(const struct jt_hostmap *m, const struct jt_host *h,
                  uint16_t port, struct jt_addr *out, size_t cap, size_t *n)
{
    const struct map_entry *e;

    if (n != NULL)
        *n = 0;
    if (m == NULL || h == NULL || n == NULL || (out == NULL && cap > 0))
        return JT_ERR_INVAL;
    e = map_find(m, h, port);
    if (e == NULL)
        e = map_find(m, h, 0);
    if (e == NULL)
        return JT_ERR_NOT_FOUND;
    if (e->n == 0)
        return JT_ERR_NET_NXDOMAIN;
    for (size_t i = 0; i < e->n && i < cap; i++) {
        out[i] = e->addrs[i];
        out[i].port = port;
        *n = i + 1;
    }
    return 0;
}

/* ---- resolver ---- */

enum qstate { Q_FREE, Q_LOCAL, Q_BACKEND, Q_SYSTEM, Q_SYSTEM_DONE };

struct query {
    uint32_t gen;
    uint8_t state;     /* enum qstate; Q_SYSTEM* under mu */
    uint8_t cancelled; /* Q_SYSTEM: the answer is dropped */
    jt_resolve_cb cb;
    void *ud;
    struct jt_host host;
    uint16_t port;
    uint64_t timer, backend_q;
    int err, gai;
    size_t n;
    struct jt_addr addrs[JT_RESOLVE_MAX_ADDRS];
    struct jt_resolver *r;
};

struct jt_resolver {
    const struct jt_alloc *alloc;
    struct jt_loop *loop;
    const struct jt_hostmap *map;
    const struct jt_resolver_ops *ops;
    void *impl;
    int system, gai;
    jti_lookup_fn lookup;
    size_t max;
    struct query *q;
    /* helper thread */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    int thread_up, stopping;
    size_t job_head, njobs;
    uint32_t *jobs; /* slot numbers */
};

static uint64_t
qid(const struct jt_resolver *r, const struct query *q)
{
    return (uint64_t)q->gen << 32 | (uint64_t)(q - r->q + 1);
}

static struct query *
qfind(struct jt_resolver *r, uint64_t id)
{
    uint64_t slot1 = id & 0xffffffffu;
    struct query *q;

    if (slot1 == 0 || slot1 > r->max)
        return NULL;
    q = &r->q[slot1 - 1];
    if (q->gen != (uint32_t)(id >> 32))
        return NULL;
    return q;
}

/* Under mu when the slot may be seen by the thread. */
static struct query *
qalloc(struct jt_resolver *r)
{
    for (size_t i = 0; i < r->max; i++) {
        struct query *q = &r->q[i];

        if (q->state != Q_FREE)
            continue;
        q->gen = q->gen + 1 == 0 ? 1 : q->gen + 1;
        q->cancelled = 0;
        q->n = 0;
        q->err = 0;
        q->gai = 0;
        return q;
    }
    return NULL;
}

/* Answer |q| (loop thread) and free its slot first: cb may resolve again. */
static void
answer(struct query *q)
{
    struct jt_addr addrs[JT_RESOLVE_MAX_ADDRS];
    jt_resolve_cb cb = q->cb;
    void *ud = q->ud;
    size_t n = q->n;
    int err = q->err;

    for (size_t i = 0; i < n; i++) {
        addrs[i] = q->addrs[i];
        addrs[i].port = q->port;
    }
    if (err == 0 && n == 0)
        err = JT_ERR_NET_NO_ADDRESS;
    pthread_mutex_lock(&q->r->mu);
    q->state = Q_FREE;
    pthread_mutex_unlock(&q->r->mu);
    cb(ud, err, err == 0 ? addrs : NULL, err == 0 ? n : 0);
}

static void
on_local(struct jt_loop *loop, void *ud)
{
    struct query *q = ud;

    (void)loop;
    q->timer = 0;
    answer(q);
}

static void
on_backend(void *ud, int err, const struct jt_addr *addrs, size_t n)
{
    struct query *q = ud;

    q->err = err;
    q->n = 0;
    for (size_t i = 0;
         err == 0 && addrs != NULL && i < n && i < JT_RESOLVE_MAX_ADDRS; i++)
        q->addrs[q->n++] = addrs[i];
    answer(q);
}

/* Deliver every finished system lookup (loop thread, via jt_loop_call). */
static void
on_system_done(struct jt_loop *loop, void *ud)
{
    struct jt_resolver *r = ud;

    for (size_t i = 0; i < r->max; i++) {
        struct query *q = &r->q[i];
        int ready;

        pthread_mutex_lock(&r->mu);
        ready = q->state == Q_SYSTEM_DONE;
        pthread_mutex_unlock(&r->mu);
        if (!ready)
            continue;
        jti_loop_hold(loop, -1);
        if (q->err == JT_ERR_NET_RESOLVE)
            r->gai = q->gai;
        answer(q);
    }
}

/* ---- the helper thread ---- */

static int
gai_lookup(const char *name, struct jt_addr *out, size_t cap, size_t *n,
           int *gai)
{
    struct addrinfo hints, *res = NULL, *ai;
    int rc;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    *n = 0;
    rc = getaddrinfo(name, NULL, &hints, &res);
    *gai = rc;
    if (rc == EAI_NONAME)
        return JT_ERR_NET_NXDOMAIN;
    if (rc != 0)
        return JT_ERR_NET_RESOLVE;
    for (ai = res; ai != NULL && *n < cap; ai = ai->ai_next) {
        struct jt_addr *a = &out[*n];

        memset(a, 0, sizeof(*a));
        if (ai->ai_family == AF_INET) {
            a->family = JT_ADDR_IPV4;
            memcpy(a->ip, &((struct sockaddr_in *)ai->ai_addr)->sin_addr, 4);
        } else if (ai->ai_family == AF_INET6) {
            a->family = JT_ADDR_IPV6;
            memcpy(a->ip, &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, 16);
        } else {
            continue;
        }
        *n += 1;
    }
    freeaddrinfo(res);
    return *n > 0 ? 0 : JT_ERR_NET_NO_ADDRESS;
}

/* Post on_system_done; a full call queue is retried shortly. */
static void
post_done(struct jt_resolver *r)
{
    struct timespec ms = {0, 1000000L};

    while (jt_loop_call(r->loop, on_system_done, r) == JT_ERR_NOSPC) {
        pthread_mutex_lock(&r->mu);
        if (r->stopping) {
            pthread_mutex_unlock(&r->mu);
            return;
        }
        pthread_mutex_unlock(&r->mu);
        nanosleep(&ms, NULL);
    }
}

/* Run one job: |name| was copied under mu; store the result if wanted. */
static void
run_job(struct jt_resolver *r, uint32_t slot, uint32_t gen, const char *name)
{
    struct jt_addr addrs[JT_RESOLVE_MAX_ADDRS];
    size_t n = 0;
    int gai = 0, err = r->lookup(name, addrs, JT_RESOLVE_MAX_ADDRS, &n, &gai);
    struct query *q = &r->q[slot];
    int post = 0;

    pthread_mutex_lock(&r->mu);
    if (q->gen == gen && q->state == Q_SYSTEM) {
        if (q->cancelled) {
            q->state = Q_FREE;
        } else {
            memcpy(q->addrs, addrs, n * sizeof(addrs[0]));
            q->n = n;
            q->err = err;
            q->gai = gai;
            q->state = Q_SYSTEM_DONE;
            post = 1;
        }
    }
    pthread_mutex_unlock(&r->mu);
    if (post)
        post_done(r);
}

static void *
worker(void *ud)
{
    struct jt_resolver *r = ud;

    pthread_mutex_lock(&r->mu);
    for (;;) {
        char name[JT_HOST_MAX + 1];
        uint32_t slot, gen;

        while (!r->stopping && r->njobs == 0)
            pthread_cond_wait(&r->cv, &r->mu);
        if (r->stopping)
            break;
        slot = r->jobs[r->job_head];
        r->job_head = (r->job_head + 1) % r->max;
        r->njobs--;
        gen = r->q[slot].gen;
        memcpy(name, r->q[slot].host.name, sizeof(name));
        pthread_mutex_unlock(&r->mu);
        run_job(r, slot, gen, name);
        pthread_mutex_lock(&r->mu);
    }
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

/* Queue |q| for the helper thread, starting it if needed. Under mu. */
static int
queue_system(struct jt_resolver *r, struct query *q)
{
    if (!r->thread_up) {
        if (pthread_create(&r->thread, NULL, worker, r) != 0)
            return JT_ERR_NET_THREAD;
        r->thread_up = 1;
    }
    /* njobs < max: every job holds a distinct Q_SYSTEM slot */
    r->jobs[(r->job_head + r->njobs) % r->max] = (uint32_t)(q - r->q);
    r->njobs++;
    q->state = Q_SYSTEM;
    pthread_cond_signal(&r->cv);
    return 0;
}

/* ---- public ---- */

int
jt_resolver_create(struct jt_loop *loop, const struct jt_resolver_opts *o,
                   struct jt_resolver **out)
{
    struct jt_resolver *r;

    if (out != NULL)
        *out = NULL;
    if (loop == NULL || o == NULL || out == NULL || o->max_queries > MAX_CAP ||
        (o->ops != NULL && (o->ops->start == NULL || o->ops->cancel == NULL)))
        return JT_ERR_INVAL;
    r = jti_calloc(o->alloc, 1, sizeof(*r));
    if (r == NULL)
        return JT_ERR_NOMEM;
    r->alloc = o->alloc;
    r->loop = loop;
    r->map = o->map;
    r->ops = o->ops;
    r->impl = o->impl;
    r->system = o->system;
    r->lookup = gai_lookup;
    r->max = o->max_queries ? o->max_queries : DEF_QUERIES;
    r->q = jti_calloc(o->alloc, r->max, sizeof(*r->q));
    r->jobs = jti_calloc(o->alloc, r->max, sizeof(*r->jobs));
    if (r->q == NULL || r->jobs == NULL) {
        jti_free(o->alloc, r->q);
        jti_free(o->alloc, r->jobs);
        jti_free(o->alloc, r);
        return JT_ERR_NOMEM;
    }
    for (size_t i = 0; i < r->max; i++)
        r->q[i].r = r;
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->cv, NULL);
    *out = r;
    return 0;
}

void
jti_resolver_set_lookup(struct jt_resolver *r, jti_lookup_fn fn)
{
    r->lookup = fn != NULL ? fn : gai_lookup;
}

/* Answer from here: IP literal, map hit or NXDOMAIN, or a refusal. */
static int
local_answer(struct jt_resolver *r, struct query *q)
{
    if (jt_host_is_ip(&q->host)) {
        jt_addr_from_host(&q->host, q->port, &q->addrs[0]);
        q->n = 1;
    } else if (r->map != NULL) {
        q->err = jt_hostmap_lookup(r->map, &q->host, q->port, q->addrs,
                                   JT_RESOLVE_MAX_ADDRS, &q->n);
        if (q->err == JT_ERR_NOT_FOUND)
            return 0; /* not answered here */
    } else {
        return 0;
    }
    q->state = Q_LOCAL;
    return 1;
}

static int
start_query(struct jt_resolver *r, struct query *q)
{
    int rc = 0;

    if (local_answer(r, q) == 0) {
        if (r->ops != NULL) {
            q->state = Q_BACKEND;
            rc = r->ops->start(r->impl, &q->host, q->port, on_backend, q,
                               &q->backend_q);
            return rc;
        }
        if (r->system) {
            pthread_mutex_lock(&r->mu);
            rc = queue_system(r, q);
            pthread_mutex_unlock(&r->mu);
            if (rc == 0)
                jti_loop_hold(r->loop, 1);
            return rc;
        }
        q->err = JT_ERR_NET_UNMAPPED;
        q->state = Q_LOCAL;
    }
    return jt_loop_timer_add(r->loop, 0, on_local, q, &q->timer);
}

int
jt_resolve(struct jt_resolver *r, const struct jt_host *h, uint16_t port,
           jt_resolve_cb cb, void *ud, uint64_t *id)
{
    struct query *q;
    int rc;

    if (id != NULL)
        *id = 0;
    if (r == NULL || h == NULL || cb == NULL || h->len == 0)
        return JT_ERR_INVAL;
    pthread_mutex_lock(&r->mu);
    q = qalloc(r);
    if (q != NULL)
        q->state = Q_LOCAL; /* reserved */
    pthread_mutex_unlock(&r->mu);
    if (q == NULL)
        return JT_ERR_NOSPC;
    q->cb = cb;
    q->ud = ud;
    q->host = *h;
    q->port = port;
    rc = start_query(r, q);
    if (rc != 0) {
        pthread_mutex_lock(&r->mu);
        q->state = Q_FREE;
        pthread_mutex_unlock(&r->mu);
        return rc;
    }
    if (id != NULL)
        *id = qid(r, q);
    return 0;
}

void
jt_resolve_cancel(struct jt_resolver *r, uint64_t id)
{
    struct query *q = r == NULL ? NULL : qfind(r, id);

    if (q == NULL)
        return;
    pthread_mutex_lock(&r->mu);
    switch (q->state) {
    case Q_LOCAL:
        jt_loop_timer_cancel(r->loop, q->timer);
        q->state = Q_FREE;
        break;
    case Q_BACKEND:
        r->ops->cancel(r->impl, q->backend_q);
        q->state = Q_FREE;
        break;
    case Q_SYSTEM:
        if (!q->cancelled)
            jti_loop_hold(r->loop, -1);
        q->cancelled = 1; /* the thread frees the slot */
        break;
    case Q_SYSTEM_DONE:
        q->state = Q_FREE;
        jti_loop_hold(r->loop, -1);
        break;
    default:
        break;
    }
    pthread_mutex_unlock(&r->mu);
}

void
jt_resolver_destroy(struct jt_resolver *r)
{
    if (r == NULL)
        return;
    pthread_mutex_lock(&r->mu);
    r->stopping = 1;
    pthread_cond_signal(&r->cv);
    pthread_mutex_unlock(&r->mu);
    if (r->thread_up)
        pthread_join(r->thread, NULL);
    jti_loop_drop_calls(r->loop, on_system_done, r);
    for (size_t i = 0; i < r->max; i++) {
        struct query *q = &r->q[i];

        if ((q->state == Q_SYSTEM && !q->cancelled) ||
            q->state == Q_SYSTEM_DONE)
            jti_loop_hold(r->loop, -1);
        else if (q->state == Q_LOCAL || q->state == Q_BACKEND)
            jt_resolve_cancel(r, qid(r, q));
    }
    if (r->ops != NULL && r->ops->destroy != NULL)
        r->ops->destroy(r->impl);
    pthread_cond_destroy(&r->cv);
    pthread_mutex_destroy(&r->mu);
    jti_free(r->alloc, r->q);
    jti_free(r->alloc, r->jobs);
    jti_free(r->alloc, r);
}

int
jt_resolve_gai_error(const struct jt_resolver *r)
{
    return r == NULL ? 0 : r->gai;
}
