// SPDX-License-Identifier: MIT
/*
 * integration (net): hostile servers against the JIT trust flow (issue 5,
 * "Hostile servers"), the cases test-jit.c does not cover. Real
 * `openssl s_server` peers on 127.0.0.1:0 serve test PKI chains: same-SKID
 * siblings where only the last chains to a trusted root, a chain ending in
 * a trusted root cross-signed by an untrusted one, an intermediate whose
 * AKID lies, a name-constrained intermediate, a Certificate message over
 * 16 KB, a TLS 1.0-only server, an anchor past its not-after (source
 * metadata, or the root's own notAfter), and a renegotiation request after
 * verification. A thread on 127.0.0.1:0 answers the ClientHello with
 * garbage. Every case asserts the exact result, that the server saw one
 * ClientHello, and for every refusal that the client's write failed and the
 * server received no application data record. Names go through the static
 * host map, never the system resolver.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include "jittrust/error.h"
#include "jittrust/jit.h"
#include "jittrust/source.h"
#include "jittrust/tls.h"
#include "harness.h"
#include "jit-test-util.h"
#include "tls-client.h"
#include "testutil.h"

static char tmpdir[64];

/* ---- a source whose answers say the CA expired yesterday ---- */

struct stale_src {
    uint8_t **ders;
    size_t *lens, n;
};

/* Answer every key with all of roots-trusted.pem, each not-after
 * yesterday (the flow keeps only the certs that carry the asked key). */
static int
stale_query(void *ud, const struct jt_key *key, struct jt_query q)
{
    struct stale_src *s = ud;
    struct jt_source_cert c[8];
    int64_t past = (int64_t)time(NULL) - 86400;
    size_t n = s->n < 8 ? s->n : 8;

    (void)key;
    for (size_t i = 0; i < n; i++) {
        struct jt_source_cert one = {s->ders[i], s->lens[i], past, 0};

        c[i] = one;
    }
    return jt_query_answer(q, c, n);
}

static void
stale_destroy(void *ud)
{
    struct stale_src *s = ud;

    th_free_ders(s->ders, s->lens, s->n);
    free(s);
}

static void
stale_source(struct jt_source *out)
{
    struct stale_src *s = calloc(1, sizeof(*s));
    char path[512];
    size_t len;
    uint8_t *pem;

    assert_non_null(s);
    th_pki_path(path, sizeof(path), "roots-trusted.pem");
    pem = th_read_file(path, &len);
    assert_non_null(pem);
    s->n = th_pem_certs((const char *)pem, &s->ders, &s->lens);
    free(pem);
    assert_true(s->n > 0);
    out->name = "stale";
    out->query = stale_query;
    out->destroy = stale_destroy;
    out->ud = s;
}

/* ---- s_server cases ---- */

enum { SRC_CERTS = 0, SRC_STALE = 1 };

struct hcase {
    const char *what;
    const char *cert;     /* PKI row of the served leaf */
    const char *chain[8]; /* PKI rows sent after it, NULL-ended */
    const char *extra[4]; /* more s_server args, NULL-ended */
    const char *host;     /* what we connect to */
    const char *trust;    /* PKI file of the certificate source; NULL: roots */
    int src;              /* SRC_* */
    int hs;               /* th_client_run's result */
    int want;             /* jt_jit_verify's result, when hs is 0 */
    const char *msg;      /* in jt_jit_message, or in jt_strerror(hs) */
    const char *seen;     /* in the server's log (s_server -msg), or NULL */
};

