// SPDX-License-Identifier: MIT
/*
 * net: TLS over a byte pipe with mbedTLS 2.28 (see tls.h). mbedTLS's BIO
 * callbacks call the pipe ops; the config pins version, suites, curves,
 * hashes, renegotiation and EMS; a library-owned verified flag gates
 * application data, and data arriving before it is held in a capped
 * buffer. mbedTLS codes are mapped to JT_ERR_TLS_* and kept for accessors.
 */
#include "jittrust/tls.h"

#include <string.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "jittrust/error.h"
#include "alloc-int.h"
#include "tls-int.h"

#define DEF_PREVERIFY 16384u

/* TLS 1.2 AEAD suites with ECDHE only, strongest first per key type. */
static const int suites[] = {
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    0,
};

static const mbedtls_ecp_group_id curves[] = {
    MBEDTLS_ECP_DP_CURVE25519,
    MBEDTLS_ECP_DP_SECP256R1,
    MBEDTLS_ECP_DP_SECP384R1,
    MBEDTLS_ECP_DP_NONE,
};

static const int sig_hashes[] = {
    MBEDTLS_MD_SHA256,
    MBEDTLS_MD_SHA384,
    MBEDTLS_MD_SHA512,
    MBEDTLS_MD_NONE,
};

static const char pers[] = "libjittrust tls";

struct jt_tls_config {
    const struct jt_alloc *alloc;
    int role;
    int mbed_err;
    size_t preverify_max;
    mbedtls_ssl_config conf;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_x509_crt own_cert;
    mbedtls_pk_context own_key;
    const char *alpn[JT_TLS_MAX_ALPN + 1];
    char alpn_buf[JT_TLS_MAX_ALPN * 256];
};

struct jt_tls {
    struct jt_tls_config *cfg;
    const struct jt_pipe_ops *ops;
    void *pipe_ud;
    mbedtls_ssl_context ssl;
    int handshake_done;
    int verified;
    int fatal;    /* sticky JT_ERR_TLS_* */
    int mbed_err; /* mbedTLS code behind |fatal| */
    int alert;    /* fatal alert received, or -1 */
    int pipe_err; /* pipe code behind JT_ERR_TLS_IO */
    size_t held, held_off;
    uint8_t *hold;          /* preverify_max bytes, only while data is held */
    uint8_t offered_id[32]; /* session ID offered for resumption */
    size_t offered_len;
    int resumed;
    uint8_t *offer_chain; /* the chain saved with the offered session */
    size_t offer_chain_len;
    int probed;      /* jt_tls_probe() reached the server's key exchange */
    int preverified; /* ... and the JIT flow verified that chain */
};

/* ---- config ---- */

static int
copy_alpn(struct jt_tls_config *c, const char *const *alpn)
{
    size_t off = 0, i;

    for (i = 0; alpn != NULL && alpn[i] != NULL; i++) {
        size_t len = strlen(alpn[i]);

        if (i == JT_TLS_MAX_ALPN || len == 0 || len > 255)
            return JT_ERR_INVAL;
        memcpy(c->alpn_buf + off, alpn[i], len + 1);
        c->alpn[i] = c->alpn_buf + off;
        off += len + 1;
    }
    c->alpn[i] = NULL;
    if (i > 0 && mbedtls_ssl_conf_alpn_protocols(&c->conf, c->alpn) != 0)
        return JT_ERR_TLS_CONFIG;
    return 0;
}

static int
load_credentials(struct jt_tls_config *c, const struct jt_tls_config_opts *o)
{
    int ret;

    if (o->cert == NULL || o->key == NULL)
        return JT_ERR_INVAL;
    ret = mbedtls_x509_crt_parse(&c->own_cert, o->cert, o->cert_len);
    if (ret == 0)
        ret = mbedtls_pk_parse_key(&c->own_key, o->key, o->key_len, NULL, 0);
    if (ret == 0)
        ret = mbedtls_ssl_conf_own_cert(&c->conf, &c->own_cert, &c->own_key);
    if (ret != 0) {
        c->mbed_err = ret;
        return JT_ERR_TLS_BAD_CREDENTIALS;
    }
    return 0;
}

