// SPDX-License-Identifier: MIT
/*
 * unit: jt_url_*. Tables: absolute URLs (scheme, host through
 * jt_host_normalise, port, target, refusals with exact codes), reference
 * resolution (RFC 3986 5.4 normal and abnormal examples, network-path,
 * query-only, downgrade-neutral cases), same-origin pairs and Host header
 * values; then the canonical form round-trips, buffer caps hit exactly at
 * the boundary, and argument checks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "jittrust/error.h"
#include "jittrust/url.h"

struct parse_row {
    const char *in;
    int want;
    const char *out; /* jt_url_format() of the result when want == 0 */
};

static const struct parse_row parse_rows[] = {
    {"http://example.com", 0, "http://example.com/"},
    {"HTTP://Example.COM/", 0, "http://example.com/"},
    {"HtTpS://example.com/a", 0, "https://example.com/a"},
    {"https://example.com:443/a", 0, "https://example.com/a"},
    {"https://example.com:8443/a?b=c#frag", 0,
     "https://example.com:8443/a?b=c"},
    {"http://example.com:80/", 0, "http://example.com/"},
    {"http://example.com:443/", 0, "http://example.com:443/"},
    {"http://example.com:/", 0, "http://example.com/"},
    {"http://example.com:", 0, "http://example.com/"},
    {"http://example.com:080/", 0, "http://example.com/"},
    {"http://example.com:1/", 0, "http://example.com:1/"},
    {"http://example.com:65535/", 0, "http://example.com:65535/"},
    {"http://example.com./x", 0, "http://example.com/x"},
    {"http://127.0.0.1:8080/", 0, "http://127.0.0.1:8080/"},
    {"http://[::1]:8080/x", 0, "http://[::1]:8080/x"},
    {"http://[2001:DB8:0::1]/", 0, "http://[2001:db8::1]/"},
    {"https://[::FFFF:192.0.2.1]:443/", 0, "https://[::ffff:192.0.2.1]/"},
    {"http://ex_ample.com/", 0, "http://ex_ample.com/"},
    {"http://example.com/a@b", 0, "http://example.com/a@b"},
    {"http://example.com?q=1", 0, "http://example.com/?q=1"},
    {"http://example.com#f", 0, "http://example.com/"},
    {"http://example.com/?", 0, "http://example.com/?"},
    {"http://example.com/a/./b/../c", 0, "http://example.com/a/c"},
    {"http://example.com/..", 0, "http://example.com/"},
    {"http://example.com/a/..", 0, "http://example.com/"},
    {"http://example.com/a/.", 0, "http://example.com/a/"},
    {"http://example.com/../../x", 0, "http://example.com/x"},
    {"http://example.com/a//b/", 0, "http://example.com/a//b/"},
    {"http://example.com/.a/..b/c.", 0, "http://example.com/.a/..b/c."},
    {"http://example.com/a?b/../c", 0, "http://example.com/a?b/../c"},
    {"http://example.com/%7e/%2e%2e/x", 0, "http://example.com/%7e/%2e%2e/x"},
    {"http://example.com/caf\xc3\xa9?x=\xc3\xa9", 0,
     "http://example.com/caf%C3%A9?x=%C3%A9"},
    {"http://example.com/\"<>{}|^`", 0, "http://example.com/\"<>{}|^`"},
    /* refused */
    {"", JT_ERR_H1_URL_SYNTAX, NULL},
    {"example.com/path", JT_ERR_H1_URL_SYNTAX, NULL},
    {"http:example.com", JT_ERR_H1_URL_SYNTAX, NULL},
    {"http:/example.com", JT_ERR_H1_URL_SYNTAX, NULL},
    {"//example.com/", JT_ERR_H1_URL_SYNTAX, NULL},
    {"1http://example.com/", JT_ERR_H1_URL_SYNTAX, NULL},
    {"ftp://example.com/", JT_ERR_H1_URL_SCHEME, NULL},
    {"httpx://example.com/", JT_ERR_H1_URL_SCHEME, NULL},
    {"file:///etc/passwd", JT_ERR_H1_URL_SCHEME, NULL},
    {"javascript:alert(1)", JT_ERR_H1_URL_SCHEME, NULL},
    {"http://user:pw@example.com/", JT_ERR_H1_URL_USERINFO, NULL},
    {"https://bank.example@evil.example/", JT_ERR_H1_URL_USERINFO, NULL},
    {"http://@example.com/", JT_ERR_H1_URL_USERINFO, NULL},
    {"http://example.com:0/", JT_ERR_H1_URL_PORT, NULL},
    {"http://example.com:65536/", JT_ERR_H1_URL_PORT, NULL},
    {"http://example.com:99999999999999999999/", JT_ERR_H1_URL_PORT, NULL},
    {"http://example.com:8x/", JT_ERR_H1_URL_PORT, NULL},
    {"http://example.com:-1/", JT_ERR_H1_URL_PORT, NULL},
    {"http://example.com:+80/", JT_ERR_H1_URL_PORT, NULL},
    {"http://a:1:2/", JT_ERR_H1_URL_PORT, NULL},
    {"http://[::1]x/", JT_ERR_H1_URL_PORT, NULL},
    {"http://[::1]:/", 0, "http://[::1]/"},
    {"http://[::1/", JT_ERR_NET_HOST_BAD_IPV6, NULL},
    {"http://::1/", JT_ERR_H1_URL_PORT, NULL},
    {"http://[fe80::1%25eth0]/", JT_ERR_NET_HOST_BAD_IPV6, NULL},
    {"http://[127.0.0.1]/", JT_ERR_NET_HOST_BAD_IPV6, NULL},
    {"http://127.1/", JT_ERR_NET_HOST_BAD_IPV4, NULL},
    {"http://0x7f.0.0.1/", JT_ERR_NET_HOST_BAD_IPV4, NULL},
    {"http://", JT_ERR_NET_HOST_EMPTY, NULL},
    {"http:///path", JT_ERR_NET_HOST_EMPTY, NULL},
    {"http://a..b/", JT_ERR_NET_HOST_EMPTY_LABEL, NULL},
    {"http://b\xc3\xbc"
     "cher.example/",
     JT_ERR_NET_HOST_NOT_ASCII, NULL},
    {"http://example.com\\evil.com/", JT_ERR_NET_HOST_BAD_CHAR, NULL},
    {"http://exa%6dple.com/", JT_ERR_NET_HOST_BAD_CHAR, NULL},
    {"http://exa mple.com/", JT_ERR_H1_URL_BAD_CHAR, NULL},
    {"http://example.com/a b", JT_ERR_H1_URL_BAD_CHAR, NULL},
    {"http://example.com/a\tb", JT_ERR_H1_URL_BAD_CHAR, NULL},
    {"http://example.com/a\r\nHost: evil", JT_ERR_H1_URL_BAD_CHAR, NULL},
    {"http://example.com/\x7f", JT_ERR_H1_URL_BAD_CHAR, NULL},
    {"http://example.com/#a b", JT_ERR_H1_URL_BAD_CHAR, NULL},
    {" http://example.com/", JT_ERR_H1_URL_BAD_CHAR, NULL},
    {"http://example.com/ ", JT_ERR_H1_URL_BAD_CHAR, NULL},
    {"ftp://a b/", JT_ERR_H1_URL_BAD_CHAR, NULL},
    {"ftp://u@h/", JT_ERR_H1_URL_SCHEME, NULL},
    {"http://u@h:0/", JT_ERR_H1_URL_USERINFO, NULL},
    {"http://h:0/a b", JT_ERR_H1_URL_BAD_CHAR, NULL},
};

