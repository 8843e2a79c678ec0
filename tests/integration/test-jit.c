// SPDX-License-Identifier: MIT
/*
 * integration (net): the JIT trust flow (jittrust/jit.h) against real
 * `openssl s_server` peers on 127.0.0.1:0, one per case. Each case serves
 * a test PKI chain, handshakes with VERIFY_NONE, runs jt_jit_verify with a
 * certificate source (roots-trusted.pem unless the case says otherwise;
 * optionally behind the asynchronous test source) and checks the exact
 * result. Good chains then GET a page; refused ones prove the server saw
 * exactly one ClientHello, our fatal alert and no application data record.
 * Names go through the static host map, never the system resolver.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <poll.h>
#include <unistd.h>

#include "jittrust/blob.h"
#include "jittrust/error.h"
#include "jittrust/hash.h"
#include "jittrust/jit.h"
#include "jittrust/loop.h"
#include "jittrust/resolve.h"
#include "jittrust/sock.h"
#include "jittrust/source.h"
#include "jittrust/tls.h"
#include "jittrust/trace.h"
#include "harness.h"
#include "jit-test-util.h"
#include "tls-client.h"
#include "testutil.h"

/* ---- cases ---- */

struct jcase {
    const char *what;
    const char *cert;      /* PKI name of the served leaf */
    const char *chain[20]; /* PKI names sent after it, NULL-ended */
    const char *host;      /* what we connect to */
    const char *trust;     /* PKI file for the source; NULL: roots */
    unsigned async_ms;     /* > 0: behind the async test source */
    int want;              /* jt_jit_verify's final result */
    const char *msg;       /* expected in jt_jit_message, or NULL */
    int blob;              /* one of the BLOB_* modes below */
};

/* Trust from a blob written here from roots-trusted.pem (jt_blob_write). */
enum {
    BLOB_NONE = 0,          /* certificate source only */
    BLOB_FULL = 1,          /* blob source */
    BLOB_DISTRUST = 2,      /* blob source, root-p256 distrusted since 1970 */
    BLOB_INDEX_RSA = 3,     /* certificate source + index of root-rsa only */
    BLOB_DISTRUST_JUNK = 4, /* a source first answering 16 junk certs once,
                               then BLOB_DISTRUST */
};

static char tmpdir[64];

/* The blob of the current case and its reader; freed after the case. */
static uint8_t *blob_buf;
static struct jt_blob blob;

/* Write a blob of the roots (|only|: those whose DER holds that text). */
static void
make_blob(int kind, int64_t p256_distrust, const char *only)
{
    struct jt_blob_write_opts o = {.kind = kind,
                                   .generation = 1,
                                   .time = 1,
                                   .hash = jt_hash_ops_mbedtls()};
    struct jt_blob_input in[8];
    char path[512];
    uint8_t **ders, *p256, *pem;
    size_t *lens, n, m = 0, used = 0, p256_len, pem_len;

    th_pki_path(path, sizeof(path), "roots-trusted.pem");
    pem = th_read_file(path, &pem_len);
    assert_non_null(pem);
    n = th_pem_certs((const char *)pem, &ders, &lens);
    free(pem);
    p256 = th_pki_der("root-p256", &p256_len);
    assert_true(n > 0 && n <= 8);
    for (size_t i = 0; i < n; i++) {
        if (only != NULL &&
            memmem(ders[i], lens[i], only, strlen(only)) == NULL)
            continue;
        memset(&in[m], 0, sizeof(in[m]));
        in[m].der = ders[i];
        in[m].len = lens[i];
        assert_int_equal(
            jt_hash_ops_mbedtls()->sha256(NULL, ders[i], lens[i], in[m].sha256),
            0);
        if (lens[i] == p256_len && memcmp(ders[i], p256, p256_len) == 0)
            in[m].distrust_after = p256_distrust;
        m++;
    }
    assert_true(m > 0);
    assert_int_equal(jt_blob_write(in, m, &o, NULL, 0, &used), JT_ERR_NOSPC);
    blob_buf = malloc(used);
    assert_non_null(blob_buf);
    assert_int_equal(jt_blob_write(in, m, &o, blob_buf, used, &used), 0);
    assert_int_equal(jt_blob_open(&blob, blob_buf, used, NULL), 0);
    th_free_ders(ders, lens, n);
    free(p256);
}

