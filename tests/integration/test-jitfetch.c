// SPDX-License-Identifier: MIT
/*
 * integration: the jitfetch binary against real peers on 127.0.0.1: an
 * nginx with hosts under three test roots, openssl s_server -WWW, and
 * canned TLS servers in this process for cut bodies. Every name is mapped
 * with --resolve; the system resolver is never asked. Checked at the
 * servers (access log, ClientHello count) where a client could lie:
 * credentials dropped on a cross-origin hop, one connection reused,
 * nothing sent after a refused redirect or an untrusted chain.
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

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "harness.h"
#include "jf-json.h"
#include "jf-servers.h"
#include "testutil.h"

static struct jf_nginx ng;
static char roots[512], outdir[400], out_path[500], err_path[500];
static char resolves[1024], trust_all[1200];
static char *out_text, *err_text;
static size_t out_len;

/* ---- running jitfetch ---- */

/* Run jitfetch with |extra| before the formatted args, stdout to |out|.
 * The outputs are read into out_text / err_text. Returns the exit code. */
static int
vrun(const char *out, const char *extra, const char *fmt, va_list ap)
{
    char args[4096], cmd[8192];
    size_t len;
    int st;

    vsnprintf(args, sizeof(args), fmt, ap);
    assert_true((size_t)snprintf(cmd, sizeof(cmd),
                                 "cd '%s' && '%s' %s %s %s >'%s' 2>'%s' "
                                 "</dev/null",
                                 outdir, JT_JITFETCH, resolves, extra, args,
                                 out, err_path) < sizeof(cmd));
    st = system(cmd);
    free(out_text);
    free(err_text);
    out_len = 0;
    out_text =
        out == out_path ? (char *)th_read_file(out_path, &out_len) : NULL;
    if (out_text == NULL)
        out_text = calloc(1, 1);
    assert_non_null(out_text);
    err_text = (char *)th_read_file(err_path, &len);
    assert_non_null(err_text);
    print_message("# jitfetch %s %s -> %d\n", extra, args,
                  WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* jitfetch with every test root trusted and nothing else. */
#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static int
run(const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = vrun(out_path, trust_all, fmt, ap);
    va_end(ap);
    return rc;
}

/* run(), stdout to |out| (not read back). */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static int
run_out(const char *out, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = vrun(out, trust_all, fmt, ap);
    va_end(ap);
    return rc;
}

/* jitfetch with the given trust options (or none). */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static int
run_trust(const char *trust, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = vrun(out_path, trust, fmt, ap);
    va_end(ap);
    return rc;
}

/* Lines of err_text containing |a| and |b| (NULL: any). */
static int
err_lines(const char *a, const char *b)
{
    int n = 0;

    for (const char *l = err_text; *l != 0;) {
        const char *e = strchr(l, '\n');
        size_t len = e != NULL ? (size_t)(e - l) : strlen(l);
        char *line = strndup(l, len);

        n += strstr(line, a) != NULL && (b == NULL || strstr(line, b));
        free(line);
        l += len + (e != NULL);
    }
    return n;
}

/* Access log lines with |a|, |b| and |c| (NULL: any), once there are
 * |want| of them or 3 s passed. */
static int
logged(int want, const char *a, const char *b, const char *c)
{
    const char *n[] = {a, b, c, NULL};

    return jf_access_wait(&ng, n, want);
}

static char *
port_str(int port)
{
    static char buf[4][16];
    static int k;

    k = (k + 1) % 4;
    snprintf(buf[k], sizeof(buf[k]), "%d ", port);
    return buf[k];
}

/* ---- setup ---- */

static int
setup(void **state)
{
    (void)state;
    assert_int_equal(jf_nginx_start(&ng), 0);
    th_pki_path(roots, sizeof(roots), "roots-trusted.pem");
    snprintf(outdir, sizeof(outdir), "%s/out", ng.peer.dir);
    assert_int_equal(mkdir(outdir, 0755), 0);
    snprintf(out_path, sizeof(out_path), "%s/stdout", outdir);
    snprintf(err_path, sizeof(err_path), "%s/stderr", outdir);
    snprintf(resolves, sizeof(resolves),
             "--resolve www.jt.test:%d:127.0.0.1 "
             "--resolve rsa.jt.test:%d:127.0.0.1 "
             "--resolve p384.jt.test:%d:127.0.0.1 "
             "--resolve www.jt.test:%d:127.0.0.1",
             ng.www, ng.rsa, ng.p384, ng.http);
    snprintf(trust_all, sizeof(trust_all),
             "--no-builtin-trust --trust-dir '%s'", roots);
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    jf_nginx_stop(&ng);
    free(out_text);
    free(err_text);
    return 0;
}

/* ---- the tests ---- */

/* openssl s_server -WWW: a TLS fetch, twice in one run: one ClientHello
 * each (s_server closes after each response: a close-delimited body that
 * ends with close_notify is complete), the second one warm. */
static void
s_server_fetch(void **state)
{
    char cert[512], key[512], chain[512], cwd[1024];
    const char *args[] = {"-cert", cert,   "-key", key, "-cert_chain",
                          chain,   "-WWW", "-msg", NULL};
    struct th_peer p = {0};

    (void)state;
    th_pki_path(cert, sizeof(cert), "leaf-www.pem");
    th_pki_path(key, sizeof(key), "leaf-www.key");
    th_pki_path(chain, sizeof(chain), "inter-p256.pem");
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(chdir(ng.root), 0); /* s_server -WWW serves its cwd */
    assert_int_equal(th_s_server_start(&p, args), 0);
    assert_int_equal(chdir(cwd), 0);
    assert_int_equal(run("--json --resolve www.jt.test:%d:127.0.0.1 "
                         "https://www.jt.test:%d/hello.txt "
                         "https://www.jt.test:%d/hello.txt",
                         p.port, p.port, p.port),
                     0);
    assert_string_equal(out_text, "hello jit\nhello jit\n");
    assert_int_equal(th_peer_log_count(&p, "ClientHello"), 2);
    assert_int_equal(err_lines("\"ev\":\"handshake\"", NULL), 2);
    /* cold, then warm: the host cache remembered the root */
    assert_int_equal(err_lines("\"ev\":\"host-cache\"", "\"rc\":-6,"), 1);
    assert_int_equal(err_lines("\"ev\":\"host-cache\"", "\"rc\":0,"), 1);
    assert_int_equal(err_lines("\"ev\":\"response\"", "\"index\":200"), 2);
    th_peer_stop(&p);
}

/* nginx: a chunked body and two more URLs on one kept-alive connection:
 * one TLS handshake for three requests, counted at the server. */
static void
keepalive_chunked(void **state)
{
    (void)state;
    assert_int_equal(run("--json https://www.jt.test:%d/chunked "
                         "https://www.jt.test:%d/hello.txt "
                         "https://www.jt.test:%d/big.bin",
                         ng.www, ng.www, ng.www),
                     0);
    assert_int_equal(out_len, 20 + JF_BIG_LEN);
    assert_memory_equal(out_text, "hello jit\nhello jit\n", 20);
    assert_int_equal(logged(1, port_str(ng.www), "GET /chunked", NULL), 1);
    assert_int_equal(jf_access_conns_wait(&ng, ng.www, 1), 1);
    assert_int_equal(logged(1, port_str(ng.www), " 3 \"GET /big.bin", NULL), 1);
    assert_int_equal(err_lines("\"ev\":\"handshake\"", NULL), 1);
    assert_int_equal(err_lines("\"ev\":\"request\"", "\"index\":1,"), 2);
    assert_int_equal(err_lines("\"ev\":\"summary\"", "\"reused\":2,"), 1);
}

/* -L across hosts under three different roots: each hop its own JIT
 * decision under its own host; with only one root trusted the second
 * hop fails with 60 and nothing reaches its server. */
static void
redirect_across_roots(void **state)
{
    char p256[512], trust[700];

    (void)state;
    assert_int_equal(run("--json -L https://www.jt.test:%d/to-rsa "
                         "https://www.jt.test:%d/to-p384",
                         ng.www, ng.www),
                     0);
    assert_string_equal(out_text, "echo\nhello jit\n");
    assert_int_equal(err_lines("\"ev\":\"result\"", "\"rc\":0,"), 3);
    assert_int_equal(err_lines("\"ev\":\"result\"", "\"host\":\"rsa.jt.test\""),
                     1);
    assert_int_equal(
        err_lines("\"ev\":\"result\"", "\"host\":\"p384.jt.test\""), 1);
    assert_int_equal(err_lines("\"ev\":\"redirect\"", NULL), 2);
    assert_int_equal(logged(1, port_str(ng.rsa), "GET /echo", NULL), 1);

    th_pki_path(p256, sizeof(p256), "root-p256.pem");
    snprintf(trust, sizeof(trust), "--no-builtin-trust --trust-dir '%s'", p256);
    assert_int_equal(
        run_trust(trust, "-L https://www.jt.test:%d/to-rsa", ng.www), 60);
    assert_true(strstr(err_text, "(60) rsa.jt.test: no trusted CA for AKID") !=
                NULL);
    assert_int_equal(out_len, 0);
    assert_int_equal(logged(1, port_str(ng.rsa), "GET /echo", NULL), 1);
}

/* https -> http is refused (exit 1); the http server never sees the
 * request. http -> https is fine. */
static void
downgrade_refused(void **state)
{
    (void)state;
    assert_int_equal(run("-L https://www.jt.test:%d/downgrade", ng.www), 1);
    assert_non_null(strstr(err_text, "refused"));
    assert_non_null(strstr(err_text, "https to http"));
    assert_int_equal(logged(0, port_str(ng.http), "/hello.txt", NULL), 0);
    assert_int_equal(run("-L http://www.jt.test:%d/to-https", ng.http), 0);
    assert_string_equal(out_text, "hello jit\n");
}

/* A cross-origin hop drops Authorization, Cookie and a user credential
 * header, checked in the access log of the target; a same-origin hop
 * keeps them. */
static void
cross_origin_credentials(void **state)
{
    static const char *const creds =
        "-H 'Authorization: Bearer SECRET' -H 'Cookie: sid=1' "
        "-H 'X-Api-Key: K1'";
    const char *const no_creds[] = {port_str(ng.rsa), "GET /echo",
                                    "a=\"-\" c=\"-\" k=\"-\"", NULL};
    int before = jf_access_count(&ng, no_creds);

    (void)state;
    assert_int_equal(run("-L %s https://www.jt.test:%d/to-rsa "
                         "https://www.jt.test:%d/to-same",
                         creds, ng.www, ng.www),
                     0);
    assert_string_equal(out_text, "echo\nhello jit\n");
    assert_int_equal(logged(1, "GET /to-rsa",
                            "a=\"Bearer SECRET\" c=\"sid=1\" "
                            "k=\"K1\"",
                            NULL),
                     1);
    assert_int_equal(logged(before + 1, port_str(ng.rsa), "GET /echo",
                            "a=\"-\" c=\"-\" k=\"-\""),
                     before + 1);
    assert_int_equal(logged(0, port_str(ng.rsa), "SECRET", NULL), 0);
    assert_int_equal(logged(0, port_str(ng.rsa), "K1", NULL), 0);
    assert_int_equal(logged(1, "GET /hello.txt", "a=\"Bearer SECRET\"", "K1"),
                     1);
}

/* A canned TLS server for www.jt.test answering once with |reply|. */
static void
canned(struct jf_canned *c, const char *reply, int notify)
{
    static char chain[512], key[512];

    memset(c, 0, sizeof(*c));
    th_pki_path(chain, sizeof(chain), "leaf-www.chain.pem");
    th_pki_path(key, sizeof(key), "leaf-www.key");
    c->tls = 1;
    c->chain = chain;
    c->key = key;
    c->reply[0] = reply;
    c->notify[0] = notify;
    c->max_conns = 1;
    assert_int_equal(jf_canned_start(c), 0);
}

/* Cut bodies: a Content-Length body cut short, and a close-delimited
 * body without close_notify (maybe cut: 18, the bytes kept in FILE.part,
 * FILE untouched); with close_notify it is complete. */
static void
truncated(void **state)
{
    static const char cl[] =
        "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten!!";
    static const char eof[] = "HTTP/1.0 200 OK\r\n\r\nclose-delimited body";
    char file[600], part[620];
    struct jf_canned c;
    size_t len;
    uint8_t *data;

    (void)state;
    snprintf(file, sizeof(file), "%s/cut.txt", outdir);
    snprintf(part, sizeof(part), "%s.part", file);
    canned(&c, cl, 1);
    assert_int_equal(run("--resolve www.jt.test:%d:127.0.0.1 "
                         "https://www.jt.test:%d/",
                         c.port, c.port),
                     18);
    jf_canned_stop(&c);
    assert_string_equal(out_text, "only ten!!");
    assert_non_null(strstr(err_text, "(18)"));

    canned(&c, eof, 0);
    assert_int_equal(run("--resolve www.jt.test:%d:127.0.0.1 -o cut.txt "
                         "https://www.jt.test:%d/",
                         c.port, c.port),
                     18);
    jf_canned_stop(&c);
    assert_non_null(strstr(err_text, "close_notify"));
    assert_non_null(strstr(err_text, "cut.txt.part"));
    assert_int_equal(access(file, F_OK), -1);
    data = th_read_file(part, &len);
    assert_non_null(data);
    assert_int_equal(len, 20);
    assert_memory_equal(data, "close-delimited body", 20);
    free(data);

    canned(&c, eof, 1);
    assert_int_equal(run("--resolve www.jt.test:%d:127.0.0.1 -o cut.txt "
                         "https://www.jt.test:%d/",
                         c.port, c.port),
                     0);
    jf_canned_stop(&c);
    data = th_read_file(file, &len);
    assert_non_null(data);
    assert_int_equal(len, 20);
    free(data);
}

/* A listener that never answers: the TLS handshake stalls. */
static int
stall_listener(int *port)
{
    struct sockaddr_in sa = {0};
    socklen_t sl = sizeof(sa);
    int ls = socket(AF_INET, SOCK_STREAM, 0);

    assert_true(ls >= 0);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(ls, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(ls, 4), 0);
    assert_int_equal(getsockname(ls, (struct sockaddr *)&sa, &sl), 0);
    *port = ntohs(sa.sin_port);
    return ls;
}

/* curl's exit codes, one row per failure. */
static void
exit_codes(void **state)
{
    char args[4][600];
    int stall_port, ls = stall_listener(&stall_port);
    int closed = th_free_port();
    const struct {
        const char *args;
        int code;
        const char *says;
    } rows[] = {
        {"--resolve gone.jt.test:443: https://gone.jt.test/", 6,
         "(6) gone.jt.test: resolve failed: net: no such host name"},
        {args[0], 7, "connection refused"},
        {args[1], 28, "timed out"},
        {args[2], 35, "(35)"},
        {args[3], 22, "The requested URL returned error: 404"},
        {"ftp://www.jt.test/", 1, "scheme is not http or https"},
        {"https://www.jt.test:99999/", 3, "(3)"},
        {"https://user:pw@www.jt.test/", 3, "user:password@"},
        {"--bogus https://www.jt.test/", 2, "option --bogus: is unknown"},
        {"-k https://www.jt.test/", 2, "never skips certificate"},
        {"-H 'Host: evil' https://www.jt.test/", 2, "Host comes from the URL"},
        {"--trust-blob /nonexistent.blob https://www.jt.test/", 77,
         "(77) --trust-blob"},
        {"-o /nonexistent-dir/x https://www.jt.test/", 23,
         "/nonexistent-dir/x"},
    };

    (void)state;
    snprintf(args[0], sizeof(args[0]),
             "--resolve www.jt.test:%d:127.0.0.1 https://www.jt.test:%d/",
             closed, closed);
    snprintf(args[1], sizeof(args[1]),
             "--max-time 0.4 --resolve www.jt.test:%d:127.0.0.1 "
             "https://www.jt.test:%d/",
             stall_port, stall_port);
    snprintf(args[2], sizeof(args[2]), "https://www.jt.test:%d/", ng.http);
    snprintf(args[3], sizeof(args[3]), "--fail https://www.jt.test:%d/missing",
             ng.www);
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        assert_int_equal(run("%s", rows[i].args), rows[i].code);
        if (strstr(err_text, rows[i].says) == NULL)
            fail_msg("row %zu: stderr lacks \"%s\":\n%s", i, rows[i].says,
                     err_text);
    }
    close(ls);
    assert_int_equal(out_len, 0); /* --fail: not a byte of the 404 page */
}

/* More exit codes: redirect limits and trust. */
static void
exit_codes_more(void **state)
{
    char rsa[512], rsa_only[700];

    (void)state;
    /* without --fail a 404 is a response like any other */
    assert_int_equal(run("https://www.jt.test:%d/missing", ng.www), 0);
    assert_non_null(strstr(out_text, "404"));
    /* redirect limits: a loop, and one hop too many */
    assert_int_equal(run("-L https://www.jt.test:%d/loop", ng.www), 47);
    assert_non_null(strstr(err_text, "loop"));
    assert_int_equal(run("-L --max-redirs 2 https://www.jt.test:%d/r3", ng.www),
                     47);
    assert_int_equal(run("-L --max-redirs 3 https://www.jt.test:%d/r3", ng.www),
                     0);
    /* -1: no limit, and a loop within 16 hops is still caught */
    assert_int_equal(
        run("-L --max-redirs -1 https://www.jt.test:%d/loop", ng.www), 47);
    assert_non_null(strstr(err_text, "loop"));
    /* an untrusted root: 60 with the key, and nothing sent */
    th_pki_path(rsa, sizeof(rsa), "root-rsa.pem");
    snprintf(rsa_only, sizeof(rsa_only), "--no-builtin-trust --trust-dir '%s'",
             rsa);
    assert_int_equal(
        run_trust(rsa_only, "https://www.jt.test:%d/only-trusted", ng.www), 60);
    assert_non_null(
        strstr(err_text, "(60) www.jt.test: no trusted CA for AKID "));
    assert_int_equal(logged(0, "/only-trusted", NULL, NULL), 0);
    /* no trust source at all */
    assert_int_equal(
        run_trust("--no-builtin-trust", "https://www.jt.test:%d/", ng.www), 60);
    assert_non_null(strstr(err_text, "asked: no source"));
}

/* A write error on stdout (a full disk): 23. */
static void
write_error(void **state)
{
    char full[] = "/dev/full";

    (void)state;
    if (access(full, W_OK) != 0)
        skip();
    assert_int_equal(run_out(full, "https://www.jt.test:%d/big.bin", ng.www),
                     23);
    assert_non_null(strstr(err_text, "(23) Failure writing output"));
}

static struct jj_obj obj;

/* Every stderr line of a --json run: valid against the schema. Returns
 * the number of lines; counts each event name seen into |seen|. */
static int
check_json_lines(char seen[][16], size_t *nseen)
{
    int lines = 0;

    for (char *l = err_text; *l != 0;) {
        char *e = strchr(l, '\n');
        const char *why = NULL;
        const struct jj_field *ev;
        int known = 0;

        assert_non_null(e); /* every line ends */
        *e = 0;
        if (jj_parse(l, &obj, &why) != 0 || jj_check(&obj, &why) != 0)
            fail_msg("--json line %d: %s:\n%s", lines + 1, why, l);
        ev = jj_get(&obj, "ev");
        for (size_t i = 0; i < *nseen; i++)
            known |= strcmp(seen[i], ev->str) == 0;
        if (!known && *nseen < 20 && strlen(ev->str) < 16)
            memcpy(seen[(*nseen)++], ev->str, strlen(ev->str) + 1);
        *e = '\n';
        l = e + 1;
        lines++;
    }
    return lines;
}

/* The checker itself rejects what breaks the schema. */
static void
json_checker_selftest(void **state)
{
    static const char *const bad[] = {
        "{\"ev\":\"ask\",\"host\":\"a\",\"port\":1,\"t\":0,\"ms\":0,\"rc\":0,"
        "\"index\":0,\"count\":0,\"accepted\":0,\"flags\":0}", /* no key */
        "{\"host\":\"a\",\"ev\":\"resolve\"}",                 /* order */
        "{\"ev\":\"resolve\",\"host\":\"a\",\"port\":1,\"t\":0,\"ms\":0,"
        "\"rc\":-615,\"index\":0,\"count\":0,\"accepted\":0,\"flags\":0}",
        "{\"ev\":\"nope\",\"host\":\"a\"}",
        "{\"ev\":\"summary\",\"urls\":\"1\"}",
        "{\"ev\":\"cert\",\"host\":\"a\",\"port\":1,\"t\":0,\"ms\":0,\"rc\":0,"
        "\"index\":0,\"count\":0,\"accepted\":0,\"flags\":0,"
        "\"key\":\"SKID:5aee\"}",
        "{\"ev\":\"resolve\"",
        "{\"ev\":\"error\",\"url\":\"\xff\",\"exit\":6,\"rc\":0,"
        "\"err\":\"\",\"text\":\"\"}", /* not ASCII */
        "{\"ev\":\"warning\"}",        /* no text */
        "{\"ev\":\"warning\",\"text\":1}",
    };
    const char *why;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (jj_parse(bad[i], &obj, &why) == 0 && jj_check(&obj, &why) == 0)
            fail_msg("accepted: %s", bad[i]);
}

/* --json: the trace of a run with TLS, a cross-host redirect, keep-alive,
 * a chunked body and a failure, every line valid. */
static void
json_schema(void **state)
{
    static const char *const want[] = {
        "resolve", "connect",  "handshake", "cert",   "host-cache",
        "ca-set",  "ask",      "answer",    "verify", "result",
        "request", "response", "redirect",  "error",  "summary"};
    char seen[20][16];
    size_t nseen = 0;

    (void)state;
    assert_int_equal(run("--json -L --resolve gone.jt.test:443: "
                         "https://www.jt.test:%d/to-rsa "
                         "https://www.jt.test:%d/chunked "
                         "https://www.jt.test:%d/close "
                         "https://www.jt.test:%d/hello.txt "
                         "https://gone.jt.test/",
                         ng.www, ng.www, ng.www, ng.www),
                     6);
    assert_true(check_json_lines(seen, &nseen) > 20);
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        int found = 0;

        for (size_t k = 0; k < nseen; k++)
            found |= strcmp(seen[k], want[i]) == 0;
        if (!found)
            fail_msg("no \"%s\" event in the trace:\n%s", want[i], err_text);
    }
}

