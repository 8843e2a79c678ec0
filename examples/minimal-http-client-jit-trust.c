// SPDX-License-Identifier: MIT
/*
 * minimal-http-client-jit-trust: the smallest program on libjittrust's
 * public API. It trusts nothing up front, connects to HOST over TLS,
 * finds the one CA the server's chain needs (JIT trust), verifies, sends
 * a plain HTTP/1.1 GET and prints the response.
 *
 *   minimal-http-client-jit-trust HOST [PORT] [--resolve ADDR] [--trust F]
 *
 * Trust comes from the built-in Mozilla roots (when the library was built
 * with them) and/or --trust F (a PEM file or a directory of CAs).
 * --resolve ADDR connects to ADDR instead of asking the system resolver
 * (like curl --resolve HOST:PORT:ADDR). Exit status 0 on a response.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jittrust/blob-verify.h"
#include "jittrust/conn.h"
#include "jittrust/error.h"
#include "jittrust/jit.h"
#include "jittrust/loop.h"
#include "jittrust/resolve.h"
#include "jittrust/source.h"
#include "jittrust/tls.h"

/* Set by the connection callback. */
static int done, result;

static void
on_connected(struct jt_conn *c, int err, void *ud)
{
    (void)c;
    (void)ud;
    done = 1;
    result = err;
}

/* Print each step JIT trust takes. */
static void
on_trace(const struct jt_trace_event *ev, void *ud)
{
    char line[512];

    (void)ud;
    if (jt_trace_format(ev, JT_TRACE_TEXT, line, sizeof(line)) > 0)
        fprintf(stderr, "* %s\n", line);
}

/* Wait until the socket is ready for |rc| (a JT_ERR_WANT_*). */
static int
wait_for(struct jt_conn *c, int rc)
{
    struct pollfd p = {jt_conn_fd(c),
                       rc == JT_ERR_WANT_WRITE ? POLLOUT : POLLIN, 0};

    return poll(&p, 1, 10000) == 1;
}

/* Send the whole request, then print the response until the server
 * closes. Returns 0 or a JT_ERR_* code. */
static int
http_get(struct jt_conn *c, const char *host)
{
    char req[512];
    uint8_t buf[4096];
    int n = snprintf(req, sizeof(req),
                     "GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n",
                     host);

    for (int off = 0; off < n;) {
        int rc =
            jt_conn_write(c, (const uint8_t *)req + off, (size_t)(n - off));

        if (rc >= 0)
            off += rc;
        else if ((rc != JT_ERR_WANT_READ && rc != JT_ERR_WANT_WRITE) ||
                 !wait_for(c, rc))
            return rc;
    }
    for (;;) {
        int rc = jt_conn_read(c, buf, sizeof(buf));

        if (rc > 0)
            fwrite(buf, 1, (size_t)rc, stdout);
        else if (rc == JT_ERR_TLS_CLOSED)
            return 0; /* the server's close_notify: a clean end */
        else if ((rc != JT_ERR_WANT_READ && rc != JT_ERR_WANT_WRITE) ||
                 !wait_for(c, rc))
            return rc;
    }
}

/* A port number 1..65535, else 0. */
static int
port_of(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);

    return *end == 0 && v > 0 && v <= 65535 ? (int)v : 0;
}

int
main(int argc, char **argv)
{
    const char *host = NULL, *addr = NULL, *trust = NULL;
    struct jt_tls_config_opts tls_opts = {.role = JT_TLS_CLIENT};
    struct jt_resolver_opts res_opts = {0};
    struct jt_jit_ctx_opts jit_opts = {0};
    struct jt_conn_opts conn_opts = {0};
    struct jt_blob builtin;
    struct jt_source src;
    struct jt_loop *loop;
    struct jt_hostmap *map;
    struct jt_resolver *res;
    struct jt_tls_config *tls;
    struct jt_jit_ctx *jit;
    struct jt_conn *conn;
    const uint8_t *blob;
    size_t blob_len;
    int port = 443, rc;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--resolve") == 0 && i + 1 < argc)
            addr = argv[++i];
        else if (strcmp(argv[i], "--trust") == 0 && i + 1 < argc)
            trust = argv[++i];
        else if (host == NULL && argv[i][0] != '-')
            host = argv[i];
        else if (argv[i][0] != '-' && port_of(argv[i]) > 0)
            port = port_of(argv[i]);
        else
            host = NULL, i = argc;
    }
    if (host == NULL) {
        fprintf(stderr,
                "usage: %s HOST [PORT] [--resolve ADDR] [--trust "
                "PEM-FILE-OR-DIR]\n",
                argv[0]);
        return 2;
    }

    /* 1. A loop, a resolver (with a static map for --resolve) and a TLS
     *    client config: nothing trusted yet. */
    if (jt_loop_create(NULL, &loop) != 0 ||
        jt_hostmap_create(NULL, 0, &map) != 0)
        return 1;
    if (addr != NULL) {
        char spec[600];

        snprintf(spec, sizeof(spec), "%s:%d:%s", host, port, addr);
        if ((rc = jt_hostmap_add(map, spec)) != 0) {
            fprintf(stderr, "--resolve: %s\n", jt_strerror(rc));
            return 2;
        }
    }
    res_opts.map = map;
    res_opts.system = addr == NULL; /* no ADDR: ask the system */
    if (jt_resolver_create(loop, &res_opts, &res) != 0 ||
        jt_tls_config_create(&tls_opts, &tls) != 0)
        return 1;

    /* 2. A JIT context and its trust sources, asked in this order. */
    jit_opts.loop = loop;
    if (getenv("JT_TRACE") != NULL)
        jit_opts.trace = on_trace;
    if (jt_jit_ctx_create(&jit_opts, &jit) != 0)
        return 1;
    if (jt_builtin_blob(&blob, &blob_len) == 0 &&
        jt_blob_open(&builtin, blob, blob_len, NULL) == 0 &&
        jt_source_blob(&builtin, &src) == 0)
        jt_jit_ctx_add_source(jit, &src);
    if (trust != NULL) {
        if ((rc = jt_source_certs_create(trust, NULL, &src)) != 0) {
            fprintf(stderr, "--trust %s: %s\n", trust, jt_strerror(rc));
            return 2;
        }
        jt_jit_ctx_add_source(jit, &src);
    }

    /* 3. Connect: resolve, TCP, TLS, then JIT verification. */
    conn_opts.loop = loop;
    conn_opts.resolver = res;
    conn_opts.tls = tls;
    conn_opts.jit = jit;
    conn_opts.host = host;
    conn_opts.port = (uint16_t)port;
    conn_opts.cb = on_connected;
    conn_opts.trace = jit_opts.trace;
    if ((rc = jt_conn_start(&conn_opts, &conn)) != 0) {
        fprintf(stderr, "%s: %s\n", host, jt_strerror(rc));
        return 2;
    }
    while (!done)
        jt_loop_run_once(loop, 1000);

    /* 4. Verified: talk HTTP. Refused: say exactly why. */
    if (result == 0) {
        fprintf(stderr, "* %s\n", jt_conn_message(conn));
        result = http_get(conn, jt_conn_host(conn)->name);
        if (result != 0)
            fprintf(stderr, "read/write: %s\n", jt_strerror(result));
    } else {
        fprintf(stderr, "%s\n", jt_conn_message(conn));
    }

    jt_conn_destroy(conn);
    jt_jit_ctx_destroy(jit);
    jt_tls_config_destroy(tls);
    jt_resolver_destroy(res);
    jt_hostmap_destroy(map);
    jt_loop_destroy(loop);
    return result == 0 ? 0 : 1;
}
