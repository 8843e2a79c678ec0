// SPDX-License-Identifier: MIT
/* tests: JIT integration helpers (see jit-test-util.h). */
#define _GNU_SOURCE
#include "jit-test-util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <unistd.h>

#include "jittrust/error.h"
#include "jittrust/loop.h"
#include "jittrust/tls.h"
#include "testutil.h"

const char *
tj_write_chain(const char *dir, const char *const *names, char *path,
               size_t cap)
{
    FILE *f;

    snprintf(path, cap, "%s/chain.pem", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    for (size_t i = 0; names[i] != NULL; i++) {
        char p[512], name[128];
        size_t len;
        uint8_t *pem;

        snprintf(name, sizeof(name), "%s.pem", names[i]);
        th_pki_path(p, sizeof(p), name);
        pem = th_read_file(p, &len);
        assert_non_null(pem);
        assert_int_equal(fwrite(pem, 1, len, f), len);
        free(pem);
    }
    assert_int_equal(fclose(f), 0);
    return path;
}

void
tj_serve(struct th_peer *p, const char *dir, const char *leaf,
         const char *const *chain, const char *const *extra)
{
    char cert[512], key[512], path[600], name[128];
    const char *args[24] = {"-cert", cert, "-key", key, "-www", "-msg"};
    size_t n = 6;

    snprintf(name, sizeof(name), "%s.pem", leaf);
    th_pki_path(cert, sizeof(cert), name);
    snprintf(name, sizeof(name), "%s.key", leaf);
    th_pki_path(key, sizeof(key), name);
    if (chain != NULL && chain[0] != NULL) {
        args[n++] = "-cert_chain";
        args[n++] = tj_write_chain(dir, chain, path, sizeof(path));
    }
    for (size_t i = 0; extra != NULL && extra[i] != NULL; i++) {
        assert_true(n + 1 < sizeof(args) / sizeof(args[0]));
        args[n++] = extra[i];
    }
    args[n] = NULL;
    assert_int_equal(th_s_server_start(p, args), 0);
}

void
tj_on_done(struct jt_jit *j, int err, void *ud)
{
    struct tj_done *d = ud;

    (void)j;
    d->calls++;
    d->err = err;
}

int
tj_verify(struct th_client *c, struct jt_jit *j)
{
    struct tj_done d = {0, 0};
    int rc = jt_jit_verify(j, tj_on_done, &d);

    if (rc != JT_ERR_JIT_PENDING) {
        assert_int_equal(d.calls, 0);
        return rc;
    }
    for (int i = 0; i < 100 && d.calls == 0; i++)
        assert_int_equal(jt_loop_run_once(c->loop, 100), 0);
    assert_int_equal(d.calls, 1);
    assert_int_equal(jt_jit_result(j), d.err);
    return d.err;
}

void
tj_get_page(struct th_client *c)
{
    static const char get[] = "GET / HTTP/1.0\r\n\r\n";
    uint8_t buf[4096];
    int rc, got = 0;

    do
        rc = jt_tls_write(c->tls, (const uint8_t *)get, sizeof(get) - 1);
    while (th_client_wait_io(c, rc));
    assert_int_equal(rc, (int)sizeof(get) - 1);
    for (int i = 0; i < 500 && got < 16; i++) {
        rc = jt_tls_read(c->tls, buf + got, sizeof(buf) - 1 - (size_t)got);
        if (rc > 0)
            got += rc;
        else if (!th_client_wait_io(c, rc))
            break;
    }
    buf[got] = 0;
    assert_non_null(strstr((char *)buf, "HTTP/1.0 200 ok"));
}

void
tj_check_no_appdata(const struct th_peer *p, struct th_client *c)
{
    uint8_t b[16];

    assert_true(jt_tls_write(c->tls, (const uint8_t *)"GET", 3) < 0);
    assert_true(jt_tls_read(c->tls, b, sizeof(b)) < 0);
    usleep(100000); /* anything written would have reached the log */
    assert_int_equal(th_peer_log_count(p, TH_APPDATA), 0);
}

void
tj_check_refused(const struct th_peer *p, struct th_client *c)
{
    for (int i = 0; i < 40 && th_peer_log_count(p, "Alert") == 0; i++)
        usleep(50000);
    assert_true(th_peer_log_count(p, "Alert") >= 1);
    tj_check_no_appdata(p, c);
}

int
tj_dir_setup(char *dir, const char *name)
{
    snprintf(dir, 64, "/tmp/jt-%s-XXXXXX", name);
    return mkdtemp(dir) == NULL ? -1 : 0;
}

int
tj_dir_teardown(const char *dir)
{
    char path[128];

    snprintf(path, sizeof(path), "%s/chain.pem", dir);
    unlink(path);
    return rmdir(dir);
}
