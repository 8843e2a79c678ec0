// SPDX-License-Identifier: MIT
/*
 * unit: jt_backoff, the Secure Streams retry schedule. Schedule tables
 * (the seeds' example policy among them), jitter bounds at the edges of
 * the modulo, conceal exhaustion, nailed_up, saturation at UINT32_MAX and
 * the exact validation codes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "jittrust/backoff.h"
#include "jittrust/error.h"

static struct jt_backoff
policy(const uint32_t *ms, uint32_t n, uint32_t conceal, uint32_t jitter)
{
    struct jt_backoff b;

    jt_backoff_init(&b);
    for (uint32_t i = 0; i < n; i++)
        assert_int_equal(jt_backoff_add(&b, ms[i]), 0);
    b.conceal = conceal;
    b.jitter_pc = jitter;
    return b;
}

static void
validation_codes(void **state)
{
    static const struct {
        uint32_t count, jitter;
        int want;
    } rows[] = {
        {0, 0, JT_ERR_BACKOFF_EMPTY},
        {0, 101, JT_ERR_BACKOFF_EMPTY}, /* first failure in documented order */
        {1, 0, 0},
        {16, 100, 0},
        {17, 0, JT_ERR_BACKOFF_TOO_MANY},
        {17, 101, JT_ERR_BACKOFF_TOO_MANY},
        {UINT32_MAX, 0, JT_ERR_BACKOFF_TOO_MANY},
        {1, 101, JT_ERR_BACKOFF_BAD_JITTER},
        {1, UINT32_MAX, JT_ERR_BACKOFF_BAD_JITTER},
    };
    uint32_t d = 7;

    (void)state;
    assert_int_equal(jt_backoff_validate(NULL), JT_ERR_INVAL);
    assert_int_equal(jt_backoff_next(NULL, 0, 0, &d), JT_ERR_INVAL);
    assert_int_equal(d, 0);
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct jt_backoff b;

        jt_backoff_init(&b);
        b.count = rows[i].count;
        b.jitter_pc = rows[i].jitter;
        b.conceal = 5;
        assert_int_equal(jt_backoff_validate(&b), rows[i].want);
        /* next() refuses a bad policy before anything else (no read past
         * ms[]), and even when the attempt is exhausted. */
        d = 7;
        assert_int_equal(jt_backoff_next(&b, 0, 0, &d), rows[i].want);
        assert_int_equal(jt_backoff_next(&b, 9, 0, &d),
                         rows[i].want ? rows[i].want
                                      : JT_ERR_BACKOFF_EXHAUSTED);
        assert_int_equal(d, 0);
        assert_int_equal(jt_backoff_next(&b, 0, 0, NULL), JT_ERR_INVAL);
    }
}

static void
add_caps_at_16(void **state)
{
    struct jt_backoff b;

    (void)state;
    jt_backoff_init(&b);
    assert_int_equal(jt_backoff_validate(&b), JT_ERR_BACKOFF_EMPTY);
    for (uint32_t i = 0; i < JT_BACKOFF_MAX_STEPS; i++)
        assert_int_equal(jt_backoff_add(&b, 100 + i), 0);
    assert_int_equal(jt_backoff_add(&b, 1), JT_ERR_BACKOFF_TOO_MANY);
    assert_int_equal(b.count, 16);
    assert_int_equal(b.ms[15], 115);
    assert_int_equal(jt_backoff_add(NULL, 1), JT_ERR_INVAL);
    b.count = 99; /* corrupt: still refused, nothing written */
    assert_int_equal(jt_backoff_add(&b, 1), JT_ERR_BACKOFF_TOO_MANY);
    assert_int_equal(jt_backoff_validate(&b), JT_ERR_BACKOFF_TOO_MANY);
}

