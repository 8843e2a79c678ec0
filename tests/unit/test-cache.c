// SPDX-License-Identifier: MIT
/*
 * unit: jt_cache. Options and argument checks with exact codes, key
 * identity, TTL edges with a fake clock, LRU eviction order, the footprint
 * cap (checked against the allocator's own byte count), generations,
 * foreach, every allocation failure of a scripted run, the keyed hash, and
 * a 10,000-entry stress run against the reference model in
 * tests/fuzz/cache-model.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "jittrust/cache.h"
#include "jittrust/error.h"

#include "../fuzz/cache-model.h"
#include "cache-int.h"
#include "failalloc.h"

#define MIN jt_cache_min_footprint()
#define EFP(h, v) jt_cache_entry_footprint((h), (v))

static struct jt_cache *
mk(size_t cap, size_t max_value, uint32_t max_ttl, const struct jt_alloc *a)
{
    struct jt_cache_opts o;
    struct jt_cache *c = NULL;

    memset(&o, 0, sizeof(o));
    o.max_footprint = cap;
    o.max_value = max_value;
    o.max_ttl_ms = max_ttl;
    for (unsigned i = 0; i < sizeof(o.seed); i++)
        o.seed[i] = (uint8_t)(0xA5 ^ i);
    assert_int_equal(jt_cache_create(&c, &o, a), 0);
    return c;
}

static struct jt_cache_key
K(const char *host) {
    struct jt_cache_key k = {host, strlen(host), 443, 1};

    return k;
}

static int
put_s(struct jt_cache *c, const char *host, const char *val, uint32_t ttl,
      uint64_t now)
{
    struct jt_cache_key k = K(host);

    return jt_cache_put(c, &k, val, strlen(val), ttl, now);
}

/* Get |host| as a string into |out| (64 bytes); returns the code. */
static int
get_s(struct jt_cache *c, const char *host, uint64_t now, char *out)
{
    struct jt_cache_key k = K(host);
    size_t used = 99;
    int rc = jt_cache_get(c, &k, now, out, 63, &used);

    out[rc == 0 ? used : 0] = 0;
    return rc;
}

static struct jt_cache_stats
stats(const struct jt_cache *c)
{
    struct jt_cache_stats st;

    assert_int_equal(jt_cache_stats(c, &st), 0);
    return st;
}

/* ---- options and arguments ---- */

static void
create_options(void **state)
{
    static const struct {
        size_t cap, max_value;
        uint32_t max_ttl;
        int want;
    } rows[] = {
        {0, 16, 1000, JT_ERR_CACHE_BAD_OPTS},
        {(size_t)-1, 0, 1000, JT_ERR_CACHE_BAD_OPTS},
        {(size_t)-1, JT_CACHE_VALUE_MAX + 1, 1000, JT_ERR_CACHE_BAD_OPTS},
        {(size_t)-1, 16, 0, JT_ERR_CACHE_BAD_OPTS},
        {(size_t)-1, JT_CACHE_VALUE_MAX, 1, 0},
        {1, 1, 1, JT_ERR_CACHE_BAD_OPTS}, /* cap below min: row fixed below */
        {2, 1, 1, 0},                     /* cap == min: row fixed below */
    };
    struct jt_cache_opts o;
    struct jt_cache *c = (struct jt_cache *)&o;

    (void)state;
    memset(&o, 0, sizeof(o));
    assert_int_equal(jt_cache_create(NULL, &o, NULL), JT_ERR_INVAL);
    assert_int_equal(jt_cache_create(&c, NULL, NULL), JT_ERR_INVAL);
    assert_null(c);
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        o.max_footprint = rows[i].cap == 1   ? MIN - 1
                          : rows[i].cap == 2 ? MIN
                                             : rows[i].cap;
        o.max_value = rows[i].max_value;
        o.max_ttl_ms = rows[i].max_ttl;
        c = (struct jt_cache *)&o;
        assert_int_equal(jt_cache_create(&c, &o, NULL), rows[i].want);
        if (rows[i].want != 0)
            assert_null(c);
        jt_cache_destroy(c);
    }
    jt_cache_destroy(NULL);
}