static void
check_empty(const struct jt_url *u)
{
    assert_int_equal(u->scheme, 0);
    assert_int_equal(u->port, 0);
    assert_int_equal(u->target_len, 0);
    assert_int_equal(u->host.len, 0);
    if (u->target_cap > 0)
        assert_int_equal(u->target[0], '\0');
}

static void
parse_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(parse_rows) / sizeof(parse_rows[0]); i++) {
        const struct parse_row *r = &parse_rows[i];
        char tbuf[256], out[512];
        struct jt_url u;
        size_t used = 0;
        int rc;

        jt_url_init(&u, tbuf, sizeof(tbuf));
        rc = jt_url_parse(&u, r->in, strlen(r->in));
        if (rc != r->want)
            fail_msg("row %zu \"%s\": got %d (%s), want %d (%s)", i, r->in, rc,
                     jt_strerror(rc), r->want, jt_strerror(r->want));
        if (rc != 0) {
            check_empty(&u);
            continue;
        }
        assert_int_equal(jt_url_format(&u, out, sizeof(out), &used), 0);
        if (strcmp(out, r->out) != 0)
            fail_msg("row %zu \"%s\": got \"%s\", want \"%s\"", i, r->in, out,
                     r->out);
        assert_int_equal(used, strlen(out));
        assert_int_equal(u.target_len, strlen(u.target));
        assert_int_equal(u.target[0], '/');
    }
}

