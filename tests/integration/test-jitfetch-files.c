// SPDX-License-Identifier: MIT
/*
 * integration: the jitfetch binary as a process that writes files, against
 * canned servers on 127.0.0.1 (jf-servers.h): closed standard fds (no
 * body or trace into the connection), -o into a FIFO, a device and
 * symlinks, a long -o path and its .part, a --trust-cache that is not a
 * cache (or a FIFO), SIGTERM / SIGINT mid-body, and --json runs whose
 * every stderr line is pure-ASCII JSON. jitfetch runs through
 * posix_spawn (fds closed as asked) and is stopped by PID; every name is
 * mapped with --resolve, the system resolver is never asked. Files only
 * in the test's own temp dir.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"
#include "jf-json.h"
#include "jf-servers.h"
#include "testutil.h"

#define REPLY_HELLO "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello jit\n"

static struct th_peer tmp; /* only for its private temp dir */
static char dir[300], out_path[400], err_path[400], res[64], url[64];
static char *err_text;

/* ---- running jitfetch ---- */

static void
nap_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

/*
 * Start jitfetch with |args| (NULL-ended) in |dir|: stdin /dev/null,
 * stdout out_path, stderr err_path; each fd in |closed| (-1 ended) closed
 * instead. Default signal dispositions. Returns the PID.
 */
static pid_t
spawn(const char *const *args, const int *closed)
{
    const char *argv[48] = {JT_JITFETCH};
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    sigset_t none, dfl;
    char cwd[512];
    size_t n = 1;
    pid_t pid;

    for (; args[n - 1] != NULL && n < 47; n++)
        argv[n] = args[n - 1];
    argv[n] = NULL;
    assert_int_equal(posix_spawn_file_actions_init(&fa), 0);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out_path,
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, err_path,
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    for (; closed != NULL && *closed >= 0; closed++)
        posix_spawn_file_actions_addclose(&fa, *closed);
    sigemptyset(&none);
    sigemptyset(&dfl);
    sigaddset(&dfl, SIGINT);
    sigaddset(&dfl, SIGTERM);
    sigaddset(&dfl, SIGHUP);
    sigaddset(&dfl, SIGPIPE);
    assert_int_equal(posix_spawnattr_init(&at), 0);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &dfl);
    posix_spawnattr_setflags(&at,
                             POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(chdir(dir), 0);
    assert_int_equal(
        posix_spawn(&pid, JT_JITFETCH, &fa, &at, (char *const *)argv, environ),
        0);
    assert_int_equal(chdir(cwd), 0);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    return pid;
}

/* Wait for |pid| up to 20 s (then SIGKILL by PID). Returns its exit
 * status, 1000 + N when signal N ended it (9: it hung). Reads stderr
 * into err_text. */
static int
reap(pid_t pid)
{
    size_t len;
    int st = 0;

    for (int i = 0; i < 2000 && waitpid(pid, &st, WNOHANG) == 0; i++)
        nap_ms(10);
    if (waitpid(pid, &st, WNOHANG) == 0) {
        kill(pid, SIGKILL);
        assert_int_equal(waitpid(pid, &st, 0), pid);
    }
    free(err_text);
    err_text = (char *)th_read_file(err_path, &len);
    if (err_text == NULL)
        err_text = calloc(1, 1);
    assert_non_null(err_text);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1000 + WTERMSIG(st);
}

static int
run(const char *const *args, const int *closed)
{
    return reap(spawn(args, closed));
}

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define FDS(...) ((const int[]){__VA_ARGS__, -1})

/* A plain canned server answering |n| connections (at most
 * JF_CANNED_MAX) with |reply|, each after |delay_ms| closed; res and url
 * point at it as a.test. */
static void
serve(struct jf_canned *c, const char *reply, int n, int delay_ms)
{
    memset(c, 0, sizeof(*c));
    for (int i = 0; i < n; i++) {
        c->reply[i] = reply;
        c->delay_ms[i] = delay_ms;
    }
    c->max_conns = n;
    assert_int_equal(jf_canned_start(c), 0);
    snprintf(res, sizeof(res), "a.test:%d:127.0.0.1", c->port);
    snprintf(url, sizeof(url), "http://a.test:%d/x", c->port);
}