static void
put_argument_codes(void **state)
{
    static char h253[254], h254[255];
    static const char nul[] = "ab\0cd";
    static const uint8_t v[80];
    static const struct {
        const char *host;
        size_t hlen, vlen;
        uint32_t ttl;
        int null_value, want;
    } rows[] = {
        {NULL, 1, 1, 10, 0, JT_ERR_INVAL},
        {"a", 1, 1, 10, 1, JT_ERR_INVAL},
        {"a", 0, 1, 10, 0, JT_ERR_CACHE_BAD_HOST},
        {nul, 5, 1, 10, 0, JT_ERR_CACHE_BAD_HOST},
        {h254, 254, 1, 10, 0, JT_ERR_CACHE_HOST_TOO_LONG},
        {h253, 253, 1, 10, 0, 0},
        {"a", 1, 64, 10, 0, 0},
        {"a", 1, 65, 10, 0, JT_ERR_CACHE_VALUE_TOO_BIG},
        {"a", 1, 1, 0, 0, JT_ERR_CACHE_BAD_TTL},
        {"a", 1, 0, 10, 1, 0}, /* empty value, NULL pointer */
    };
    struct jt_cache *c = mk(1 << 16, 64, 1000, NULL);

    (void)state;
    memset(h253, 'x', 253);
    memset(h254, 'y', 254);
    assert_int_equal(jt_cache_put(NULL, NULL, v, 1, 1, 0), JT_ERR_INVAL);
    assert_int_equal(jt_cache_put(c, NULL, v, 1, 1, 0), JT_ERR_INVAL);
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct jt_cache_key k = {rows[i].host, rows[i].hlen, 1, 2};

        assert_int_equal(jt_cache_put(c, &k, rows[i].null_value ? NULL : v,
                                      rows[i].vlen, rows[i].ttl, 0),
                         rows[i].want);
    }
    /* Only the three good rows stored ("a" twice: one entry). */
    assert_int_equal(stats(c).entries, 2);
    jt_cache_destroy(c);
}

static void
get_del_argument_codes(void **state)
{
    struct jt_cache *c = mk(1 << 16, 64, 1000, NULL);
    struct jt_cache_key k = K("a"), empty = {"", 0, 1, 1};
    struct jt_cache_key longk = {"a", 300, 1, 1}, nullh = {NULL, 1, 1, 1};
    char buf[8];
    size_t used = 5;

    (void)state;
    assert_int_equal(jt_cache_get(NULL, &k, 0, buf, 8, &used), JT_ERR_INVAL);
    assert_int_equal(used, 0);
    assert_int_equal(jt_cache_get(c, &k, 0, buf, 8, NULL), JT_ERR_INVAL);
    assert_int_equal(jt_cache_get(c, &k, 0, NULL, 8, &used), JT_ERR_INVAL);
    assert_int_equal(jt_cache_get(c, NULL, 0, buf, 8, &used), JT_ERR_INVAL);
    assert_int_equal(jt_cache_get(c, &nullh, 0, buf, 8, &used), JT_ERR_INVAL);
    assert_int_equal(jt_cache_get(c, &empty, 0, buf, 8, &used),
                     JT_ERR_CACHE_BAD_HOST);
    assert_int_equal(jt_cache_get(c, &longk, 0, buf, 8, &used),
                     JT_ERR_CACHE_HOST_TOO_LONG);
    assert_int_equal(jt_cache_get(c, &k, 0, NULL, 0, &used), JT_ERR_NOT_FOUND);
    assert_int_equal(jt_cache_del(NULL, &k, 0), JT_ERR_INVAL);
    assert_int_equal(jt_cache_del(c, NULL, 0), JT_ERR_INVAL);
    assert_int_equal(jt_cache_del(c, &empty, 0), JT_ERR_CACHE_BAD_HOST);
    assert_int_equal(jt_cache_del(c, &longk, 0), JT_ERR_CACHE_HOST_TOO_LONG);
    assert_int_equal(jt_cache_del(c, &k, 0), JT_ERR_NOT_FOUND);
    assert_int_equal(jt_cache_clear(NULL), JT_ERR_INVAL);
    assert_int_equal(jt_cache_expire(NULL, 0), JT_ERR_INVAL);
    assert_int_equal(jt_cache_bump_generation(NULL, NULL), JT_ERR_INVAL);
    assert_int_equal(jt_cache_set_generation(NULL, 1), JT_ERR_INVAL);
    assert_int_equal(jt_cache_stats(NULL, NULL), JT_ERR_INVAL);
    assert_int_equal(jt_cache_stats(c, NULL), JT_ERR_INVAL);
    assert_int_equal(jt_cache_foreach(NULL, 0, NULL, NULL), JT_ERR_INVAL);
    assert_int_equal(jt_cache_foreach(c, 0, NULL, NULL), JT_ERR_INVAL);
    /* Misses from bad arguments are not counted. */
    assert_int_equal(stats(c).misses, 1);
    jt_cache_destroy(c);
}