/* Parsing the canonical form gives the same URL back. */
static void
canonical_round_trip(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(parse_rows) / sizeof(parse_rows[0]); i++) {
        char b1[256], b2[256], out[512];
        struct jt_url a, b;

        if (parse_rows[i].want != 0)
            continue;
        jt_url_init(&a, b1, sizeof(b1));
        jt_url_init(&b, b2, sizeof(b2));
        assert_int_equal(
            jt_url_parse(&a, parse_rows[i].in, strlen(parse_rows[i].in)), 0);
        assert_int_equal(jt_url_format(&a, out, sizeof(out), NULL), 0);
        assert_int_equal(jt_url_parse(&b, out, strlen(out)), 0);
        assert_memory_equal(&a.host, &b.host, sizeof(a.host));
        assert_int_equal(a.port, b.port);
        assert_int_equal(a.scheme, b.scheme);
        assert_string_equal(a.target, b.target);
        assert_true(jt_url_same_origin(&a, &b));
    }
}

static void
parse_fields(void **state)
{
    char tbuf[64];
    struct jt_url u;

    (void)state;
    jt_url_init(&u, tbuf, sizeof(tbuf));
    assert_int_equal(jt_url_parse(&u, "HTTPS://WWW.JT.Test.:8443/p?q#f", 31),
                     0);
    assert_int_equal(u.scheme, JT_URL_HTTPS);
    assert_string_equal(u.host.name, "www.jt.test");
    assert_int_equal(u.host.kind, JT_HOST_NAME);
    assert_int_equal(u.port, 8443);
    assert_string_equal(u.target, "/p?q");
    assert_int_equal(jt_url_parse(&u, "http://[::1]/", 13), 0);
    assert_int_equal(u.scheme, JT_URL_HTTP);
    assert_string_equal(u.host.name, "::1");
    assert_int_equal(u.host.kind, JT_HOST_IPV6);
    assert_int_equal(u.port, 80);
    /* a NUL byte inside is refused, not a terminator */
    assert_int_equal(jt_url_parse(&u, "http://a/\0b", 11),
                     JT_ERR_H1_URL_BAD_CHAR);
    check_empty(&u);
    assert_int_equal(jt_url_default_port(JT_URL_HTTP), 80);
    assert_int_equal(jt_url_default_port(JT_URL_HTTPS), 443);
    assert_int_equal(jt_url_default_port(7), 0);
}

struct resolve_row {
    const char *base;
    const char *ref;
    int want;
    const char *out;
};

