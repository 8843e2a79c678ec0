// SPDX-License-Identifier: MIT
/* tests: the HTTP peers of the jitfetch and jt_http tests (jf-servers.h). */
#define _GNU_SOURCE
#include "jf-servers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "jittrust/error.h"
#include "jittrust/sock.h"
#include "jittrust/tls.h"
#include "testutil.h"

#ifndef JT_NGINX
#define JT_NGINX "/usr/sbin/nginx"
#endif

static int
write_file(const char *path, const void *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    int ok;

    if (f == NULL)
        return -1;
    ok = fwrite(buf, 1, len, f) == len;
    return fclose(f) == 0 && ok ? 0 : -1;
}

/* The locations every server has, plus the redirects of www/http. */
static int
locations(char *b, size_t cap, const struct jf_nginx *n)
{
    return snprintf(
        b, cap,
        "    root %s;\n"
        "    location = /chunked { default_type text/plain;\n"
        "      sub_filter 'zzz' 'y'; sub_filter_types *;\n"
        "      alias %s/hello.txt; }\n"
        "    location = /echo { return 200 \"echo\\n\"; }\n"
        "    location = /close { keepalive_timeout 0;\n"
        "      alias %s/hello.txt; }\n"
        "    location = /to-rsa { return 302 https://rsa.jt.test:%d/echo; }\n"
        "    location = /to-p384 {\n"
        "      return 302 https://p384.jt.test:%d/hello.txt; }\n"
        "    location = /to-same { return 301 /hello.txt; }\n"
        "    location = /downgrade {\n"
        "      return 302 http://www.jt.test:%d/hello.txt; }\n"
        "    location = /to-https {\n"
        "      return 302 https://www.jt.test:%d/hello.txt; }\n"
        "    location = /loop { return 302 /loop; }\n"
        "    location = /r3 { return 302 /r2; }\n"
        "    location = /r2 { return 302 /r1; }\n"
        "    location = /r1 { return 302 /hello.txt; }\n"
        "    location = /see-other { return 303 /echo; }\n"
        "    location = /temp { return 307 https://rsa.jt.test:%d/echo; }\n",
        n->root, n->root, n->root, n->rsa, n->p384, n->http, n->www, n->rsa);
}

static int
tls_server(char *b, size_t cap, int port, const char *leaf, const char *locs)
{
    char chain[512], key[512], name[64];

    snprintf(name, sizeof(name), "%s.chain.pem", leaf);
    th_pki_path(chain, sizeof(chain), name);
    snprintf(name, sizeof(name), "%s.key", leaf);
    th_pki_path(key, sizeof(key), name);
    return snprintf(b, cap,
                    "  server {\n    listen 127.0.0.1:%d ssl;\n"
                    "    ssl_certificate %s;\n    ssl_certificate_key %s;\n"
                    "%s  }\n",
                    port, chain, key, locs);
}

static int
write_conf(struct jf_nginx *n, const char *path)
{
    static char conf[16384], locs[4096], s[4][6000];
    int len;

    locations(locs, sizeof(locs), n);
    tls_server(s[0], sizeof(s[0]), n->www, "leaf-www", locs);
    tls_server(s[1], sizeof(s[1]), n->rsa, "leaf-rsa", locs);
    tls_server(s[2], sizeof(s[2]), n->p384, "leaf-p384", locs);
    snprintf(s[3], sizeof(s[3]),
             "  server {\n    listen 127.0.0.1:%d;\n%s  }\n", n->http, locs);
    len = snprintf(conf, sizeof(conf),
                   "worker_processes 1;\npid %s/nginx.pid;\n"
                   "error_log %s/error.log info;\n"
                   "events { worker_connections 64; }\n"
                   "http {\n"
                   "  log_format jt '$server_port $connection "
                   "$connection_requests \"$request\" $status "
                   "a=\"$http_authorization\" c=\"$http_cookie\" "
                   "k=\"$http_x_api_key\" len=$request_length';\n"
                   "  access_log %s jt;\n  keepalive_requests 1000;\n"
                   "  client_body_temp_path %s/body;\n"
                   "%s%s%s%s}\n",
                   n->peer.dir, n->peer.dir, n->access, n->peer.dir, s[0], s[1],
                   s[2], s[3]);
    if (len <= 0 || (size_t)len >= sizeof(conf))
        return -1;
    return write_file(path, conf, (size_t)len);
}