/* A source whose first answer is 16 certificates the answer checks
 * refuse (leaves: not CAs), and every later answer empty. Before a fix,
 * their metadata filled the table and the real anchor's distrust-after
 * date was dropped. */
static int junk_calls;

static int
junk_query(void *ud, const struct jt_key *key, struct jt_query q)
{
    struct jt_source_cert certs[16];
    size_t len;
    uint8_t *der = th_pki_der("leaf-www", &len);
    int rc;

    (void)ud;
    (void)key;
    for (size_t i = 0; i < 16; i++) {
        certs[i].der = der;
        certs[i].len = len;
        certs[i].not_after = 0;
        certs[i].distrust_after = 0;
    }
    rc = jt_query_answer(q, certs, junk_calls++ == 0 ? 16 : 0);
    free(der);
    return rc;
}

/* Make a context with the case's source (maybe async). */
static struct jt_jit_ctx *
make_ctx(struct jt_loop *loop, const char *trust, unsigned async_ms, int bm)
{
    struct jt_jit_ctx_opts o = {.loop = loop};
    struct jt_jit_ctx *ctx;
    struct jt_source s, a;
    char path[512];

    th_pki_path(path, sizeof(path),
                trust != NULL ? trust : "roots-trusted.pem");
    if (bm == BLOB_INDEX_RSA) {
        make_blob(JT_BLOB_INDEX_ONLY, 0, "Root RSA");
        o.index = &blob;
    }
    assert_int_equal(jt_jit_ctx_create(&o, &ctx), 0);
    if (bm == BLOB_DISTRUST_JUNK) {
        struct jt_source junk = {"junk", junk_query, NULL, NULL};

        junk_calls = 0;
        assert_int_equal(jt_jit_ctx_add_source(ctx, &junk), 0);
    }
    if (bm == BLOB_FULL || bm == BLOB_DISTRUST || bm == BLOB_DISTRUST_JUNK) {
        make_blob(JT_BLOB_FULL, bm != BLOB_FULL ? 1 : 0, NULL);
        assert_int_equal(jt_source_blob(&blob, &s), 0);
    } else {
        assert_int_equal(jt_source_certs_create(path, NULL, &s), 0);
    }
    if (async_ms == 0) {
        assert_int_equal(jt_jit_ctx_add_source(ctx, &s), 0);
        return ctx;
    }
    /* the async source owns |s| and answers for it from a timer */
    assert_int_equal(jt_source_async_create(loop, &s, async_ms, NULL, &a), 0);
    assert_int_equal(jt_jit_ctx_add_source(ctx, &a), 0);
    return ctx;
}

static void
run_case(const struct jcase *k)
{
    char cert[512], key[512], chain[600], name[128];
    const char *args[12] = {"-cert", cert, "-key", key, "-www", "-msg"};
    struct th_peer p = {0};
    struct th_client c;
    struct jt_jit_ctx *ctx;
    struct jt_jit *j;
    size_t n = 6;
    int rc;

    snprintf(name, sizeof(name), "%s.pem", k->cert);
    th_pki_path(cert, sizeof(cert), name);
    snprintf(name, sizeof(name), "%s.key", k->cert);
    th_pki_path(key, sizeof(key), name);
    if (k->chain[0] != NULL) {
        args[n++] = "-cert_chain";
        args[n++] = tj_write_chain(tmpdir, k->chain, chain, sizeof(chain));
    }
    args[n] = NULL;
    assert_int_equal(th_s_server_start(&p, args), 0);
    rc = th_client_run(&c, k->host, p.port, NULL);
    if (rc != 0)
        fail_msg("%s: handshake %d (%s)", k->what, rc, jt_strerror(rc));
    ctx = make_ctx(c.loop, k->trust, k->async_ms, k->blob);
    assert_int_equal(jt_jit_create(ctx, c.tls, &c.host, (uint16_t)p.port, &j),
                     0);
    rc = tj_verify(&c, j);
    printf("# %s: %d (%s): %s\n", k->what, rc, jt_strerror(rc),
           jt_jit_message(j));
    if (rc != k->want)
        fail_msg("%s: got %d (%s), want %d (%s); %s", k->what, rc,
                 jt_strerror(rc), k->want, jt_strerror(k->want),
                 jt_jit_message(j));
    if (k->msg != NULL && strstr(jt_jit_message(j), k->msg) == NULL)
        fail_msg("%s: message '%s' lacks '%s'", k->what, jt_jit_message(j),
                 k->msg);
    assert_int_equal(jt_tls_is_verified(c.tls), rc == 0);
    if (rc == 0) {
        assert_true(jt_jit_queries(j) >= 1);
        tj_get_page(&c);
    } else {
        tj_check_refused(&p, &c);
    }
    assert_int_equal(th_peer_log_count(&p, "ClientHello"), 1);
    jt_jit_destroy(j);
    jt_jit_ctx_destroy(ctx);
    free(blob_buf);
    blob_buf = NULL;
    th_client_free(&c);
    th_peer_stop(&p);
}