/* ---- keys and values ---- */

static void
key_fields_all_count(void **state)
{
    static const struct {
        const char *host;
        uint16_t port;
        uint32_t policy;
        const char *val;
    } rows[] = {
        {"www.jt.test", 443, 1, "base"},
        {"www.jt.test", 8443, 1, "port"},
        {"www.jt.test", 443, 2, "policy"},
        {"WWW.jt.test", 443, 1, "case"},
        {"www.jt.test.", 443, 1, "dot"},
        {"www.jt.tes", 443, 1, "prefix"},
        {"w", 0, 0, "short"},
        {"w", 65535, 0xffffffffu, "max"},
    };
    struct jt_cache *c = mk(1 << 16, 64, 1000, NULL);
    const size_t n = sizeof(rows) / sizeof(rows[0]);

    (void)state;
    for (size_t i = 0; i < n; i++) {
        struct jt_cache_key k = {rows[i].host, strlen(rows[i].host),
                                 rows[i].port, rows[i].policy};

        assert_int_equal(
            jt_cache_put(c, &k, rows[i].val, strlen(rows[i].val), 100, 0), 0);
    }
    for (size_t i = 0; i < n; i++) {
        struct jt_cache_key k = {rows[i].host, strlen(rows[i].host),
                                 rows[i].port, rows[i].policy};
        char out[16];
        size_t used;

        assert_int_equal(jt_cache_get(c, &k, 1, out, sizeof(out), &used), 0);
        assert_int_equal(used, strlen(rows[i].val));
        assert_memory_equal(out, rows[i].val, used);
    }
    assert_int_equal(stats(c).entries, n);
    jt_cache_destroy(c);
}

static void
replace_and_small_buffer(void **state)
{
    struct jt_cache *c = mk(MIN + 2 * EFP(1, 8), 8, 1000, NULL);
    struct jt_cache_key a = K("a");
    char out[64];
    size_t used;

    (void)state;
    assert_int_equal(put_s(c, "a", "x", 100, 0), 0);
    assert_int_equal(put_s(c, "a", "yyyyy", 100, 0), 0);
    assert_int_equal(stats(c).entries, 1);
    assert_int_equal(stats(c).footprint, MIN + EFP(1, 5));
    /* A failed replace keeps the old value. */
    assert_int_equal(put_s(c, "a", "123456789", 100, 0),
                     JT_ERR_CACHE_VALUE_TOO_BIG);
    assert_int_equal(get_s(c, "a", 0, out), 0);
    assert_string_equal(out, "yyyyy");
    /* Too small: size reported, no hit, no LRU move. */
    assert_int_equal(jt_cache_get(c, &a, 0, out, 4, &used),
                     JT_ERR_CACHE_BUF_TOO_SMALL);
    assert_int_equal(used, 5);
    assert_int_equal(jt_cache_get(c, &a, 0, NULL, 0, &used),
                     JT_ERR_CACHE_BUF_TOO_SMALL);
    assert_int_equal(used, 5);
    assert_int_equal(stats(c).hits, 1);
    assert_int_equal(put_s(c, "b", "b", 100, 0), 0);
    assert_int_equal(jt_cache_get(c, &a, 0, out, 1, &used),
                     JT_ERR_CACHE_BUF_TOO_SMALL);
    assert_int_equal(put_s(c, "c", "c", 100, 0), 0); /* evicts a, not b */
    assert_int_equal(get_s(c, "a", 0, out), JT_ERR_NOT_FOUND);
    assert_int_equal(get_s(c, "b", 0, out), 0);
    /* Empty value. */
    assert_int_equal(put_s(c, "e", "", 100, 0), 0);
    assert_int_equal(jt_cache_get(c, &(struct jt_cache_key){"e", 1, 443, 1}, 0,
                                  NULL, 0, &used),
                     0);
    assert_int_equal(used, 0);
    jt_cache_destroy(c);
}

/* ---- time ---- */

