// SPDX-License-Identifier: MIT
/*
 * bench: jt_cache at 10,000 entries (host ~24 bytes, 60-byte values = 3
 * SKIDs). Measures ns per get (hit), get (miss), put (replace) and put
 * that evicts, and prints each as a ratio to the baseline measured in the
 * same run: hashing the key alone (SipHash-2-4, which every operation
 * does once). A memcpy of the value is printed as a second reference.
 * Never asserts a time. --smoke: tiny iteration counts.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jittrust/cache.h"
#include "jittrust/error.h"

#include "cache-int.h"

#define NENT 10000u
#define VLEN 60u

static char hosts[2 * NENT][32];
static struct jt_cache_key keys[2 * NENT]; /* [NENT..) are never stored */
static volatile uint64_t sink;

static double
now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Index of the i-th key to use: a stride walk so accesses are not
 * sequential in memory. */
static unsigned
pick(unsigned long i)
{
    return (unsigned)((i * 7919u) % NENT);
}

static struct jt_cache *
make(size_t cap)
{
    struct jt_cache_opts o = {cap, VLEN, 3600000u, {0}};
    struct jt_cache *c;
    uint8_t v[VLEN] = {1};

    for (unsigned i = 0; i < sizeof(o.seed); i++)
        o.seed[i] = (uint8_t)(i * 37 + 11);
    if (jt_cache_create(&c, &o, NULL) != 0)
        exit(1);
    for (unsigned i = 0; i < NENT; i++)
        if (jt_cache_put(c, &keys[i], v, VLEN, 3600000u, 0) != 0)
            exit(1);
    return c;
}

struct result {
    const char *name;
    double ns;
};

static double
run(struct jt_cache *c, int what, unsigned long iters)
{
    uint8_t buf[VLEN], v[VLEN] = {2};
    uint8_t seed[JT_CACHE_SEED_LEN] = {3};
    size_t used;
    double t0 = now_ns();

    for (unsigned long i = 0; i < iters; i++) {
        unsigned k = pick(i);

        switch (what) {
        case 0:
            sink += jti_cache_hash(seed, &keys[k]);
            break;
        case 1:
            memcpy(buf, v, VLEN);
            v[i % VLEN] = (uint8_t)i; /* keep the copy from being hoisted */
            sink += buf[k % VLEN];
            break;
        case 2:
            sink += (uint64_t)jt_cache_get(c, &keys[k], 1, buf, VLEN, &used);
            break;
        case 3:
            sink +=
                (uint64_t)jt_cache_get(c, &keys[NENT + k], 1, buf, VLEN, &used);
            break;
        case 4:
            sink += (uint64_t)jt_cache_put(c, &keys[k], v, VLEN, 3600000u, 1);
            break;
        default:
            /* alternate between the two key sets: every put evicts */
            sink += (uint64_t)jt_cache_put(
                c, &keys[(1 - i / NENT % 2) * NENT + k], v, VLEN, 3600000u, 1);
            break;
        }
    }
    return (now_ns() - t0) / (double)iters;
}

int
main(int argc, char **argv)
{
    int smoke = argc > 1 && strcmp(argv[1], "--smoke") == 0;
    unsigned long iters = smoke ? 2000ul : 4000000ul;
    static const char *names[] = {
        "hash key (baseline)", "memcpy 60-byte value", "get (hit)",
        "get (miss)",          "put (replace)",        "put (evicting)",
    };
    struct jt_cache *roomy, *full;
    struct jt_cache_stats st;
    double ns[6];

    for (unsigned i = 0; i < 2 * NENT; i++) {
        int n = snprintf(hosts[i], sizeof(hosts[i]), "host%05u.example.com", i);

        keys[i].host = hosts[i];
        keys[i].host_len = (size_t)n;
        keys[i].port = 443;
        keys[i].policy = 1;
    }
    roomy = make((size_t)64 << 20);
    /* Exactly full at NENT entries: every new key evicts one. */
    jt_cache_stats(roomy, &st);
    full = make(st.footprint);
    for (int w = 0; w < 6; w++)
        ns[w] = run(w == 5 ? full : roomy, w, iters);
    printf("jt_cache, %u entries, %u-byte values, %lu iterations%s\n", NENT,
           VLEN, iters, smoke ? " (smoke: numbers meaningless)" : "");
    printf("%-24s %10s %8s\n", "operation", "ns/op", "x hash");
    for (int w = 0; w < 6; w++)
        printf("%-24s %10.1f %8.2f\n", names[w], ns[w], ns[w] / ns[0]);
    jt_cache_stats(full, &st);
    printf("evicting cache: %zu entries, footprint %zu of %zu bytes, "
           "%llu evictions\n",
           st.entries, st.footprint, st.max_footprint,
           (unsigned long long)st.evictions);
    jt_cache_stats(roomy, &st);
    printf("roomy cache: %zu entries, %zu buckets, footprint %zu bytes "
           "(%.1f per entry)\n",
           st.entries, st.buckets, st.footprint,
           (double)st.footprint / (double)st.entries);
    jt_cache_destroy(roomy);
    jt_cache_destroy(full);
    return 0;
}
