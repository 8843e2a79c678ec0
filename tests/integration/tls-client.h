/* SPDX-License-Identifier: MIT */
/*
 * tests: a loopback TLS client for integration tests: resolve a name only
 * through a static host map (never the system resolver), connect to
 * 127.0.0.1, and run a VERIFY_NONE handshake on the library's loop, so a
 * test can then post-verify (JIT) or check the pinned settings.
 */
#ifndef JT_TEST_TLS_CLIENT_H
#define JT_TEST_TLS_CLIENT_H

#include <stdint.h>

#include "jittrust/host.h"
#include "jittrust/loop.h"
#include "jittrust/resolve.h"
#include "jittrust/sock.h"
#include "jittrust/tls.h"

/* s_server -msg: the hex line of an application data record header. */
#define TH_APPDATA "    17 03 03 "

struct th_client {
    struct jt_loop *loop;
    struct jt_hostmap *map;
    struct jt_resolver *res;
    struct jt_connect *conn;
    struct jt_tls_config *cfg;
    struct jt_tls *tls;
    struct jt_fd_pipe pipe;
    struct jt_host host;
    uint64_t guard;
    int rc, done;
};

/*
 * Map |host| to 127.0.0.1:|port| (an IP literal needs no entry), resolve,
 * connect and handshake (VERIFY_NONE; |alpn| NULL-terminated or NULL) with
 * a 10 s guard. Returns the handshake result (0 or a JT_ERR_* code); fails
 * the test (cmocka) on setup errors. Always call th_client_free() after.
 */
int th_client_run(struct th_client *c, const char *host, int port,
                  const char *const *alpn);

/* Free everything th_client_run() made. */
void th_client_free(struct th_client *c);

/* After a WANT_* |rc|: wait up to 2 s for the socket. Returns 1 to retry. */
int th_client_wait_io(struct th_client *c, int rc);

#endif /* JT_TEST_TLS_CLIENT_H */