static const char *
at(const char *name)
{
    static char buf[4][600];
    static int k;

    k = (k + 1) % 4;
    assert_true(snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name) <
                (int)sizeof(buf[k]));
    return buf[k];
}

static void
put_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    assert_true(fputs(text, f) >= 0);
    assert_int_equal(fclose(f), 0);
}

static void
want_file(const char *path, const char *text)
{
    size_t len;
    char *got = (char *)th_read_file(path, &len);

    if (got == NULL || strcmp(got, text) != 0)
        fail_msg("%s: \"%s\", want \"%s\"", path, got ? got : "(unreadable)",
                 text);
    free(got);
}

/* Files in |dir| whose name contains |part|. */
static int
files_with(const char *part)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        n += strstr(e->d_name, part) != NULL;
    closedir(d);
    return n;
}

/* Bytes in the file of |dir| whose name contains |part|; -1: none. */
static long
bytes_in(const char *part)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    struct stat st;
    long n = -1;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        if (strstr(e->d_name, part) != NULL && stat(at(e->d_name), &st) == 0)
            n = (long)st.st_size;
    closedir(d);
    return n;
}

/* ---- the tests ---- */

/* With fds 0 and 1 (or 0 and 2, with -v) closed, the connection's socket
 * would become "stdout" ("stderr"): the body (the trace) went into the
 * connection. Now they are /dev/null: the server gets nothing after the
 * request. */
static void
closed_std_fds(void **state)
{
    static const char body[] =
        "HTTP/1.1 200 OK\r\nContent-Length: 17\r\n\r\nBODY-MARKER-1234\n";
    const int *const closed[] = {FDS(0, 1), FDS(0, 2), FDS(1), FDS(2)};
    struct jf_canned c;

    (void)state;
    for (size_t i = 0; i < sizeof(closed) / sizeof(closed[0]); i++) {
        int rc;

        serve(&c, body, 1, 0);
        rc = run(ARGS("-v", "--resolve", res, url), closed[i]);
        jf_canned_stop(&c);
        if (c.rx_len != 0)
            fail_msg("run %zu: the server got %zu bytes after its reply: "
                     "%.*s",
                     i, c.rx_len, (int)c.rx_len, c.rx);
        if (rc != 0 && rc != 23)
            fail_msg("run %zu: exit %d\n%s", i, rc, err_text);
    }
}

/* -o into a FIFO (its reader gets the body, it stays a FIFO), a
 * character device (stays one: /dev/null as root would have become a
 * regular file; as root a private copy made with mknod stands in), a
 * symlink (stays a link; its target gets the body) and a dangling
 * symlink (its target is created). */