static void
ttl_boundaries(void **state)
{
    static const struct {
        uint64_t put_at;
        uint32_t ttl, max_ttl;
        uint64_t get_at;
        int want;
    } rows[] = {
        {1000, 500, 60000, 1000, 0},
        {1000, 500, 60000, 1499, 0},
        {1000, 500, 60000, 1500, JT_ERR_NOT_FOUND},
        {1000, 500, 60000, 1501, JT_ERR_NOT_FOUND},
        {0, 1, 10, 0, 0},
        {0, 1, 10, 1, JT_ERR_NOT_FOUND},
        /* clamped to max_ttl: a 30 s negative cache */
        {1000, 3600000, 30000, 30999, 0},
        {1000, 3600000, 30000, 31000, JT_ERR_NOT_FOUND},
        {5, 30000, 30000, 30004, 0},
        {5, 30000, 30000, 30005, JT_ERR_NOT_FOUND},
        /* the expiry saturates at UINT64_MAX */
        {UINT64_MAX - 10, 100, 1000, UINT64_MAX - 1, 0},
        {UINT64_MAX - 10, 100, 1000, UINT64_MAX, JT_ERR_NOT_FOUND},
        {UINT64_MAX, 5, 10, UINT64_MAX, JT_ERR_NOT_FOUND},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct jt_cache *c = mk(1 << 16, 8, rows[i].max_ttl, NULL);
        char out[64];

        assert_int_equal(put_s(c, "h", "v", rows[i].ttl, rows[i].put_at), 0);
        assert_int_equal(get_s(c, "h", rows[i].get_at, out), rows[i].want);
        /* An expired entry is reclaimed when met, and counted. */
        assert_int_equal(stats(c).expirations, rows[i].want != 0);
        assert_int_equal(stats(c).entries, rows[i].want == 0);
        jt_cache_destroy(c);
    }
}

static void
time_never_runs_backwards(void **state)
{
    struct jt_cache *c = mk(1 << 16, 8, 100000, NULL);
    char out[64];

    (void)state;
    assert_int_equal(put_s(c, "a", "a", 100, 1000), 0);
    assert_int_equal(put_s(c, "b", "b", 5000, 2000), 0);
    /* now 2000 was seen: a (expired at 1100) stays dead at "1050". */
    assert_int_equal(get_s(c, "a", 1050, out), JT_ERR_NOT_FOUND);
    /* A put at an older time still expires from the newest time. */
    assert_int_equal(put_s(c, "c", "c", 100, 0), 0);
    assert_int_equal(get_s(c, "c", 2099, out), 0);
    assert_int_equal(get_s(c, "c", 2100, out), JT_ERR_NOT_FOUND);
    assert_int_equal(get_s(c, "b", 3000, out), 0);
    jt_cache_destroy(c);
}

/* ---- LRU and the footprint cap ---- */

struct step {
    const char *host;
    int want;
    char op; /* P put, G get (want hit), M get (want miss), D del */
};

static void
run_steps(struct jt_cache *c, const struct step *s, size_t n)
{
    char out[64];

    for (size_t i = 0; i < n; i++) {
        int rc;
        struct jt_cache_key k = K(s[i].host);

        if (s[i].op == 'P')
            rc = put_s(c, s[i].host, s[i].host, 1000, 0);
        else if (s[i].op == 'D')
            rc = jt_cache_del(c, &k, 0);
        else
            rc = get_s(c, s[i].host, 0, out);
        if (rc != s[i].want)
            fail_msg("step %zu (%c %s): want %d, got %d", i, s[i].op, s[i].host,
                     s[i].want, rc);
    }
}

static void
lru_eviction_order(void **state)
{
    static const struct step steps[] = {
        {"a", 0, 'P'},
        {"b", 0, 'P'},
        {"c", 0, 'P'},                /* full: a b c (a oldest) */
        {"a", 0, 'G'},                /* b c a */
        {"d", 0, 'P'},                /* evicts b: c a d */
        {"b", JT_ERR_NOT_FOUND, 'M'}, /* */
        {"c", 0, 'P'},                /* replace refreshes: a d c */
        {"e", 0, 'P'},                /* evicts a: d c e */
        {"a", JT_ERR_NOT_FOUND, 'M'}, /* */
        {"d", 0, 'D'},                /* c e */
        {"f", 0, 'P'},                /* room, no eviction: c e f */
        {"g", 0, 'P'},                /* evicts c: e f g */
        {"c", JT_ERR_NOT_FOUND, 'M'}, /* */
        {"e", 0, 'G'},
        {"f", 0, 'G'},
        {"g", 0, 'G'},
        {"zz", JT_ERR_NOT_FOUND, 'D'},
    };
    struct jt_cache *c = mk(MIN + 3 * EFP(1, 1), 1, 1000, NULL);
    struct jt_cache_stats st;

    (void)state;
    run_steps(c, steps, sizeof(steps) / sizeof(steps[0]));
    st = stats(c);
    assert_int_equal(st.entries, 3);
    assert_int_equal(st.evictions, 3);
    assert_int_equal(st.expirations, 0);
    assert_int_equal(st.footprint, st.max_footprint);
    jt_cache_destroy(c);
}