/* --trust-cache: the second run's first connection is warm; a run
 * without the file is cold again. */
static void
trust_cache(void **state)
{
    char cache[600];
    size_t len;
    char *text;

    (void)state;
    snprintf(cache, sizeof(cache), "%s/trust.cache", outdir);
    assert_int_equal(run("--json --trust-cache '%s' "
                         "https://www.jt.test:%d/hello.txt",
                         cache, ng.www),
                     0);
    assert_int_equal(err_lines("\"ev\":\"host-cache\"", "\"rc\":-6,"), 1);
    text = (char *)th_read_file(cache, &len);
    assert_non_null(text);
    assert_non_null(strstr(text, "jittrust-host-cache 1\n"));
    assert_non_null(strstr(text, "www.jt.test "));
    free(text);
    assert_int_equal(run("--json --trust-cache '%s' "
                         "https://www.jt.test:%d/hello.txt",
                         cache, ng.www),
                     0);
    /* the first host-cache event of the run: a hit, one key asked */
    assert_non_null(strstr(err_text, "\"ev\":\"host-cache\""));
    assert_non_null(
        strstr(strstr(err_text, "\"ev\":\"host-cache\""), "\"rc\":0,"));
    assert_true(strstr(strstr(err_text, "\"ev\":\"host-cache\""), "\"rc\":0,") <
                strchr(strstr(err_text, "\"ev\":\"host-cache\""), '\n'));
    assert_int_equal(err_lines("\"ev\":\"ask\"", NULL), 1);
    assert_int_equal(err_lines("\"ev\":\"result\"", "\"index\":1,"), 1);
    assert_int_equal(run("--json https://www.jt.test:%d/hello.txt", ng.www), 0);
    assert_int_equal(err_lines("\"ev\":\"host-cache\"", "\"rc\":-6,"), 1);
}