static void
output_kinds(void **state)
{
    char buf[32] = {0}, null_path[400];
    struct jf_canned c;
    struct stat st;
    int rd;

    (void)state;
    assert_int_equal(mkfifo(at("fifo"), 0600), 0);
    rd = open(at("fifo"), O_RDONLY | O_NONBLOCK); /* the reader, first */
    assert_true(rd >= 0);
    snprintf(null_path, sizeof(null_path), "%s",
             mknod(at("null"), S_IFCHR | 0666, makedev(1, 3)) == 0
                 ? at("null")
                 : "/dev/null"); /* not root: it cannot be replaced */
    put_file(at("target.txt"), "old");
    assert_int_equal(symlink("target.txt", at("link")), 0);
    assert_int_equal(symlink("created.txt", at("dangling")), 0);

    serve(&c, REPLY_HELLO, 4, 0);
    assert_int_equal(run(ARGS("--resolve", res, "-o", "fifo", url), NULL), 0);
    assert_int_equal(read(rd, buf, sizeof(buf) - 1), 10);
    assert_string_equal(buf, "hello jit\n");
    close(rd);
    assert_int_equal(lstat(at("fifo"), &st), 0);
    assert_true(S_ISFIFO(st.st_mode));

    assert_int_equal(run(ARGS("--resolve", res, "-o", null_path, url), NULL),
                     0);
    assert_int_equal(lstat(null_path, &st), 0);
    assert_true(S_ISCHR(st.st_mode));

    assert_int_equal(run(ARGS("--resolve", res, "-o", "link", url), NULL), 0);
    assert_int_equal(lstat(at("link"), &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    want_file(at("target.txt"), "hello jit\n");

    assert_int_equal(run(ARGS("--resolve", res, "-o", "dangling", url), NULL),
                     0);
    assert_int_equal(lstat(at("dangling"), &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    want_file(at("created.txt"), "hello jit\n");
    jf_canned_stop(&c);
    assert_int_equal(files_with(".jitfetch-"), 0);
}

/* A cut body with a 603-byte -o path: what arrived is in PATH.part, not
 * in the file named by the first 599 bytes of "PATH.part" (the old
 * fixed-size buffer). */
static void
long_part_name(void **state)
{
    static const char cut[] =
        "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten!!";
    char path[1200], victim[1200], part[1300];
    struct jf_canned c;

    (void)state;
    th_long_paths(dir, path, victim);
    snprintf(part, sizeof(part), "%s.part", path);
    put_file(victim, "unrelated");
    serve(&c, cut, 1, 0);
    assert_int_equal(run(ARGS("--resolve", res, "-o", path, url), NULL), 18);
    jf_canned_stop(&c);
    want_file(victim, "unrelated");
    want_file(part, "only ten!!");
    assert_non_null(strstr(err_text, ".txt.part"));
}

/* --trust-cache with a PEM (meant for --trust-dir): one warning, and the
 * file is left as it is; a FIFO neither hangs the run nor is replaced;
 * an empty file and a link to a cache are written (the link stays). */
static void
trust_cache_guard(void **state)
{
    static const char pem[] = "-----BEGIN CERTIFICATE-----\nMIIB\n"
                              "-----END CERTIFICATE-----\n";
    struct jf_canned c;
    struct stat st;
    size_t len;
    char *text;

    (void)state;
    put_file(at("mine.pem"), pem);
    assert_int_equal(mkfifo(at("cache-fifo"), 0600), 0);
    put_file(at("empty"), "");
    put_file(at("real.cache"), "jittrust-host-cache 1\n");
    assert_int_equal(symlink("real.cache", at("cache-link")), 0);
    serve(&c, REPLY_HELLO, 4, 0);
    assert_int_equal(
        run(ARGS("--trust-cache", "mine.pem", "--resolve", res, url), NULL), 0);
    want_file(at("mine.pem"), pem);
    assert_non_null(strstr(err_text, "not a trust cache"));
    assert_null(strstr(strstr(err_text, "warning") + 1, "warning")); /* 1 */
    assert_int_equal(
        run(ARGS("--trust-cache", "cache-fifo", "--resolve", res, url), NULL),
        0);
    assert_int_equal(lstat(at("cache-fifo"), &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    assert_non_null(strstr(err_text, "not a regular file"));
    assert_int_equal(
        run(ARGS("--trust-cache", "empty", "--resolve", res, url), NULL), 0);
    text = (char *)th_read_file(at("empty"), &len);
    assert_non_null(text);
    assert_int_equal(strncmp(text, "jittrust-host-cache 1\n", 22), 0);
    free(text);
    assert_int_equal(
        run(ARGS("--trust-cache", "cache-link", "--resolve", res, url), NULL),
        0);
    assert_int_equal(lstat(at("cache-link"), &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_string_equal(err_text, "");
    jf_canned_stop(&c);
    assert_int_equal(files_with(".jitfetch-"), 0);
}

/* SIGTERM, then SIGINT, while the body stalls: the temporary file is
 * removed, the old file is intact, the exit status is 143 / 130. */
static void
signal_cleanup(void **state)
{
    static char stall[200 + 5000];
    static const int sigs[] = {SIGTERM, SIGINT};
    struct jf_canned c;

    (void)state;
    snprintf(stall, sizeof(stall),
             "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n");
    memset(stall + strlen(stall), 'x', 5000);
    put_file(at("sig.txt"), "old");
    serve(&c, stall, 2, 2500);
    for (size_t i = 0; i < 2; i++) {
        pid_t pid = spawn(ARGS("--resolve", res, "-o", "sig.txt", url), NULL);
        int k = 0;

        /* the body is arriving (the 2nd connection is served after the
         * 1st one's delay) */
        while (bytes_in("sig.txt.jitfetch-") < 5000 && k++ < 800)
            nap_ms(10);
        assert_int_equal(bytes_in("sig.txt.jitfetch-"), 5000);
        assert_int_equal(kill(pid, sigs[i]), 0);
        assert_int_equal(reap(pid), 128 + sigs[i]);
        assert_int_equal(files_with("sig.txt.jitfetch-"), 0);
        want_file(at("sig.txt"), "old");
    }
    jf_canned_stop(&c);
}

/* The lines of err_text: each one pure-ASCII JSON valid against the
 * schema. Counts the lines with ev |ev| (and |exit|, 0: any) in |*hits|. */
static int
json_lines(const char *ev, int exit_code, int *hits)
{
    static struct jj_obj obj;
    int lines = 0;

    *hits = 0;
    for (char *l = err_text; *l != 0; lines++) {
        char *e = strchr(l, '\n');
        const struct jj_field *x;
        const char *why = NULL;

        assert_non_null(e);
        *e = 0;
        if (jj_parse(l, &obj, &why) != 0 || jj_check(&obj, &why) != 0)
            fail_msg("--json line %d: %s:\n%s", lines + 1, why, l);
        x = jj_get(&obj, "exit");
        *hits += strcmp(jj_get(&obj, "ev")->str, ev) == 0 &&
                 (exit_code == 0 || (x != NULL && x->num == exit_code));
        *e = '\n';
        l = e + 1;
    }
    return lines;
}

/* --json: warnings, errors before any URL (trust source, --resolve,
 * usage, -d @FILE) and after (a server's Location with bytes 0xff 0xfe,
 * a quote and a backslash; a URL and an -o path with such bytes): every
 * stderr line JSON, pure ASCII. */
static void
json_everywhere(void **state)
{
    static const char redirect[] =
        "HTTP/1.1 302 Found\r\nLocation: http://a\xff\xfe\"b\\.test/\r\n"
        "Content-Length: 0\r\n\r\n";
    const struct {
        const char *const *args;
        int code;
        const char *ev;
    } rows[] = {
        {ARGS("--json", "--trust-blob", "/nonexistent.blob", "http://b.test/"),
         77, "error"},
        {ARGS("--json", "--trust-dir", "/nonexistent-dir", "http://b.test/"),
         77, "error"},
        {ARGS("--json", "--resolve", "no-colon", "http://b.test/"), 2, "error"},
        {ARGS("--json", "--bogus", "http://b.test/"), 2, "error"},
        {ARGS("--json", "-d", "@/nonexistent", "http://b.test/"), 26, "error"},
    };
    struct jf_canned c;
    int hits;

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        assert_int_equal(run(rows[i].args, NULL), rows[i].code);
        assert_int_equal(json_lines(rows[i].ev, rows[i].code, &hits), 1);
        assert_int_equal(hits, 1);
    }
    put_file(at("not-a-cache"), "-----BEGIN CERTIFICATE-----\n");
    serve(&c, redirect, 1, 0);
    assert_int_equal(run(ARGS("--json", "-L", "--trust-cache", "not-a-cache",
                              "--resolve", res, "--resolve", "b.test:1:", "-o",
                              "-", "-o", "-", "-o", "/nonexistent-\xff\"\\/x",
                              url, "http://b.test:1/\xff\xfe\"\\", url),
                         NULL),
                     23);
    jf_canned_stop(&c);
    assert_true(json_lines("warning", 0, &hits) > 5);
    assert_int_equal(hits, 1);
    json_lines("error", 3, &hits); /* the redirect, refused */
    assert_int_equal(hits, 1);
    json_lines("error", 6, &hits); /* b.test: no address */
    assert_int_equal(hits, 1);
    json_lines("error", 23, &hits); /* the -o path */
    assert_int_equal(hits, 1);
    json_lines("summary", 0, &hits);
    assert_int_equal(hits, 1);
}

static int
setup(void **state)
{
    (void)state;
    if (th_peer_mkdir(&tmp) != 0)
        return -1;
    snprintf(dir, sizeof(dir), "%s/w", tmp.dir);
    snprintf(out_path, sizeof(out_path), "%s/stdout", tmp.dir);
    snprintf(err_path, sizeof(err_path), "%s/stderr", tmp.dir);
    return mkdir(dir, 0755);
}

static int
teardown(void **state)
{
    (void)state;
    th_peer_stop(&tmp); /* removes its temp dir */
    free(err_text);
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(closed_std_fds), cmocka_unit_test(output_kinds),
        cmocka_unit_test(long_part_name), cmocka_unit_test(trust_cache_guard),
        cmocka_unit_test(signal_cleanup), cmocka_unit_test(json_everywhere),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
