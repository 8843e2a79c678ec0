// SPDX-License-Identifier: MIT
/*
 * unit: jitfetch's pure parts (examples/jitfetch-cli.c): the command line
 * (curl's option forms: bundled flags, attached arguments, "--"), the
 * header rules, the curl exit code of each library error and stage, and
 * which header names count as credentials.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jitfetch.h"
#include "jittrust/conn.h"
#include "jittrust/error.h"
#include "jittrust/http.h"

static struct jf_opts o;

/* jf_parse() on a NULL-terminated list (argv[0] added). */
static int
parse(const char *const *args)
{
    char *argv[32] = {"jitfetch"};
    int argc = 1;

    for (; args[argc - 1] != NULL; argc++)
        argv[argc] = (char *)args[argc - 1];
    jf_free(&o);
    return jf_parse(argc, argv, &o);
}

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void
flags_and_outputs(void **state)
{
    (void)state;
    assert_int_equal(parse(ARGS("-sSfLv", "-o", "a.txt", "https://a.test/",
                                "-O", "https://b.test/x")),
                     -1);
    assert_true(o.silent && o.show_error && o.fail && o.follow && o.verbose);
    assert_int_equal(o.n_urls, 2);
    assert_int_equal(o.n_outs, 2);
    assert_int_equal(o.out_kind[0], JF_OUT_FILE);
    assert_string_equal(o.out_path[0], "a.txt");
    assert_int_equal(o.out_kind[1], JF_OUT_REMOTE);
    /* -O takes no argument: "b.txt" is not one, it is an unknown flag */
    assert_int_equal(parse(ARGS("-Ob", "https://a.test/")), JF_USAGE);
    assert_int_equal(
        parse(ARGS("-ofile", "--max-redirs", "-1", "-m", "2.5",
                   "--connect-timeout", "0.001", "--", "-not-an-option")),
        -1);
    assert_string_equal(o.out_path[0], "file");
    assert_int_equal(o.max_redirs, -1);
    assert_int_equal(o.max_time_ms, 2500);
    assert_int_equal(o.connect_timeout_ms, 1);
    assert_string_equal(o.urls[0], "-not-an-option");
    assert_int_equal(parse(ARGS("https://a.test/")), -1);
    assert_int_equal(o.max_redirs, 50); /* curl's default */
}

static void
bad_usage(void **state)
{
    const char *const *const rows[] = {
        ARGS("--bogus", "https://a.test/"),
        ARGS("-k", "https://a.test/"),
        ARGS("--insecure", "https://a.test/"),
        ARGS("https://a.test/", "-o"),
        ARGS("-o", "x", "-o", "y", "https://a.test/"),
        ARGS("--max-redirs", "x", "https://a.test/"),
        ARGS("--max-redirs", "-2", "https://a.test/"),
        ARGS("--max-time", "0", "https://a.test/"),
        ARGS("--max-time", "-1", "https://a.test/"),
        ARGS("--connect-timeout", "1s", "https://a.test/"),
        ARGS("-I", "-d", "x", "https://a.test/"),
        ARGS("-H", "Host: evil.test", "https://a.test/"),
        ARGS("-H", "content-length: 5", "https://a.test/"),
        ARGS("-H", "Transfer-Encoding: chunked", "https://a.test/"),
        ARGS("-H", "Connection: close", "https://a.test/"),
        ARGS("-H", "no colon", "https://a.test/"),
        ARGS("-H", ": empty name", "https://a.test/"),
        ARGS("-d", "@/nonexistent/file", "https://a.test/"),
        ARGS("-v"),
    };

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        if (parse(rows[i]) != JF_USAGE)
            fail_msg("row %zu (%s ...) accepted", i, rows[i][0]);
    assert_int_equal(parse(ARGS("--help")), 0);
    assert_int_equal(parse(ARGS("-V")), 0);
}

static void
headers_and_data(void **state)
{
    (void)state;
    assert_int_equal(
        parse(ARGS("-H", "Authorization: Bearer T", "-H", "X-Api-Key:k1", "-H",
                   "Accept-Language: en", "-H", "User-Agent:", "-H", "X-Empty;",
                   "-d", "a=1", "-d", "b=2", "https://a.test/")),
        -1);
    assert_int_equal(o.n_headers, 4);
    assert_int_equal(o.headers[0].name_len, 13);
    assert_memory_equal(o.headers[0].value, "Bearer T", 8);
    assert_int_equal(o.headers[0].value_len, 8);
    assert_int_equal(o.credential[0], 1);
    assert_int_equal(o.headers[1].value_len, 2);
    assert_int_equal(o.credential[1], 1);
    assert_int_equal(o.credential[2], 0);
    assert_int_equal(o.headers[3].value_len, 0);
    assert_true(o.no_user_agent);
    assert_false(o.no_accept);
    assert_false(o.has_content_type);
    assert_string_equal(o.data, "a=1&b=2");
    assert_int_equal(o.data_len, 7);
}