static const struct hcase cases[] = {
    /* keys: the AKID of each sibling; root-untrusted's is not found, and
     * the first path fails; the last sibling's path verifies (openssl
     * verify gives up after the first: see check-pki.sh) */
    {.what = "same-SKID siblings, only the last chains to a trusted root",
     .cert = "leaf-x",
     .chain = {"inter-x-by-untrusted", "inter-x-by-p256"},
     .host = "x.jt.test",
     .msg = "verified"},
    {.what = "three same-SKID siblings, only the last one's root trusted",
     .cert = "leaf-x",
     .chain = {"inter-x-by-untrusted", "inter-x-by-rsa", "inter-x-by-p256"},
     .host = "x.jt.test",
     .trust = "root-p256.pem",
     .msg = "verified"},
    /* the sent root-p384-by-untrusted carries root-p384's SKID: that key
     * finds the self-signed root-p384, which anchors the path */
    {.what = "chain ends in a trusted root cross-signed by an untrusted one",
     .cert = "leaf-p384",
     .chain = {"inter-p384", "root-p384-by-untrusted"},
     .host = "p384.jt.test",
     .trust = "root-p384.pem",
     .msg = "verified"},
    /* inter-liar: AKID and issuer name of root-p256, signed by
     * root-untrusted's key: the lookup finds root-p256, the signature
     * check fails */
    {.what = "lying AKID: intermediate names root-p256, another key signed",
     .cert = "leaf-liar",
     .chain = {"inter-liar"},
     .host = "www.jt.test",
     .want = JT_ERR_JIT_NOT_TRUSTED,
     /* keys differ per generated PKI: the wording, not the hex */
     .msg = "but no CA a source gave verifies it"},
    {.what = "lying AKID, with the liar's self-signed CA sent too",
     .cert = "leaf-liar",
     .chain = {"inter-liar", "liar-ca-p256"},
     .host = "www.jt.test",
     .want = JT_ERR_JIT_NOT_TRUSTED,
     .msg = "but no CA a source gave verifies it"},
    /* mbedTLS 2.28 parses the peer chain during the handshake and fails
     * on the critical nameConstraints extension (bad_certificate alert) */
    {.what = "name-constrained intermediate",
     .cert = "leaf-nc",
     .chain = {"inter-nc"},
     .host = "www.jt.test",
     .hs = JT_ERR_TLS_PEER_CERT_PARSE,
     .msg = "nameConstraints",
     .seen = "fatal bad_certificate"},
    /* ~20 KB of certificates: the Certificate message spans two records,
     * which mbedTLS 2.28 cannot reassemble */
    {.what = "long RSA chain: Certificate message over 16 KB",
     .cert = "rsa-long/leaf",
     .chain = {"rsa-long/i6", "rsa-long/i5", "rsa-long/i4", "rsa-long/i3",
               "rsa-long/i2", "rsa-long/i1"},
     .host = "rsa-long.jt.test",
     .hs = JT_ERR_TLS_HS_FRAGMENTED,
     .msg = "16 KB"},
    /* OpenSSL 3.0 still speaks TLS 1.0 at security level 0; TLS 1.0 has
     * none of our AEAD suites, so it answers with a TLS 1.0 alert ("no
     * shared cipher"), never a ServerHello */
    {.what = "TLS 1.0-only server",
     .cert = "leaf-www",
     .chain = {"inter-p256"},
     .extra = {"-tls1", "-cipher", "DEFAULT:@SECLEVEL=0"},
     .host = "www.jt.test",
     .hs = JT_ERR_TLS_PEER_VERSION,
     .msg = "TLS 1.2 is required",
     .seen = "TLS 1.0, Alert"},
    /* the source says the CA expired yesterday; its DER is valid */
    {.what = "anchor past the not-after its source gave",
     .cert = "leaf-www",
     .chain = {"inter-p256"},
     .host = "www.jt.test",
     .src = SRC_STALE,
     .want = JT_ERR_JIT_ANCHOR_EXPIRED,
     .msg = "past its not-after"},
    /* root-expired's own notAfter passed in 2020 (a trusted anchor the
     * server never sent: not "a certificate of the server's chain") */
    {.what = "anchor past its own notAfter",
     .cert = "leaf-under-expired",
     .host = "www.jt.test",
     .trust = "root-expired.pem",
     .want = JT_ERR_JIT_ANCHOR_EXPIRED,
     .msg = "past its not-after"},
};

/* Wait up to 2 s for |needle| in the peer's log. */
static int
log_wait(const struct th_peer *p, const char *needle)
{
    for (int i = 0; i < 40 && th_peer_log_count(p, needle) < 1; i++)
        usleep(50000);
    return th_peer_log_count(p, needle);
}

/* A context with the case's one source. */
static struct jt_jit_ctx *
make_ctx(const struct hcase *k, struct jt_loop *loop)
{
    struct jt_jit_ctx_opts o = {.loop = loop};
    struct jt_jit_ctx *ctx;
    struct jt_source s;
    char path[512];

    if (k->src == SRC_STALE) {
        stale_source(&s);
    } else {
        th_pki_path(path, sizeof(path),
                    k->trust != NULL ? k->trust : "roots-trusted.pem");
        assert_int_equal(jt_source_certs_create(path, NULL, &s), 0);
    }
    assert_int_equal(jt_jit_ctx_create(&o, &ctx), 0);
    assert_int_equal(jt_jit_ctx_add_source(ctx, &s), 0);
    return ctx;
}

