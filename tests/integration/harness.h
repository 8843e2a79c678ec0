/* SPDX-License-Identifier: MIT */
/*
 * tests: the integration harness. Starts real peers (openssl s_server,
 * nginx, ...) on 127.0.0.1 only, waits until they accept, and always stops
 * them by PID: on th_peer_stop(), at process exit, on a fatal signal, and
 * (Linux) when the test process dies, through PR_SET_PDEATHSIG.
 * Peers log stdout+stderr to a file the test can read (e.g. to count
 * ClientHello lines of `s_server -msg`).
 */
#ifndef JT_TEST_HARNESS_H
#define JT_TEST_HARNESS_H

#include <stddef.h>
#include <sys/types.h>

struct th_peer {
    pid_t pid;     /* 0 when not running */
    int port;      /* TCP port on 127.0.0.1 */
    char dir[256]; /* private temp dir (configs, pid files, log) */
    char log[300]; /* dir/peer.log: the peer's stdout and stderr */
    /* Set before starting: the peer's stdin is the FIFO dir/stdin, fed by
     * th_peer_write() (e.g. `s_server` commands); else /dev/null. */
    int stdin_fifo;
};

/*
 * Start `openssl s_server -accept 127.0.0.1:0 ARGS...` (|args| is a
 * NULL-terminated list), read the port it prints and wait until it accepts.
 * Returns 0, or -1 with a message on stderr (the peer is stopped).
 */
int th_s_server_start(struct th_peer *p, const char *const *args);

/*
 * Start any peer with |argv| (NULL-terminated), after the caller put its
 * config in |p->dir| (from th_peer_mkdir) and chose |p->port| (from
 * th_free_port). Waits until 127.0.0.1:port accepts, up to |timeout_ms|.
 * Returns 0, or -1 (the peer is stopped).
 */
int th_peer_start(struct th_peer *p, const char *const *argv, int timeout_ms);

/*
 * Write |len| bytes to the stdin of a peer started with |p->stdin_fifo| set
 * (e.g. "r\n" makes `s_server` without -www renegotiate). Returns 0, or -1
 * (no such FIFO, the peer is gone, or a short write).
 */
int th_peer_write(const struct th_peer *p, const void *buf, size_t len);

/* Make the peer's private temp dir (p->dir) and log path. 0 or -1. */
int th_peer_mkdir(struct th_peer *p);

/*
 * Stop the peer by its PID: SIGTERM, wait up to 2 s, then SIGKILL; reap it
 * and remove its temp dir. Safe to call twice or on a peer never started.
 */
void th_peer_stop(struct th_peer *p);

/*
 * A TCP port on 127.0.0.1 that was free a moment ago (bind port 0, read it,
 * close). Callers retry with a new port when the peer reports EADDRINUSE.
 * Returns the port, or -1.
 */
int th_free_port(void);

/* Try one TCP connect to 127.0.0.1:|port|. Returns 1 if it connected. */
int th_can_connect(int port);

/*
 * Count lines of the peer's log containing |needle|
 * (e.g. "ClientHello" with `s_server -msg`). Returns -1 if unreadable.
 */
int th_peer_log_count(const struct th_peer *p, const char *needle);

#endif /* JT_TEST_HARNESS_H */
