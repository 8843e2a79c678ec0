// SPDX-License-Identifier: MIT
/*
 * unit (net): the trust-source and JIT context API without a connection:
 * argument checks, the query handle rules (an answer to a slot nobody
 * waits on is a no-op), the certificate source's loading errors and the
 * async source's timers. The flow itself is tested against real servers
 * in tests/integration/test-jit.c.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include <cmocka.h>

#include "jittrust/error.h"
#include "jittrust/jit.h"
#include "jittrust/source.h"
#include "testutil.h"

struct env {
    struct jt_loop *loop;
    struct jt_jit_ctx *ctx;
};

static int
setup(void **state)
{
    static struct env e;
    struct jt_jit_ctx_opts o = {0};

    memset(&e, 0, sizeof(e));
    if (jt_loop_create(NULL, &e.loop) != 0)
        return -1;
    o.loop = e.loop;
    if (jt_jit_ctx_create(&o, &e.ctx) != 0)
        return -1;
    *state = &e;
    return 0;
}

static int
teardown(void **state)
{
    struct env *e = *state;

    jt_jit_ctx_destroy(e->ctx);
    jt_loop_destroy(e->loop);
    return 0;
}

static void
answer_rules(void **state)
{
    struct env *e = *state;
    struct jt_source_cert c = {(const uint8_t *)"x", 1, 0, 0};
    const struct {
        struct jt_query q;
        const struct jt_source_cert *certs;
        size_t n;
        int want;
    } rows[] = {
        {{NULL, 0, 0}, NULL, 0, JT_ERR_INVAL},
        {{e->ctx, 0, 0}, NULL, 1, JT_ERR_INVAL},
        {{e->ctx, JT_JIT_SLOTS, 0}, NULL, 0, JT_ERR_JIT_STALE},
        {{e->ctx, UINT32_MAX, 0}, &c, 1, JT_ERR_JIT_STALE},
        {{e->ctx, 0, 0}, NULL, 0, JT_ERR_JIT_STALE}, /* nobody waits */
        {{e->ctx, 3, 7}, &c, 1, JT_ERR_JIT_STALE},
    };

    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        assert_int_equal(jt_query_answer(rows[i].q, rows[i].certs, rows[i].n),
                         rows[i].want);
}

static int
noop_query(void *ud, const struct jt_key *key, struct jt_query q)
{
    (void)ud;
    (void)key;
    (void)q;
    return 0;
}

static void
ctx_args(void **state)
{
    struct env *e = *state;
    struct jt_source ok = {"n", noop_query, NULL, NULL};
    struct jt_source noname = {NULL, noop_query, NULL, NULL};
    struct jt_source noquery = {"n", NULL, NULL, NULL};
    struct jt_jit_ctx_opts o = {0};
    struct jt_jit_ctx *ctx = (struct jt_jit_ctx *)&o;
    struct jt_jit *j = (struct jt_jit *)&o;
    struct jt_host h;

    assert_int_equal(jt_jit_ctx_create(NULL, &ctx), JT_ERR_INVAL);
    assert_null(ctx);
    assert_int_equal(jt_jit_ctx_create(&o, &ctx), JT_ERR_INVAL); /* loop */
    assert_int_equal(jt_jit_ctx_create(&o, NULL), JT_ERR_INVAL);
    assert_int_equal(jt_jit_ctx_add_source(NULL, &ok), JT_ERR_INVAL);
    assert_int_equal(jt_jit_ctx_add_source(e->ctx, NULL), JT_ERR_INVAL);
    assert_int_equal(jt_jit_ctx_add_source(e->ctx, &noname), JT_ERR_INVAL);
    assert_int_equal(jt_jit_ctx_add_source(e->ctx, &noquery), JT_ERR_INVAL);
    for (unsigned i = 0; i < JT_JIT_MAX_SOURCES; i++)
        assert_int_equal(jt_jit_ctx_add_source(e->ctx, &ok), 0);
    assert_int_equal(jt_jit_ctx_add_source(e->ctx, &ok), JT_ERR_NOSPC);
    assert_int_equal(jt_host_normalise("a.test", 6, &h), 0);
    assert_int_equal(jt_jit_create(e->ctx, NULL, &h, 1, &j), JT_ERR_INVAL);
    assert_null(j);
    assert_int_equal(jt_jit_create(e->ctx, NULL, &h, 1, NULL), JT_ERR_INVAL);
    assert_int_equal(jt_jit_verify(NULL, NULL, NULL), JT_ERR_INVAL);
    assert_int_equal(jt_jit_result(NULL), JT_ERR_INVAL);
    assert_non_null(jt_jit_message(NULL));
    assert_int_equal(jt_jit_warm(NULL), JT_JIT_COLD);
    assert_int_equal(jt_jit_queries(NULL), 0);
    jt_jit_destroy(NULL);
    jt_jit_ctx_destroy(NULL);
}