static const struct jcase cases[] = {
    {"good chain",
     "leaf-www",
     {"inter-p256"},
     "www.jt.test",
     NULL,
     0,
     0,
     "verified"},
    {"chain in reverse order",
     "leaf-p384",
     {"root-p384-by-rsa", "inter-p384"},
     "p384.jt.test",
     NULL,
     0,
     0,
     NULL},
    {"root included",
     "leaf-www",
     {"inter-p256", "root-p256"},
     "www.jt.test",
     NULL,
     0,
     0,
     NULL},
    {"cross-signed, only the RSA root trusted",
     "leaf-x",
     {"inter-x-by-p256", "inter-x-by-rsa"},
     "x.jt.test",
     "root-rsa.pem",
     0,
     0,
     NULL},
    {"cross-signed, only the P-256 root trusted",
     "leaf-x",
     {"inter-x-by-rsa", "inter-x-by-p256"},
     "x.jt.test",
     "root-p256.pem",
     0,
     0,
     NULL},
    {"key swap: attacker cert 0, victim chain after",
     "leaf-attacker",
     {"leaf-www", "inter-p256"},
     "www.jt.test",
     NULL,
     0,
     JT_ERR_JIT_NO_TRUSTED_CA,
     "no trusted CA for AKID "},
    {"untrusted root",
     "leaf-untrusted",
     {"inter-untrusted"},
     "www.jt.test",
     NULL,
     0,
     JT_ERR_JIT_NO_TRUSTED_CA,
     "(asked: dir)"},
    {"fake CA with root-p256's SKID",
     "leaf-fake",
     {"fake-ca-p256"},
     "www.jt.test",
     NULL,
     0,
     JT_ERR_JIT_NOT_TRUSTED,
     NULL},
    {"expired leaf",
     "leaf-expired",
     {"inter-p256"},
     "www.jt.test",
     NULL,
     0,
     JT_ERR_JIT_EXPIRED,
     NULL},
    {"not-yet-valid leaf",
     "leaf-notyet",
     {"inter-p256"},
     "www.jt.test",
     NULL,
     0,
     JT_ERR_JIT_NOT_YET_VALID,
     NULL},
    {"wrong name",
     "leaf-wrongname",
     {"inter-p256"},
     "www.jt.test",
     NULL,
     0,
     JT_ERR_JIT_NAME_MISMATCH,
     NULL},
    {"CN only, no SAN",
     "leaf-cn-only",
     {"inter-p256"},
     "www.jt.test",
     NULL,
     0,
     JT_ERR_JIT_NO_SAN,
     NULL},
    {"IP SAN leaf at 127.0.0.1",
     "leaf-ip",
     {"inter-p256"},
     "127.0.0.1",
     NULL,
     0,
     0,
     NULL},
    {"DNS-only leaf at 127.0.0.1",
     "leaf-www",
     {"inter-p256"},
     "127.0.0.1",
     NULL,
     0,
     JT_ERR_JIT_NAME_MISMATCH,
     NULL},
    {"leaf EKU clientAuth only",
     "leaf-clientauth",
     {"inter-p256"},
     "www.jt.test",
     NULL,
     0,
     JT_ERR_JIT_EKU,
     NULL},
    {"leaf keyUsage keyEncipherment only",
     "leaf-keyenc",
     {"inter-rsa"},
     "www.jt.test",
     NULL,
     0,
     JT_ERR_JIT_KEY_USAGE,
     NULL},
    {"issuer CA:FALSE",
     "leaf-under-notca",
     {"inter-notca"},
     "www.jt.test",
     NULL,
     0,
     JT_ERR_JIT_NOT_TRUSTED,
     NULL},
    {"pathlen violated",
     "leaf-pathlen",
     {"inter-deep", "inter-p256"},
     "www.jt.test",
     NULL,
     0,
     JT_ERR_JIT_NOT_TRUSTED,
     NULL},
    {"leaf is a CA",
     "leaf-is-ca",
     {"inter-p256"},
     "www.jt.test",
     NULL,
     0,
     JT_ERR_TRUST_LEAF_IS_CA,
     NULL},
    {"20 certificates",
     "chain20/leaf",
     {"chain20/i19", "chain20/i18", "chain20/i17", "chain20/i16", "chain20/i15",
      "chain20/i14", "chain20/i13", "chain20/i12", "chain20/i11", "chain20/i10",
      "chain20/i09", "chain20/i08", "chain20/i07", "chain20/i06", "chain20/i05",
      "chain20/i04", "chain20/i03", "chain20/i02", "chain20/i01"},
     "chain20.jt.test",
     NULL,
     0,
     JT_ERR_TRUST_TOO_MANY_CERTS,
     "stash cap"},
    {"async source, good chain",
     "leaf-www",
     {"inter-p256"},
     "www.jt.test",
     NULL,
     30,
     0,
     NULL},
    {"async source, untrusted root",
     "leaf-untrusted",
     {"inter-untrusted"},
     "www.jt.test",
     NULL,
     30,
     JT_ERR_JIT_NO_TRUSTED_CA,
     NULL},
    {"blob source, good chain",
     "leaf-www",
     {"inter-p256"},
     "www.jt.test",
     NULL,
     0,
     0,
     "verified",
     BLOB_FULL},
    {"blob source, async",
     "leaf-p384",
     {"inter-p384"},
     "p384.jt.test",
     NULL,
     20,
     0,
     NULL,
     BLOB_FULL},
    {"blob: root distrusted before the leaf",
     "leaf-www",
     {"inter-p256"},
     "www.jt.test",
     NULL,
     0,
     JT_ERR_JIT_DISTRUSTED,
     NULL,
     BLOB_DISTRUST},
    {"blob: distrusted root after an answer of 16 refused certs",
     "leaf-www",
     {"inter-p256"},
     "www.jt.test",
     NULL,
     0,
     JT_ERR_JIT_DISTRUSTED,
     NULL,
     BLOB_DISTRUST_JUNK},
    {"blob: another root's leaf still fine",
     "leaf-rsa",
     {"inter-rsa"},
     "rsa.jt.test",
     NULL,
     0,
     0,
     NULL,
     BLOB_DISTRUST},
    {"index of root-rsa: root-p256 answer refused",
     "leaf-www",
     {"inter-p256"},
     "www.jt.test",
     NULL,
     0,
     JT_ERR_JIT_NO_TRUSTED_CA,
     NULL,
     BLOB_INDEX_RSA},
    {"index of root-rsa: root-rsa answer accepted",
     "leaf-rsa",
     {"inter-rsa"},
     "rsa.jt.test",
     NULL,
     0,
     0,
     NULL,
     BLOB_INDEX_RSA},
};