#define RFC "http://a/b/c/d;p?q"
static const struct resolve_row resolve_rows[] = {
    /* RFC 3986 5.4.1 normal examples ("g:h" has a scheme we refuse) */
    {RFC, "g:h", JT_ERR_H1_URL_SCHEME, NULL},
    {RFC, "g", 0, "http://a/b/c/g"},
    {RFC, "./g", 0, "http://a/b/c/g"},
    {RFC, "g/", 0, "http://a/b/c/g/"},
    {RFC, "/g", 0, "http://a/g"},
    {RFC, "//g", 0, "http://g/"},
    {RFC, "?y", 0, "http://a/b/c/d;p?y"},
    {RFC, "g?y", 0, "http://a/b/c/g?y"},
    {RFC, "#s", 0, "http://a/b/c/d;p?q"},
    {RFC, "g#s", 0, "http://a/b/c/g"},
    {RFC, "g?y#s", 0, "http://a/b/c/g?y"},
    {RFC, ";x", 0, "http://a/b/c/;x"},
    {RFC, "g;x", 0, "http://a/b/c/g;x"},
    {RFC, "g;x?y#s", 0, "http://a/b/c/g;x?y"},
    {RFC, "", 0, "http://a/b/c/d;p?q"},
    {RFC, ".", 0, "http://a/b/c/"},
    {RFC, "./", 0, "http://a/b/c/"},
    {RFC, "..", 0, "http://a/b/"},
    {RFC, "../", 0, "http://a/b/"},
    {RFC, "../g", 0, "http://a/b/g"},
    {RFC, "../..", 0, "http://a/"},
    {RFC, "../../", 0, "http://a/"},
    {RFC, "../../g", 0, "http://a/g"},
    /* RFC 3986 5.4.2 abnormal examples (strict parser for "http:g") */
    {RFC, "../../../g", 0, "http://a/g"},
    {RFC, "../../../../g", 0, "http://a/g"},
    {RFC, "/./g", 0, "http://a/g"},
    {RFC, "/../g", 0, "http://a/g"},
    {RFC, "g.", 0, "http://a/b/c/g."},
    {RFC, ".g", 0, "http://a/b/c/.g"},
    {RFC, "g..", 0, "http://a/b/c/g.."},
    {RFC, "..g", 0, "http://a/b/c/..g"},
    {RFC, "./../g", 0, "http://a/b/g"},
    {RFC, "./g/.", 0, "http://a/b/c/g/"},
    {RFC, "g/./h", 0, "http://a/b/c/g/h"},
    {RFC, "g/../h", 0, "http://a/b/c/h"},
    {RFC, "g;x=1/./y", 0, "http://a/b/c/g;x=1/y"},
    {RFC, "g;x=1/../y", 0, "http://a/b/c/y"},
    {RFC, "g?y/./x", 0, "http://a/b/c/g?y/./x"},
    {RFC, "g?y/../x", 0, "http://a/b/c/g?y/../x"},
    {RFC, "g#s/./x", 0, "http://a/b/c/g"},
    {RFC, "g#s/../x", 0, "http://a/b/c/g"},
    {RFC, "http:g", JT_ERR_H1_URL_SYNTAX, NULL},
    /* absolute and network-path references */
    {RFC, "https://B.example:8443/x?y#z", 0, "https://b.example:8443/x?y"},
    {RFC, "HTTP://x", 0, "http://x/"},
    {"https://a/p", "//b/q", 0, "https://b/q"},
    {"https://a:8443/p", "//b/q", 0, "https://b/q"},
    {"http://a:8080/x/y", "/z", 0, "http://a:8080/z"},
    {"http://a:8080/x/y", "z?1", 0, "http://a:8080/x/z?1"},
    {"http://[::1]:8080/a/b", "c", 0, "http://[::1]:8080/a/c"},
    {"http://a/", "?", 0, "http://a/?"},
    {"http://a/p?q", "#", 0, "http://a/p?q"},
    {"http://a/p?q", "?r", 0, "http://a/p?r"},
    {"http://a/x/y?q", "..?r", 0, "http://a/?r"},
    {"http://a/", "caf\xc3\xa9/../b\xc3\xa9", 0, "http://a/b%C3%A9"},
    {"http://a/%2e/x", "y", 0, "http://a/%2e/y"},
    /* refused references */
    {RFC, "ftp://x/", JT_ERR_H1_URL_SCHEME, NULL},
    {RFC, "javascript:alert(1)", JT_ERR_H1_URL_SCHEME, NULL},
    {RFC, "data:text/html,hi", JT_ERR_H1_URL_SCHEME, NULL},
    {RFC, "a b", JT_ERR_H1_URL_BAD_CHAR, NULL},
    {RFC, " /x", JT_ERR_H1_URL_BAD_CHAR, NULL},
    {RFC, "/x\r\nSet-Cookie: a=b", JT_ERR_H1_URL_BAD_CHAR, NULL},
    {RFC, "//u:p@evil/", JT_ERR_H1_URL_USERINFO, NULL},
    {RFC, "///x", JT_ERR_NET_HOST_EMPTY, NULL},
    {RFC, "//h:99999/", JT_ERR_H1_URL_PORT, NULL},
    {RFC, "//[::1/", JT_ERR_NET_HOST_BAD_IPV6, NULL},
};

static void
resolve_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(resolve_rows) / sizeof(resolve_rows[0]);
         i++) {
        const struct resolve_row *r = &resolve_rows[i];
        char b1[256], b2[256], out[512];
        struct jt_url base, u;
        int rc;

        jt_url_init(&base, b1, sizeof(b1));
        jt_url_init(&u, b2, sizeof(b2));
        assert_int_equal(jt_url_parse(&base, r->base, strlen(r->base)), 0);
        rc = jt_url_resolve(&u, &base, r->ref, strlen(r->ref));
        if (rc != r->want)
            fail_msg("row %zu \"%s\": got %d (%s), want %d (%s)", i, r->ref, rc,
                     jt_strerror(rc), r->want, jt_strerror(r->want));
        if (rc != 0) {
            check_empty(&u);
            continue;
        }
        assert_int_equal(jt_url_format(&u, out, sizeof(out), NULL), 0);
        if (strcmp(out, r->out) != 0)
            fail_msg("row %zu \"%s\": got \"%s\", want \"%s\"", i, r->ref, out,
                     r->out);
    }
}

