// SPDX-License-Identifier: MIT
/*
 * unit: the error enum. Every code is negative, unique, in its area's range
 * of 100 (by name prefix), and has its own message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "jittrust/error.h"

struct row {
    const char *name;
    int value;
    const char *msg;
};

#define ROW_(name, value, msg) {#name, value, msg},
static const struct row rows[] = {JT_ERR_LIST(ROW_)};
#define NROWS (sizeof(rows) / sizeof(rows[0]))

/* Area prefixes and the first code of their range (ranges of 100). */
static const struct {
    const char *prefix;
    int base;
} areas[] = {
    {"JT_ERR_DER_", -100},     {"JT_ERR_TRUST_", -200},
    {"JT_ERR_BLOB_", -300},    {"JT_ERR_CACHE_", -400},
    {"JT_ERR_BACKOFF_", -500}, {"JT_ERR_NET_", -600},
    {"JT_ERR_TLS_", -700},     {"JT_ERR_H1_", -800},
    {"JT_ERR_POLICY_", -900},  {"JT_ERR_SS_", -1000},
    {"JT_ERR_JIT_", -1100},
};

static int
area_base(const char *name)
{
    for (size_t i = 0; i < sizeof(areas) / sizeof(areas[0]); i++)
        if (strncmp(name, areas[i].prefix, strlen(areas[i].prefix)) == 0)
            return areas[i].base;
    return 0; /* generic: -1..-99 */
}

static void
codes_negative_and_in_range(void **state)
{
    (void)state;
    for (size_t i = 0; i < NROWS; i++) {
        int base = area_base(rows[i].name);
        int hi = base == 0 ? -1 : base;
        int lo = (base == 0 ? 0 : base) - 99;

        if (rows[i].value > hi || rows[i].value < lo)
            fail_msg("%s = %d is outside its range [%d, %d]", rows[i].name,
                     rows[i].value, lo, hi);
    }
}

static void
codes_unique(void **state)
{
    (void)state;
    for (size_t i = 0; i < NROWS; i++)
        for (size_t j = i + 1; j < NROWS; j++)
            if (rows[i].value == rows[j].value)
                fail_msg("%s and %s share %d", rows[i].name, rows[j].name,
                         rows[i].value);
}

static void
messages_distinct_and_returned(void **state)
{
    (void)state;
    assert_string_equal(jt_strerror(JT_OK), "success");
    for (size_t i = 0; i < NROWS; i++) {
        assert_string_equal(jt_strerror(rows[i].value), rows[i].msg);
        assert_true(strlen(rows[i].msg) > 3);
        for (size_t j = i + 1; j < NROWS; j++)
            if (strcmp(rows[i].msg, rows[j].msg) == 0)
                fail_msg("%s and %s share a message", rows[i].name,
                         rows[j].name);
    }
}

static void
unknown_code(void **state)
{
    (void)state;
    assert_string_equal(jt_strerror(-99999), "unknown error");
    assert_string_equal(jt_strerror(1), "unknown error");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(codes_negative_and_in_range),
        cmocka_unit_test(codes_unique),
        cmocka_unit_test(messages_distinct_and_returned),
        cmocka_unit_test(unknown_code),
    };
    return cmocka_run_group_tests_name("error", tests, NULL, NULL);
}