/* ---- query handle rules ---- */

/* A source answering through |inner|, then trying a second answer. */
struct twice_src {
    struct jt_source inner;
    int calls, stale;
};

static int
twice_query(void *ud, const struct jt_key *key, struct jt_query q)
{
    struct twice_src *t = ud;
    struct jt_source_cert junk = {(const uint8_t *)"x", 1, 0, 0};

    t->calls++;
    assert_int_equal(t->inner.query(t->inner.ud, key, q), 0);
    /* a second answer, synchronously, with garbage: ignored */
    if (jt_query_answer(q, &junk, 1) == JT_ERR_JIT_STALE)
        t->stale++;
    return 0;
}

/* A source that keeps the handle and never answers by itself. */
struct late_src {
    struct jt_query q;
    int calls;
};

static int
late_query(void *ud, const struct jt_key *key, struct jt_query q)
{
    struct late_src *l = ud;

    (void)key;
    l->q = q;
    l->calls++;
    return 0;
}

/* Start the good server and handshake with it. */
static void
good_handshake(struct th_peer *p, struct th_client *c)
{
    char cert[512], key[512], chain[512];
    const char *args[] = {"-cert", cert,   "-key", key, "-cert_chain",
                          chain,   "-www", "-msg", NULL};

    th_pki_path(cert, sizeof(cert), "leaf-www.pem");
    th_pki_path(key, sizeof(key), "leaf-www.key");
    th_pki_path(chain, sizeof(chain), "inter-p256.pem");
    assert_int_equal(th_s_server_start(p, args), 0);
    assert_int_equal(th_client_run(c, "www.jt.test", p->port, NULL), 0);
}

