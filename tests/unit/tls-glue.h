/* SPDX-License-Identifier: MIT */
/*
 * tests: an in-memory byte pipe pair and a raw mbedTLS test server, so a
 * jt_tls client and an mbedTLS server can be joined without sockets
 * (STYLE.md: glue tests). Header-only; include once per test program.
 */
#ifndef JT_TEST_TLS_GLUE_H
#define JT_TEST_TLS_GLUE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "jittrust/error.h"
#include "jittrust/sock.h"

/* One direction of the pipe: a capped byte queue. */
struct tg_queue {
    uint8_t buf[65536];
    size_t len;
    int eof; /* the writer is gone: reads of an empty queue return 0 */
};

/* One end: writes to |out|, reads from |in|. */
struct tg_end {
    struct tg_queue *in, *out;
};

static int
tg_send(void *ud, const uint8_t *buf, size_t len)
{
    struct tg_end *e = ud;
    size_t room = sizeof(e->out->buf) - e->out->len;

    if (room == 0)
        return JT_ERR_WANT_WRITE;
    if (len > room)
        len = room;
    memcpy(e->out->buf + e->out->len, buf, len);
    e->out->len += len;
    return (int)len;
}

static int
tg_recv(void *ud, uint8_t *buf, size_t len)
{
    struct tg_end *e = ud;

    if (e->in->len == 0)
        return e->in->eof ? 0 : JT_ERR_WANT_READ;
    if (len > e->in->len)
        len = e->in->len;
    memcpy(buf, e->in->buf, len);
    memmove(e->in->buf, e->in->buf + len, e->in->len - len);
    e->in->len -= len;
    return (int)len;
}

static const struct jt_pipe_ops tg_ops = {tg_send, tg_recv};

/* mbedTLS BIO callbacks over a tg_end, for the raw server. */
static int
tg_mbed_send(void *ud, const unsigned char *buf, size_t len)
{
    int n = tg_send(ud, buf, len);

    return n == JT_ERR_WANT_WRITE ? MBEDTLS_ERR_SSL_WANT_WRITE : n;
}

static int
tg_mbed_recv(void *ud, unsigned char *buf, size_t len)
{
    int n = tg_recv(ud, buf, len);

    return n == JT_ERR_WANT_READ ? MBEDTLS_ERR_SSL_WANT_READ : n;
}

/* A raw mbedTLS server with knobs the pinned client must survive or
 * refuse. */
struct tg_server {
    mbedtls_ssl_config conf;
    mbedtls_ssl_context ssl;
    mbedtls_x509_crt crt;
    mbedtls_pk_context key;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    char sni[256]; /* the name the client sent, "" if none */
    int sni_calls;
};

struct tg_server_opts {
    const char *chain_pem;              /* path: leaf first */
    const char *key_pem;                /* path */
    int min_minor, max_minor;           /* 0: mbedTLS defaults */
    const mbedtls_ecp_group_id *curves; /* NULL: defaults */
    const int *suites;                  /* NULL: defaults */
    const char **alpn;                  /* NULL: none */
    int renegotiation;                  /* 1: allowed */
};

static int
tg_sni_cb(void *p, mbedtls_ssl_context *ssl, const unsigned char *name,
          size_t len)
{
    struct tg_server *s = p;

    (void)ssl;
    s->sni_calls++;
    if (len >= sizeof(s->sni))
        return -1;
    memcpy(s->sni, name, len);
    s->sni[len] = '\0';
    return 0;
}

/* Returns 0 or an mbedTLS error. */
static int
tg_server_init(struct tg_server *s, const struct tg_server_opts *o,
               struct tg_end *end)
{
    int ret;

    memset(s, 0, sizeof(*s));
    mbedtls_ssl_config_init(&s->conf);
    mbedtls_ssl_init(&s->ssl);
    mbedtls_x509_crt_init(&s->crt);
    mbedtls_pk_init(&s->key);
    mbedtls_entropy_init(&s->entropy);
    mbedtls_ctr_drbg_init(&s->drbg);
    ret = mbedtls_ctr_drbg_seed(&s->drbg, mbedtls_entropy_func, &s->entropy,
                                NULL, 0);
    if (ret == 0)
        ret = mbedtls_x509_crt_parse_file(&s->crt, o->chain_pem);
    if (ret == 0)
        ret = mbedtls_pk_parse_keyfile(&s->key, o->key_pem, NULL);
    if (ret == 0)
        ret = mbedtls_ssl_config_defaults(&s->conf, MBEDTLS_SSL_IS_SERVER,
                                          MBEDTLS_SSL_TRANSPORT_STREAM,
                                          MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret != 0)
        return ret;
    mbedtls_ssl_conf_rng(&s->conf, mbedtls_ctr_drbg_random, &s->drbg);
    if (o->min_minor)
        mbedtls_ssl_conf_min_version(&s->conf, 3, o->min_minor);
    if (o->max_minor)
        mbedtls_ssl_conf_max_version(&s->conf, 3, o->max_minor);
    if (o->curves)
        mbedtls_ssl_conf_curves(&s->conf, o->curves);
    if (o->suites)
        mbedtls_ssl_conf_ciphersuites(&s->conf, o->suites);
    if (o->alpn)
        mbedtls_ssl_conf_alpn_protocols(&s->conf, o->alpn);
    mbedtls_ssl_conf_renegotiation(
        &s->conf, o->renegotiation ? MBEDTLS_SSL_RENEGOTIATION_ENABLED
                                   : MBEDTLS_SSL_RENEGOTIATION_DISABLED);
    mbedtls_ssl_conf_sni(&s->conf, tg_sni_cb, s);
    ret = mbedtls_ssl_conf_own_cert(&s->conf, &s->crt, &s->key);
    if (ret == 0)
        ret = mbedtls_ssl_setup(&s->ssl, &s->conf);
    if (ret == 0)
        mbedtls_ssl_set_bio(&s->ssl, end, tg_mbed_send, tg_mbed_recv, NULL);
    return ret;
}

static void
tg_server_free(struct tg_server *s)
{
    mbedtls_ssl_free(&s->ssl);
    mbedtls_ssl_config_free(&s->conf);
    mbedtls_x509_crt_free(&s->crt);
    mbedtls_pk_free(&s->key);
    mbedtls_ctr_drbg_free(&s->drbg);
    mbedtls_entropy_free(&s->entropy);
}

#endif /* JT_TEST_TLS_GLUE_H */