struct origin_row {
    const char *a, *b;
    int same;
};

static const struct origin_row origin_rows[] = {
    {"http://a/x", "http://A./y", 1},
    {"http://a:80/", "http://a/", 1},
    {"https://a:443/", "https://a/", 1},
    {"https://[::1]/", "https://[0:0::1]:443/q", 1},
    {"http://a/", "https://a/", 0},
    {"http://a:8080/", "http://a/", 0},
    {"http://a/", "http://b/", 0},
    {"http://a.b/", "http://a.b.c/", 0},
    {"http://127.0.0.1/", "http://localhost/", 0},
};

static void
same_origin(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(origin_rows) / sizeof(origin_rows[0]); i++) {
        char b1[64], b2[64];
        struct jt_url a, b;

        jt_url_init(&a, b1, sizeof(b1));
        jt_url_init(&b, b2, sizeof(b2));
        assert_int_equal(
            jt_url_parse(&a, origin_rows[i].a, strlen(origin_rows[i].a)), 0);
        assert_int_equal(
            jt_url_parse(&b, origin_rows[i].b, strlen(origin_rows[i].b)), 0);
        if (jt_url_same_origin(&a, &b) != origin_rows[i].same ||
            jt_url_same_origin(&b, &a) != origin_rows[i].same)
            fail_msg("row %zu: %s vs %s", i, origin_rows[i].a,
                     origin_rows[i].b);
        jt_url_init(&b, b2, sizeof(b2));
        assert_int_equal(jt_url_same_origin(&a, &b), 0);
        assert_int_equal(jt_url_same_origin(&a, NULL), 0);
        assert_int_equal(jt_url_same_origin(NULL, &a), 0);
    }
}