static void
answer_twice_ignored(void **state)
{
    struct jt_jit_ctx_opts o = {0};
    struct twice_src t = {0};
    struct jt_source src = {"twice", twice_query, NULL, &t};
    struct th_peer p = {0};
    struct jt_jit_ctx *ctx;
    struct jt_jit *j;
    struct th_client c;
    char path[512];

    (void)state;
    good_handshake(&p, &c);
    o.loop = c.loop;
    th_pki_path(path, sizeof(path), "roots-trusted.pem");
    assert_int_equal(jt_source_certs_create(path, NULL, &t.inner), 0);
    assert_int_equal(jt_jit_ctx_create(&o, &ctx), 0);
    assert_int_equal(jt_jit_ctx_add_source(ctx, &src), 0);
    assert_int_equal(jt_jit_create(ctx, c.tls, &c.host, 1, &j), 0);
    assert_int_equal(jt_jit_verify(j, NULL, NULL), 0);
    assert_true(t.calls >= 2);
    assert_int_equal(t.stale, t.calls);
    assert_int_equal(jt_jit_verify(j, NULL, NULL), JT_ERR_STATE);
    tj_get_page(&c);
    jt_jit_destroy(j);
    jt_jit_ctx_destroy(ctx);
    t.inner.destroy(t.inner.ud);
    th_client_free(&c);
    th_peer_stop(&p);
}

static void
late_answer_after_destroy(void **state)
{
    struct jt_jit_ctx_opts o = {0};
    struct late_src l = {0};
    struct jt_source src = {"late", late_query, NULL, &l};
    struct th_peer p = {0};
    struct jt_jit_ctx *ctx;
    struct jt_jit *j, *j2;
    struct jt_query old;
    struct th_client c;
    struct tj_done d = {0, 0};
    uint8_t b[4];

    (void)state;
    good_handshake(&p, &c);
    o.loop = c.loop;
    assert_int_equal(jt_jit_ctx_create(&o, &ctx), 0);
    assert_int_equal(jt_jit_ctx_add_source(ctx, &src), 0);
    assert_int_equal(jt_jit_create(ctx, c.tls, &c.host, 1, &j), 0);
    assert_int_equal(jt_jit_verify(j, tj_on_done, &d), JT_ERR_JIT_PENDING);
    assert_int_equal(l.calls, 1);
    assert_int_equal(jt_tls_read(c.tls, b, sizeof(b)), JT_ERR_TLS_NOT_VERIFIED);
    old = l.q;
    jt_jit_destroy(j); /* the connection's verifier dies */
    assert_int_equal(jt_query_answer(old, NULL, 0), JT_ERR_JIT_STALE);
    assert_int_equal(d.calls, 0);
    /* a new verifier reusing the slot: the old handle stays stale */
    assert_int_equal(jt_jit_create(ctx, c.tls, &c.host, 1, &j2), 0);
    assert_int_equal(jt_jit_verify(j2, tj_on_done, &d), JT_ERR_JIT_PENDING);
    assert_int_equal(old.slot, l.q.slot);
    assert_int_equal(jt_query_answer(old, NULL, 0), JT_ERR_JIT_STALE);
    assert_int_equal(d.calls, 0);
    assert_int_equal(jt_tls_is_verified(c.tls), 0);
    jt_jit_destroy(j2);
    jt_jit_ctx_destroy(ctx);
    th_client_free(&c);
    th_peer_stop(&p);
}

