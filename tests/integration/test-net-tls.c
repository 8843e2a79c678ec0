// SPDX-License-Identifier: MIT
/*
 * integration (net): the loop, a non-blocking connect, the socket pipe and
 * the pinned jt_tls client against a real `openssl s_server` on
 * 127.0.0.1:0. The host name goes through the static host map, never the
 * system resolver. A good server: one ClientHello, the handshake
 * completes, the peer chain is the test PKI leaf and intermediate, and
 * once marked verified a GET gets an answer. Servers limited to TLS 1.1 or
 * to P-521 are refused with clear errors, and receive no application byte.
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

#include "jittrust/error.h"
#include "jittrust/loop.h"
#include "jittrust/resolve.h"
#include "jittrust/sock.h"
#include "jittrust/tls.h"
#include "harness.h"
#include "tls-client.h"
#include "testutil.h"
#include "tls-int.h"

static const char *const alpn[] = {"http/1.1", NULL};

static void
good_server(void **state)
{
    char cert[512], key[512], chain[512];
    const char *args[] = {"-cert", cert,   "-key", key, "-cert_chain",
                          chain,   "-www", "-msg", NULL};
    static const char *const names[] = {"leaf-www", "inter-p256"};
    static const char get[] = "GET / HTTP/1.0\r\n\r\n";
    struct th_peer p = {0};
    struct th_client c;
    struct jt_span spans[4];
    size_t n;
    uint8_t buf[4096];
    int rc, got = 0;

    (void)state;
    th_pki_path(cert, sizeof(cert), "leaf-www.pem");
    th_pki_path(key, sizeof(key), "leaf-www.key");
    th_pki_path(chain, sizeof(chain), "inter-p256.pem");
    assert_int_equal(th_s_server_start(&p, args), 0);
    rc = th_client_run(&c, "www.jt.test", p.port, alpn);
    if (rc != 0)
        fail_msg("handshake: %d (%s), mbedTLS -0x%04x", rc, jt_strerror(rc),
                 (unsigned)-jt_tls_mbedtls_error(c.tls));
    assert_string_equal(jt_tls_ciphersuite(c.tls),
                        "TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256");
    assert_int_equal(jt_tls_peer_chain(c.tls, spans, 4, &n), 0);
    assert_int_equal(n, 2);
    for (size_t i = 0; i < 2; i++) {
        size_t len;
        uint8_t *der = th_pki_der(names[i], &len);

        assert_int_equal(spans[i].len, len);
        assert_memory_equal(spans[i].p, der, len);
        free(der);
    }
    assert_int_equal(jt_tls_write(c.tls, (const uint8_t *)get, 3),
                     JT_ERR_TLS_NOT_VERIFIED);
    jti_tls_mark_verified(c.tls);
    do
        rc = jt_tls_write(c.tls, (const uint8_t *)get, sizeof(get) - 1);
    while (th_client_wait_io(&c, rc));
    assert_int_equal(rc, (int)sizeof(get) - 1);
    for (int i = 0; i < 500 && got < 16; i++) {
        rc = jt_tls_read(c.tls, buf + got, sizeof(buf) - 1 - (size_t)got);
        if (rc > 0)
            got += rc;
        else if (!th_client_wait_io(&c, rc))
            break;
    }
    buf[got] = 0;
    assert_non_null(strstr((char *)buf, "HTTP/1.0 200 ok"));
    assert_int_equal(th_peer_log_count(&p, "ClientHello"), 1);
    /* the needle works: our GET and the answer are there */
    assert_true(th_peer_log_count(&p, TH_APPDATA) >= 2);
    th_client_free(&c);
    th_peer_stop(&p);
}

static void
refused_server(const char *const *extra, int want, const char *what)
{
    char cert[512], key[512], chain[512];
    const char *args[16] = {"-cert",       cert,  "-key", key,
                            "-cert_chain", chain, "-www", "-msg"};
    struct th_peer p = {0};
    struct th_client c;
    size_t k = 8;
    int rc;

    th_pki_path(cert, sizeof(cert), "leaf-www.pem");
    th_pki_path(key, sizeof(key), "leaf-www.key");
    th_pki_path(chain, sizeof(chain), "inter-p256.pem");
    for (size_t i = 0; extra[i] != NULL && k < 15; i++)
        args[k++] = extra[i];
    args[k] = NULL;
    assert_int_equal(th_s_server_start(&p, args), 0);
    rc = th_client_run(&c, "www.jt.test", p.port, alpn);
    printf("# %s: %d: %s (alert %d, mbedTLS -0x%04x, errno %d)\n", what, rc,
           jt_strerror(rc), jt_tls_alert(c.tls),
           (unsigned)-jt_tls_mbedtls_error(c.tls), c.pipe.err);
    if (rc != want)
        fail_msg("%s: got %d (%s), want %d (%s)", what, rc, jt_strerror(rc),
                 want, jt_strerror(want));
    /* no application data record (type 0x17) either way */
    assert_int_equal(th_peer_log_count(&p, TH_APPDATA), 0);
    assert_int_equal(th_peer_log_count(&p, "ClientHello"), 1);
    th_client_free(&c);
    th_peer_stop(&p);
}

static void
tls11_server_refused(void **state)
{
    static const char *const extra[] = {"-tls1_1", "-cipher",
                                        "DEFAULT:@SECLEVEL=0", NULL};

    (void)state;
    refused_server(extra, JT_ERR_TLS_PEER_VERSION, "TLS 1.1-only s_server");
}

static void
p521_server_refused(void **state)
{
    static const char *const extra[] = {"-groups", "P-521", NULL};

    (void)state;
    refused_server(extra, JT_ERR_TLS_NO_SHARED_PARAMS, "P-521-only s_server");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_server),
        cmocka_unit_test(tls11_server_refused),
        cmocka_unit_test(p521_server_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
