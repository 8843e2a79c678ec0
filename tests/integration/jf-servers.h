/* SPDX-License-Identifier: MIT */
/*
 * tests: the HTTP peers of the jitfetch and jt_http tests, on 127.0.0.1
 * only. An nginx with four servers under three test roots (one config in
 * a temp dir, stopped by PID through the harness), and a "canned" server
 * thread in the test process that answers each connection with a fixed
 * script (for truncated bodies and stale keep-alive connections, which
 * no real server produces on demand).
 */
#ifndef JT_TEST_JF_SERVERS_H
#define JT_TEST_JF_SERVERS_H

#include <pthread.h>
#include <stddef.h>

#include "harness.h"

/*
 * nginx, each server with its own port:
 *   www   https, www.jt.test  (leaf-www:  inter-p256 -> root-p256)
 *   rsa   https, rsa.jt.test  (leaf-rsa:  inter-rsa  -> root-rsa)
 *   p384  https, p384.jt.test (leaf-p384: inter-p384 -> root-p384)
 *   http  plain http, any name
 * Files under www/: hello.txt ("hello jit\n"), big.bin (BIG_LEN bytes).
 * Locations on www (and http): /chunked (hello.txt chunked), /echo (200
 * "echo\n" for any method), /close (hello.txt, then the connection is
 * closed: "Connection: close"), /to-rsa, /to-p384 (302 to the other hosts'
 * /echo and /hello.txt), /to-same (301 /hello.txt), /downgrade (302 to
 * the http server), /loop (302 to itself), /r3 -> /r2 -> /r1 ->
 * /hello.txt, /see-other (303 /echo), /temp (307 to rsa's /echo),
 * /to-https (on http: 302 to www's /hello.txt). rsa and p384 serve
 * /echo and the files too.
 * Access log lines: "PORT CONN NREQ "REQUEST" STATUS a="AUTH" c="COOKIE"
 * k="X-API-KEY" len=REQUEST_LENGTH".
 */
struct jf_nginx {
    struct th_peer peer;
    int www, rsa, p384, http; /* ports */
    char access[320];         /* the access log */
    char root[300];           /* the document root */
};

#define JF_BIG_LEN 300000u

/* Start nginx (new ports on EADDRINUSE). Returns 0 or -1. */
int jf_nginx_start(struct jf_nginx *n);
void jf_nginx_stop(struct jf_nginx *n);

/* Lines of the access log containing every one of |needles| (NULL-ended).
 * Returns -1 when unreadable. */
int jf_access_count(const struct jf_nginx *n, const char *const *needles);

/* jf_access_count() until it is |want| (up to 3 s; for 0, after 50 ms):
 * nginx writes a line only after the response went out. Returns the last
 * count. */
int jf_access_wait(const struct jf_nginx *n, const char *const *needles,
                   int want);

/* jf_access_conns() until it is |want| (up to 3 s). */
int jf_access_conns_wait(const struct jf_nginx *n, int port, int want);

/* Distinct connection numbers in access lines for |port| (one TLS
 * handshake each). */
int jf_access_conns(const struct jf_nginx *n, int port);

/*
 * A canned server: accepts up to |max_conns| connections one after the
 * other; on connection i it reads one request head, writes |reply[i]|
 * (NULL: closes without a reply), and then: reads another request and
 * closes without a reply if |stale[i]|; else waits |delay_ms[i]| and
 * closes, sending TLS close_notify first only if |notify[i]|. TLS
 * (jt_tls server role, the chain and key files) when |tls|, else plain
 * TCP. The raw bytes a client sends after the reply (until it closes;
 * a well-behaved client sends none) are kept in |rx| (up to its size).
 */
#define JF_CANNED_MAX 4
struct jf_canned {
    int tls;
    const char *chain, *key; /* paths, for tls */
    const char *reply[JF_CANNED_MAX];
    int notify[JF_CANNED_MAX], stale[JF_CANNED_MAX], delay_ms[JF_CANNED_MAX];
    int max_conns;
    /* set by the server */
    int ls, port, accepted, requests;
    char rx[4096];
    size_t rx_len;
    pthread_t th;
};

/* Bind 127.0.0.1:0 and start the thread. Returns 0 or -1. */
int jf_canned_start(struct jf_canned *s);

/* Stop accepting, join the thread, close. */
void jf_canned_stop(struct jf_canned *s);

#endif /* JT_TEST_JF_SERVERS_H */