/* "No trusted CA" is cached: the next attempt fails at once. */
static void
negative_cache(void **state)
{
    static const struct jcase k = {"untrusted",
                                   "leaf-untrusted",
                                   {"inter-untrusted"},
                                   "www.jt.test",
                                   NULL,
                                   0,
                                   0,
                                   NULL};
    char cert[512], key[512], chain[600];
    const char *args[] = {"-cert", cert,   "-key", key, "-cert_chain",
                          chain,   "-www", "-msg", NULL};
    struct th_peer p = {0};
    struct th_client c;
    struct jt_jit_ctx *ctx;
    struct jt_jit *j;

    (void)state;
    th_pki_path(cert, sizeof(cert), "leaf-untrusted.pem");
    th_pki_path(key, sizeof(key), "leaf-untrusted.key");
    tj_write_chain(tmpdir, k.chain, chain, sizeof(chain));
    assert_int_equal(th_s_server_start(&p, args), 0);
    assert_int_equal(th_client_run(&c, k.host, p.port, NULL), 0);
    ctx = make_ctx(c.loop, NULL, 0, BLOB_NONE);
    assert_int_equal(jt_jit_create(ctx, c.tls, &c.host, 443, &j), 0);
    assert_int_equal(jt_jit_verify(j, NULL, NULL), JT_ERR_JIT_NO_TRUSTED_CA);
    assert_int_equal(jt_jit_queries(j), 0);
    jt_jit_destroy(j);
    assert_int_equal(jt_jit_create(ctx, c.tls, &c.host, 443, &j), 0);
    assert_int_equal(jt_jit_verify(j, NULL, NULL), JT_ERR_JIT_NEGATIVE);
    assert_non_null(strstr(jt_jit_message(j), "negative cache"));
    jt_jit_destroy(j);
    /* another port is another key */
    assert_int_equal(jt_jit_create(ctx, c.tls, &c.host, 444, &j), 0);
    assert_int_equal(jt_jit_verify(j, NULL, NULL), JT_ERR_JIT_NO_TRUSTED_CA);
    jt_jit_destroy(j);
    jt_jit_ctx_destroy(ctx);
    th_client_free(&c);
    th_peer_stop(&p);
}

/* ---- warm path ---- */

/* Counts the queries that reach |inner|. */
struct count_src {
    struct jt_source inner;
    int calls;
};

static int
count_query(void *ud, const struct jt_key *key, struct jt_query q)
{
    struct count_src *c = ud;

    c->calls++;
    return c->inner.query(c->inner.ud, key, q);
}

/* Connect to |p| as www.jt.test and verify (cache port 443 for all). */
static int
warm_connect(struct th_peer *p, struct jt_jit_ctx *ctx, int *warm)
{
    struct th_client c;
    struct jt_jit *j;
    int rc;

    assert_int_equal(th_client_run(&c, "www.jt.test", p->port, NULL), 0);
    assert_int_equal(jt_jit_create(ctx, c.tls, &c.host, 443, &j), 0);
    rc = jt_jit_verify(j, NULL, NULL);
    *warm = jt_jit_warm(j);
    if (rc == 0)
        tj_get_page(&c);
    jt_jit_destroy(j);
    th_client_free(&c);
    return rc;
}

/* Start s_server with |leaf| and its |inter| (NULL: none). */
static void
serve(struct th_peer *p, const char *leaf, const char *inter)
{
    char cert[512], key[512], chain[512], name[128];
    const char *args[] = {"-cert", cert, "-key", key, "-www",
                          "-msg",  NULL, NULL,   NULL};

    snprintf(name, sizeof(name), "%s.pem", leaf);
    th_pki_path(cert, sizeof(cert), name);
    snprintf(name, sizeof(name), "%s.key", leaf);
    th_pki_path(key, sizeof(key), name);
    if (inter != NULL) {
        snprintf(name, sizeof(name), "%s.pem", inter);
        th_pki_path(chain, sizeof(chain), name);
        args[6] = "-cert_chain";
        args[7] = chain;
    }
    assert_int_equal(th_s_server_start(p, args), 0);
}

/*
 * Cold, then warm (only the cached anchor key is asked), then the host
 * moves to a chain under another root: the warm attempt fails, the entry
 * is dropped and one cold attempt succeeds, in the same handshake.
 */