static int
make_root(struct jf_nginx *n)
{
    static const char hello[] = "hello jit\n";
    char path[400];
    char *big = malloc(JF_BIG_LEN);
    int rc;

    if (big == NULL)
        return -1;
    snprintf(n->root, sizeof(n->root), "%s/www", n->peer.dir);
    chmod(n->peer.dir, 0755);
    if (mkdir(n->root, 0755) != 0) {
        free(big);
        return -1;
    }
    for (size_t i = 0; i < JF_BIG_LEN; i++)
        big[i] = (char)('a' + (i * 7 + i / 997) % 26);
    snprintf(path, sizeof(path), "%s/hello.txt", n->root);
    rc = write_file(path, hello, sizeof(hello) - 1);
    snprintf(path, sizeof(path), "%s/big.bin", n->root);
    if (rc == 0)
        rc = write_file(path, big, JF_BIG_LEN);
    free(big);
    return rc;
}

/* Pick four distinct free ports. */
static int
pick_ports(struct jf_nginx *n)
{
    n->www = th_free_port();
    n->rsa = th_free_port();
    n->p384 = th_free_port();
    n->http = th_free_port();
    return n->www > 0 && n->rsa > 0 && n->p384 > 0 && n->http > 0 &&
           n->www != n->rsa && n->www != n->p384 && n->www != n->http &&
           n->rsa != n->p384 && n->rsa != n->http && n->p384 != n->http;
}

int
jf_nginx_start(struct jf_nginx *n)
{
    char conf[400], elog[400];
    const char *argv[10] = {JT_NGINX, "-p", NULL, "-c",          conf,
                            "-e",     elog, "-g", "daemon off;", NULL};

    /* a failed start removes the peer's dir: each attempt starts over */
    for (int attempt = 0; attempt < 5; attempt++) {
        memset(n, 0, sizeof(*n));
        if (th_peer_mkdir(&n->peer) != 0 || make_root(n) != 0)
            return -1;
        argv[2] = n->peer.dir;
        snprintf(conf, sizeof(conf), "%s/nginx.conf", n->peer.dir);
        snprintf(elog, sizeof(elog), "%s/error.log", n->peer.dir);
        snprintf(n->access, sizeof(n->access), "%s/access.log", n->peer.dir);
        if (!pick_ports(n) || write_conf(n, conf) != 0) {
            th_peer_stop(&n->peer);
            continue;
        }
        n->peer.port = n->http; /* the last one nginx binds */
        if (th_peer_start(&n->peer, argv, 10000) == 0 &&
            th_can_connect(n->www) && th_can_connect(n->rsa) &&
            th_can_connect(n->p384))
            return 0;
        th_peer_stop(&n->peer);
    }
    return -1;
}

void
jf_nginx_stop(struct jf_nginx *n)
{
    th_peer_stop(&n->peer);
}

int
jf_access_count(const struct jf_nginx *n, const char *const *needles)
{
    char line[2048];
    FILE *f = fopen(n->access, "r");
    int count = 0;

    if (f == NULL)
        return -1;
    while (fgets(line, sizeof(line), f) != NULL) {
        int all = 1;

        for (size_t i = 0; needles[i] != NULL && all; i++)
            all = strstr(line, needles[i]) != NULL;
        count += all;
    }
    fclose(f);
    return count;
}

/* nginx logs a request after it sent the response: a client can be
 * faster than the log line. */
static void
nap(void)
{
    struct timespec ts = {0, 10 * 1000 * 1000};

    nanosleep(&ts, NULL);
}

int
jf_access_wait(const struct jf_nginx *n, const char *const *needles, int want)
{
    int got = -1;

    for (int i = 0; i < 300; i++) {
        if (want == 0 && i < 5) {
            nap(); /* nothing to wait for: give a stray line a moment */
            continue;
        }
        got = jf_access_count(n, needles);
        if (got == want || (want == 0 && i >= 5))
            break;
        nap();
    }
    return got;
}

int
jf_access_conns_wait(const struct jf_nginx *n, int port, int want)
{
    int got = -1;

    for (int i = 0; i < 300 && got != want; i++) {
        if (i > 0)
            nap();
        got = jf_access_conns(n, port);
    }
    return got;
}

int
jf_access_conns(const struct jf_nginx *n, int port)
{
    char line[2048];
    long seen[256];
    int count = 0;
    FILE *f = fopen(n->access, "r");

    if (f == NULL)
        return -1;
    while (fgets(line, sizeof(line), f) != NULL) {
        int p = 0, dup = 0;
        long c = 0;

        if (sscanf(line, "%d %ld", &p, &c) != 2 || p != port)
            continue;
        for (int i = 0; i < count; i++)
            dup |= seen[i] == c;
        if (!dup && count < 256)
            seen[count++] = c;
    }
    fclose(f);
    return count;
}

/* ---- the canned server ---- */

struct chan {
    struct jt_fd_pipe pipe;
    struct jt_tls *tls;
};

static int
chan_read(struct chan *c, uint8_t *buf, size_t len)
{
    if (c->tls != NULL)
        return jt_tls_read(c->tls, buf, len);
    return jt_fd_pipe_ops()->recv(&c->pipe, buf, len);
}