static void
evicting_expired_counts_as_expiration(void **state)
{
    struct jt_cache *c = mk(MIN + 2 * EFP(1, 1), 1, 1000, NULL);
    char out[64];

    (void)state;
    assert_int_equal(put_s(c, "a", "a", 10, 0), 0);
    assert_int_equal(put_s(c, "b", "b", 1000, 0), 0);
    assert_int_equal(put_s(c, "c", "c", 1000, 20), 0);
    assert_int_equal(stats(c).expirations, 1);
    assert_int_equal(stats(c).evictions, 0);
    assert_int_equal(put_s(c, "d", "d", 1000, 20), 0);
    assert_int_equal(stats(c).evictions, 1);
    assert_int_equal(get_s(c, "b", 20, out), JT_ERR_NOT_FOUND);
    jt_cache_destroy(c);
}

static void
oversize_entries(void **state)
{
    /* Room for one 1-byte-host entry with 10 bytes of value, plus 5. */
    struct jt_cache *c = mk(MIN + EFP(1, 10) + 5, 100, 1000, NULL);
    static const struct {
        size_t vlen;
        int want;
    } rows[] = {
        {15, 0},
        {16, JT_ERR_NOSPC},
        {100, JT_ERR_NOSPC},
        {101, JT_ERR_CACHE_VALUE_TOO_BIG},
        {10, 0},
    };
    static const char big[128] = "0123456789";
    struct jt_cache_key k = K("x");
    char out[64];

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        assert_int_equal(jt_cache_put(c, &k, big, rows[i].vlen, 100, 0),
                         rows[i].want);
    /* The refused puts left the stored entry alone. */
    assert_int_equal(get_s(c, "x", 0, out), 0);
    assert_string_equal(out, "0123456789");
    assert_int_equal(stats(c).entries, 1);
    assert_int_equal(stats(c).evictions, 0);
    jt_cache_destroy(c);
}

static void
footprint_is_allocated_bytes(void **state)
{
    /*
     * max_value 4096 makes a largest entry big, so the bucket array stops
     * growing while ~60 small entries still fit: growth to 2n buckets
     * needs object + 2n * 8 + EFP(253, 4096) <= cap, and cap = MIN + extra
     * = object + (size_t)16 * 8 + extra.
     */
    const struct {
        size_t extra;
        size_t want_buckets;
    } rows[] = {
        {1 << 20, 256},                            /* follows the entry count */
        {EFP(253, 4096) + (size_t)16 * 8, 32},     /* exactly room for 32 */
        {EFP(253, 4096) + (size_t)16 * 8 - 1, 16}, /* one byte short */
        {EFP(253, 4096) + (size_t)48 * 8, 64},     /* exactly room for 64 */
    };

    (void)state;
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        struct th_failalloc fa;
        struct jt_cache *c;
        struct jt_cache_stats st;

        th_failalloc_init(&fa, 0);
        c = mk(MIN + rows[r].extra, 4096, 100000, &fa.alloc);
        for (unsigned i = 0; i < 200; i++) {
            char host[32];
            uint8_t v[32] = {0};
            struct jt_cache_key k = {host, 0, 443, 0};

            k.host_len = (size_t)snprintf(host, sizeof(host), "h%u.test", i);
            assert_int_equal(jt_cache_put(c, &k, v, i % 33, 1000, i), 0);
            st = stats(c);
            assert_int_equal(st.footprint, fa.bytes);
            assert_true(st.footprint <= st.max_footprint);
            assert_int_equal(fa.live, (long)st.entries + 2);
        }
        assert_int_equal(stats(c).buckets, rows[r].want_buckets);
        assert_int_equal(jt_cache_clear(c), 0);
        st = stats(c);
        assert_int_equal(st.entries, 0);
        assert_int_equal(st.footprint, fa.bytes);
        assert_int_equal(st.buckets, rows[r].want_buckets);
        jt_cache_destroy(c);
        assert_int_equal(fa.live, 0);
        assert_int_equal(fa.bytes, 0);
    }
}

/* ---- generations, del, clear, expire ---- */

