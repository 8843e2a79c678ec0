// SPDX-License-Identifier: MIT
/*
 * Unit tests: trace event names and the text / JSON formatter
 * (jittrust/trace.h): every type named, JSON keys in the documented
 * order and escaping, keys as TYPE:HEX, a too-small buffer reported and
 * still NUL-terminated, bad arguments refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "jittrust/error.h"
#include "jittrust/trace.h"

static void
names(void **state)
{
    static const char *const want[] = {
        "resolve",   "connect", "handshake", "cert",     "host-cache",
        "ca-set",    "ask",     "answer",    "verify",   "result",
        "reconnect", "request", "response",  "redirect",
    };

    (void)state;
    for (int t = JT_TRACE_RESOLVE; t <= JT_TRACE_REDIRECT; t++)
        assert_string_equal(jt_trace_name(t), want[t - 1]);
    assert_string_equal(jt_trace_name(0), "?");
    assert_string_equal(jt_trace_name(99), "?");
    assert_string_equal(jt_trace_name(-1), "?");
}

/* An "ask" event: key order, escaping, full hex key in JSON. */
static void
json_form(void **state)
{
    struct jt_key k = {JT_KEY_SKID, 4, {0x5a, 0xee, 0x74, 0x3b}};
    struct jt_trace_event ev = {0};
    char buf[1024];
    int n;

    (void)state;
    ev.type = JT_TRACE_ASK;
    ev.host = "a.test";
    ev.port = 443;
    ev.at_ms = 12;
    ev.key = &k;
    ev.source = "bl\"ob\\";
    ev.text = "line\nbreak\x01";
    n = jt_trace_format(&ev, JT_TRACE_JSON, buf, sizeof(buf));
    assert_int_equal(n, (int)strlen(buf));
    assert_string_equal(
        buf,
        "{\"ev\":\"ask\",\"host\":\"a.test\",\"port\":443,\"t\":12,"
        "\"ms\":0,\"rc\":0,\"index\":0,\"count\":0,\"accepted\":0,"
        "\"flags\":0,\"key\":\"SKID:5AEE743B\","
        "\"source\":\"bl\\\"ob\\\\\",\"text\":\"line\\u000abreak\\u0001\"}");
}

/* Strings from the network may be any bytes: the JSON stays ASCII and
 * valid (code points as \uXXXX, ill-formed UTF-8 as U+FFFD each byte). */
static void
json_non_ascii(void **state)
{
    static const struct {
        const char *in, *out;
    } rows[] = {
        {"5AEE\xe2\x80\xa6"
         "743B",
         "5AEE\\u2026743B"},
        {"\xc3\xa9t\xc3\xa9", "\\u00e9t\\u00e9"},
        {"\xf0\x9f\x98\x80", "\\ud83d\\ude00"},
        {"\xff\xfe\"", "\\ufffd\\ufffd\\\""},
        {"cut \xe2\x80", "cut \\ufffd\\ufffd"},
        {"\xc0\xaf", "\\ufffd\\ufffd"},            /* overlong '/' */
        {"\xed\xa0\x80", "\\ufffd\\ufffd\\ufffd"}, /* a surrogate */
        {"\xf4\x90\x80\x80", "\\ufffd\\ufffd\\ufffd\\ufffd"},
    };
    struct jt_trace_event ev = {0};
    char buf[512], want[256];

    (void)state;
    ev.type = JT_TRACE_REDIRECT;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        ev.text = rows[i].in;
        assert_true(jt_trace_format(&ev, JT_TRACE_JSON, buf, sizeof(buf)) > 0);
        snprintf(want, sizeof(want), ",\"text\":\"%s\"}", rows[i].out);
        if (strstr(buf, want) == NULL)
            fail_msg("row %zu: %s lacks %s", i, buf, want);
        for (const char *p = buf; *p != 0; p++)
            assert_true((unsigned char)*p < 0x80);
    }
}