static void
authority(void **state)
{
    static const char *const rows[][2] = {
        {"http://a:8080/", "a:8080"},
        {"https://a:443/", "a"},
        {"http://a:443/", "a:443"},
        {"https://[::1]:8443/", "[::1]:8443"},
        {"http://[::1]/", "[::1]"},
        {"http://10.0.0.1:80/", "10.0.0.1"},
        {"https://A.Example./", "a.example"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char tb[64], out[64];
        struct jt_url u;
        size_t used;

        jt_url_init(&u, tb, sizeof(tb));
        assert_int_equal(jt_url_parse(&u, rows[i][0], strlen(rows[i][0])), 0);
        assert_int_equal(jt_url_authority(&u, out, sizeof(out), &used), 0);
        assert_string_equal(out, rows[i][1]);
        assert_int_equal(used, strlen(rows[i][1]));
    }
}

/* Output caps: exactly enough works, one byte less is JT_ERR_NOSPC. */
static void
caps_at_boundary(void **state)
{
    char tb[64], out[64];
    struct jt_url u, base;
    size_t used = 0;

    (void)state;
    /* target "/abcd" needs 6 bytes with its NUL */
    jt_url_init(&u, tb, 6);
    assert_int_equal(jt_url_parse(&u, "http://h/abcd", 13), 0);
    jt_url_init(&u, tb, 5);
    assert_int_equal(jt_url_parse(&u, "http://h/abcd", 13), JT_ERR_NOSPC);
    check_empty(&u);
    /* percent-encoding counts: "/%FF" needs 5 */
    jt_url_init(&u, tb, 5);
    assert_int_equal(jt_url_parse(&u, "http://h/\xff", 10), 0);
    assert_string_equal(u.target, "/%FF");
    jt_url_init(&u, tb, 4);
    assert_int_equal(jt_url_parse(&u, "http://h/\xff", 10), JT_ERR_NOSPC);
    /* "/" alone needs 2; a NULL buffer never fits */
    jt_url_init(&u, tb, 2);
    assert_int_equal(jt_url_parse(&u, "http://h", 8), 0);
    jt_url_init(&u, tb, 1);
    assert_int_equal(jt_url_parse(&u, "http://h", 8), JT_ERR_NOSPC);
    jt_url_init(&u, NULL, 0);
    assert_int_equal(jt_url_parse(&u, "http://h", 8), JT_ERR_NOSPC);
    /* a relative merge must fit before its dot segments go:
     * "/a/b/" + "../../x" = 12 bytes, 13 with the NUL, result "/x" */
    jt_url_init(&base, out, sizeof(out));
    assert_int_equal(jt_url_parse(&base, "http://h/a/b/c", 14), 0);
    jt_url_init(&u, tb, 13);
    assert_int_equal(jt_url_resolve(&u, &base, "../../x", 7), 0);
    assert_string_equal(u.target, "/x");
    jt_url_init(&u, tb, 12);
    assert_int_equal(jt_url_resolve(&u, &base, "../../x", 7), JT_ERR_NOSPC);
    check_empty(&u);
    /* format: "http://h/a/b/c" is 14 bytes, needs 15 */
    assert_int_equal(jt_url_format(&base, tb, 15, &used), 0);
    assert_string_equal(tb, "http://h/a/b/c");
    assert_int_equal(jt_url_format(&base, tb, 14, &used), JT_ERR_NOSPC);
    assert_int_equal(used, 14);
    assert_int_equal(jt_url_format(&base, NULL, 0, &used), JT_ERR_NOSPC);
    assert_int_equal(used, 14);
    assert_int_equal(jt_url_authority(&base, tb, 2, &used), 0);
    assert_int_equal(jt_url_authority(&base, tb, 1, &used), JT_ERR_NOSPC);
    assert_int_equal(used, 1);
}

static void
copy(void **state)
{
    char b1[64], b2[64];
    struct jt_url a, b;

    (void)state;
    jt_url_init(&a, b1, sizeof(b1));
    assert_int_equal(jt_url_parse(&a, "https://h:8443/abc?d", 20), 0);
    jt_url_init(&b, b2, 9);
    assert_int_equal(jt_url_copy(&b, &a), 0);
    assert_string_equal(b.target, "/abc?d");
    assert_ptr_equal(b.target, b2);
    assert_true(jt_url_same_origin(&a, &b));
    jt_url_init(&b, b2, 7);
    assert_int_equal(jt_url_copy(&b, &a), 0);
    jt_url_init(&b, b2, 6);
    assert_int_equal(jt_url_copy(&b, &a), JT_ERR_NOSPC);
    check_empty(&b);
    assert_int_equal(jt_url_copy(&a, &a), JT_ERR_INVAL);
    assert_int_equal(jt_url_copy(&a, &b), JT_ERR_INVAL); /* |b| empty */
    assert_int_equal(jt_url_copy(NULL, &a), JT_ERR_INVAL);
}

static void
bad_arguments(void **state)
{
    char b1[64], b2[64];
    struct jt_url a, b;

    (void)state;
    jt_url_init(&a, b1, sizeof(b1));
    jt_url_init(&b, b2, sizeof(b2));
    assert_int_equal(jt_url_parse(NULL, "http://h/", 9), JT_ERR_INVAL);
    assert_int_equal(jt_url_parse(&a, NULL, 0), JT_ERR_INVAL);
    /* empty base */
    assert_int_equal(jt_url_resolve(&b, &a, "/x", 2), JT_ERR_INVAL);
    assert_int_equal(jt_url_parse(&a, "http://h/p", 10), 0);
    assert_int_equal(jt_url_resolve(&a, &a, "/x", 2), JT_ERR_INVAL);
    assert_int_equal(jt_url_resolve(NULL, &a, "/x", 2), JT_ERR_INVAL);
    assert_int_equal(jt_url_resolve(&b, NULL, "/x", 2), JT_ERR_INVAL);
    assert_int_equal(jt_url_resolve(&b, &a, NULL, 0), JT_ERR_INVAL);
    /* |b| lent a buffer overlapping |a|'s */
    jt_url_init(&b, b1 + 8, 16);
    assert_int_equal(jt_url_resolve(&b, &a, "/x", 2), JT_ERR_INVAL);
    assert_string_equal(a.target, "/p");
    jt_url_init(&b, b2, sizeof(b2));
    assert_int_equal(jt_url_format(NULL, b2, sizeof(b2), NULL), JT_ERR_INVAL);
    assert_int_equal(jt_url_format(&b, b1, sizeof(b1), NULL), JT_ERR_INVAL);
    assert_int_equal(jt_url_authority(&a, NULL, 5, NULL), JT_ERR_INVAL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_table),
        cmocka_unit_test(canonical_round_trip),
        cmocka_unit_test(parse_fields),
        cmocka_unit_test(resolve_table),
        cmocka_unit_test(same_origin),
        cmocka_unit_test(authority),
        cmocka_unit_test(caps_at_boundary),
        cmocka_unit_test(copy),
        cmocka_unit_test(bad_arguments),
    };
    return cmocka_run_group_tests_name("url", tests, NULL, NULL);
}
