// SPDX-License-Identifier: MIT
/*
 * bench: connection setup, JIT trust against preloaded trust (issue 5,
 * "Benchmark"). For an ECDSA P-256 chain and an RSA-2048 chain of the test
 * PKI served by loopback `openssl s_server -msg` (started and stopped by
 * PID through the integration harness), five rows run interleaved
 * round-robin in this one process: (1) a plain mbedTLS client with the
 * pinned settings of net/tls.c and the right root preloaded (baseline),
 * (2) the same again (A/A, the noise), (3) the full Mozilla bundle
 * loaded, (4) JIT cold: the library path (conn-jit.h: host map, connect,
 * VERIFY_NONE jt_tls handshake, jt_jit_verify) with a fresh jt_jit_ctx
 * over a blob of the Mozilla set plus the test roots, and (5) JIT warm:
 * one context kept. Columns: median ms per connection (connect to
 * verified), ClientHellos the server logged per connection, and peak heap
 * per connection, counted by interposing malloc (heap-count.h; Debian's
 * mbedTLS has no allocator hook). Also prints the trust-source heap of
 * each row. Both clients set TCP_NODELAY (--nagle: neither does).
 * Times and heap are never asserted (ratios to row 1 are printed with the
 * issue's targets); the exit status is non-zero when a structural target
 * breaks: a connection fails, makes other than one handshake, or a JIT
 * row is not cold / warm as intended (--inject-double-handshake adds a
 * handshake to each cold connection to prove it). --smoke: 2 connections
 * per row; --iters N: N per row (default 30).
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "jittrust/blob.h"
#include "jittrust/error.h"
#include "jittrust/hash.h"
#include "jittrust/jit.h"
#include "jittrust/source.h"
#include "jittrust/tls.h"

#include "conn-jit.h"
#include "harness.h"
#include "tls-int.h"
#include "heap-count.h"
#include "testutil.h"

#define MAX_ITERS 1000
#define HEAP_SLACK 4096     /* issue 5: per-connection heap <= floor + 4 KB */
#define CA_COST 2662        /* issue 5: about 2.6 KB per CA in use */
#define COLD_MAX_RATIO 1.10 /* issue 5: JIT cold <= 1.10x baseline */
#define BUNDLE_DEFAULT "/etc/ssl/certs/ca-certificates.crt"

/* ---- setup ---- */

struct chain {
    const char *label;
    const char *leaf, *inter, *root; /* test PKI names */
    const char *host;
};

static const struct chain chains[] = {
    {"ECDSA P-256", "leaf-www", "inter-p256", "root-p256", "www.jt.test"},
    {"RSA-2048", "leaf-rsa", "inter-rsa", "root-rsa", "rsa.jt.test"},
};

enum { R_BASE, R_AA, R_BUNDLE, R_COLD, R_WARM, NROWS };

static const char *const row_name[NROWS] = {
    "baseline: right root preloaded", "baseline again (A/A)",
    "full Mozilla bundle loaded",     "JIT cold (fresh jt_jit_ctx)",
    "JIT warm (one jt_jit_ctx)",
};

struct row {
    double ms[MAX_ITERS];
    long long heap_max; /* worst connection's peak heap */
    /* JIT rows, that connection's heap by phase (bytes above its start):
     * handshake peak, live at handshake end, jt_jit_create, verify */
    long long ph_hs_peak, ph_hs_live, ph_jit, ph_verify;
    int n, hs_total, hs_min, hs_max;
};

/* Trust shared by both chains: the blob and the parsed bundle. */
struct trust {
    uint8_t *blob_buf;
    size_t blob_len, blob_cas;
    struct jt_blob blob;
    mbedtls_x509_crt bundle;
    size_t bundle_cas;
    int bundle_skipped; /* certificates mbedTLS did not parse */
    long long bundle_live, bundle_peak, blob_heap;
};