static void
exit_codes(void **state)
{
    static const struct {
        int err, stage, code;
    } rows[] = {
        {JT_ERR_NET_NXDOMAIN, JT_CONN_RESOLVE, 6},
        {JT_ERR_NET_UNMAPPED, JT_CONN_RESOLVE, 6},
        {JT_ERR_NET_REFUSED, JT_CONN_CONNECT, 7},
        {JT_ERR_NET_TIMEOUT, JT_CONN_CONNECT, 28},
        {JT_ERR_NET_TIMEOUT, JT_HTTP_RECV, 28},
        {JT_ERR_TLS_HANDSHAKE_EOF, JT_CONN_TLS, 35},
        {JT_ERR_TLS_NOT_TLS, JT_CONN_TLS, 35},
        {JT_ERR_JIT_NO_TRUSTED_CA, JT_CONN_VERIFY, 60},
        {JT_ERR_JIT_NAME_MISMATCH, JT_CONN_VERIFY, 60},
        {JT_ERR_TRUST_LEAF_IS_CA, JT_CONN_VERIFY, 60},
        {JT_ERR_H1_REDIRECT_TOO_MANY, JT_HTTP_RECV, 47},
        {JT_ERR_H1_REDIRECT_LOOP, JT_HTTP_RECV, 47},
        {JT_ERR_H1_REDIRECT_DOWNGRADE, JT_HTTP_RECV, 1},
        {JT_ERR_H1_URL_SCHEME, 0, 1},
        {JT_ERR_H1_URL_SCHEME, JT_HTTP_RECV, 1},
        {JT_ERR_H1_URL_SYNTAX, 0, 3},
        {JT_ERR_H1_URL_PORT, JT_HTTP_RECV, 3},
        {JT_ERR_NET_HOST_BAD_CHAR, 0, 3},
        {JT_ERR_H1_TRUNCATED, JT_HTTP_RECV, 18},
        {JT_ERR_H1_MAYBE_TRUNCATED, JT_HTTP_RECV, 18},
        {JT_ERR_H1_NO_RESPONSE, JT_HTTP_RECV, 52},
        {JT_ERR_H1_BAD_STATUS_LINE, JT_HTTP_RECV, 8},
        {JT_ERR_H1_BODY_TOO_BIG, JT_HTTP_RECV, 63},
        {JT_ERR_H1_RESERVED_HEADER, 0, 2},
        {JT_ERR_NET_PIPE_IO, JT_HTTP_SEND, 55},
        {JT_ERR_TLS_ALERT, JT_HTTP_RECV, 56},
        {JT_ERR_NOMEM, JT_HTTP_RECV, 27},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        if (jf_exit_code(rows[i].err, rows[i].stage) != rows[i].code)
            fail_msg("row %zu: %s at stage %d: %d, want %d", i,
                     jt_strerror(rows[i].err), rows[i].stage,
                     jf_exit_code(rows[i].err, rows[i].stage), rows[i].code);
}

static void
credentials(void **state)
{
    static const struct {
        const char *name;
        int cred;
    } rows[] = {
        {"Authorization", 1}, {"X-Auth-Token", 1}, {"X-API-KEY", 1},
        {"Cookie", 1},        {"X-Session-Id", 1}, {"X-Password", 1},
        {"Client-Secret", 1}, {"Accept", 0},       {"User-Agent", 0},
        {"Content-Type", 0},  {"Range", 0},        {"X-Request-Id", 0},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        if (jf_is_credential(rows[i].name, strlen(rows[i].name)) !=
            rows[i].cred)
            fail_msg("%s: want %d", rows[i].name, rows[i].cred);
}

static int
teardown(void **state)
{
    (void)state;
    jf_free(&o);
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(flags_and_outputs), cmocka_unit_test(bad_usage),
        cmocka_unit_test(headers_and_data),  cmocka_unit_test(exit_codes),
        cmocka_unit_test(credentials),
    };

    return cmocka_run_group_tests(tests, NULL, teardown);
}
