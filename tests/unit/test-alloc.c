// SPDX-License-Identifier: MIT
/*
 * unit: the allocation helpers over an injected allocator, and the test
 * suite's failing allocator itself (so later failure loops can trust it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "alloc-int.h"
#include "failalloc.h"

static void
libc_default(void **state)
{
    unsigned char *p;

    (void)state;
    p = jti_calloc(NULL, 4, 8);
    assert_non_null(p);
    for (int i = 0; i < 32; i++)
        assert_int_equal(p[i], 0);
    jti_free(NULL, p);
    jti_free(NULL, NULL);
    assert_null(jti_alloc(NULL, 0));
}

static void
calloc_overflow_refused(void **state)
{
    struct th_failalloc fa;

    (void)state;
    th_failalloc_init(&fa, 0);
    assert_null(jti_calloc(&fa.alloc, SIZE_MAX / 2, 3));
    assert_int_equal(fa.calls, 0);
}

static void
failing_nth_call(void **state)
{
    struct th_failalloc fa;
    void *a, *b, *c;

    (void)state;
    th_failalloc_init(&fa, 2);
    a = jti_alloc(&fa.alloc, 10);
    b = jti_alloc(&fa.alloc, 20);
    c = jti_alloc(&fa.alloc, 30);
    assert_non_null(a);
    assert_null(b);
    assert_non_null(c);
    assert_int_equal(fa.live, 2);
    assert_int_equal(fa.bytes, 40);
    jti_free(&fa.alloc, a);
    jti_free(&fa.alloc, c);
    assert_int_equal(fa.live, 0);
    assert_int_equal(fa.bytes, 0);
    assert_int_equal(fa.peak, 40);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(libc_default),
        cmocka_unit_test(calloc_overflow_refused),
        cmocka_unit_test(failing_nth_call),
    };
    return cmocka_run_group_tests_name("alloc", tests, NULL, NULL);
}
