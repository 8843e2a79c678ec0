// SPDX-License-Identifier: MIT
/*
 * unit (net): jt_tls glue tests. A jt_tls client and an mbedTLS server
 * joined in memory (tls-glue.h). The ClientHello on the wire is parsed to
 * prove the pinned settings (TLS 1.2, the six ECDHE AEAD suites, X25519 /
 * P-256 / P-384, EMS, no ticket, SNI only for names, ALPN); handshakes
 * with ECDSA and RSA chains; the peer chain as sent; servers that only do
 * TLS 1.0/1.1, only P-521 or only CBC are refused; renegotiation refused;
 * no application data before the verified flag, held data capped; close,
 * truncation and garbage mapped to their codes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include "jittrust/error.h"
#include "jittrust/tls.h"
#include "failalloc.h"
#include "testutil.h"
#include "tls-glue.h"
#include "tls-int.h"

struct pair {
    struct tg_queue c2s, s2c;
    struct tg_end cend, send;
    struct jt_tls_config *cfg;
    struct jt_tls *cli;
    struct tg_server srv;
    char chain[512], key[512];
};

static const char *alpn_client[] = {"http/1.1", NULL};

/* The allocator pair_init() gives the client config (NULL: libc). */
static const struct jt_alloc *pair_alloc;
static const char *alpn_server[] = {"h2", "http/1.1", NULL};

static void
pair_init(struct pair *p, const char *host, const char *leaf,
          struct tg_server_opts *so, size_t preverify_max)
{
    struct jt_tls_config_opts co = {0};
    struct jt_host h;
    char name[128];

    memset(p, 0, sizeof(*p));
    p->cend = (struct tg_end){&p->s2c, &p->c2s};
    p->send = (struct tg_end){&p->c2s, &p->s2c};
    snprintf(name, sizeof(name), "%s.chain.pem", leaf);
    th_pki_path(p->chain, sizeof(p->chain), name);
    snprintf(name, sizeof(name), "%s.key", leaf);
    th_pki_path(p->key, sizeof(p->key), name);
    so->chain_pem = p->chain;
    so->key_pem = p->key;
    assert_int_equal(tg_server_init(&p->srv, so, &p->send), 0);
    co.role = JT_TLS_CLIENT;
    co.alpn = alpn_client;
    co.preverify_max = preverify_max;
    co.alloc = pair_alloc;
    assert_int_equal(jt_tls_config_create(&co, &p->cfg), 0);
    assert_int_equal(jt_host_normalise(host, strlen(host), &h), 0);
    assert_int_equal(jt_tls_create(p->cfg, &h, &tg_ops, &p->cend, &p->cli), 0);
}

static void
pair_free(struct pair *p)
{
    jt_tls_destroy(p->cli);
    jt_tls_config_destroy(p->cfg);
    tg_server_free(&p->srv);
}

static int
c_wants(int c)
{
    return c == JT_ERR_WANT_READ || c == JT_ERR_WANT_WRITE;
}

static int
s_wants(int s)
{
    return s == MBEDTLS_ERR_SSL_WANT_READ || s == MBEDTLS_ERR_SSL_WANT_WRITE;
}

/*
 * Step both sides until neither wants more. A side that fails closes its
 * end, as a real peer does. Returns the client's result; *srv_ret gets the
 * server's.
 */
static int
pair_handshake(struct pair *p, int *srv_ret)
{
    int c = JT_ERR_WANT_READ, s = MBEDTLS_ERR_SSL_WANT_READ;

    for (int i = 0; i < 200 && (c_wants(c) || s_wants(s)); i++) {
        if (c_wants(c))
            c = jt_tls_handshake(p->cli);
        if (s_wants(s))
            s = mbedtls_ssl_handshake(&p->srv.ssl);
        if (!c_wants(c) && c != 0)
            p->c2s.eof = 1;
        if (!s_wants(s) && s != 0)
            p->s2c.eof = 1;
    }
    if (srv_ret != NULL)
        *srv_ret = s;
    return c;
}

/* ---- ClientHello parsing ---- */

struct hello {
    unsigned version;
    unsigned suites[64];
    size_t nsuites;
    unsigned groups[32];
    size_t ngroups;
    int ems, ticket, sni, alpn, reneg_info, sig_algs;
    char sni_name[256];
};