int
jti_tls_pin_conf(mbedtls_ssl_config *conf, int endpoint)
{
    int ret = mbedtls_ssl_config_defaults(conf, endpoint,
                                          MBEDTLS_SSL_TRANSPORT_STREAM,
                                          MBEDTLS_SSL_PRESET_DEFAULT);

    if (ret != 0)
        return ret;
    mbedtls_ssl_conf_min_version(conf, MBEDTLS_SSL_MAJOR_VERSION_3,
                                 MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_max_version(conf, MBEDTLS_SSL_MAJOR_VERSION_3,
                                 MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_ciphersuites(conf, suites);
    mbedtls_ssl_conf_curves(conf, curves);
    mbedtls_ssl_conf_sig_hashes(conf, sig_hashes);
    mbedtls_ssl_conf_renegotiation(conf, MBEDTLS_SSL_RENEGOTIATION_DISABLED);
    mbedtls_ssl_conf_extended_master_secret(conf,
                                            MBEDTLS_SSL_EXTENDED_MS_ENABLED);
    mbedtls_ssl_conf_session_tickets(conf,
                                     MBEDTLS_SSL_SESSION_TICKETS_DISABLED);
    return 0;
}

static int
pin_settings(struct jt_tls_config *c)
{
    int ret = jti_tls_pin_conf(&c->conf, c->role == JT_TLS_SERVER
                                             ? MBEDTLS_SSL_IS_SERVER
                                             : MBEDTLS_SSL_IS_CLIENT);

    if (ret != 0) {
        c->mbed_err = ret;
        return JT_ERR_TLS_CONFIG;
    }
    mbedtls_ssl_conf_authmode(&c->conf, MBEDTLS_SSL_VERIFY_NONE);
    mbedtls_ssl_conf_rng(&c->conf, mbedtls_ctr_drbg_random, &c->drbg);
    return 0;
}

static int
config_setup(struct jt_tls_config *c, const struct jt_tls_config_opts *o)
{
    int ret, rc;

    ret = mbedtls_ctr_drbg_seed(&c->drbg, mbedtls_entropy_func, &c->entropy,
                                (const unsigned char *)pers, sizeof(pers) - 1);
    if (ret != 0) {
        c->mbed_err = ret;
        return JT_ERR_TLS_RNG;
    }
    rc = pin_settings(c);
    if (rc == 0)
        rc = copy_alpn(c, o->alpn);
    if (rc == 0 &&
        (c->role == JT_TLS_SERVER || o->cert != NULL || o->key != NULL))
        rc = load_credentials(c, o);
    return rc;
}

int
jt_tls_config_create(const struct jt_tls_config_opts *o,
                     struct jt_tls_config **out)
{
    struct jt_tls_config *c;
    int rc;

    if (out != NULL)
        *out = NULL;
    if (o == NULL || out == NULL ||
        (o->role != JT_TLS_CLIENT && o->role != JT_TLS_SERVER))
        return JT_ERR_INVAL;
    c = jti_calloc(o->alloc, 1, sizeof(*c));
    if (c == NULL)
        return JT_ERR_NOMEM;
    c->alloc = o->alloc;
    c->role = o->role;
    c->preverify_max = o->preverify_max ? o->preverify_max : DEF_PREVERIFY;
    mbedtls_ssl_config_init(&c->conf);
    mbedtls_entropy_init(&c->entropy);
    mbedtls_ctr_drbg_init(&c->drbg);
    mbedtls_x509_crt_init(&c->own_cert);
    mbedtls_pk_init(&c->own_key);
    rc = config_setup(c, o);
    if (rc != 0) {
        jt_tls_config_destroy(c);
        return rc;
    }
    *out = c;
    return 0;
}

void
jt_tls_config_destroy(struct jt_tls_config *c)
{
    if (c == NULL)
        return;
    mbedtls_ssl_config_free(&c->conf);
    mbedtls_ctr_drbg_free(&c->drbg);
    mbedtls_entropy_free(&c->entropy);
    mbedtls_x509_crt_free(&c->own_cert);
    mbedtls_pk_free(&c->own_key);
    jti_free(c->alloc, c);
}

int
jt_tls_config_mbedtls_error(const struct jt_tls_config *c)
{
    return c == NULL ? 0 : c->mbed_err;
}

/* ---- BIO over the pipe ---- */

static int
bio_send(void *ud, const unsigned char *buf, size_t len)
{
    struct jt_tls *t = ud;
    int n = t->ops->send(t->pipe_ud, buf, len);

    if (n >= 0)
        return n;
    if (n == JT_ERR_WANT_WRITE)
        return MBEDTLS_ERR_SSL_WANT_WRITE;
    t->pipe_err = n;
    return MBEDTLS_ERR_NET_SEND_FAILED;
}

static int
bio_recv(void *ud, unsigned char *buf, size_t len)
{
    struct jt_tls *t = ud;
    int n = t->ops->recv(t->pipe_ud, buf, len);

    if (n >= 0)
        return n;
    if (n == JT_ERR_WANT_READ)
        return MBEDTLS_ERR_SSL_WANT_READ;
    t->pipe_err = n;
    return MBEDTLS_ERR_NET_RECV_FAILED;
}

/* ---- errors ---- */

static int
map_alert(int desc)
{
    switch (desc) {
    case MBEDTLS_SSL_ALERT_MSG_PROTOCOL_VERSION:
        return JT_ERR_TLS_PEER_VERSION;
    case MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE:
    case MBEDTLS_SSL_ALERT_MSG_INSUFFICIENT_SECURITY:
        return JT_ERR_TLS_NO_SHARED_PARAMS;
    default:
        return JT_ERR_TLS_ALERT;
    }
}

static int
map_mbedtls(struct jt_tls *t, int ret)
{
    switch (ret) {
    case MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE:
        t->alert = t->ssl.in_msg != NULL ? t->ssl.in_msg[1] : -1;
        /* an alert in a TLS 1.0/1.1 record: the peer settled on an old
         * version (OpenSSL and mbedTLS then say handshake_failure) */
        if (!t->handshake_done && t->ssl.in_hdr != NULL &&
            t->ssl.in_hdr[1] == 3 && t->ssl.in_hdr[2] < 3)
            return JT_ERR_TLS_PEER_VERSION;
        /* after the handshake, handshake_failure is no parameter mismatch
         * (OpenSSL sends it when we refuse to renegotiate) */
        if (t->handshake_done)
            return JT_ERR_TLS_ALERT;
        return map_alert(t->alert);
    case MBEDTLS_ERR_SSL_BAD_HS_PROTOCOL_VERSION:
        return JT_ERR_TLS_PEER_VERSION;
    case MBEDTLS_ERR_SSL_NO_CIPHER_CHOSEN:
    case MBEDTLS_ERR_SSL_NO_USABLE_CIPHERSUITE:
        return JT_ERR_TLS_NO_SHARED_PARAMS;
    case MBEDTLS_ERR_SSL_BAD_HS_SERVER_KEY_EXCHANGE:
        return JT_ERR_TLS_PEER_CURVE;
    case MBEDTLS_ERR_SSL_INVALID_RECORD:
    case MBEDTLS_ERR_SSL_UNKNOWN_IDENTITY:
        return JT_ERR_TLS_NOT_TLS;
    case MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY:
        return JT_ERR_TLS_CLOSED;
    case MBEDTLS_ERR_SSL_CONN_EOF:
        return t->handshake_done ? JT_ERR_TLS_EOF : JT_ERR_TLS_HANDSHAKE_EOF;
    case MBEDTLS_ERR_NET_SEND_FAILED:
    case MBEDTLS_ERR_NET_RECV_FAILED:
        return JT_ERR_TLS_IO;
    case MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE:
        /* "TLS handshake fragmentation not supported": the message is
         * longer than the record that holds its start */
        if (!t->handshake_done && t->ssl.in_hslen > t->ssl.in_msglen)
            return JT_ERR_TLS_HS_FRAGMENTED;
        return JT_ERR_TLS_HANDSHAKE;
    default:
        /* an X.509 code: a peer certificate that mbedTLS cannot parse */
        if ((-ret & 0xff80) >= -MBEDTLS_ERR_X509_FEATURE_UNAVAILABLE &&
            (-ret & 0xff80) <= -MBEDTLS_ERR_X509_FATAL_ERROR &&
            ret != MBEDTLS_ERR_X509_ALLOC_FAILED)
            return JT_ERR_TLS_PEER_CERT_PARSE;
        return JT_ERR_TLS_HANDSHAKE;
    }
}

/* Turn an mbedTLS result into ours; failures become sticky. */
static int
result(struct jt_tls *t, int ret)
{
    if (ret >= 0)
        return ret;
    if (ret == MBEDTLS_ERR_SSL_WANT_READ)
        return JT_ERR_WANT_READ;
    if (ret == MBEDTLS_ERR_SSL_WANT_WRITE)
        return JT_ERR_WANT_WRITE;
    t->mbed_err = ret;
    t->fatal = map_mbedtls(t, ret);
    return t->fatal;
}

/* ---- connections ---- */

/* Wipe and free the held early data. */
static void
drop_hold(struct jt_tls *t)
{
    if (t->hold != NULL) {
        mbedtls_platform_zeroize(t->hold, t->cfg->preverify_max);
        jti_free(t->cfg->alloc, t->hold);
    }
    t->hold = NULL;
    t->held = 0;
    t->held_off = 0;
}

int
jt_tls_create(struct jt_tls_config *cfg, const struct jt_host *host,
              const struct jt_pipe_ops *ops, void *pipe_ud, struct jt_tls **out)
{
    struct jt_tls *t;
    int ret;

    if (out != NULL)
        *out = NULL;
    if (cfg == NULL || ops == NULL || ops->send == NULL || ops->recv == NULL ||
        out == NULL || (cfg->role == JT_TLS_CLIENT) != (host != NULL))
        return JT_ERR_INVAL;
    t = jti_calloc(cfg->alloc, 1, sizeof(*t));
    if (t == NULL)
        return JT_ERR_NOMEM;
    t->cfg = cfg;
    t->ops = ops;
    t->pipe_ud = pipe_ud;
    t->alert = -1;
    mbedtls_ssl_init(&t->ssl);
    ret = mbedtls_ssl_setup(&t->ssl, &cfg->conf);
    if (ret == 0 && host != NULL && jt_host_sni(host) != NULL)
        ret = mbedtls_ssl_set_hostname(&t->ssl, jt_host_sni(host));
    if (ret != 0) {
        t->mbed_err = ret;
        jt_tls_destroy(t);
        return ret == MBEDTLS_ERR_SSL_ALLOC_FAILED ? JT_ERR_NOMEM
                                                   : JT_ERR_TLS_CONFIG;
    }
    mbedtls_ssl_set_bio(&t->ssl, t, bio_send, bio_recv, NULL);
    *out = t;
    return 0;
}

void
jt_tls_destroy(struct jt_tls *t)
{
    const struct jt_alloc *a;

    if (t == NULL)
        return;
    a = t->cfg->alloc;
    mbedtls_ssl_free(&t->ssl);
    drop_hold(t);
    jti_free(a, t->offer_chain);
    jti_free(a, t);
}

/*
 * Drive the handshake one message at a time until the state passes
 * |last| (or the handshake is over). Notes whether the server resumed
 * our session from the state mbedTLS moves to after ServerHello (not
 * from an echoed session ID: mbedTLS keeps that on a full handshake too
 * when the suite changed).
 */
static int
step(struct jt_tls *t, int last)
{
    while (t->ssl.state != MBEDTLS_SSL_HANDSHAKE_OVER && t->ssl.state <= last) {
        int before = t->ssl.state;
        int rc = result(t, mbedtls_ssl_handshake_step(&t->ssl));

        if (rc != 0)
            return rc;
        /* a client that resumes goes from ServerHello straight to the
         * server's ChangeCipherSpec (mbedTLS 2.28 ssl_parse_server_hello);
         * a full handshake goes on to the server's Certificate */
        if (t->cfg->role == JT_TLS_CLIENT &&
            before == MBEDTLS_SSL_SERVER_HELLO &&
            t->ssl.state != MBEDTLS_SSL_SERVER_HELLO)
            t->resumed = t->ssl.state == MBEDTLS_SSL_SERVER_CHANGE_CIPHER_SPEC;
    }
    return 0;
}

int
jt_tls_handshake(struct jt_tls *t)
{
    int rc;

    if (t == NULL)
        return JT_ERR_INVAL;
    if (t->fatal != 0)
        return t->fatal;
    if (t->handshake_done)
        return 0;
    if (t->probed && !t->preverified)
        return JT_ERR_STATE; /* the probed chain is not verified (yet) */
    rc = step(t, MBEDTLS_SSL_HANDSHAKE_OVER);
    if (rc == 0) {
        t->handshake_done = 1;
        /* a server asks no client certificate: nothing to post-verify;
         * a probed client was verified before its second flight */
        if (t->cfg->role == JT_TLS_SERVER || t->preverified)
            t->verified = 1;
    }
    return rc;
}

int
jt_tls_peer_chain(const struct jt_tls *t, struct jt_span *out, size_t cap,
                  size_t *n)
{
    const mbedtls_x509_crt *c;
    size_t i = 0;

    if (n != NULL)
        *n = 0;
    if (t == NULL || n == NULL || (out == NULL && cap > 0))
        return JT_ERR_INVAL;
    c = t->handshake_done ? mbedtls_ssl_get_peer_cert(&t->ssl)
        : t->probed       ? t->ssl.session_negotiate->peer_cert
                          : NULL; /* handshake_done first: see peer_crt */
    if (c == NULL || c->raw.p == NULL)
        return JT_ERR_TLS_NO_PEER_CERT;
    for (; c != NULL && c->raw.p != NULL; c = c->next, i++) {
        if (i < cap) {
            out[i].p = c->raw.p;
            out[i].len = c->raw.len;
        }
    }
    *n = i;
    return i > cap ? JT_ERR_NOSPC : 0;
}

const char *
jt_tls_alpn(const struct jt_tls *t)
{
    return t == NULL ? NULL : mbedtls_ssl_get_alpn_protocol(&t->ssl);
}

const char *
jt_tls_ciphersuite(const struct jt_tls *t)
{
    if (t == NULL || !t->handshake_done)
        return NULL;
    return mbedtls_ssl_get_ciphersuite(&t->ssl);
}

int
jt_tls_is_verified(const struct jt_tls *t)
{
    return t != NULL && t->verified;
}

void
jti_tls_mark_verified(struct jt_tls *t)
{
    if (t == NULL || t->fatal != 0)
        return;
    if (t->handshake_done)
        t->verified = 1;
    else if (t->probed)
        t->preverified = 1; /* verified once the handshake completes */
}

int
jti_tls_reject(struct jt_tls *t, int err, unsigned char alert)
{
    int ret;

    if (t == NULL)
        return JT_ERR_INVAL;
    if (t->verified || t->fatal != 0)
        return t->fatal != 0 ? t->fatal : JT_ERR_STATE;
    t->fatal = err;
    drop_hold(t);
    ret = mbedtls_ssl_send_alert_message(&t->ssl, MBEDTLS_SSL_ALERT_LEVEL_FATAL,
                                         alert);
    return ret == 0 ? 0 : JT_ERR_WANT_WRITE;
}

/* Append |n| early bytes to the held buffer, allocated on first use. */
static int
hold_bytes(struct jt_tls *t, const uint8_t *p, size_t n)
{
    size_t cap = t->cfg->preverify_max;

    if (n > cap - t->held) {
        t->fatal = JT_ERR_TLS_PREVERIFY_FULL;
        return t->fatal;
    }
    if (t->hold == NULL) {
        t->hold = jti_alloc(t->cfg->alloc, cap);
        if (t->hold == NULL) {
            t->fatal = JT_ERR_NOMEM; /* the bytes are gone: fatal */
            return t->fatal;
        }
    }
    memcpy(t->hold + t->held, p, n);
    t->held += n;
    return 0;
}

int
jt_tls_pump(struct jt_tls *t)
{
    uint8_t tmp[512];

    if (t == NULL)
        return JT_ERR_INVAL;
    if (t->fatal != 0)
        return t->fatal;
    if (!t->handshake_done || t->verified)
        return JT_ERR_STATE;
    for (;;) {
        int rc = mbedtls_ssl_read(&t->ssl, tmp, sizeof(tmp));

        rc = result(t, rc == 0 ? MBEDTLS_ERR_SSL_CONN_EOF : rc);
        if (rc == JT_ERR_WANT_READ || rc == JT_ERR_WANT_WRITE)
            return 0; /* all the pipe had for now */
        if (rc < 0)
            return rc;
        rc = hold_bytes(t, tmp, (size_t)rc);
        mbedtls_platform_zeroize(tmp, sizeof(tmp));
        if (rc != 0)
            return rc;
    }
}

size_t
jt_tls_held(const struct jt_tls *t)
{
    return t == NULL ? 0 : t->held - t->held_off;
}

int
jt_tls_read(struct jt_tls *t, uint8_t *buf, size_t len)
{
    int ret;

    if (t == NULL || buf == NULL || len == 0)
        return JT_ERR_INVAL;
    if (t->fatal != 0)
        return t->fatal;
    if (!t->verified)
        return JT_ERR_TLS_NOT_VERIFIED;
    if (t->held_off < t->held) {
        size_t n = t->held - t->held_off;

        if (n > len)
            n = len;
        if (n > 0x7fffffff)
            n = 0x7fffffff;
        memcpy(buf, t->hold + t->held_off, n);
        t->held_off += n;
        if (t->held_off == t->held)
            drop_hold(t);
        return (int)n;
    }
    if (len > 0x7fffffff)
        len = 0x7fffffff;
    ret = mbedtls_ssl_read(&t->ssl, buf, len);
    /* 0: the transport ended without close_notify */
    return result(t, ret == 0 ? MBEDTLS_ERR_SSL_CONN_EOF : ret);
}

int
jt_tls_write(struct jt_tls *t, const uint8_t *buf, size_t len)
{
    if (t == NULL || buf == NULL || len == 0)
        return JT_ERR_INVAL;
    if (t->fatal != 0)
        return t->fatal;
    if (!t->verified)
        return JT_ERR_TLS_NOT_VERIFIED;
    if (len > 0x7fffffff)
        len = 0x7fffffff;
    return result(t, mbedtls_ssl_write(&t->ssl, buf, len));
}

int
jt_tls_close(struct jt_tls *t)
{
    if (t == NULL)
        return JT_ERR_INVAL;
    if (t->fatal != 0)
        return t->fatal;
    return result(t, mbedtls_ssl_close_notify(&t->ssl));
}

int
jt_tls_mbedtls_error(const struct jt_tls *t)
{
    return t == NULL ? 0 : t->mbed_err;
}

int
jt_tls_alert(const struct jt_tls *t)
{
    return t == NULL ? -1 : t->alert;
}

int
jt_tls_pipe_error(const struct jt_tls *t)
{
    return t == NULL ? 0 : t->pipe_err;
}

int
jt_tls_resumed(const struct jt_tls *t)
{
    return t != NULL && t->resumed;
}

int
jti_tls_session_save(const struct jt_tls *t, uint8_t *buf, size_t cap,
                     size_t *used)
{
    mbedtls_ssl_session sess;
    int ret;

    *used = 0;
    if (!t->handshake_done || t->fatal != 0 || t->cfg->role != JT_TLS_CLIENT)
        return JT_ERR_STATE;
    mbedtls_ssl_session_init(&sess);
    ret = mbedtls_ssl_get_session(&t->ssl, &sess);
    if (ret == 0)
        ret = mbedtls_ssl_session_save(&sess, buf, cap, used);
    mbedtls_ssl_session_free(&sess);
    if (ret == MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL)
        return JT_ERR_NOSPC;
    return ret == 0 ? 0 : JT_ERR_TLS_HANDSHAKE;
}

int
jti_tls_session_offer(struct jt_tls *t, const uint8_t *buf, size_t len,
                      const uint8_t *chain, size_t chain_len)
{
    mbedtls_ssl_session sess;
    int ret;

    if (t->handshake_done || t->cfg->role != JT_TLS_CLIENT ||
        t->offered_len > 0 || t->ssl.state != MBEDTLS_SSL_HELLO_REQUEST)
        return JT_ERR_STATE;
    t->offer_chain = jti_calloc(t->cfg->alloc, 1, chain_len ? chain_len : 1);
    if (t->offer_chain == NULL)
        return JT_ERR_NOMEM;
    memcpy(t->offer_chain, chain, chain_len);
    t->offer_chain_len = chain_len;
    mbedtls_ssl_session_init(&sess);
    ret = mbedtls_ssl_session_load(&sess, buf, len);
    if (ret == 0 && (sess.id_len == 0 || sess.id_len > sizeof(t->offered_id)))
        ret = MBEDTLS_ERR_SSL_BAD_INPUT_DATA; /* no ID: nothing to resume */
    if (ret == 0)
        ret = mbedtls_ssl_set_session(&t->ssl, &sess);
    if (ret == 0) {
        memcpy(t->offered_id, sess.id, sess.id_len);
        t->offered_len = sess.id_len;
    }
    mbedtls_ssl_session_free(&sess);
    if (ret != 0) {
        jti_free(t->cfg->alloc, t->offer_chain);
        t->offer_chain = NULL;
        t->offer_chain_len = 0;
        return JT_ERR_TLS_CONFIG;
    }
    return 0;
}

const uint8_t *
jti_tls_offered_chain(const struct jt_tls *t, size_t *len)
{
    *len = t->offer_chain_len;
    return t->offer_chain;
}

struct mbedtls_x509_crt *
jti_tls_peer_crt(struct jt_tls *t)
{
    if (t == NULL || (!t->handshake_done && !t->probed))
        return NULL;
    /* once the handshake is over, session_negotiate is gone */
    if (!t->handshake_done)
        return t->ssl.session_negotiate->peer_cert;
    /* the session owns it; see tls-int.h for the one use */
    return (struct mbedtls_x509_crt *)(uintptr_t)mbedtls_ssl_get_peer_cert(
        &t->ssl);
}

int
jt_tls_config_has_cert(const struct jt_tls_config *cfg)
{
    return cfg != NULL && cfg->role == JT_TLS_CLIENT &&
           cfg->own_cert.raw.p != NULL;
}

int
jt_tls_probe(struct jt_tls *t)
{
    int rc;

    if (t == NULL)
        return JT_ERR_INVAL;
    if (t->fatal != 0)
        return t->fatal;
    if (t->probed)
        return 0;
    /* a full handshake only: a resumed one has no ServerKeyExchange, and
     * its "peer" certificate would be our own saved copy */
    if (t->cfg->role != JT_TLS_CLIENT || t->handshake_done ||
        t->offered_len > 0 || t->ssl.state > MBEDTLS_SSL_SERVER_KEY_EXCHANGE)
        return JT_ERR_STATE;
    rc = step(t, MBEDTLS_SSL_SERVER_KEY_EXCHANGE);
    if (rc != 0)
        return rc;
    /* each step handles one message: the ServerKeyExchange, signed with
     * cert 0's key, was just checked, and our second flight not sent */
    if (t->ssl.state != MBEDTLS_SSL_CERTIFICATE_REQUEST || t->resumed ||
        t->ssl.session_negotiate == NULL ||
        t->ssl.session_negotiate->peer_cert == NULL)
        return t->fatal = JT_ERR_TLS_HANDSHAKE;
    t->probed = 1;
    return 0;
}
