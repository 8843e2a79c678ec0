// SPDX-License-Identifier: MIT
/*
 * unit: jt_host_normalise, the one host normalisation. One table: input,
 * expected code, expected canonical text and kind; then idempotence over
 * the table, SNI only for names, and NUL/length edge cases.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "jittrust/error.h"
#include "jittrust/host.h"

struct row {
    const char *in;
    int want;
    int kind;
    const char *out; /* canonical text when want == 0 */
};

static const struct row rows[] = {
    /* names */
    {"www.jt.test", 0, JT_HOST_NAME, "www.jt.test"},
    {"WWW.JT.Test", 0, JT_HOST_NAME, "www.jt.test"},
    {"www.jt.test.", 0, JT_HOST_NAME, "www.jt.test"},
    {"localhost", 0, JT_HOST_NAME, "localhost"},
    {"a", 0, JT_HOST_NAME, "a"},
    {"xn--bcher-kva.example", 0, JT_HOST_NAME, "xn--bcher-kva.example"},
    {"_dmarc.Example.com", 0, JT_HOST_NAME, "_dmarc.example.com"},
    {"a-b.c_d.e", 0, JT_HOST_NAME, "a-b.c_d.e"},
    {"1.example", 0, JT_HOST_NAME, "1.example"},
    {"example.1a", JT_ERR_NET_HOST_BAD_IPV4, 0, NULL},
    {"www.jt.test..", JT_ERR_NET_HOST_EMPTY_LABEL, 0, NULL},
    {".", JT_ERR_NET_HOST_EMPTY, 0, NULL},
    {"", JT_ERR_NET_HOST_EMPTY, 0, NULL},
    {".a", JT_ERR_NET_HOST_EMPTY_LABEL, 0, NULL},
    {"a..b", JT_ERR_NET_HOST_EMPTY_LABEL, 0, NULL},
    {"-a.b", JT_ERR_NET_HOST_HYPHEN, 0, NULL},
    {"a-.b", JT_ERR_NET_HOST_HYPHEN, 0, NULL},
    {"a.b-", JT_ERR_NET_HOST_HYPHEN, 0, NULL},
    {"b\xc3\xbc"
     "cher.example",
     JT_ERR_NET_HOST_NOT_ASCII, 0, NULL},
    {"a b", JT_ERR_NET_HOST_BAD_CHAR, 0, NULL},
    {"a/b", JT_ERR_NET_HOST_BAD_CHAR, 0, NULL},
    {"a*.b", JT_ERR_NET_HOST_BAD_CHAR, 0, NULL},
    {"host:443", JT_ERR_NET_HOST_BAD_IPV6, 0, NULL},
    /* IPv4: strict dotted quad only */
    {"127.0.0.1", 0, JT_HOST_IPV4, "127.0.0.1"},
    {"127.0.0.1.", 0, JT_HOST_IPV4, "127.0.0.1"},
    {"0.0.0.0", 0, JT_HOST_IPV4, "0.0.0.0"},
    {"255.255.255.255", 0, JT_HOST_IPV4, "255.255.255.255"},
    {"256.0.0.1", JT_ERR_NET_HOST_BAD_IPV4, 0, NULL},
    {"127.1", JT_ERR_NET_HOST_BAD_IPV4, 0, NULL},
    {"127.0.0.01", JT_ERR_NET_HOST_BAD_IPV4, 0, NULL},
    {"010.0.0.1", JT_ERR_NET_HOST_BAD_IPV4, 0, NULL},
    {"0x7f.0.0.1", JT_ERR_NET_HOST_BAD_IPV4, 0, NULL},
    {"1.2.3.4.5", JT_ERR_NET_HOST_BAD_IPV4, 0, NULL},
    {"2130706433", JT_ERR_NET_HOST_BAD_IPV4, 0, NULL},
    {"1.2.3.1000", JT_ERR_NET_HOST_BAD_IPV4, 0, NULL},
    /* IPv6 */
    {"::1", 0, JT_HOST_IPV6, "::1"},
    {"[::1]", 0, JT_HOST_IPV6, "::1"},
    {"::", 0, JT_HOST_IPV6, "::"},
    {"0:0:0:0:0:0:0:1", 0, JT_HOST_IPV6, "::1"},
    {"2001:DB8:0:0:1:0:0:1", 0, JT_HOST_IPV6, "2001:db8::1:0:0:1"},
    {"2001:0db8:0000:0000:0000:ff00:0042:8329", 0, JT_HOST_IPV6,
     "2001:db8::ff00:42:8329"},
    {"2001:db8:0:1:1:1:1:1", 0, JT_HOST_IPV6, "2001:db8:0:1:1:1:1:1"},
    {"1::", 0, JT_HOST_IPV6, "1::"},
    {"1:0:0:2:0:0:0:3", 0, JT_HOST_IPV6, "1:0:0:2::3"},
    {"::ffff:192.0.2.1", 0, JT_HOST_IPV6, "::ffff:192.0.2.1"},
    {"::FFFF:c000:0201", 0, JT_HOST_IPV6, "::ffff:192.0.2.1"},
    {"::1.2.3.4", 0, JT_HOST_IPV6, "::102:304"},
    {"1:2:3:4:5:6:7::", 0, JT_HOST_IPV6, "1:2:3:4:5:6:7:0"},
    {"[::1", JT_ERR_NET_HOST_BAD_IPV6, 0, NULL},
    {"::1]", JT_ERR_NET_HOST_BAD_IPV6, 0, NULL},
    {"[]", JT_ERR_NET_HOST_BAD_IPV6, 0, NULL},
    {"[127.0.0.1]", JT_ERR_NET_HOST_BAD_IPV6, 0, NULL},
    {"fe80::1%eth0", JT_ERR_NET_HOST_BAD_IPV6, 0, NULL},
    {":::", JT_ERR_NET_HOST_BAD_IPV6, 0, NULL},
    {"1:::2", JT_ERR_NET_HOST_BAD_IPV6, 0, NULL},
    {"1::2::3", JT_ERR_NET_HOST_BAD_IPV6, 0, NULL},
    {":1::", JT_ERR_NET_HOST_BAD_IPV6, 0, NULL},
    {"1:", JT_ERR_NET_HOST_BAD_IPV6, 0, NULL},
    {"12345::", JT_ERR_NET_HOST_BAD_IPV6, 0, NULL},
    {"1:2:3:4:5:6:7:8:9", JT_ERR_NET_HOST_BAD_IPV6, 0, NULL},
    {"1:2:3:4:5:6:7", JT_ERR_NET_HOST_BAD_IPV6, 0, NULL},
    {"1:2:3:4:5:6:7:8::", JT_ERR_NET_HOST_BAD_IPV6, 0, NULL},
    {"::1.2.3", JT_ERR_NET_HOST_BAD_IPV6, 0, NULL},
    {"::1.2.3.4:5", JT_ERR_NET_HOST_BAD_IPV6, 0, NULL},
    {"1:2:3:4:5:6:7:1.2.3.4", JT_ERR_NET_HOST_BAD_IPV6, 0, NULL},
    {"::ffff:01.2.3.4", JT_ERR_NET_HOST_BAD_IPV6, 0, NULL},
    {"::g", JT_ERR_NET_HOST_BAD_IPV6, 0, NULL},
};