struct bench {
    int iters, smoke, nagle, inject_double, failures;
    const struct chain *ch;
    struct trust *tr;
    struct th_peer peer;
    int hs_seen; /* ClientHellos counted so far */
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_x509_crt root;
    mbedtls_ssl_config conf_root, conf_bundle;
    struct bj_env je;
    struct jt_jit_ctx *warm_ctx;
    long long root_live, ctx_live, warm_live;
    struct row rows[NROWS];
};

static double
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void
fail_check(struct bench *b, const char *what, int row, int detail)
{
    b->failures++;
    fprintf(stderr, "bench-connect: STRUCTURAL FAIL (%s, row %d %s): %s %d\n",
            b->ch->label, row + 1, row_name[row], what, detail);
}

/* ---- row 1-3: plain mbedTLS client over a blocking socket ---- */

static int
pin_conf(mbedtls_ssl_config *c, mbedtls_ctr_drbg_context *drbg,
         mbedtls_x509_crt *ca)
{
    /* the library's own pinned settings (tls-int.h) */
    int ret = jti_tls_pin_conf(c, MBEDTLS_SSL_IS_CLIENT);

    if (ret != 0)
        return ret;
    mbedtls_ssl_conf_authmode(c, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(c, ca, NULL);
    mbedtls_ssl_conf_rng(c, mbedtls_ctr_drbg_random, drbg);
    return 0;
}

/*
 * TCP_NODELAY on |fd| when |on|. mbedTLS flushes each handshake record
 * on its own (ClientKeyExchange, ChangeCipherSpec, Finished): with Nagle
 * the second waits for the server's delayed ACK, about 40 ms per
 * handshake on loopback, which would drown what the rows differ in. Both
 * clients get the same socket options (jt_connect_start() sets it too);
 * --nagle measures without it, to show what it costs.
 */
static void
nodelay(int fd, int on)
{
    int one = 1;

    if (on && fd >= 0)
        (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* A blocking TCP socket connected to 127.0.0.1:|port|, or -1. */
static int
tcp_connect(int port, int nd)
{
    struct sockaddr_in sa = {0};
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    nodelay(fd, nd);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* Connect, handshake with VERIFY_REQUIRED (|ms|: until verified), close.
 * Returns 0 or an mbedTLS code (-1: no socket). */
static int
mbed_connect(const mbedtls_ssl_config *conf, const char *host, int port, int nd,
             double *ms)
{
    double t0 = now_ms();
    mbedtls_ssl_context ssl;
    mbedtls_net_context net;
    int ret;

    mbedtls_net_init(&net);
    mbedtls_ssl_init(&ssl);
    net.fd = tcp_connect(port, nd);
    ret = net.fd < 0 ? -1 : mbedtls_ssl_setup(&ssl, conf);
    if (ret == 0)
        ret = mbedtls_ssl_set_hostname(&ssl, host);
    if (ret == 0) {
        mbedtls_ssl_set_bio(&ssl, &net, mbedtls_net_send, mbedtls_net_recv,
                            NULL);
        do
            ret = mbedtls_ssl_handshake(&ssl);
        while (ret == MBEDTLS_ERR_SSL_WANT_READ ||
               ret == MBEDTLS_ERR_SSL_WANT_WRITE);
    }
    if (ret == 0 && mbedtls_ssl_get_verify_result(&ssl) != 0)
        ret = -2;
    *ms = now_ms() - t0;
    if (ret == 0)
        (void)mbedtls_ssl_close_notify(&ssl);
    mbedtls_ssl_free(&ssl);
    mbedtls_net_free(&net);
    return ret;
}

/* ---- rows 4-5: the library path (conn-jit.h) ---- */

/* A context whose only source is the blob. */
static int
make_ctx(struct bench *b, struct jt_jit_ctx **out)
{
    /* no TLS sessions: the rows compare full handshakes (the bench's
     * client offers none), and a saved session is not per-connection heap */
    struct jt_jit_ctx_opts o = {.loop = b->je.loop,
                                .max_sessions = JT_JIT_NO_SESSIONS};
    struct jt_source s;
    int rc = jt_jit_ctx_create(&o, out);

    if (rc == 0)
        rc = jt_source_blob(&b->tr->blob, &s);
    if (rc == 0)
        rc = jt_jit_ctx_add_source(*out, &s);
    return rc;
}

/* ---- trust: the Mozilla bundle, the test roots, the blob ---- */

static const char *
bundle_path(void)
{
    const char *p = getenv("JT_CA_BUNDLE");

    return p != NULL ? p : BUNDLE_DEFAULT;
}

/* Append every PEM certificate of |path| to |*in| (|*n| used, |*cap|). */
static int
add_certs(const char *path, struct jt_blob_input **in, size_t *n, size_t *cap)
{
    size_t len, *lens, nc;
    uint8_t *pem = th_read_file(path, &len), **ders;

    if (pem == NULL)
        return -1;
    nc = th_pem_certs((const char *)pem, &ders, &lens);
    free(pem);
    for (size_t c = 0; c < nc; c++) {
        if (*n == *cap) {
            *cap = *cap ? 2 * *cap : 256;
            *in = realloc(*in, *cap * sizeof(**in));
            if (*in == NULL)
                abort();
        }
        memset(&(*in)[*n], 0, sizeof(**in));
        (*in)[*n].der = ders[c]; /* now owned by |*in| */
        (*in)[*n].len = lens[c];
        if (jt_hash_ops_mbedtls()->sha256(NULL, ders[c], lens[c],
                                          (*in)[*n].sha256) != 0)
            abort();
        (*n)++;
    }
    free(ders);
    free(lens);
    return nc > 0 ? 0 : -1;
}

/* A full blob of the bundle plus the test roots, kept in memory. */
static int
build_blob(struct trust *t, const char *roots)
{
    struct jt_blob_write_opts o = {.kind = JT_BLOB_FULL,
                                   .generation = 1,
                                   .time = 1,
                                   .label = "bench-connect",
                                   .hash = jt_hash_ops_mbedtls()};
    struct jt_blob_input *in = NULL;
    size_t n = 0, cap = 0, need = 0;
    int rc = -1;

    if (add_certs(bundle_path(), &in, &n, &cap) != 0 ||
        add_certs(roots, &in, &n, &cap) != 0)
        goto out;
    if (jt_blob_write(in, n, &o, NULL, 0, &need) != JT_ERR_NOSPC ||
        (t->blob_buf = malloc(need)) == NULL ||
        jt_blob_write(in, n, &o, t->blob_buf, need, &t->blob_len) != 0 ||
        jt_blob_open(&t->blob, t->blob_buf, t->blob_len, NULL) != 0)
        goto out;
    t->blob_cas = n;
    t->blob_heap = (long long)malloc_usable_size(t->blob_buf);
    rc = 0;
out:
    for (size_t i = 0; i < n; i++)
        free((void *)in[i].der);
    free(in);
    return rc;
}

/* Parse the bundle plus the test roots into |t->bundle|, counting heap. */
static int
load_bundle(struct trust *t, const char *roots)
{
    long long base = bh_open();
    int r1, r2;

    mbedtls_x509_crt_init(&t->bundle);
    r1 = mbedtls_x509_crt_parse_file(&t->bundle, bundle_path());
    r2 = mbedtls_x509_crt_parse_file(&t->bundle, roots);
    t->bundle_live = bh_held(base);
    t->bundle_peak = bh_close(base);
    if (r1 < 0 || r2 != 0)
        return -1;
    t->bundle_skipped = r1;
    for (const mbedtls_x509_crt *c = &t->bundle; c != NULL; c = c->next)
        t->bundle_cas += c->raw.len > 0;
    return 0;
}

static int
trust_load(struct trust *t)
{
    char roots[512];

    memset(t, 0, sizeof(*t));
    th_pki_path(roots, sizeof(roots), "roots-trusted.pem");
    if (access(bundle_path(), R_OK) != 0)
        return 1;
    return build_blob(t, roots) != 0 || load_bundle(t, roots) != 0 ? -1 : 0;
}

static void
trust_free(struct trust *t)
{
    mbedtls_x509_crt_free(&t->bundle);
    free(t->blob_buf);
}

/* ---- the server and its ClientHello count ---- */

static int
server_start(struct th_peer *p, const struct chain *ch)
{
    char cert[512], key[512], inter[512], name[128];
    const char *args[] = {"-cert", cert,   "-key", key, "-cert_chain",
                          inter,   "-www", "-msg", NULL};

    snprintf(name, sizeof(name), "%s.pem", ch->leaf);
    th_pki_path(cert, sizeof(cert), name);
    snprintf(name, sizeof(name), "%s.key", ch->leaf);
    th_pki_path(key, sizeof(key), name);
    snprintf(name, sizeof(name), "%s.pem", ch->inter);
    th_pki_path(inter, sizeof(inter), name);
    return th_s_server_start(p, args);
}

/* ClientHellos the server logged since the last call. s_server may log
 * a moment after our side finishes: wait up to 2 s for at least one. */
static int
server_hellos(struct bench *b)
{
    int n = th_peer_log_count(&b->peer, "ClientHello"), d;

    for (int i = 0; i < 2000 && n >= 0 && n <= b->hs_seen; i++) {
        usleep(1000);
        n = th_peer_log_count(&b->peer, "ClientHello");
    }
    if (n < 0)
        return -1;
    d = n - b->hs_seen;
    b->hs_seen = n;
    return d;
}

/* ---- measuring ---- */

/* One connection's numbers; |jr| only for the JIT rows. */
struct sample {
    double ms;
    long long base, heap; /* live at the start, peak above it */
    int hs, rc;
    struct bj_result jr;
};

static void
record(struct bench *b, int r, const struct sample *s)
{
    struct row *w = &b->rows[r];

    w->ms[w->n++] = s->ms;
    if (s->heap > w->heap_max) {
        w->heap_max = s->heap;
        w->ph_hs_peak = s->jr.hs_peak - s->base;
        w->ph_hs_live = s->jr.hs_live - s->base;
        w->ph_jit = s->jr.jit_live - s->jr.hs_live;
        w->ph_verify = s->base + s->heap - s->jr.jit_live;
    }
    w->hs_total += s->hs;
    if (w->n == 1 || s->hs < w->hs_min)
        w->hs_min = s->hs;
    if (s->hs > w->hs_max)
        w->hs_max = s->hs;
    if (s->hs != 1)
        fail_check(b, "ClientHellos at the server for one connection:", r,
                   s->hs);
}

static void
check(struct bench *b, int r, const struct sample *s)
{
    if (s->rc != 0 && r < R_COLD)
        fail_check(b, "mbedTLS connection failed:", r, s->rc);
    if (s->rc != 0 && r >= R_COLD) {
        fail_check(b, "JIT connection failed:", r, s->rc);
        fprintf(stderr, "bench-connect: %s\n", s->jr.msg);
    }
    if ((r == R_COLD && s->jr.warm != JT_JIT_COLD) ||
        (r == R_WARM && s->jr.warm != JT_JIT_WARM))
        fail_check(b, "jt_jit_warm() is not the row's path:", r, s->jr.warm);
}

/* One connection of row |r|: cold contexts are made and destroyed outside
 * the timed and heap-counted window (their heap is the trust source's). */
static void
one_conn(struct bench *b, int r)
{
    struct jt_jit_ctx *ctx = b->warm_ctx;
    struct sample s = {0};
    int nd = !b->nagle;

    if (r == R_COLD && make_ctx(b, &ctx) != 0) {
        fail_check(b, "jt_jit_ctx setup failed", r, 0);
        return;
    }
    if (r == R_COLD && b->inject_double) /* self-test: a second handshake */
        (void)mbed_connect(&b->conf_root, b->ch->host, b->peer.port, nd, &s.ms);
    s.base = bh_open();
    if (r < R_COLD)
        s.rc = mbed_connect(r == R_BUNDLE ? &b->conf_bundle : &b->conf_root,
                            b->ch->host, b->peer.port, nd, &s.ms);
    else
        s.rc = bj_connect(&b->je, ctx, &s.jr);
    s.heap = bh_close(s.base);
    if (r >= R_COLD)
        s.ms = s.jr.ms;
    if (r == R_COLD)
        jt_jit_ctx_destroy(ctx);
    s.hs = server_hellos(b);
    record(b, r, &s);
    check(b, r, &s);
}

/* Root, mbedTLS configs, JIT environment and the primed warm context. */
static int
chain_setup(struct bench *b)
{
    static const char pers[] = "bench-connect";
    char root[512], name[128];
    struct bj_result jr = {.msg = ""};
    long long base;
    int rc;

    snprintf(name, sizeof(name), "%s.pem", b->ch->root);
    th_pki_path(root, sizeof(root), name);
    mbedtls_entropy_init(&b->entropy);
    mbedtls_ctr_drbg_init(&b->drbg);
    mbedtls_ssl_config_init(&b->conf_root);
    mbedtls_ssl_config_init(&b->conf_bundle);
    mbedtls_x509_crt_init(&b->root);
    base = bh_open();
    rc = mbedtls_x509_crt_parse_file(&b->root, root);
    b->root_live = bh_held(base);
    if (rc == 0)
        rc = mbedtls_ctr_drbg_seed(&b->drbg, mbedtls_entropy_func, &b->entropy,
                                   (const unsigned char *)pers,
                                   sizeof(pers) - 1);
    if (rc == 0)
        rc = pin_conf(&b->conf_root, &b->drbg, &b->root);
    if (rc == 0)
        rc = pin_conf(&b->conf_bundle, &b->drbg, &b->tr->bundle);
    if (rc == 0)
        rc = bj_env_init(&b->je, b->ch->host, b->peer.port, !b->nagle);
    base = bh_open();
    if (rc == 0)
        rc = make_ctx(b, &b->warm_ctx);
    b->ctx_live = bh_held(base);
    if (rc == 0) /* prime: the warm row's first connection is cold */
        rc = bj_connect(&b->je, b->warm_ctx, &jr);
    if (rc != 0) /* a JT_ERR_* or mbedTLS code; jr.msg when it primed */
        fprintf(stderr, "bench-connect: setup failed: %d %s\n", rc, jr.msg);
    if (rc == 0 && server_hellos(b) != 1)
        rc = -1;
    return rc;
}

static void
chain_free(struct bench *b)
{
    long long before = bh_held(0);

    jt_jit_ctx_destroy(b->warm_ctx);
    b->warm_live = bh_counted() ? before - bh_held(0) : -1;
    b->warm_ctx = NULL;
    bj_env_free(&b->je);
    mbedtls_ssl_config_free(&b->conf_root);
    mbedtls_ssl_config_free(&b->conf_bundle);
    mbedtls_x509_crt_free(&b->root);
    mbedtls_ctr_drbg_free(&b->drbg);
    mbedtls_entropy_free(&b->entropy);
}

/* ---- report ---- */

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* The |q| quantile of a row's times (linear between ranks). */
static double
quantile(const struct row *w, double q)
{
    double s[MAX_ITERS], pos;
    size_t i;

    if (w->n == 0)
        return 0;
    memcpy(s, w->ms, (size_t)w->n * sizeof(s[0]));
    qsort(s, (size_t)w->n, sizeof(s[0]), cmp_double);
    pos = q * (double)(w->n - 1);
    i = (size_t)pos;
    if (i + 1 >= (size_t)w->n)
        return s[w->n - 1];
    return s[i] + (pos - (double)i) * (s[i + 1] - s[i]);
}

static const char *
met(int ok)
{
    return ok ? "met" : "NOT met";
}

static void
print_rows(const struct bench *b, const double *med)
{
    long long floor = b->rows[R_BASE].heap_max;

    printf("  %-34s %9s %7s %8s %7s %7s %14s %9s\n", "row", "median ms",
           "ratio", "+ms", "IQR ms", "hs/conn", "peak heap/conn", "vs floor");
    for (int r = 0; r < NROWS; r++) {
        const struct row *w = &b->rows[r];

        printf("  %d %-32s %9.3f %6.3fx %+8.3f %7.3f %7.2f", r + 1, row_name[r],
               med[r], med[R_BASE] > 0 ? med[r] / med[R_BASE] : 0,
               med[r] - med[R_BASE], quantile(w, 0.75) - quantile(w, 0.25),
               w->n ? (double)w->hs_total / w->n : 0);
        if (bh_counted())
            printf(" %12lld B %+7lld B\n", w->heap_max, w->heap_max - floor);
        else
            printf(" %14s %9s\n", "n/a", "n/a");
    }
}

static void
print_targets(const struct bench *b, const double *med)
{
    double base = med[R_BASE] > 0 ? med[R_BASE] : 1;
    double cold = med[R_COLD] / base, warm = med[R_WARM] / base;
    double spread = med[R_AA] / base - 1;
    const struct row *c = &b->rows[R_COLD];
    long long floor = b->rows[R_BASE].heap_max;

    spread = spread < 0 ? -spread : spread;
    printf("  targets (time and heap informational; handshakes enforced):\n");
    printf("    JIT cold time <= %.2fx baseline:       %6.3fx  %s\n",
           COLD_MAX_RATIO, cold, met(cold <= COLD_MAX_RATIO));
    printf("    JIT cold handshakes == 1 per conn:     min %d max %d  %s\n",
           c->hs_min, c->hs_max, met(c->hs_min == 1 && c->hs_max == 1));
    printf("    JIT warm within A/A spread (<= %.3fx): %6.3fx  %s\n",
           1 + spread, warm, met(warm <= 1 + spread));
    if (!bh_counted())
        return;
    for (int r = R_COLD; r <= R_WARM; r++) {
        long long d = b->rows[r].heap_max - floor;

        printf("    JIT %s heap <= floor + %d B:       %+6lld B  %s\n",
               r == R_COLD ? "cold" : "warm", HEAP_SLACK, d,
               met(d <= HEAP_SLACK));
    }
}

/* Where the JIT rows' peak comes from (their worst connection). */
static void
print_phases(const struct bench *b)
{
    if (!bh_counted())
        return;
    printf("  JIT heap by phase (worst connection, bytes above its start;"
           " floor %lld B):\n",
           b->rows[R_BASE].heap_max);
    for (int r = R_COLD; r <= R_WARM; r++) {
        const struct row *w = &b->rows[r];

        printf("    %s: handshake peak %lld, live after handshake %lld,"
               " + jt_jit_create %lld, + verify %lld = peak %lld\n",
               r == R_COLD ? "cold" : "warm", w->ph_hs_peak, w->ph_hs_live,
               w->ph_jit, w->ph_verify, w->heap_max);
    }
}

static void
trust_line(const char *label, long long bytes, const char *note)
{
    printf("    %-52s %8lld B%s%s\n", label, bytes, *note ? "  " : "", note);
}

static void
print_trust(const struct bench *b)
{
    const struct trust *t = b->tr;
    char l[128], n[128];

    if (!bh_counted()) {
        printf("  trust-source heap: n/a (sanitizer build)\n");
        return;
    }
    printf("  trust-source heap (live bytes held between connections):\n");
    trust_line("rows 1-2: right root preloaded (1 CA)", b->root_live, "");
    snprintf(l, sizeof(l), "row 3: full bundle + test roots (%zu CAs)",
             t->bundle_cas);
    snprintf(n, sizeof(n), "(peak while parsing %lld B; %d not parsed)",
             t->bundle_peak, t->bundle_skipped);
    trust_line(l, t->bundle_live, n);
    trust_line("rows 4-5: jt_jit_ctx + blob source, blob in .rodata",
               b->ctx_live, "");
    snprintf(n, sizeof(n), "target <= %d + %d per CA in use: %s", HEAP_SLACK,
             CA_COST, met(b->warm_live <= HEAP_SLACK + CA_COST));
    trust_line("  the warm ctx after its runs (1 host, 1 CA in use)",
               b->warm_live, n);
    snprintf(l, sizeof(l), "blob read into memory (%zu CAs, %zu B)",
             t->blob_cas, t->blob_len);
    trust_line(l, t->blob_heap, "");
}

static void
report(const struct bench *b)
{
    double med[NROWS];

    for (int r = 0; r < NROWS; r++)
        med[r] = quantile(&b->rows[r], 0.5);
    printf("bench-connect: %s chain (%s + %s under %s), host %s\n",
           b->ch->label, b->ch->leaf, b->ch->inter, b->ch->root, b->ch->host);
    printf("  %d connections per row, rows interleaved round-robin%s;"
           " TCP_NODELAY %s; heap in malloc_usable_size bytes\n",
           b->iters, b->smoke ? " (smoke)" : "", b->nagle ? "off" : "on");
    print_rows(b, med);
    print_targets(b, med);
    print_phases(b);
    print_trust(b);
}

static int
run_chain(struct bench *b, const struct chain *ch)
{
    int failures = b->failures, ran = 1;

    memset(&b->rows, 0, sizeof(b->rows));
    memset(&b->peer, 0, sizeof(b->peer));
    b->ch = ch;
    b->hs_seen = 0;
    if (server_start(&b->peer, ch) != 0) {
        fprintf(stderr, "bench-connect: s_server did not start\n");
        return -1;
    }
    if (chain_setup(b) != 0) {
        fprintf(stderr, "bench-connect: %s: setup or priming failed\n",
                ch->label);
        b->failures++;
        ran = 0;
    }
    for (int i = 0; i < b->iters && b->failures == failures; i++)
        for (int r = 0; r < NROWS; r++)
            one_conn(b, r);
    chain_free(b);
    th_peer_stop(&b->peer);
    if (ran)
        report(b);
    return b->failures == failures ? 0 : -1;
}

int
main(int argc, char **argv)
{
    static struct bench b;
    static struct trust t;
    int rc = 0;

    b.iters = 30;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--smoke") == 0) {
            b.smoke = 1;
            b.iters = 2;
        } else if (strcmp(argv[i], "--iters") == 0 && i + 1 < argc) {
            b.iters = (int)strtol(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--nagle") == 0) {
            b.nagle = 1; /* TCP_NODELAY cleared on both clients */
        } else if (strcmp(argv[i], "--inject-double-handshake") == 0) {
            b.inject_double = 1; /* the checks must catch this */
        } else {
            fprintf(stderr, "usage: bench-connect [--smoke] [--iters N]"
                            " [--nagle]\n");
            return 2;
        }
    }
    if (b.iters < 1 || b.iters > MAX_ITERS)
        return 2;
    b.tr = &t;
    rc = trust_load(&t);
    if (rc != 0) {
        fprintf(stderr, "bench-connect: no CA bundle at %s or no blob\n",
                bundle_path());
        trust_free(&t);
        return rc > 0 && b.smoke ? 77 : 1; /* 77: meson's "skipped" */
    }
    for (size_t c = 0; c < sizeof(chains) / sizeof(chains[0]); c++)
        if (run_chain(&b, &chains[c]) != 0)
            rc = 1;
    trust_free(&t);
    if (rc != 0)
        fprintf(stderr, "bench-connect: FAILED: %d structural check(s)\n",
                b.failures);
    return rc;
}
