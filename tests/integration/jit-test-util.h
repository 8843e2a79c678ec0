/* SPDX-License-Identifier: MIT */
/*
 * tests: helpers shared by the JIT integration tests (test-jit.c,
 * test-jit-hostile.c): serve a test PKI chain with `openssl s_server`,
 * run jt_jit_verify on the client's loop, GET a page over a verified
 * connection, and prove a refused connection sent the server no
 * application data. Loopback only; every peer is stopped by PID.
 */
#ifndef JT_TEST_JIT_TEST_UTIL_H
#define JT_TEST_JIT_TEST_UTIL_H

#include <stddef.h>

#include "jittrust/jit.h"
#include "harness.h"
#include "tls-client.h"

/*
 * Concatenate the PEMs of the PKI rows |names| (NULL-terminated) into
 * DIR/chain.pem; returns |path| (cap bytes) holding that name.
 */
const char *tj_write_chain(const char *dir, const char *const *names,
                           char *path, size_t cap);

/*
 * Start `s_server -www -msg` serving the PKI row |leaf| (its .pem and .key)
 * and, when |chain| is non-NULL and non-empty, those rows after it
 * (written to DIR/chain.pem), plus |extra| args (NULL-terminated or NULL).
 * Fails the test when the peer does not start.
 */
void tj_serve(struct th_peer *p, const char *dir, const char *leaf,
              const char *const *chain, const char *const *extra);

/* A done callback's record: how often it ran, and its last result. */
struct tj_done {
    int calls, err;
};

/* A jt_jit_done_fn filling the struct tj_done at |ud|. */
void tj_on_done(struct jt_jit *j, int err, void *ud);

/*
 * jt_jit_verify() with the client's loop running until the result is
 * known (up to 10 s). Checks that |done| ran exactly once for a pending
 * result and agrees with jt_jit_result(). Returns the result.
 */
int tj_verify(struct th_client *c, struct jt_jit *j);

/* GET / over the verified connection; asserts s_server's answer. */
void tj_get_page(struct th_client *c);

/*
 * After a failed handshake or verification: jt_tls_write and jt_tls_read
 * fail (nothing is written or delivered), and once the peer had a moment,
 * its log holds no application data record (TH_APPDATA).
 */
void tj_check_no_appdata(const struct th_peer *p, struct th_client *c);

/*
 * tj_check_no_appdata(), and the server logged our fatal alert (refusals
 * after a completed handshake).
 */
void tj_check_refused(const struct th_peer *p, struct th_client *c);

/* A private temp dir "/tmp/jt-NAME-XXXXXX" into |dir| (64 bytes) for a
 * group's chain files; 0 or -1 (cmocka group setup). */
int tj_dir_setup(char *dir, const char *name);

/* Remove it and the chain file tj_write_chain() leaves; 0 or -1. */
int tj_dir_teardown(const char *dir);

#endif /* JT_TEST_JIT_TEST_UTIL_H */
