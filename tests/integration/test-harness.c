// SPDX-License-Identifier: MIT
/*
 * integration: proves the harness. A real `openssl s_server` is started on
 * 127.0.0.1:0 with a test PKI leaf, its printed port is read, it accepts a
 * TLS handshake from `openssl s_client` verifying against the test roots,
 * and after th_peer_stop() its PID is gone and the port refuses.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "harness.h"
#include "testutil.h"

static void
s_server_port_and_stop(void **state)
{
    char cert[512], key[512], chain[512], roots[512], cmd[2400];
    struct th_peer p = {0};
    const char *args[] = {"-cert", cert,   "-key", key, "-cert_chain",
                          chain,   "-www", "-msg", NULL};
    pid_t pid;
    int port;

    (void)state;
    th_pki_path(cert, sizeof(cert), "leaf-www.pem");
    th_pki_path(key, sizeof(key), "leaf-www.key");
    th_pki_path(chain, sizeof(chain), "inter-p256.pem");
    th_pki_path(roots, sizeof(roots), "roots-trusted.pem");
    assert_int_equal(th_s_server_start(&p, args), 0);
    assert_true(p.pid > 0);
    assert_true(p.port > 0);
    assert_true(th_can_connect(p.port));

    /* A real client completes a verified handshake with the peer. */
    snprintf(cmd, sizeof(cmd),
             "openssl s_client -connect 127.0.0.1:%d -servername www.jt.test"
             " -verify_hostname www.jt.test -CAfile '%s' -verify_return_error"
             " </dev/null >/dev/null 2>&1",
             p.port, roots);
    assert_int_equal(system(cmd), 0);
    assert_true(th_peer_log_count(&p, "ClientHello") >= 1);

    pid = p.pid;
    port = p.port;
    th_peer_stop(&p);
    assert_int_equal(p.pid, 0);
    assert_int_equal(kill(pid, 0), -1);
    assert_int_equal(errno, ESRCH);
    assert_false(th_can_connect(port));
    th_peer_stop(&p); /* idempotent */
}

static void
free_port_then_peer_on_it(void **state)
{
    char cert[512], key[512], acc[64];
    struct th_peer p = {0};
    const char *argv[] = {"openssl", "s_server", "-accept", acc, "-cert",
                          cert,      "-key",     key,       NULL};

    (void)state;
    th_pki_path(cert, sizeof(cert), "leaf-www.pem");
    th_pki_path(key, sizeof(key), "leaf-www.key");
    p.port = th_free_port();
    assert_true(p.port > 0);
    snprintf(acc, sizeof(acc), "127.0.0.1:%d", p.port);
    assert_int_equal(th_peer_start(&p, argv, 10000), 0);
    assert_true(th_can_connect(p.port));
    th_peer_stop(&p);
    assert_false(th_can_connect(p.port));
}

static void
dead_peer_reported(void **state)
{
    struct th_peer p = {0};
    const char *argv[] = {"false", NULL};

    (void)state;
    p.port = th_free_port();
    assert_int_equal(th_peer_start(&p, argv, 2000), -1);
    assert_int_equal(p.pid, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_server_port_and_stop),
        cmocka_unit_test(free_port_then_peer_on_it),
        cmocka_unit_test(dead_peer_reported),
    };
    return cmocka_run_group_tests_name("harness", tests, NULL, NULL);
}