static int
chan_write_all(struct chan *c, const char *s)
{
    size_t len = strlen(s), off = 0;

    while (off < len) {
        int rc = c->tls != NULL
                     ? jt_tls_write(c->tls, (const uint8_t *)s + off, len - off)
                     : jt_fd_pipe_ops()->send(
                           &c->pipe, (const uint8_t *)s + off, len - off);

        if (rc <= 0)
            return -1;
        off += (size_t)rc;
    }
    return 0;
}

/* Read one request head (up to the empty line). 0, or -1 at EOF. */
static int
read_head(struct chan *c)
{
    char buf[8192];
    size_t used = 0;

    while (used < sizeof(buf) - 1) {
        int rc = chan_read(c, (uint8_t *)buf + used, sizeof(buf) - 1 - used);

        if (rc <= 0)
            return -1;
        used += (size_t)rc;
        buf[used] = 0;
        if (strstr(buf, "\r\n\r\n") != NULL)
            return 0;
    }
    return -1;
}

/* Half-close, then wait for the client to go: a close with unread bytes
 * would send a reset instead of the FIN the test wants. What arrives is
 * kept in s->rx. */
static void
linger_close(struct jf_canned *s, int fd)
{
    struct timeval tv = {2, 0};
    char b[512];
    ssize_t n;

    shutdown(fd, SHUT_WR);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    while ((n = recv(fd, b, sizeof(b), 0)) > 0) {
        size_t k = (size_t)n;

        if (k > sizeof(s->rx) - s->rx_len)
            k = sizeof(s->rx) - s->rx_len;
        memcpy(s->rx + s->rx_len, b, k);
        s->rx_len += k;
    }
    close(fd);
}

static void
serve_one(struct jf_canned *s, struct jt_tls_config *cfg, int fd, int i)
{
    struct chan c = {{fd, 0}, NULL};
    int rc = 0;

    if (cfg != NULL) {
        rc = jt_tls_create(cfg, NULL, jt_fd_pipe_ops(), &c.pipe, &c.tls);
        while (rc == 0 && (rc = jt_tls_handshake(c.tls)) != 0 &&
               (rc == JT_ERR_WANT_READ || rc == JT_ERR_WANT_WRITE))
            rc = 0;
    }
    if (rc == 0 && read_head(&c) == 0) {
        s->requests++;
        if (s->reply[i] != NULL && chan_write_all(&c, s->reply[i]) == 0 &&
            s->stale[i] && read_head(&c) == 0)
            s->requests++;
        else if (s->delay_ms[i] > 0)
            usleep((useconds_t)s->delay_ms[i] * 1000u);
        if (s->reply[i] != NULL && !s->stale[i] && s->notify[i] &&
            c.tls != NULL)
            (void)jt_tls_close(c.tls);
    }
    jt_tls_destroy(c.tls);
    linger_close(s, fd);
}

static void *
canned_main(void *arg)
{
    struct jf_canned *s = arg;
    struct jt_tls_config_opts co = {0};
    struct jt_tls_config *cfg = NULL;
    size_t clen = 0, klen = 0;
    uint8_t *cert = s->tls ? th_read_file(s->chain, &clen) : NULL;
    uint8_t *key = s->tls ? th_read_file(s->key, &klen) : NULL;

    co.role = JT_TLS_SERVER;
    co.cert = cert;
    co.cert_len = clen + 1; /* PEM: th_read_file NUL-terminates */
    co.key = key;
    co.key_len = klen + 1;
    if (!s->tls || jt_tls_config_create(&co, &cfg) == 0) {
        for (int i = 0; i < s->max_conns && i < JF_CANNED_MAX; i++) {
            int fd = accept(s->ls, NULL, NULL);

            if (fd < 0)
                break;
            s->accepted++;
            serve_one(s, cfg, fd, i);
        }
    }
    jt_tls_config_destroy(cfg);
    free(cert);
    free(key);
    return NULL;
}

int
jf_canned_start(struct jf_canned *s)
{
    struct sockaddr_in sa = {0};
    socklen_t sl = sizeof(sa);

    s->accepted = s->requests = 0;
    s->rx_len = 0;
    s->ls = socket(AF_INET, SOCK_STREAM, 0);
    if (s->ls < 0)
        return -1;
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s->ls, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
        listen(s->ls, 8) != 0 ||
        getsockname(s->ls, (struct sockaddr *)&sa, &sl) != 0 ||
        pthread_create(&s->th, NULL, canned_main, s) != 0) {
        close(s->ls);
        return -1;
    }
    s->port = ntohs(sa.sin_port);
    return 0;
}

void
jf_canned_stop(struct jf_canned *s)
{
    shutdown(s->ls, SHUT_RDWR); /* wakes a blocked accept() */
    pthread_join(s->th, NULL);
    close(s->ls);
}