/* The handshake passed: verify and check the result. */
static void
verify_case(const struct hcase *k, struct th_peer *p, struct th_client *c)
{
    struct jt_jit_ctx *ctx = make_ctx(k, c->loop);
    struct jt_jit *j;
    int rc;

    assert_int_equal(
        jt_jit_create(ctx, c->tls, &c->host, (uint16_t)p->port, &j), 0);
    /* nothing goes out before verification */
    assert_int_equal(jt_tls_write(c->tls, (const uint8_t *)"GET", 3),
                     JT_ERR_TLS_NOT_VERIFIED);
    rc = tj_verify(c, j);
    printf("# %s: verify %d (%s): %s (flags 0x%x)\n", k->what, rc,
           jt_strerror(rc), jt_jit_message(j),
           (unsigned)jt_jit_verify_flags(j));
    if (rc != k->want)
        fail_msg("%s: got %d (%s), want %d (%s); %s", k->what, rc,
                 jt_strerror(rc), k->want, jt_strerror(k->want),
                 jt_jit_message(j));
    if (k->msg != NULL && strstr(jt_jit_message(j), k->msg) == NULL)
        fail_msg("%s: message '%s' lacks '%s'", k->what, jt_jit_message(j),
                 k->msg);
    assert_int_equal(jt_tls_is_verified(c->tls), rc == 0);
    if (rc == 0)
        tj_get_page(c);
    else
        tj_check_refused(p, c);
    jt_jit_destroy(j);
    jt_jit_ctx_destroy(ctx);
}

static void
run_case(const struct hcase *k)
{
    struct th_peer p = {0};
    struct th_client c;
    int rc;

    tj_serve(&p, tmpdir, k->cert, k->chain, k->extra);
    rc = th_client_run(&c, k->host, p.port, NULL);
    printf("# %s: handshake %d (%s), alert %d, mbedTLS -0x%04x\n", k->what, rc,
           jt_strerror(rc), jt_tls_alert(c.tls),
           (unsigned)-jt_tls_mbedtls_error(c.tls));
    if (rc != k->hs)
        fail_msg("%s: handshake %d (%s), want %d (%s)", k->what, rc,
                 jt_strerror(rc), k->hs, jt_strerror(k->hs));
    if (rc == 0) {
        verify_case(k, &p, &c);
    } else {
        if (k->msg != NULL && strstr(jt_strerror(rc), k->msg) == NULL)
            fail_msg("%s: '%s' lacks '%s'", k->what, jt_strerror(rc), k->msg);
        tj_check_no_appdata(&p, &c);
    }
    if (k->seen != NULL && log_wait(&p, k->seen) < 1)
        fail_msg("%s: the server's log lacks '%s'", k->what, k->seen);
    assert_int_equal(th_peer_log_count(&p, "ClientHello"), 1);
    th_client_free(&c);
    th_peer_stop(&p);
}

static void
one_case(void **state)
{
    run_case(*state);
}

/* ---- renegotiation ---- */

/* Read until an error (the server gives up on us) or 5 s. */
static int
read_until_error(struct th_client *c)
{
    uint8_t buf[256];
    int rc = JT_ERR_WANT_READ;

    for (int i = 0; i < 50; i++) {
        rc = jt_tls_read(c->tls, buf, sizeof(buf));
        if (rc > 0)
            continue; /* s_server sends nothing here, but be lenient */
        if (rc != JT_ERR_WANT_READ && rc != JT_ERR_WANT_WRITE)
            return rc;
        (void)th_client_wait_io(c, rc);
    }
    return rc;
}

/* Start s_server (echo mode, commands on stdin), handshake and verify. */
static void
reneg_setup(struct th_peer *p, struct th_client *c, struct jt_jit_ctx **ctx,
            struct jt_jit **j)
{
    static const struct hcase k = {.what = "renegotiation"};
    char cert[512], key[512], chain[512];
    const char *args[] = {"-cert",       cert,  "-key", key,
                          "-cert_chain", chain, "-msg", NULL};

    th_pki_path(cert, sizeof(cert), "leaf-www.pem");
    th_pki_path(key, sizeof(key), "leaf-www.key");
    th_pki_path(chain, sizeof(chain), "inter-p256.pem");
    p->stdin_fifo = 1;
    assert_int_equal(th_s_server_start(p, args), 0);
    assert_int_equal(th_client_run(c, "www.jt.test", p->port, NULL), 0);
    *ctx = make_ctx(&k, c->loop);
    assert_int_equal(jt_jit_create(*ctx, c->tls, &c->host, 443, j), 0);
    assert_int_equal(tj_verify(c, *j), 0);
}

/*
 * After verification the server asks to renegotiate (s_server's "r":
 * HelloRequest). Our client has renegotiation off: mbedTLS answers with a
 * no_renegotiation warning alert and never sends a second ClientHello, so
 * no second Certificate can arrive. Observed: OpenSSL 3.0 treats that
 * refusal as fatal (handshake_failure alert); the connection ends with
 * JT_ERR_TLS_ALERT (not NO_SHARED_PARAMS: that is for a handshake), the
 * peer chain is still the one verified, and nothing can be written
 * afterwards.
 */