static unsigned
be16(const uint8_t *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static void
parse_ext(struct hello *h, unsigned type, const uint8_t *d, size_t len)
{
    if (type == 0) { /* server_name: list len, type, name len, name */
        size_t n = be16(d + 3);

        h->sni = 1;
        assert_true(n + 5 <= len && n < sizeof(h->sni_name));
        memcpy(h->sni_name, d + 5, n);
        h->sni_name[n] = '\0';
    } else if (type == 10) {
        for (size_t i = 2; i + 1 < len && h->ngroups < 32; i += 2)
            h->groups[h->ngroups++] = be16(d + i);
    } else if (type == 13) {
        h->sig_algs = 1;
    } else if (type == 16) {
        h->alpn = 1;
    } else if (type == 23) {
        h->ems = 1;
    } else if (type == 35) {
        h->ticket = 1;
    } else if (type == 0xff01) {
        h->reneg_info = 1;
    }
}

/* Parse the first record of |q| as a ClientHello. */
static void
parse_hello(const struct tg_queue *q, struct hello *h)
{
    const uint8_t *p = q->buf, *end;
    size_t n;

    memset(h, 0, sizeof(*h));
    assert_true(q->len > 5 + 4 + 2 + 32 + 1);
    assert_int_equal(p[0], 22); /* handshake record */
    assert_int_equal(p[5], 1);  /* ClientHello */
    end = p + 5 + be16(p + 3);
    p += 9;
    h->version = be16(p);
    p += 2 + 32;
    p += 1 + p[0]; /* session id */
    n = be16(p);
    for (size_t i = 0; i < n / 2 && h->nsuites < 64; i++)
        h->suites[h->nsuites++] = be16(p + 2 + 2 * i);
    p += 2 + n;
    p += 1 + p[0]; /* compression methods */
    n = be16(p);
    p += 2;
    assert_true(p + n <= end);
    for (const uint8_t *e = p + n; p + 4 <= e;) {
        size_t len = be16(p + 2);

        parse_ext(h, be16(p), p + 4, len);
        p += 4 + len;
    }
}

static void
client_hello_is_pinned(void **state)
{
    static const unsigned want_suites[] = {0xc02b, 0xc02c, 0xcca9, 0xc02f,
                                           0xc030, 0xcca8, 0x00ff};
    static const unsigned want_groups[] = {0x001d, 0x0017, 0x0018};
    struct tg_server_opts so = {0};
    struct pair p;
    struct hello h;

    (void)state;
    pair_init(&p, "WWW.jt.test.", "leaf-www", &so, 0);
    assert_int_equal(jt_tls_handshake(p.cli), JT_ERR_WANT_READ);
    parse_hello(&p.c2s, &h);
    assert_int_equal(h.version, 0x0303); /* TLS 1.2, and nothing older */
    assert_int_equal(h.nsuites, 7);      /* six AEAD suites + reneg SCSV */
    for (size_t i = 0; i < 7; i++)
        assert_int_equal(h.suites[i], want_suites[i]);
    assert_int_equal(h.ngroups, 3);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(h.groups[i], want_groups[i]);
    assert_true(h.ems);
    assert_false(h.ticket);
    assert_true(h.alpn);
    assert_true(h.sig_algs);
    assert_true(h.sni);
    assert_string_equal(h.sni_name, "www.jt.test"); /* normalised */
    pair_free(&p);
    /* an IP literal sends no SNI */
    pair_init(&p, "[::1]", "leaf-www", &so, 0);
    assert_int_equal(jt_tls_handshake(p.cli), JT_ERR_WANT_READ);
    parse_hello(&p.c2s, &h);
    assert_false(h.sni);
    pair_free(&p);
}

static void
check_chain(struct pair *p, const char *const *names, size_t n)
{
    struct jt_span spans[4];
    size_t got = 0;

    assert_int_equal(jt_tls_peer_chain(p->cli, spans, 4, &got), 0);
    assert_int_equal(got, n);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        uint8_t *der = th_pki_der(names[i], &len);

        assert_non_null(der);
        assert_int_equal(spans[i].len, len);
        assert_memory_equal(spans[i].p, der, len);
        free(der);
    }
    assert_int_equal(jt_tls_peer_chain(p->cli, spans, 1, &got), JT_ERR_NOSPC);
    assert_int_equal(got, n);
}