static void
certs_source_load(void **state)
{
    char roots[512], key[512], dir[512], tmp[] = "/tmp/jt-src-XXXXXX";
    char copy[64];
    const struct {
        const char *path;
        int want;
    } rows[] = {
        {roots, 0},
        {tmp, 0},                 /* a directory holding one PEM bundle */
        {dir, JT_ERR_JIT_SOURCE}, /* chain20/ also holds .key files */
        {key, JT_ERR_JIT_SOURCE}, /* a private key, not a certificate */
        {"/nonexistent/jt-roots.pem", JT_ERR_JIT_SOURCE},
    };
    struct jt_source s;

    (void)state;
    th_pki_path(roots, sizeof(roots), "roots-trusted.pem");
    th_pki_path(key, sizeof(key), "root-p256.key");
    th_pki_path(dir, sizeof(dir), "chain20");
    assert_non_null(mkdtemp(tmp));
    snprintf(copy, sizeof(copy), "%s/roots.pem", tmp);
    {
        size_t len;
        uint8_t *pem = th_read_file(roots, &len);
        FILE *f = fopen(copy, "w");

        assert_non_null(pem);
        assert_non_null(f);
        assert_int_equal(fwrite(pem, 1, len, f), len);
        assert_int_equal(fclose(f), 0);
        free(pem);
    }
    assert_int_equal(jt_source_certs_create(NULL, NULL, &s), JT_ERR_INVAL);
    assert_int_equal(jt_source_certs_create(roots, NULL, NULL), JT_ERR_INVAL);
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        int rc = jt_source_certs_create(rows[i].path, NULL, &s);

        if (rc != rows[i].want)
            fail_msg("%s: got %d, want %d", rows[i].path, rc, rows[i].want);
        if (rc == 0) {
            struct jt_key k = {JT_KEY_SKID, 1, {0}};
            struct jt_query q = {NULL, 0, 0};

            assert_string_equal(s.name, "dir");
            /* no context: the answer is refused, the source says so */
            assert_int_equal(s.query(s.ud, &k, q), JT_ERR_INVAL);
            s.destroy(s.ud);
        }
    }
    assert_int_equal(unlink(copy), 0);
    assert_int_equal(rmdir(tmp), 0);
}

static void
async_source_timers(void **state)
{
    struct env *e = *state;
    struct jt_source inner = {"n", noop_query, NULL, NULL}, a;
    struct jt_key k = {JT_KEY_SKID, 1, {1}};
    struct jt_query q = {e->ctx, 5, 9};

    assert_int_equal(jt_source_async_create(NULL, &inner, 1, NULL, &a),
                     JT_ERR_INVAL);
    assert_int_equal(jt_source_async_create(e->loop, NULL, 1, NULL, &a),
                     JT_ERR_INVAL);
    assert_int_equal(jt_source_async_create(e->loop, &inner, 50, NULL, &a), 0);
    assert_int_equal(a.query(a.ud, &k, q), 0);
    assert_int_equal(a.query(a.ud, &k, q), 0);
    assert_int_equal(jt_loop_timer_count(e->loop), 2);
    a.destroy(a.ud); /* cancels both */
    assert_int_equal(jt_loop_timer_count(e->loop), 0);
}

static void
blob_source_args(void **state)
{
    struct jt_source s;

    (void)state;
    assert_int_equal(jt_source_blob(NULL, &s), JT_ERR_INVAL);
    assert_int_equal(jt_source_blob((const struct jt_blob *)&s, NULL),
                     JT_ERR_INVAL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(answer_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(ctx_args, setup, teardown),
        cmocka_unit_test(certs_source_load),
        cmocka_unit_test_setup_teardown(async_source_timers, setup, teardown),
        cmocka_unit_test(blob_source_args),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
