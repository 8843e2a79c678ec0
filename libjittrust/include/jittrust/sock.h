/* SPDX-License-Identifier: MIT */
/*
 * Sockets (net): non-blocking TCP connect over IPv4/IPv6 trying each
 * address in turn, Unix-socket connect, a per-address connect timeout on
 * the loop, and the byte-pipe interface the TLS layer writes to (over a
 * socket here, over memory in tests).
 *
 * A connect answers exactly once through its callback, always from the
 * loop (never from inside jt_connect_start()), unless destroyed first.
 * Loop thread only.
 */
#ifndef JITTRUST_SOCK_H
#define JITTRUST_SOCK_H

#include <stddef.h>
#include <stdint.h>

#include "jittrust/alloc.h"
#include "jittrust/export.h"
#include "jittrust/host.h"
#include "jittrust/loop.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Address families of struct jt_addr. */
#define JT_ADDR_IPV4 4u
#define JT_ADDR_IPV6 6u

/* An IP address and TCP port. Plain data. */
struct jt_addr {
    uint8_t family; /* JT_ADDR_IPV4 or JT_ADDR_IPV6 */
    uint8_t ip[16]; /* network order; IPv4 in the first 4 bytes */
    uint16_t port;  /* host order */
};

/*
 * jt_addr_from_host() - the address of an IP-literal host.
 * Returns 0, JT_ERR_INVAL (NULL argument, or |h| is a DNS name).
 */
JT_API int jt_addr_from_host(const struct jt_host *h, uint16_t port,
                             struct jt_addr *out);

struct jt_connect;

/*
 * The connect finished. |err| 0: |fd| is a connected, non-blocking,
 * close-on-exec socket now owned by the callee. Else |fd| is -1 and |err|
 * JT_ERR_NET_REFUSED, JT_ERR_NET_TIMEOUT, JT_ERR_NET_SOCKET or
 * JT_ERR_NET_CONNECT, describing the last address tried (errno via
 * jt_connect_errno()). The callee may destroy |c| inside the callback.
 */
typedef void (*jt_connect_cb)(struct jt_connect *c, int err, int fd, void *ud);

/* How to connect, and whom to tell. */
struct jt_connect_opts {
    jt_connect_cb cb;             /* required */
    void *ud;                     /* passed to |cb| */
    const struct jt_alloc *alloc; /* NULL: libc */
    uint32_t timeout_ms;          /* per address; 0: 10000 */
};

/* Most addresses one connect tries. */
#define JT_CONNECT_MAX_ADDRS 16u

/*
 * jt_connect_start() - connect to |addrs[0..n)| in order (copied), the
 * next one when one is refused, fails or times out; |opts| is copied.
 * Returns 0 with |*out| set, or JT_ERR_INVAL (NULL argument or opts->cb,
 * n == 0, n > JT_CONNECT_MAX_ADDRS, bad family), JT_ERR_NOMEM or
 * JT_ERR_NOSPC (loop timers full); then no callback runs.
 */
JT_API int jt_connect_start(struct jt_loop *loop, const struct jt_addr *addrs,
                            size_t n, const struct jt_connect_opts *opts,
                            struct jt_connect **out);

/*
 * jt_connect_unix() - connect to the Unix stream socket at |path|.
 * Same contract as jt_connect_start(), plus JT_ERR_NET_UNIX_PATH (empty or
 * over 107 bytes).
 */
JT_API int jt_connect_unix(struct jt_loop *loop, const char *path,
                           const struct jt_connect_opts *opts,
                           struct jt_connect **out);

/*
 * jt_connect_destroy() - cancel (no callback after this) and free. Closes
 * a socket still being connected; never the one handed to the callback.
 * NULL-safe.
 */
JT_API void jt_connect_destroy(struct jt_connect *c);

/* jt_connect_errno() - errno of the last failed address, else 0. */
JT_API int jt_connect_errno(const struct jt_connect *c);

/*
 * The byte pipe under TLS. send() and recv() return bytes moved (> 0),
 * recv() 0 on orderly end of stream, JT_ERR_WANT_WRITE / JT_ERR_WANT_READ
 * when they would block, or another negative jt_err on failure.
 */
struct jt_pipe_ops {
    int (*send)(void *ud, const uint8_t *buf, size_t len);
    int (*recv)(void *ud, uint8_t *buf, size_t len);
};

/* A pipe over a connected socket: ud is a struct jt_fd_pipe. */
struct jt_fd_pipe {
    int fd;
    int err; /* errno of the last JT_ERR_NET_PIPE_IO */
};

/*
 * jt_fd_pipe_ops() - the pipe ops over a socket (|ud| = struct jt_fd_pipe).
 * send/recv fail with JT_ERR_NET_PIPE_IO, errno in the jt_fd_pipe.
 */
JT_API const struct jt_pipe_ops *jt_fd_pipe_ops(void);

#ifdef __cplusplus
}
#endif

#endif /* JITTRUST_SOCK_H */