static void
warm_path(void **state)
{
    struct count_src cs = {0};
    struct jt_source src = {"dir", count_query, NULL, &cs};
    struct jt_jit_ctx_opts o = {0};
    struct th_peer a = {0}, b = {0};
    struct jt_jit_ctx *ctx;
    struct jt_loop *loop;
    char path[512];
    int warm, cold_calls;

    (void)state;
    assert_int_equal(jt_loop_create(NULL, &loop), 0);
    o.loop = loop;
    th_pki_path(path, sizeof(path), "roots-trusted.pem");
    assert_int_equal(jt_source_certs_create(path, NULL, &cs.inner), 0);
    assert_int_equal(jt_jit_ctx_create(&o, &ctx), 0);
    assert_int_equal(jt_jit_ctx_add_source(ctx, &src), 0);
    serve(&a, "leaf-www", "inter-p256");
    assert_int_equal(warm_connect(&a, ctx, &warm), 0);
    assert_int_equal(warm, JT_JIT_COLD);
    cold_calls = cs.calls;
    assert_true(cold_calls >= 2);
    cs.calls = 0;
    assert_int_equal(warm_connect(&a, ctx, &warm), 0);
    assert_int_equal(warm, JT_JIT_WARM);
    assert_int_equal(cs.calls, 0); /* the parsed CA set, within its grace */
    th_peer_stop(&a);
    /* same name, now a chain under root-noskid (issuer+serial keys) */
    serve(&b, "leaf-noskid-root", NULL);
    cs.calls = 0;
    assert_int_equal(warm_connect(&b, ctx, &warm), 0);
    assert_int_equal(warm, JT_JIT_WARM_DROPPED);
    assert_true(cs.calls >= 1);
    assert_int_equal(th_peer_log_count(&b, "ClientHello"), 1);
    /* and that is warm now, from its CA set */
    cs.calls = 0;
    assert_int_equal(warm_connect(&b, ctx, &warm), 0);
    assert_int_equal(warm, JT_JIT_WARM);
    assert_int_equal(cs.calls, 0);
    th_peer_stop(&b);
    jt_jit_ctx_destroy(ctx);
    cs.inner.destroy(cs.inner.ud);
    jt_loop_destroy(loop);
}

/* A fake clock for the context's loop. */
static uint64_t
fake_now(void *ud)
{
    return *(const uint64_t *)ud;
}

/* Collects trace events: their types, and one JSON line per event. */
struct trace_log {
    int types[64];
    size_t n;
    int json_ok;
};

static void
trace_cb(const struct jt_trace_event *ev, void *ud)
{
    struct trace_log *t = ud;
    char line[1024];

    if (t->n < 64)
        t->types[t->n++] = ev->type;
    if (jt_trace_format(ev, JT_TRACE_JSON, line, sizeof(line)) <= 0 ||
        line[0] != '{' || strstr(line, "\"ev\":\"") == NULL)
        t->json_ok = 0;
}

static size_t
trace_count(const struct trace_log *t, int type)
{
    size_t n = 0;

    for (size_t i = 0; i < t->n; i++)
        n += t->types[i] == type;
    return n;
}

/*
 * The parsed CA set: a cold connection parses only the CA its chain
 * needs (one root, out of every trusted root the source holds); the set
 * outlives its connection by the grace (fake clock), serves a warm
 * connection without a source query, and is freed once the grace is over.
 * The trace reports each step.
 */