static void
generations(void **state)
{
    struct jt_cache *c = mk(1 << 16, 8, 1000, NULL);
    uint64_t g = 99;
    char out[64];

    (void)state;
    assert_int_equal(put_s(c, "a", "a1", 100, 0), 0);
    assert_int_equal(put_s(c, "b", "b1", 100, 0), 0);
    assert_int_equal(jt_cache_set_generation(c, 0), 0); /* same: kept */
    assert_int_equal(get_s(c, "a", 0, out), 0);
    assert_int_equal(jt_cache_bump_generation(c, &g), 0);
    assert_int_equal(g, 1);
    assert_int_equal(get_s(c, "a", 0, out), JT_ERR_NOT_FOUND);
    assert_int_equal(stats(c).expirations, 1);
    assert_int_equal(put_s(c, "a", "a2", 100, 0), 0);
    assert_int_equal(get_s(c, "a", 0, out), 0);
    assert_string_equal(out, "a2");
    /* Going back would resurrect b: refused, nothing changes. */
    assert_int_equal(jt_cache_set_generation(c, 0), JT_ERR_CACHE_GEN_BACKWARDS);
    assert_int_equal(get_s(c, "b", 0, out), JT_ERR_NOT_FOUND);
    assert_int_equal(jt_cache_set_generation(c, 7), 0);
    assert_int_equal(stats(c).generation, 7);
    assert_int_equal(get_s(c, "a", 0, out), JT_ERR_NOT_FOUND);
    assert_int_equal(jt_cache_set_generation(c, UINT64_MAX), 0);
    assert_int_equal(jt_cache_bump_generation(c, NULL), JT_ERR_OVERFLOW);
    assert_int_equal(stats(c).generation, UINT64_MAX);
    assert_int_equal(put_s(c, "z", "z", 100, 0), 0);
    assert_int_equal(get_s(c, "z", 0, out), 0);
    jt_cache_destroy(c);
}

static void
del_clear_expire(void **state)
{
    struct jt_cache *c = mk(1 << 16, 8, 1000, NULL);
    struct jt_cache_key a = K("a"), b = K("b");
    struct jt_cache_stats st;
    char out[64];

    (void)state;
    assert_int_equal(put_s(c, "a", "a", 100, 0), 0);
    assert_int_equal(put_s(c, "b", "b", 10, 0), 0);
    assert_int_equal(jt_cache_del(c, &a, 0), 0);
    assert_int_equal(jt_cache_del(c, &a, 0), JT_ERR_NOT_FOUND);
    assert_int_equal(jt_cache_del(c, &b, 10), JT_ERR_NOT_FOUND); /* expired */
    st = stats(c);
    assert_int_equal(st.entries, 0);
    assert_int_equal(st.expirations, 1);
    assert_int_equal(st.footprint, MIN);
    /* expire() sweeps expired and stale entries, keeps the live ones. */
    assert_int_equal(put_s(c, "a", "a", 100, 10), 0);
    assert_int_equal(put_s(c, "b", "b", 50, 10), 0);
    assert_int_equal(put_s(c, "c", "c", 200, 10), 0);
    assert_int_equal(jt_cache_expire(c, 60), 0);
    assert_int_equal(stats(c).entries, 2);
    assert_int_equal(stats(c).expirations, 2);
    assert_int_equal(jt_cache_bump_generation(c, NULL), 0);
    assert_int_equal(put_s(c, "d", "d", 200, 60), 0);
    assert_int_equal(jt_cache_expire(c, 60), 0);
    st = stats(c);
    assert_int_equal(st.entries, 1);
    assert_int_equal(st.expirations, 4);
    assert_int_equal(jt_cache_clear(c), 0);
    st = stats(c);
    assert_int_equal(st.entries, 0);
    assert_int_equal(st.footprint, MIN);
    assert_int_equal(st.expirations, 4); /* counters kept */
    assert_int_equal(st.generation, 1);
    assert_int_equal(get_s(c, "d", 60, out), JT_ERR_NOT_FOUND);
    jt_cache_destroy(c);
}

/* ---- foreach ---- */

struct seen {
    struct jt_cache *c;
    char hosts[8][8];
    uint64_t expires[8];
    size_t n;
    int stop_at;
    int mutate_rc[8];
};

