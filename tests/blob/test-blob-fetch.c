// SPDX-License-Identifier: MIT
/*
 * integration: `jt-blob fetch` against a real nginx on 127.0.0.1 over TLS
 * (test PKI leaf-ip, whose SAN is IP 127.0.0.1, verified with --cacert).
 * nginx runs with its own prefix, config and pid file in a temp dir and is
 * stopped by PID. It throttles requests without a Range header, so a
 * first fetch cut by --max-time leaves OUT.part and no OUT; the same
 * command then resumes (nginx's access log shows the 206) and the result
 * equals the served file. Also: the size cap, a wrong CA, a 404, and
 * quiet output when stderr is not a terminal.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"
#include "testutil.h"

#define BODY_LEN ((size_t)1024 * 1024)

static struct th_peer peer;
static char url[256], out[512], roots[512];

static void
write_text(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static int
start_nginx(void **state)
{
    char conf[4096], path[600], chain[512], key[512], www[400];
    char *body = malloc(BODY_LEN);
    const char *argv[10];
    int n;

    (void)state;
    assert_non_null(body);
    assert_int_equal(th_peer_mkdir(&peer), 0);
    chmod(peer.dir, 0755);
    snprintf(www, sizeof(www), "%s/www", peer.dir);
    assert_int_equal(mkdir(www, 0755), 0);
    for (size_t i = 0; i < BODY_LEN; i++)
        body[i] = (char)('A' + (i * 7 + i / 1000) % 26);
    snprintf(path, sizeof(path), "%s/bundle.pem", www);
    write_text(path, body, BODY_LEN);
    free(body);
    th_pki_path(chain, sizeof(chain), "leaf-ip.chain.pem");
    th_pki_path(key, sizeof(key), "leaf-ip.key");
    th_pki_path(roots, sizeof(roots), "roots-trusted.pem");
    peer.port = th_free_port();
    assert_true(peer.port > 0);
    n = snprintf(conf, sizeof(conf),
                 "worker_processes 1;\n"
                 "pid %s/nginx.pid;\n"
                 "error_log %s/error.log info;\n"
                 "events { worker_connections 64; }\n"
                 "http {\n"
                 "  access_log %s/access.log;\n"
                 "  server {\n"
                 "    listen 127.0.0.1:%d ssl;\n"
                 "    ssl_certificate %s;\n"
                 "    ssl_certificate_key %s;\n"
                 "    root %s;\n"
                 "    location / {\n"
                 "      if ($http_range = \"\") { set $limit_rate 64k; }\n"
                 "    }\n"
                 "  }\n"
                 "}\n",
                 peer.dir, peer.dir, peer.dir, peer.port, chain, key, www);
    assert_true(n > 0 && (size_t)n < sizeof(conf));
    snprintf(path, sizeof(path), "%s/nginx.conf", peer.dir);
    write_text(path, conf, (size_t)n);
    snprintf(www, sizeof(www), "%s/error.log", peer.dir);
    argv[0] = JT_NGINX;
    argv[1] = "-p";
    argv[2] = peer.dir;
    argv[3] = "-c";
    argv[4] = path;
    argv[5] = "-e";
    argv[6] = www;
    argv[7] = "-g";
    argv[8] = "daemon off;";
    argv[9] = NULL;
    assert_int_equal(th_peer_start(&peer, argv, 10000), 0);
    snprintf(url, sizeof(url), "https://127.0.0.1:%d/bundle.pem", peer.port);
    snprintf(out, sizeof(out), "%s/fetched.pem", peer.dir);
    return 0;
}

static int
stop_nginx(void **state)
{
    (void)state;
    th_peer_stop(&peer);
    return 0;
}

/* Run jt-blob fetch ARGS with stdout+stderr to |log|; exit status. */
static int
fetch(const char *args, const char *log)
{
    char cmd[4096];
    int st;

    assert_true((size_t)snprintf(cmd, sizeof(cmd),
                                 "'%s' fetch %s >'%s' 2>&1 </dev/null",
                                 JT_BLOB_EXE, args, log) < sizeof(cmd));
    st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static long
file_size(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void
interrupted_then_resumed(void **state)
{
    char args[1500], part[600], log[600], served[600], alog[600];
    uint8_t *a, *b;
    size_t al, bl;

    (void)state;
    snprintf(part, sizeof(part), "%s.part", out);
    snprintf(log, sizeof(log), "%s/fetch.log", peer.dir);
    /* Throttled to 64 KB/s, cut after 2 s: a partial download. */
    snprintf(args, sizeof(args), "--cacert '%s' --max-time 2 -o '%s' '%s'",
             roots, out, url);
    assert_int_not_equal(fetch(args, log), 0);
    assert_int_equal(file_size(out), -1);
    assert_true(file_size(part) > 0);
    assert_true(file_size(part) < (long)BODY_LEN);
    /* The same command again resumes with a Range request. */
    snprintf(args, sizeof(args), "--cacert '%s' -o '%s' '%s'", roots, out, url);
    assert_int_equal(fetch(args, log), 0);
    assert_int_equal(file_size(log), 0); /* quiet: not a terminal */
    assert_int_equal(file_size(part), -1);
    snprintf(served, sizeof(served), "%s/www/bundle.pem", peer.dir);
    a = th_read_file(served, &al);
    b = th_read_file(out, &bl);
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(al, bl);
    assert_memory_equal(a, b, al);
    free(a);
    free(b);
    snprintf(alog, sizeof(alog), "%s/access.log", peer.dir);
    a = th_read_file(alog, &al);
    assert_non_null(a);
    assert_non_null(strstr((char *)a, "\" 206 "));
    free(a);
    unlink(out);
}

static void
refusals(void **state)
{
    char args[1500], log[600], part[600], bad[512];

    (void)state;
    snprintf(log, sizeof(log), "%s/fetch.log", peer.dir);
    snprintf(part, sizeof(part), "%s.part", out);
    /* Over the size cap. */
    snprintf(args, sizeof(args), "--cacert '%s' --max-size 1000 -o '%s' '%s'",
             roots, out, url);
    assert_int_equal(fetch(args, log), 2);
    assert_int_equal(file_size(out), -1);
    assert_int_equal(file_size(part), -1);
    /* A CA file that does not hold the server's root. */
    th_pki_path(bad, sizeof(bad), "root-untrusted.pem");
    snprintf(args, sizeof(args), "--cacert '%s' -o '%s' '%s'", bad, out, url);
    assert_int_equal(fetch(args, log), 2);
    assert_int_equal(file_size(out), -1);
    assert_int_equal(file_size(part), -1);
    /* Not found. */
    snprintf(args, sizeof(args),
             "--cacert '%s' -o '%s' 'https://127.0.0.1:%d/none'", roots, out,
             peer.port);
    assert_int_equal(fetch(args, log), 2);
    assert_int_equal(file_size(out), -1);
    assert_int_equal(file_size(part), -1);
    /* Not http(s). */
    snprintf(args, sizeof(args), "-o '%s' 'file:///etc/passwd'", out);
    assert_int_equal(fetch(args, log), 2);
    assert_int_equal(file_size(out), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(interrupted_then_resumed),
        cmocka_unit_test(refusals),
    };
    return cmocka_run_group_tests(tests, start_nginx, stop_nginx);
}