static void
handshake_ecdsa_and_rsa(void **state)
{
    static const char *const www[] = {"leaf-www", "inter-p256"};
    static const char *const rsa[] = {"leaf-rsa", "inter-rsa"};
    struct tg_server_opts so = {.alpn = alpn_server};
    struct pair p;
    int srv;

    (void)state;
    pair_init(&p, "www.jt.test", "leaf-www", &so, 0);
    assert_int_equal(jt_tls_peer_chain(p.cli, NULL, 0, &(size_t){0}),
                     JT_ERR_TLS_NO_PEER_CERT);
    assert_int_equal(pair_handshake(&p, &srv), 0);
    assert_int_equal(srv, 0);
    assert_string_equal(p.srv.sni, "www.jt.test");
    assert_string_equal(mbedtls_ssl_get_version(&p.srv.ssl), "TLSv1.2");
    assert_string_equal(jt_tls_alpn(p.cli), "http/1.1");
    /* the server's preference among our suites (mbedTLS: ChaCha first) */
    assert_string_equal(jt_tls_ciphersuite(p.cli),
                        "TLS-ECDHE-ECDSA-WITH-CHACHA20-POLY1305-SHA256");
    assert_false(jt_tls_is_verified(p.cli));
    check_chain(&p, www, 2);
    pair_free(&p);
    pair_init(&p, "rsa.jt.test", "leaf-rsa", &so, 0);
    assert_int_equal(pair_handshake(&p, &srv), 0);
    assert_string_equal(jt_tls_ciphersuite(p.cli),
                        "TLS-ECDHE-RSA-WITH-CHACHA20-POLY1305-SHA256");
    check_chain(&p, rsa, 2);
    pair_free(&p);
}

/* Each server curve we allow works alone. */
static void
each_pinned_curve(void **state)
{
    static const mbedtls_ecp_group_id only[][2] = {
        {MBEDTLS_ECP_DP_CURVE25519, MBEDTLS_ECP_DP_NONE},
        {MBEDTLS_ECP_DP_SECP256R1, MBEDTLS_ECP_DP_NONE},
        {MBEDTLS_ECP_DP_SECP384R1, MBEDTLS_ECP_DP_NONE},
    };

    (void)state;
    for (size_t i = 0; i < 3; i++) {
        struct tg_server_opts so = {.curves = only[i]};
        struct pair p;

        pair_init(&p, "rsa.jt.test", "leaf-rsa", &so, 0);
        assert_int_equal(pair_handshake(&p, NULL), 0);
        pair_free(&p);
    }
}