static int
collect(void *ud, const struct jt_cache_entry *e)
{
    struct seen *s = ud;
    struct jt_cache_key k = K("q");
    struct jt_cache_stats st;
    size_t used;
    char buf[4];

    assert_true(e->key.host_len < 8);
    memcpy(s->hosts[s->n], e->key.host, e->key.host_len + 1);
    assert_int_equal(e->value_len, e->key.host_len);
    assert_memory_equal(e->value, e->key.host, e->value_len);
    s->expires[s->n] = e->expires_ms;
    s->n++;
    s->mutate_rc[0] = jt_cache_put(s->c, &k, "q", 1, 10, 0);
    s->mutate_rc[1] = jt_cache_get(s->c, &k, 0, buf, 4, &used);
    s->mutate_rc[2] = jt_cache_del(s->c, &k, 0);
    s->mutate_rc[3] = jt_cache_clear(s->c);
    s->mutate_rc[4] = jt_cache_expire(s->c, 0);
    s->mutate_rc[5] = jt_cache_bump_generation(s->c, NULL);
    s->mutate_rc[6] = jt_cache_set_generation(s->c, 5);
    s->mutate_rc[7] = jt_cache_foreach(s->c, 0, collect, s);
    assert_int_equal(jt_cache_stats(s->c, &st), 0);
    return s->stop_at != 0 && (int)s->n == s->stop_at ? 42 : 0;
}

static void
foreach_lists_live_entries_lru_first(void **state)
{
    struct jt_cache *c = mk(1 << 16, 8, 1000, NULL);
    struct seen s;
    char out[64];

    (void)state;
    memset(&s, 0, sizeof(s));
    s.c = c;
    assert_int_equal(put_s(c, "a", "a", 100, 0), 0);
    assert_int_equal(put_s(c, "bb", "bb", 100, 0), 0);
    assert_int_equal(put_s(c, "x", "x", 5, 0), 0); /* expired at 50 */
    assert_int_equal(put_s(c, "ccc", "ccc", 100, 10), 0);
    assert_int_equal(get_s(c, "a", 10, out), 0); /* bb ccc a */
    assert_int_equal(jt_cache_foreach(c, 50, collect, &s), 0);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.hosts[0], "bb");
    assert_string_equal(s.hosts[1], "ccc");
    assert_string_equal(s.hosts[2], "a");
    assert_int_equal(s.expires[0], 100);
    assert_int_equal(s.expires[1], 110);
    for (int i = 0; i < 8; i++)
        assert_int_equal(s.mutate_rc[i], JT_ERR_STATE);
    /* foreach reclaimed nothing and counted nothing. */
    assert_int_equal(stats(c).entries, 4);
    assert_int_equal(stats(c).hits, 1);
    /* Early stop returns the callback's value. */
    memset(&s, 0, sizeof(s));
    s.c = c;
    s.stop_at = 2;
    assert_int_equal(jt_cache_foreach(c, 50, collect, &s), 42);
    assert_int_equal(s.n, 2);
    /* Stale entries are not listed; the cache is usable again. */
    assert_int_equal(jt_cache_bump_generation(c, NULL), 0);
    memset(&s, 0, sizeof(s));
    s.c = c;
    assert_int_equal(jt_cache_foreach(c, 50, collect, &s), 0);
    assert_int_equal(s.n, 0);
    jt_cache_destroy(c);
}

/* ---- every allocation failure ---- */

/* A snapshot of what a failed call must not change. */
struct snap {
    struct jt_cache_stats st;
    char list[4096];
    size_t len;
};

static int
snap_cb(void *ud, const struct jt_cache_entry *e)
{
    struct snap *s = ud;
    int n = snprintf(s->list + s->len, sizeof(s->list) - s->len, "%.*s=%zu;",
                     (int)e->key.host_len, e->key.host, e->value_len);

    assert_true(n > 0 && (size_t)n < sizeof(s->list) - s->len);
    s->len += (size_t)n;
    return 0;
}

static void
take_snap(struct jt_cache *c, struct snap *s)
{
    memset(s, 0, sizeof(*s));
    s->st = stats(c);
    assert_int_equal(jt_cache_foreach(c, 0, snap_cb, s), 0);
}

/* Run the script; returns how many calls failed with JT_ERR_NOMEM. */
static int
failing_script(struct th_failalloc *fa)
{
    struct jt_cache *c;
    struct snap before, after;
    int nomem = 0, rc;

    rc = jt_cache_create(&c, &(struct jt_cache_opts){MIN + 2400, 32, 1000, {1}},
                         &fa->alloc);
    if (rc != 0) {
        assert_int_equal(rc, JT_ERR_NOMEM);
        assert_null(c);
        return 1;
    }
    for (unsigned i = 0; i < 60; i++) {
        char host[16], val[24];
        struct jt_cache_key k = {host, 0, 443, 0};
        unsigned key = i < 40 ? i : (i * 7) % 40; /* replaces after 40 */

        k.host_len = (size_t)snprintf(host, sizeof(host), "host%u.t", key);
        memset(val, (int)i, sizeof(val));
        take_snap(c, &before);
        rc = jt_cache_put(c, &k, val, 8 + i % 16, 500, 0);
        if (rc == JT_ERR_NOMEM) {
            nomem++;
            take_snap(c, &after);
            assert_memory_equal(&before.st, &after.st, sizeof(before.st));
            assert_string_equal(before.list, after.list);
        } else {
            assert_int_equal(rc, 0);
        }
        assert_int_equal(stats(c).footprint, fa->bytes);
        assert_int_equal(fa->live, (long)stats(c).entries + 2);
    }
    assert_true(stats(c).evictions > 0);
    assert_true(stats(c).buckets > 16);
    jt_cache_destroy(c);
    return nomem;
}