static void
schedules(void **state)
{
    /* The seeds' example: backoff [1000,2000,3000,5000,10000], conceal 5. */
    static const uint32_t ex[] = {1000, 2000, 3000, 5000, 10000};
    static const uint32_t one[] = {250};
    static const struct {
        const uint32_t *ms;
        uint32_t n, conceal, attempt;
        int want;
        uint32_t delay;
    } rows[] = {
        {ex, 5, 5, 0, 0, 1000},
        {ex, 5, 5, 1, 0, 2000},
        {ex, 5, 5, 4, 0, 10000},
        {ex, 5, 5, 5, JT_ERR_BACKOFF_EXHAUSTED, 0},
        {ex, 5, 5, UINT32_MAX, JT_ERR_BACKOFF_EXHAUSTED, 0},
        /* conceal beyond the array: the last delay repeats */
        {ex, 5, 8, 5, 0, 10000},
        {ex, 5, 8, 7, 0, 10000},
        {ex, 5, 8, 8, JT_ERR_BACKOFF_EXHAUSTED, 0},
        /* conceal 0: no retry at all */
        {ex, 5, 0, 0, JT_ERR_BACKOFF_EXHAUSTED, 0},
        {one, 1, 1, 0, 0, 250},
        {one, 1, 1, 1, JT_ERR_BACKOFF_EXHAUSTED, 0},
        /* nailed_up: never exhausted */
        {one, 1, JT_BACKOFF_CONCEAL_FOREVER, 1000000, 0, 250},
        {ex, 5, JT_BACKOFF_CONCEAL_FOREVER, UINT32_MAX - 1, 0, 10000},
        {ex, 5, JT_BACKOFF_CONCEAL_FOREVER, UINT32_MAX, 0, 10000},
        /* conceal just under "forever" is a count like any other */
        {one, 1, UINT32_MAX - 1, UINT32_MAX - 2, 0, 250},
        {one, 1, UINT32_MAX - 1, UINT32_MAX - 1, JT_ERR_BACKOFF_EXHAUSTED, 0},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct jt_backoff b = policy(rows[i].ms, rows[i].n, rows[i].conceal, 0);
        uint32_t d = 12345;

        assert_int_equal(jt_backoff_next(&b, rows[i].attempt, 0xFFFFFFFFu, &d),
                         rows[i].want);
        assert_int_equal(d, rows[i].delay);
    }
}

static void
jitter_bounds(void **state)
{
    static const struct {
        uint32_t base, pc, rnd, delay;
    } rows[] = {
        /* span = base * pc / 100; delay = base + rnd % (span + 1) */
        {1000, 20, 0, 1000},
        {1000, 20, 200, 1200}, /* top of the range: rnd == span */
        {1000, 20, 201, 1000}, /* wraps */
        {1000, 20, 400, 1199},
        {1000, 20, UINT32_MAX, 1000 + UINT32_MAX % 201},
        {1000, 0, UINT32_MAX, 1000}, /* no jitter */
        {1000, 100, 1000, 2000},     /* up to double */
        {1000, 100, 1001, 1000},
        {9, 10, UINT32_MAX, 9}, /* span 0: 9 * 10 / 100 */
        {10, 10, 1, 11},        /* span 1 */
        {10, 10, 2, 10},
        {0, 100, 12345, 0},        /* a 0 ms step stays 0 */
        {999, 33, 329, 999 + 329}, /* span floor(329.67) = 329 */
        {999, 33, 330, 999},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct jt_backoff b = policy(&rows[i].base, 1, 1, rows[i].pc);
        uint32_t d;

        assert_int_equal(jt_backoff_next(&b, 0, rows[i].rnd, &d), 0);
        if (d != rows[i].delay)
            fail_msg("row %zu: base %u pc %u rnd %u: want %u, got %u", i,
                     rows[i].base, rows[i].pc, rows[i].rnd, rows[i].delay, d);
    }
}

static void
jitter_stays_in_range(void **state)
{
    static const uint32_t ms[] = {1, 7, 100, 1000, 65535, 3000000000u};
    uint32_t x = 2463534242u;

    (void)state;
    for (uint32_t pc = 0; pc <= 100; pc += 5) {
        struct jt_backoff b = policy(ms, 6, 6, pc);

        for (uint32_t a = 0; a < 6; a++) {
            uint64_t lo = ms[a], hi = lo + lo * pc / 100;

            hi = hi > UINT32_MAX ? UINT32_MAX : hi;
            for (int n = 0; n < 2000; n++) {
                uint32_t d;

                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                assert_int_equal(jt_backoff_next(&b, a, x, &d), 0);
                assert_true(d >= lo && d <= hi);
            }
        }
    }
}

static void
saturates_at_uint32_max(void **state)
{
    static const struct {
        uint32_t base, pc, rnd, delay;
    } rows[] = {
        {UINT32_MAX, 0, UINT32_MAX, UINT32_MAX},
        {UINT32_MAX, 100, 0, UINT32_MAX},
        {UINT32_MAX, 100, UINT32_MAX, UINT32_MAX},
        {3000000000u, 50, 1294967295u, UINT32_MAX}, /* sum exactly 2^32-1 */
        {3000000000u, 50, 1294967296u, UINT32_MAX}, /* one over: clamped */
        {3000000000u, 50, 1294967294u, UINT32_MAX - 1},
        {3000000000u, 50, 0, 3000000000u},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct jt_backoff b =
            policy(&rows[i].base, 1, JT_BACKOFF_CONCEAL_FOREVER, rows[i].pc);
        uint32_t d;

        assert_int_equal(jt_backoff_next(&b, 0, rows[i].rnd, &d), 0);
        assert_int_equal(d, rows[i].delay);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(validation_codes),
        cmocka_unit_test(add_caps_at_16),
        cmocka_unit_test(schedules),
        cmocka_unit_test(jitter_bounds),
        cmocka_unit_test(jitter_stays_in_range),
        cmocka_unit_test(saturates_at_uint32_max),
    };
    return cmocka_run_group_tests_name("backoff", tests, NULL, NULL);
}