static void
caset_grace(void **state)
{
    struct count_src cs = {0};
    struct jt_source src = {"dir", count_query, NULL, &cs};
    struct trace_log tl = {{0}, 0, 1};
    struct jt_jit_ctx_opts o = {0};
    struct jt_loop_opts lo = {0};
    struct jt_jit_stats st;
    struct th_peer a = {0};
    struct jt_jit_ctx *ctx;
    struct jt_loop *loop;
    uint64_t now = 1000;
    char path[512];
    int warm;

    (void)state;
    lo.clock = fake_now;
    lo.clock_ud = &now;
    assert_int_equal(jt_loop_create(&lo, &loop), 0);
    o.loop = loop;
    o.trace = trace_cb;
    o.trace_ud = &tl;
    th_pki_path(path, sizeof(path), "roots-trusted.pem");
    assert_int_equal(jt_source_certs_create(path, NULL, &cs.inner), 0);
    assert_int_equal(jt_jit_ctx_create(&o, &ctx), 0);
    assert_int_equal(jt_jit_ctx_add_source(ctx, &src), 0);
    serve(&a, "leaf-www", "inter-p256");
    assert_int_equal(warm_connect(&a, ctx, &warm), 0);
    assert_int_equal(warm, JT_JIT_COLD);
    assert_int_equal(jt_jit_ctx_stats(ctx, &st), 0);
    assert_int_equal(st.ca_parsed, 1); /* root-p256 only */
    assert_int_equal(st.casets, 1);
    assert_int_equal(st.casets_idle, 1);
    assert_int_equal(trace_count(&tl, JT_TRACE_CERT), 2);
    assert_int_equal(trace_count(&tl, JT_TRACE_HOST_CACHE), 1);
    assert_true(trace_count(&tl, JT_TRACE_ASK) >= 1);
    assert_int_equal(trace_count(&tl, JT_TRACE_ASK),
                     trace_count(&tl, JT_TRACE_ANSWER));
    assert_int_equal(trace_count(&tl, JT_TRACE_RESULT), 1);
    assert_int_equal(tl.types[tl.n - 1], JT_TRACE_RESULT);
    assert_true(tl.json_ok);
    /* within the grace: warm, no query, no parse */
    now += 4999;
    assert_true(jt_loop_run_once(loop, 0) >= 0);
    cs.calls = 0;
    tl.n = 0;
    assert_int_equal(warm_connect(&a, ctx, &warm), 0);
    assert_int_equal(warm, JT_JIT_WARM);
    assert_int_equal(cs.calls, 0);
    assert_int_equal(trace_count(&tl, JT_TRACE_CASET), 1);
    assert_int_equal(jt_jit_ctx_stats(ctx, &st), 0);
    assert_int_equal(st.ca_parsed, 1);
    assert_int_equal(st.caset_hits, 1);
    /* the grace runs from the last user: 4999 ms later it still lives */
    now += 4999;
    assert_true(jt_loop_run_once(loop, 0) >= 0);
    assert_int_equal(jt_jit_ctx_stats(ctx, &st), 0);
    assert_int_equal(st.casets, 1);
    now += 1;
    assert_true(jt_loop_run_once(loop, 0) >= 0);
    assert_int_equal(jt_jit_ctx_stats(ctx, &st), 0);
    assert_int_equal(st.casets, 0);
    /* still warm (host entry), but the CA is asked and parsed again */
    cs.calls = 0;
    assert_int_equal(warm_connect(&a, ctx, &warm), 0);
    assert_int_equal(warm, JT_JIT_WARM);
    assert_int_equal(cs.calls, 1);
    assert_int_equal(jt_jit_ctx_stats(ctx, &st), 0);
    assert_int_equal(st.ca_parsed, 2);
    /* a flush (source changed) drops the host entry and the idle set */
    assert_int_equal(jt_jit_ctx_flush(ctx), 0);
    assert_int_equal(jt_jit_ctx_stats(ctx, &st), 0);
    assert_int_equal(st.casets, 0);
    assert_int_equal(warm_connect(&a, ctx, &warm), 0);
    assert_int_equal(warm, JT_JIT_COLD);
    assert_int_equal(th_peer_log_count(&a, "ClientHello"), 4);
    th_peer_stop(&a);
    jt_jit_ctx_destroy(ctx);
    cs.inner.destroy(cs.inner.ud);
    jt_loop_destroy(loop);
}

static void
one_case(void **state)
{
    run_case(*state);
}

static int
setup_dir(void **state)
{
    (void)state;
    return tj_dir_setup(tmpdir, "jit");
}

static int
teardown_dir(void **state)
{
    (void)state;
    return tj_dir_teardown(tmpdir);
}

int
main(void)
{
    static const struct CMUnitTest extra[] = {
        cmocka_unit_test(answer_twice_ignored),
        cmocka_unit_test(late_answer_after_destroy),
        cmocka_unit_test(negative_cache),
        cmocka_unit_test(warm_path),
        cmocka_unit_test(caset_grace),
    };
    enum { NC = sizeof(cases) / sizeof(cases[0]), NE = 5 };
    struct CMUnitTest tests[NC + NE];

    for (size_t i = 0; i < NC; i++) {
        struct CMUnitTest t = {cases[i].what, one_case, NULL, NULL,
                               (void *)(uintptr_t)&cases[i]};

        tests[i] = t;
    }
    for (size_t i = 0; i < NE; i++)
        tests[NC + i] = extra[i];
    return _cmocka_run_group_tests("jit", tests,
                                   sizeof(tests) / sizeof(tests[0]), setup_dir,
                                   teardown_dir);
}