static void
renegotiation_refused(void **state)
{
    static const char ping[] = "ping from the verified client\n";
    struct th_peer p = {0};
    struct th_client c;
    struct jt_jit_ctx *ctx;
    struct jt_jit *j;
    struct jt_span first;
    size_t n, len;
    uint8_t *der;
    int rc;

    (void)state;
    reneg_setup(&p, &c, &ctx, &j);
    do
        rc = jt_tls_write(c.tls, (const uint8_t *)ping, sizeof(ping) - 1);
    while (th_client_wait_io(&c, rc));
    assert_int_equal(rc, (int)sizeof(ping) - 1);
    assert_int_equal(log_wait(&p, "ping from the verified client"), 1);
    assert_int_equal(th_peer_write(&p, "r\n", 2), 0);
    rc = read_until_error(&c);
    printf("# renegotiation: read %d (%s), alert %d, mbedTLS -0x%04x\n", rc,
           jt_strerror(rc), jt_tls_alert(c.tls),
           (unsigned)-jt_tls_mbedtls_error(c.tls));
    assert_int_equal(rc, JT_ERR_TLS_ALERT);
    assert_int_equal(jt_tls_alert(c.tls), 40); /* handshake_failure */
    assert_int_equal(th_peer_log_count(&p, "HelloRequest"), 1);
    assert_int_equal(th_peer_log_count(&p, "warning no_renegotiation"), 1);
    assert_int_equal(th_peer_log_count(&p, "ClientHello"), 1);
    assert_int_equal(th_peer_log_count(&p, "], Certificate\n"), 1);
    assert_true(jt_tls_write(c.tls, (const uint8_t *)"x", 1) < 0);
    /* the chain the flow verified, never another */
    rc = jt_tls_peer_chain(c.tls, &first, 1, &n);
    assert_true(rc == 0 || rc == JT_ERR_NOSPC);
    der = th_pki_der("leaf-www", &len);
    assert_int_equal(first.len, len);
    assert_memory_equal(first.p, der, len);
    free(der);
    jt_jit_destroy(j);
    jt_jit_ctx_destroy(ctx);
    th_client_free(&c);
    th_peer_stop(&p);
}

/* ---- garbage instead of a handshake ---- */

struct junk {
    const char *what;
    const uint8_t *reply; /* sent once the ClientHello arrived */
    size_t len;           /* 0: close without a word */
    int want;             /* th_client_run's result */
};

static const uint8_t http_400[] =
    "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
static const uint8_t noise[] = {0x00, 0x8f, 0x3a, 0xd1, 0x5c, 0x27, 0xe4, 0x90,
                                0x6b, 0x11, 0xfe, 0x42, 0x9d, 0x07, 0xb3, 0x68,
                                0xca, 0x2e, 0x75, 0x19, 0xa0, 0x5f, 0xe1, 0x3c,
                                0x84, 0xd7, 0x0b, 0x66, 0xf2, 0x49, 0x9a, 0x31};
/* a handshake record of 65535 bytes, over any TLS record limit (mbedTLS
 * says "requesting more data than fits": a plain handshake error) */
static const uint8_t huge_record[] = {0x16, 0x03, 0x03, 0xff, 0xff, 0x02,
                                      0x00, 0xff, 0xfb, 0x03, 0x03};
/* a well-formed record holding a ServerHello with an empty body (mbedTLS:
 * bad ServerHello, a plain handshake error) */
static const uint8_t empty_hello[] = {0x16, 0x03, 0x03, 0x00, 0x04,
                                      0x02, 0x00, 0x00, 0x00};

static const struct junk junks[] = {
    {"an HTTP 400 answer", http_400, sizeof(http_400) - 1, JT_ERR_TLS_NOT_TLS},
    {"binary noise", noise, sizeof(noise), JT_ERR_TLS_NOT_TLS},
    {"a 64 KB handshake record", huge_record, sizeof(huge_record),
     JT_ERR_TLS_HANDSHAKE},
    {"an empty ServerHello", empty_hello, sizeof(empty_hello),
     JT_ERR_TLS_HANDSHAKE},
    {"close without a word", NULL, 0, JT_ERR_TLS_HANDSHAKE_EOF},
};

struct junk_srv {
    const struct junk *k;
    int lfd, port, accepted;
    pthread_t th;
    uint8_t got[16384]; /* every byte the client sent */
    size_t got_len;
};