/* -o never clobbers a good file with a failed fetch; -O names the file
 * after the URL; -o per URL in order. */
static void
outputs(void **state)
{
    char file[600];
    size_t len;
    uint8_t *data;

    (void)state;
    snprintf(file, sizeof(file), "%s/keep.txt", outdir);
    assert_int_equal(
        run("-o keep.txt https://www.jt.test:%d/hello.txt", ng.www), 0);
    assert_int_equal(
        run("--fail -o keep.txt https://www.jt.test:%d/missing", ng.www), 22);
    data = th_read_file(file, &len);
    assert_non_null(data);
    assert_int_equal(len, 10);
    free(data);
    assert_int_equal(run("-O 'https://www.jt.test:%d/hello.txt?x=1' "
                         "https://www.jt.test:%d/echo",
                         ng.www, ng.www),
                     0);
    assert_string_equal(out_text, "echo\n"); /* the 2nd URL: stdout */
    snprintf(file, sizeof(file), "%s/hello.txt", outdir);
    data = th_read_file(file, &len);
    assert_non_null(data);
    assert_int_equal(len, 10);
    free(data);
    assert_int_equal(run("-O https://www.jt.test:%d/", ng.www), 23);
}

/* -I prints the head; -d posts; 303 turns a POST into GET; 307 replays
 * it to another host (nginx logs the request length). */