static void
every_allocation_failure(void **state)
{
    struct th_failalloc fa;
    long total;

    (void)state;
    th_failalloc_init(&fa, 0);
    assert_int_equal(failing_script(&fa), 0);
    total = fa.calls;
    assert_true(total > 60); /* 2 at create, 60 entries, the growth */
    for (long n = 1; n <= total; n++) {
        th_failalloc_init(&fa, n);
        assert_int_equal(failing_script(&fa), 1);
        assert_int_equal(fa.live, 0);
        assert_int_equal(fa.bytes, 0);
    }
}

/* ---- hash ---- */

static void
siphash_vectors(void **state)
{
    uint8_t seed[16], msg[15];
    struct jt_cache_key k = K("www.jt.test");

    (void)state;
    for (unsigned i = 0; i < 16; i++)
        seed[i] = (uint8_t)i;
    for (unsigned i = 0; i < 15; i++)
        msg[i] = (uint8_t)i;
    /* Reference vectors (Aumasson & Bernstein, also OpenSSL SIPHASH). */
    assert_true(jti_siphash24(seed, msg, 0) == 0x726fdb47dd0e0e31u);
    assert_true(jti_siphash24(seed, msg, 15) == 0xa129ca6149be45e5u);
    assert_true(jti_siphash24(seed, msg, 8) == 0x93f5f5799a932462u);
    /* The seed changes the hash of the same key. */
    seed[0] ^= 1;
    assert_true(jti_cache_hash(seed, &k) !=
                jti_cache_hash((const uint8_t[16]){0}, &k));
}

/* ---- the model, at scale ---- */

static void
stress_10000_entries_vs_model(void **state)
{
    static uint8_t script[400000];
    struct cm_cfg cfg = {
        .max_footprint = 1600000,
        .max_value = 64,
        .max_ttl_ms = 2000000,
        .ttl_scale = 10000,
        .adv_scale = 1,
        .nkeys = 12000,
        /* put get del adv back gen clear expire foreach failnext */
        .weight = {14, 8, 1, 1, 0, 0, 0, 0, 0, 1},
    };
    struct cm_result res;
    uint64_t x = 0x9E3779B97F4A7C15u;
    char why[256];

    (void)state;
    for (size_t i = 0; i < sizeof(script); i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        script[i] = (uint8_t)(x >> 24);
    }
    if (cm_run(&cfg, script, sizeof(script), why, sizeof(why), &res) != 0)
        fail_msg("cache and model disagree: %s", why);
    print_message("stress: %zu ops, peak %zu entries, %llu evictions, "
                  "%llu hits\n",
                  res.nops, res.peak, (unsigned long long)res.last.evictions,
                  (unsigned long long)res.last.hits);
    assert_true(res.peak >= 10000);
    assert_true(res.last.evictions > 0);
    assert_true(res.last.buckets >= 8192);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(create_options),
        cmocka_unit_test(put_argument_codes),
        cmocka_unit_test(get_del_argument_codes),
        cmocka_unit_test(key_fields_all_count),
        cmocka_unit_test(replace_and_small_buffer),
        cmocka_unit_test(ttl_boundaries),
        cmocka_unit_test(time_never_runs_backwards),
        cmocka_unit_test(lru_eviction_order),
        cmocka_unit_test(evicting_expired_counts_as_expiration),
        cmocka_unit_test(oversize_entries),
        cmocka_unit_test(footprint_is_allocated_bytes),
        cmocka_unit_test(generations),
        cmocka_unit_test(del_clear_expire),
        cmocka_unit_test(foreach_lists_live_entries_lru_first),
        cmocka_unit_test(every_allocation_failure),
        cmocka_unit_test(siphash_vectors),
        cmocka_unit_test(stress_10000_entries_vs_model),
    };
    return cmocka_run_group_tests_name("cache", tests, NULL, NULL);
}