static void
refused_servers(void **state)
{
    static const mbedtls_ecp_group_id p521[] = {MBEDTLS_ECP_DP_SECP521R1,
                                                MBEDTLS_ECP_DP_NONE};
    static const int cbc[] = {MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
                              0};
    static const struct {
        const char *what;
        struct tg_server_opts so;
        int want;
        int alert;
        int mbed;
    } rows[] = {
        /* the server settles on its highest version, finds none of our
         * TLS 1.2-only suites usable there, and says handshake_failure in
         * a record of that old version: refused as a version error */
        {"TLS 1.0 only",
         {.min_minor = 1, .max_minor = 1},
         JT_ERR_TLS_PEER_VERSION,
         MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE,
         MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE},
        {"TLS 1.1 only",
         {.min_minor = 2, .max_minor = 2},
         JT_ERR_TLS_PEER_VERSION,
         MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE,
         MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE},
        /* mbedTLS's server hangs up without an alert here */
        {"P-521 only",
         {.curves = p521},
         JT_ERR_TLS_HANDSHAKE_EOF,
         -1,
         MBEDTLS_ERR_SSL_CONN_EOF},
        {"CBC only",
         {.suites = cbc},
         JT_ERR_TLS_NO_SHARED_PARAMS,
         MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE,
         MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct tg_server_opts so = rows[i].so;
        struct pair p;
        int rc, srv;

        pair_init(&p, "www.jt.test", "leaf-www", &so, 0);
        rc = pair_handshake(&p, &srv);
        if (rc != rows[i].want)
            fail_msg("%s: got %d (%s), want %d; server -0x%04x", rows[i].what,
                     rc, jt_strerror(rc), rows[i].want, (unsigned)-srv);
        assert_int_equal(jt_tls_alert(p.cli), rows[i].alert);
        assert_int_equal(jt_tls_mbedtls_error(p.cli), rows[i].mbed);
        assert_true(srv < 0);
        /* sticky */
        assert_int_equal(jt_tls_handshake(p.cli), rows[i].want);
        pair_free(&p);
    }
}

/* A server that answers TLS 1.0 anyway: refused as a version error. */
static void
server_hello_tls10_refused(void **state)
{
    struct tg_server_opts so = {0};
    struct pair p;

    (void)state;
    pair_init(&p, "www.jt.test", "leaf-www", &so, 0);
    assert_int_equal(jt_tls_handshake(p.cli), JT_ERR_WANT_READ);
    (void)mbedtls_ssl_handshake(&p.srv.ssl); /* ServerHello ... Done */
    assert_true(p.s2c.len > 11);
    /* rewrite the ServerHello's version to 3.1 (record 5 + hs 4) */
    assert_int_equal(p.s2c.buf[5], 2);
    p.s2c.buf[9] = 3;
    p.s2c.buf[10] = 1;
    assert_int_equal(jt_tls_handshake(p.cli), JT_ERR_TLS_PEER_VERSION);
    assert_int_equal(jt_tls_mbedtls_error(p.cli),
                     MBEDTLS_ERR_SSL_BAD_HS_PROTOCOL_VERSION);
    pair_free(&p);
}

static void
no_data_before_verified(void **state)
{
    struct tg_server_opts so = {0};
    struct pair p;
    uint8_t buf[64];

    (void)state;
    pair_init(&p, "www.jt.test", "leaf-www", &so, 0);
    assert_int_equal(pair_handshake(&p, NULL), 0);
    assert_int_equal(p.c2s.len, 0);
    assert_int_equal(mbedtls_ssl_write(&p.srv.ssl, (const uint8_t *)"early", 5),
                     5);
    assert_int_equal(jt_tls_read(p.cli, buf, sizeof(buf)),
                     JT_ERR_TLS_NOT_VERIFIED);
    assert_int_equal(jt_tls_write(p.cli, (const uint8_t *)"GET", 3),
                     JT_ERR_TLS_NOT_VERIFIED);
    assert_int_equal(p.c2s.len, 0); /* not one byte left the client */
    assert_int_equal(jt_tls_pump(p.cli), 0);
    assert_int_equal(jt_tls_held(p.cli), 5);
    assert_int_equal(jt_tls_read(p.cli, buf, sizeof(buf)),
                     JT_ERR_TLS_NOT_VERIFIED);
    jti_tls_mark_verified(p.cli);
    assert_true(jt_tls_is_verified(p.cli));
    assert_int_equal(jt_tls_pump(p.cli), JT_ERR_STATE);
    assert_int_equal(jt_tls_read(p.cli, buf, 2), 2); /* held bytes first */
    assert_memory_equal(buf, "ea", 2);
    assert_int_equal(jt_tls_read(p.cli, buf, sizeof(buf)), 3);
    assert_memory_equal(buf, "rly", 3);
    assert_int_equal(jt_tls_held(p.cli), 0);
    assert_int_equal(jt_tls_read(p.cli, buf, sizeof(buf)), JT_ERR_WANT_READ);
    assert_int_equal(jt_tls_write(p.cli, (const uint8_t *)"GET", 3), 3);
    assert_int_equal(mbedtls_ssl_read(&p.srv.ssl, buf, sizeof(buf)), 3);
    assert_memory_equal(buf, "GET", 3);
    assert_int_equal(mbedtls_ssl_write(&p.srv.ssl, (const uint8_t *)"ok", 2),
                     2);
    assert_int_equal(jt_tls_read(p.cli, buf, sizeof(buf)), 2);
    /* close_notify from the server */
    assert_int_equal(mbedtls_ssl_close_notify(&p.srv.ssl), 0);
    assert_int_equal(jt_tls_read(p.cli, buf, sizeof(buf)), JT_ERR_TLS_CLOSED);
    assert_int_equal(jt_tls_read(p.cli, buf, sizeof(buf)), JT_ERR_TLS_CLOSED);
    pair_free(&p);
}

static void
held_data_is_capped(void **state)
{
    static const uint8_t junk[17] = "0123456789abcdef";
    struct tg_server_opts so = {0};
    struct pair p;
    uint8_t buf[64];

    (void)state;
    pair_init(&p, "www.jt.test", "leaf-www", &so, 16);
    assert_int_equal(pair_handshake(&p, NULL), 0);
    assert_int_equal(mbedtls_ssl_write(&p.srv.ssl, junk, 16), 16);
    assert_int_equal(jt_tls_pump(p.cli), 0);
    assert_int_equal(jt_tls_held(p.cli), 16); /* exactly the cap is fine */
    assert_int_equal(mbedtls_ssl_write(&p.srv.ssl, junk, 1), 1);
    assert_int_equal(jt_tls_pump(p.cli), JT_ERR_TLS_PREVERIFY_FULL);
    jti_tls_mark_verified(p.cli); /* no-op after a fatal error */
    assert_false(jt_tls_is_verified(p.cli));
    assert_int_equal(jt_tls_read(p.cli, buf, sizeof(buf)),
                     JT_ERR_TLS_PREVERIFY_FULL);
    pair_free(&p);
}

static void
renegotiation_refused(void **state)
{
    struct tg_server_opts so = {.renegotiation = 1};
    struct pair p;
    struct jt_span before, after;
    size_t n;
    uint8_t buf[64];
    int ret;

    (void)state;
    pair_init(&p, "www.jt.test", "leaf-www", &so, 0);
    assert_int_equal(pair_handshake(&p, NULL), 0);
    jti_tls_mark_verified(p.cli);
    assert_int_equal(jt_tls_peer_chain(p.cli, &before, 1, &n), JT_ERR_NOSPC);
    ret = mbedtls_ssl_renegotiate(&p.srv.ssl); /* sends HelloRequest */
    assert_true(ret == 0 || ret == MBEDTLS_ERR_SSL_WANT_READ);
    assert_true(p.s2c.len > 0);
    assert_int_equal(jt_tls_read(p.cli, buf, sizeof(buf)), JT_ERR_WANT_READ);
    /* the client answered with an alert record, never a ClientHello */
    assert_true(p.c2s.len > 0);
    assert_int_equal(p.c2s.buf[0], 21);                   /* alert */
    assert_int_equal(p.c2s.len, 5 + be16(p.c2s.buf + 3)); /* one record */
    assert_int_equal(jt_tls_peer_chain(p.cli, &after, 1, &n), JT_ERR_NOSPC);
    assert_ptr_equal(before.p, after.p);
    assert_int_equal(jt_tls_write(p.cli, (const uint8_t *)"still", 5), 5);
    pair_free(&p);
}

static void
truncation_and_garbage(void **state)
{
    static const char http[] = "HTTP/1.1 400 Bad Request\r\n\r\n";
    struct tg_server_opts so = {0};
    struct pair p;
    uint8_t buf[16];

    (void)state;
    /* transport EOF after the handshake, no close_notify */
    pair_init(&p, "www.jt.test", "leaf-www", &so, 0);
    assert_int_equal(pair_handshake(&p, NULL), 0);
    jti_tls_mark_verified(p.cli);
    p.s2c.eof = 1;
    assert_int_equal(jt_tls_read(p.cli, buf, sizeof(buf)), JT_ERR_TLS_EOF);
    pair_free(&p);
    /* EOF in the middle of the handshake */
    pair_init(&p, "www.jt.test", "leaf-www", &so, 0);
    assert_int_equal(jt_tls_handshake(p.cli), JT_ERR_WANT_READ);
    p.s2c.eof = 1;
    assert_int_equal(jt_tls_handshake(p.cli), JT_ERR_TLS_HANDSHAKE_EOF);
    pair_free(&p);
    /* a plain-HTTP server */
    pair_init(&p, "www.jt.test", "leaf-www", &so, 0);
    assert_int_equal(jt_tls_handshake(p.cli), JT_ERR_WANT_READ);
    memcpy(p.s2c.buf, http, sizeof(http) - 1);
    p.s2c.len = sizeof(http) - 1;
    assert_int_equal(jt_tls_handshake(p.cli), JT_ERR_TLS_NOT_TLS);
    pair_free(&p);
}

/* Our server role against our client: both pinned. */
static void
jt_server_role(void **state)
{
    struct tg_queue c2s = {0}, s2c = {0};
    struct tg_end cend = {&s2c, &c2s}, send = {&c2s, &s2c};
    struct jt_tls_config_opts co = {.role = JT_TLS_CLIENT, .alpn = alpn_client};
    struct jt_tls_config_opts so = {.role = JT_TLS_SERVER, .alpn = alpn_server};
    struct jt_tls_config *ccfg, *scfg;
    struct jt_tls *cli, *srv;
    struct jt_host h;
    size_t clen, klen;
    uint8_t *cert, *key, buf[8];
    char path[512];
    int c = JT_ERR_WANT_READ, s = JT_ERR_WANT_READ;

    (void)state;
    cert = th_read_file(th_pki_path(path, sizeof(path), "leaf-p384.chain.pem"),
                        &clen);
    key = th_read_file(th_pki_path(path, sizeof(path), "leaf-p384.key"), &klen);
    assert_non_null(cert);
    assert_non_null(key);
    /* PEM for mbedTLS: the length includes the NUL th_read_file adds */
    clen++;
    klen++;
    assert_int_equal(jt_tls_config_create(&so, &scfg), JT_ERR_INVAL);
    so.cert = cert;
    so.cert_len = clen;
    so.key = cert; /* not a key */
    so.key_len = clen;
    assert_int_equal(jt_tls_config_create(&so, &scfg),
                     JT_ERR_TLS_BAD_CREDENTIALS);
    so.key = key;
    so.key_len = klen;
    assert_int_equal(jt_tls_config_create(&so, &scfg), 0);
    assert_int_equal(jt_tls_config_create(&co, &ccfg), 0);
    assert_int_equal(jt_host_normalise("p384.jt.test", 12, &h), 0);
    assert_int_equal(jt_tls_create(ccfg, NULL, &tg_ops, &cend, &cli),
                     JT_ERR_INVAL); /* a client needs its host */
    assert_int_equal(jt_tls_create(scfg, &h, &tg_ops, &send, &srv),
                     JT_ERR_INVAL);
    assert_int_equal(jt_tls_create(ccfg, &h, &tg_ops, &cend, &cli), 0);
    assert_int_equal(jt_tls_create(scfg, NULL, &tg_ops, &send, &srv), 0);
    for (int i = 0; i < 50 && (c != 0 || s != 0); i++) {
        if (c != 0)
            c = jt_tls_handshake(cli);
        if (s != 0)
            s = jt_tls_handshake(srv);
    }
    assert_int_equal(c, 0);
    assert_int_equal(s, 0);
    assert_string_equal(jt_tls_alpn(srv), "http/1.1");
    assert_true(jt_tls_is_verified(srv));
    assert_int_equal(jt_tls_write(srv, (const uint8_t *)"hi", 2), 2);
    assert_int_equal(jt_tls_read(cli, buf, sizeof(buf)),
                     JT_ERR_TLS_NOT_VERIFIED);
    jti_tls_mark_verified(cli);
    assert_int_equal(jt_tls_read(cli, buf, sizeof(buf)), 2);
    assert_int_equal(jt_tls_close(cli), 0);
    assert_int_equal(jt_tls_read(srv, buf, sizeof(buf)), JT_ERR_TLS_CLOSED);
    jt_tls_destroy(cli);
    jt_tls_destroy(srv);
    jt_tls_config_destroy(ccfg);
    jt_tls_config_destroy(scfg);
    free(cert);
    free(key);
}

static void
config_errors(void **state)
{
    static const char *nine[] = {"a", "b", "c", "d", "e",
                                 "f", "g", "h", "i", NULL};
    static const char *empty[] = {"", NULL};
    struct jt_tls_config_opts o = {.role = JT_TLS_CLIENT};
    struct jt_tls_config *c = (struct jt_tls_config *)&c;

    (void)state;
    assert_int_equal(jt_tls_config_create(NULL, &c), JT_ERR_INVAL);
    assert_null(c);
    o.role = 7;
    assert_int_equal(jt_tls_config_create(&o, &c), JT_ERR_INVAL);
    o.role = JT_TLS_CLIENT;
    o.alpn = nine;
    assert_int_equal(jt_tls_config_create(&o, &c), JT_ERR_INVAL);
    o.alpn = empty;
    assert_int_equal(jt_tls_config_create(&o, &c), JT_ERR_INVAL);
    o.alpn = nine + 1; /* eight */
    assert_int_equal(jt_tls_config_create(&o, &c), 0);
    jt_tls_config_destroy(c);
    {
        struct th_failalloc fa;
        struct tg_queue q1 = {0}, q2 = {0};
        struct tg_end e = {&q1, &q2};
        struct jt_tls *t;
        struct jt_host h;

        th_failalloc_init(&fa, 1);
        o.alloc = &fa.alloc;
        assert_int_equal(jt_tls_config_create(&o, &c), JT_ERR_NOMEM);
        th_failalloc_init(&fa, 2);
        assert_int_equal(jt_tls_config_create(&o, &c), 0);
        assert_int_equal(jt_host_normalise("a.test", 6, &h), 0);
        assert_int_equal(jt_tls_create(c, &h, &tg_ops, &e, &t), JT_ERR_NOMEM);
        assert_null(t);
        jt_tls_config_destroy(c);
        assert_int_equal(fa.live, 0);
    }
    jt_tls_config_destroy(NULL);
    jt_tls_destroy(NULL);
    assert_int_equal(jt_tls_handshake(NULL), JT_ERR_INVAL);
    assert_null(jt_tls_alpn(NULL));
}

/* The held buffer exists only while early data waits; failing to get it
 * is fatal (the bytes were already taken from mbedTLS). */
static void
held_buffer_lifetime(void **state)
{
    struct tg_server_opts so = {0};
    struct th_failalloc fa;
    struct pair p;
    uint8_t buf[8];

    (void)state;
    th_failalloc_init(&fa, 0);
    pair_alloc = &fa.alloc;
    pair_init(&p, "www.jt.test", "leaf-www", &so, 0);
    assert_int_equal(pair_handshake(&p, NULL), 0);
    assert_int_equal(fa.live, 2); /* config + connection, no buffer */
    assert_int_equal(mbedtls_ssl_write(&p.srv.ssl, (const uint8_t *)"ab", 2),
                     2);
    assert_int_equal(jt_tls_pump(p.cli), 0);
    assert_int_equal(fa.live, 3);
    jti_tls_mark_verified(p.cli);
    assert_int_equal(jt_tls_read(p.cli, buf, sizeof(buf)), 2);
    assert_int_equal(fa.live, 2); /* drained: freed */
    pair_free(&p);
    assert_int_equal(fa.live, 0);
    th_failalloc_init(&fa, 3); /* the buffer's allocation fails */
    pair_init(&p, "www.jt.test", "leaf-www", &so, 0);
    assert_int_equal(pair_handshake(&p, NULL), 0);
    assert_int_equal(mbedtls_ssl_write(&p.srv.ssl, (const uint8_t *)"ab", 2),
                     2);
    assert_int_equal(jt_tls_pump(p.cli), JT_ERR_NOMEM);
    assert_int_equal(jt_tls_pump(p.cli), JT_ERR_NOMEM);
    pair_free(&p);
    assert_int_equal(fa.live, 0);
    pair_alloc = NULL;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(client_hello_is_pinned),
        cmocka_unit_test(handshake_ecdsa_and_rsa),
        cmocka_unit_test(each_pinned_curve),
        cmocka_unit_test(refused_servers),
        cmocka_unit_test(server_hello_tls10_refused),
        cmocka_unit_test(no_data_before_verified),
        cmocka_unit_test(held_data_is_capped),
        cmocka_unit_test(held_buffer_lifetime),
        cmocka_unit_test(renegotiation_refused),
        cmocka_unit_test(truncation_and_garbage),
        cmocka_unit_test(jt_server_role),
        cmocka_unit_test(config_errors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