static void
head_and_post(void **state)
{
    int post303, get303, post307;

    (void)state;
    assert_int_equal(run("-I https://www.jt.test:%d/hello.txt", ng.www), 0);
    assert_int_equal(strncmp(out_text, "HTTP/1.1 200 OK\r\n", 17), 0);
    assert_non_null(strstr(out_text, "Content-Length: 10\r\n"));
    assert_non_null(strstr(out_text, "\r\n\r\n"));
    assert_int_equal(logged(1, "\"HEAD /hello.txt", NULL, NULL), 1);
    post303 = jf_access_count(&ng, (const char *[]){"\"POST /see-other", NULL});
    get303 = jf_access_count(
        &ng, (const char *[]){port_str(ng.www), "\"GET /echo", NULL});
    post307 = jf_access_count(
        &ng, (const char *[]){port_str(ng.rsa), "\"POST /echo", NULL});
    assert_int_equal(
        run("-L -d 'a=1' -d 'b=2' https://www.jt.test:%d/see-other "
            "https://www.jt.test:%d/temp",
            ng.www, ng.www),
        0);
    assert_string_equal(out_text, "echo\necho\n");
    assert_int_equal(logged(post303 + 1, "\"POST /see-other", NULL, NULL),
                     post303 + 1);
    assert_int_equal(logged(get303 + 1, port_str(ng.www), "\"GET /echo", NULL),
                     get303 + 1);
    assert_int_equal(
        logged(post307 + 1, port_str(ng.rsa), "\"POST /echo", NULL),
        post307 + 1);
}

static void
help_and_version(void **state)
{
    (void)state;
    assert_int_equal(run("--help"), 0);
    assert_non_null(strstr(out_text, "Examples"));
    assert_non_null(strstr(out_text, "--trust-cache"));
    /* --max-redirs -1 says how far loop detection reaches (jitfetch.1) */
    assert_non_null(strstr(out_text, "comes back within 16 hops"));
    assert_int_equal(run("--version"), 0);
    assert_non_null(strstr(out_text, "jitfetch "));
    assert_int_equal(run("%s", ""), 2);
    assert_non_null(strstr(err_text, "no URL"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_server_fetch),
        cmocka_unit_test(keepalive_chunked),
        cmocka_unit_test(redirect_across_roots),
        cmocka_unit_test(downgrade_refused),
        cmocka_unit_test(cross_origin_credentials),
        cmocka_unit_test(truncated),
        cmocka_unit_test(exit_codes),
        cmocka_unit_test(exit_codes_more),
        cmocka_unit_test(write_error),
        cmocka_unit_test(json_checker_selftest),
        cmocka_unit_test(json_schema),
        cmocka_unit_test(trust_cache),
        cmocka_unit_test(outputs),
        cmocka_unit_test(head_and_post),
        cmocka_unit_test(help_and_version),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