static int
wait_in(int fd, int ms)
{
    struct pollfd pfd = {fd, POLLIN, 0};

    return poll(&pfd, 1, ms) == 1;
}

/* Receive once into |got| (up to 5 s); returns the byte count, 0 at EOF. */
static ssize_t
take(struct junk_srv *s, int fd)
{
    uint8_t scratch[512];
    size_t room = sizeof(s->got) - s->got_len;
    ssize_t n;

    if (!wait_in(fd, 5000))
        return -1;
    if (room == 0)
        return recv(fd, scratch, sizeof(scratch), 0);
    n = recv(fd, s->got + s->got_len, room, 0);
    if (n > 0)
        s->got_len += (size_t)n;
    return n;
}

/* One connection: read the ClientHello, answer |k|, keep reading what
 * the client sends until it closes. */
static void *
junk_main(void *ud)
{
    struct junk_srv *s = ud;
    int fd;

    if (!wait_in(s->lfd, 10000))
        return NULL;
    fd = accept(s->lfd, NULL, NULL);
    if (fd < 0)
        return NULL;
    s->accepted = 1;
    (void)take(s, fd);
    if (s->k->len > 0)
        (void)send(fd, s->k->reply, s->k->len, MSG_NOSIGNAL);
    shutdown(fd, SHUT_WR);
    while (take(s, fd) > 0)
        ;
    close(fd);
    return NULL;
}

static void
junk_start(struct junk_srv *s, const struct junk *k)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);

    memset(s, 0, sizeof(*s));
    s->k = k;
    s->lfd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(s->lfd >= 0);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* loopback only */
    assert_int_equal(bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(s->lfd, 1), 0);
    assert_int_equal(getsockname(s->lfd, (struct sockaddr *)&sa, &len), 0);
    s->port = ntohs(sa.sin_port);
    assert_int_equal(pthread_create(&s->th, NULL, junk_main, s), 0);
}

/* Count the client's ClientHellos and application data records. */
static void
count_records(const struct junk_srv *s, int *hellos, int *appdata)
{
    size_t off = 0;

    *hellos = 0;
    *appdata = 0;
    while (off + 5 <= s->got_len) {
        const uint8_t *r = s->got + off;

        if (r[0] == 0x16 && off + 5 < s->got_len && r[5] == 0x01)
            (*hellos)++;
        if (r[0] == 0x17)
            (*appdata)++;
        off += 5u + (((size_t)r[3] << 8) | r[4]);
    }
}

static void
junk_case(void **state)
{
    const struct junk *k = *state;
    struct junk_srv *s = calloc(1, sizeof(*s));
    struct th_client c;
    int rc, hellos, appdata;

    assert_non_null(s);
    junk_start(s, k);
    rc = th_client_run(&c, "www.jt.test", s->port, NULL);
    printf("# %s: handshake %d (%s), mbedTLS -0x%04x\n", k->what, rc,
           jt_strerror(rc), (unsigned)-jt_tls_mbedtls_error(c.tls));
    if (rc != k->want)
        fail_msg("%s: got %d (%s), want %d (%s)", k->what, rc, jt_strerror(rc),
                 k->want, jt_strerror(k->want));
    assert_true(jt_tls_write(c.tls, (const uint8_t *)"GET", 3) < 0);
    th_client_free(&c); /* closes the socket: the thread sees EOF */
    assert_int_equal(pthread_join(s->th, NULL), 0);
    close(s->lfd);
    count_records(s, &hellos, &appdata);
    assert_int_equal(s->accepted, 1);
    assert_int_equal(hellos, 1);
    assert_int_equal(appdata, 0);
    free(s);
}

/* ---- main ---- */

static int
setup_dir(void **state)
{
    (void)state;
    return tj_dir_setup(tmpdir, "hostile");
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
    enum {
        NC = sizeof(cases) / sizeof(cases[0]),
        NJ = sizeof(junks) / sizeof(junks[0]),
    };
    struct CMUnitTest tests[NC + NJ + 1];
    size_t n = 0;

    for (size_t i = 0; i < NC; i++) {
        struct CMUnitTest t = {cases[i].what, one_case, NULL, NULL,
                               (void *)(uintptr_t)&cases[i]};

        tests[n++] = t;
    }
    for (size_t i = 0; i < NJ; i++) {
        struct CMUnitTest t = {junks[i].what, junk_case, NULL, NULL,
                               (void *)(uintptr_t)&junks[i]};

        tests[n++] = t;
    }
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(renegotiation_refused);
    return _cmocka_run_group_tests("jit-hostile", tests, n, setup_dir,
                                   teardown_dir);
}