static void
table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct jt_host h;
        int rc = jt_host_normalise(rows[i].in, strlen(rows[i].in), &h);

        if (rc != rows[i].want)
            fail_msg("row %zu \"%s\": got %d (%s), want %d", i, rows[i].in, rc,
                     jt_strerror(rc), rows[i].want);
        if (rc != 0) {
            assert_int_equal(h.len, 0);
            assert_int_equal(h.kind, 0);
            continue;
        }
        assert_string_equal(h.name, rows[i].out);
        assert_int_equal(h.len, strlen(rows[i].out));
        assert_int_equal(h.kind, rows[i].kind);
    }
}

static void
idempotent(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct jt_host a, b;

        if (rows[i].want != 0)
            continue;
        assert_int_equal(jt_host_normalise(rows[i].in, strlen(rows[i].in), &a),
                         0);
        assert_int_equal(jt_host_normalise(a.name, a.len, &b), 0);
        assert_memory_equal(&a, &b, sizeof(a));
    }
}

static void
addresses_and_sni(void **state)
{
    static const uint8_t v4[4] = {192, 0, 2, 1};
    static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
    struct jt_host h;

    (void)state;
    assert_int_equal(jt_host_normalise("192.0.2.1", 9, &h), 0);
    assert_memory_equal(h.addr, v4, 4);
    assert_true(jt_host_is_ip(&h));
    assert_null(jt_host_sni(&h));
    assert_int_equal(jt_host_normalise("[2001:db8::1]", 13, &h), 0);
    assert_memory_equal(h.addr, v6, 16);
    assert_true(jt_host_is_ip(&h));
    assert_null(jt_host_sni(&h));
    assert_int_equal(jt_host_normalise("Www.Jt.Test.", 12, &h), 0);
    assert_false(jt_host_is_ip(&h));
    assert_string_equal(jt_host_sni(&h), "www.jt.test");
    for (size_t i = 0; i < sizeof(h.addr); i++)
        assert_int_equal(h.addr[i], 0);
    assert_false(jt_host_is_ip(NULL));
    assert_null(jt_host_sni(NULL));
}

static void
lengths_and_nul(void **state)
{
    char buf[300];
    struct jt_host h;

    (void)state;
    assert_int_equal(jt_host_normalise(NULL, 1, &h), JT_ERR_INVAL);
    assert_int_equal(jt_host_normalise("a", 1, NULL), JT_ERR_INVAL);
    assert_int_equal(jt_host_normalise("a\0b", 3, &h),
                     JT_ERR_NET_HOST_BAD_CHAR);
    /* label of 63 ok, 64 refused */
    memset(buf, 'a', 64);
    assert_int_equal(jt_host_normalise(buf, 63, &h), 0);
    assert_int_equal(jt_host_normalise(buf, 64, &h),
                     JT_ERR_NET_HOST_LABEL_TOO_LONG);
    /* 253 bytes ok (+ a trailing dot), 254 refused: labels of 49 + '.' */
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (i % 50 == 49) ? '.' : 'x';
    assert_int_equal(jt_host_normalise(buf, 253, &h), 0);
    assert_int_equal(h.len, 253);
    buf[253] = '.';
    assert_int_equal(jt_host_normalise(buf, 254, &h), 0);
    assert_int_equal(h.len, 253);
    buf[253] = 'x';
    assert_int_equal(jt_host_normalise(buf, 254, &h), JT_ERR_NET_HOST_TOO_LONG);
    /* only one trailing dot is stripped */
    assert_int_equal(jt_host_normalise("a..", 3, &h),
                     JT_ERR_NET_HOST_EMPTY_LABEL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table),
        cmocka_unit_test(idempotent),
        cmocka_unit_test(addresses_and_sni),
        cmocka_unit_test(lengths_and_nul),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