/* A failure carries "err", the jt_strerror() text. */
static void
json_error(void **state)
{
    struct jt_trace_event ev = {0};
    char buf[1024], want[600];

    (void)state;
    ev.type = JT_TRACE_RESULT;
    ev.rc = JT_ERR_JIT_NO_TRUSTED_CA;
    assert_true(jt_trace_format(&ev, JT_TRACE_JSON, buf, sizeof(buf)) > 0);
    snprintf(want, sizeof(want), "\"rc\":%d,\"err\":\"%s\"",
             JT_ERR_JIT_NO_TRUSTED_CA, jt_strerror(JT_ERR_JIT_NO_TRUSTED_CA));
    assert_non_null(strstr(buf, want));
    assert_non_null(strstr(buf, "\"host\":\"\"")); /* no host: empty */
}

/* The text form: abbreviated keys, the step's own wording. */
static void
text_form(void **state)
{
    uint8_t b[20];
    struct jt_key skid = {JT_KEY_SKID, 20, {0}}, akid = {JT_KEY_SKID, 20, {0}};
    struct jt_trace_event ev = {0};
    char buf[512];

    (void)state;
    for (int i = 0; i < 20; i++)
        b[i] = (uint8_t)(0x10 + i);
    memcpy(skid.b, b, 20);
    memcpy(akid.b, b, 20);
    akid.b[0] = 0xab;
    ev.type = JT_TRACE_CERT;
    ev.index = 1;
    ev.flags = 1;
    ev.key = &skid;
    ev.key2 = &akid;
    assert_true(jt_trace_format(&ev, JT_TRACE_TEXT, buf, sizeof(buf)) > 0);
    assert_string_equal(buf, "cert       #1 (CA) skid SKID:1011…2223 akid "
                             "SKID:AB11…2223");
    ev.type = JT_TRACE_VERIFY;
    ev.rc = JT_ERR_JIT_EXPIRED;
    ev.flags = 1;
    assert_true(jt_trace_format(&ev, JT_TRACE_TEXT, buf, sizeof(buf)) > 0);
    assert_non_null(strstr(buf, "path 1: "));
    assert_non_null(strstr(buf, jt_strerror(JT_ERR_JIT_EXPIRED)));
}

/* Too small: JT_ERR_NOSPC, a truncated line, always NUL-terminated. */
static void
too_small(void **state)
{
    struct jt_trace_event ev = {0};
    char buf[16];

    (void)state;
    ev.type = JT_TRACE_RESOLVE;
    ev.host = "a-rather-long-host-name.example.test";
    memset(buf, 'x', sizeof(buf));
    assert_int_equal(jt_trace_format(&ev, JT_TRACE_JSON, buf, sizeof(buf)),
                     JT_ERR_NOSPC);
    assert_int_equal(strlen(buf), sizeof(buf) - 1);
    assert_memory_equal(buf, "{\"ev\":\"resolve\"", sizeof(buf) - 1);
    assert_int_equal(jt_trace_format(&ev, JT_TRACE_JSON, buf, 1), JT_ERR_NOSPC);
    assert_int_equal(buf[0], 0);
}

static void
bad_args(void **state)
{
    struct jt_trace_event ev = {0};
    char buf[64];

    (void)state;
    ev.type = JT_TRACE_ASK;
    assert_int_equal(jt_trace_format(NULL, JT_TRACE_TEXT, buf, sizeof(buf)),
                     JT_ERR_INVAL);
    assert_int_equal(jt_trace_format(&ev, 7, buf, sizeof(buf)), JT_ERR_INVAL);
    assert_int_equal(jt_trace_format(&ev, JT_TRACE_TEXT, NULL, 10),
                     JT_ERR_INVAL);
    assert_int_equal(jt_trace_format(&ev, JT_TRACE_TEXT, buf, 0), JT_ERR_INVAL);
}

int
main(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(names),      cmocka_unit_test(json_form),
        cmocka_unit_test(json_error), cmocka_unit_test(json_non_ascii),
        cmocka_unit_test(text_form),  cmocka_unit_test(too_small),
        cmocka_unit_test(bad_args),
    };

    return cmocka_run_group_tests_name("trace", tests, NULL, NULL);
}
