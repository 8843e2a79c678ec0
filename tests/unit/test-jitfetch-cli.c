// SPDX-License-Identifier: MIT
/*
 * unit: jitfetch's parts below the network (examples/jitfetch-cli.c,
 * jitfetch-file.c): the command line (curl's option forms: bundled flags,
 * attached arguments, "--"), the header rules, the curl exit code of each
 * library error and stage, which header names count as credentials, the
 * JSON strings of --json, and where an output file really goes (devices,
 * FIFOs, symlinks, long names, the temporary file on a signal). Files
 * only in a private temp dir (and /dev/null, /dev/stdout, read-only).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "jitfetch.h"
#include "jittrust/conn.h"
#include "jittrust/error.h"
#include "jittrust/http.h"
#include "testutil.h"

static struct jf_opts o;

/* jf_parse() on a NULL-terminated list (argv[0] added). */
static int
parse(const char *const *args)
{
    char *argv[32] = {"jitfetch"};
    int argc = 1;

    for (; args[argc - 1] != NULL; argc++)
        argv[argc] = (char *)args[argc - 1];
    jf_free(&o);
    return jf_parse(argc, argv, &o);
}

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void
flags_and_outputs(void **state)
{
    (void)state;
    assert_int_equal(parse(ARGS("-sSfLv", "-o", "a.txt", "https://a.test/",
                                "-O", "https://b.test/x")),
                     -1);
    assert_true(o.silent && o.show_error && o.fail && o.follow && o.verbose);
    assert_int_equal(o.n_urls, 2);
    assert_int_equal(o.n_outs, 2);
    assert_int_equal(o.out_kind[0], JF_OUT_FILE);
    assert_string_equal(o.out_path[0], "a.txt");
    assert_int_equal(o.out_kind[1], JF_OUT_REMOTE);
    /* -O takes no argument: "b.txt" is not one, it is an unknown flag */
    assert_int_equal(parse(ARGS("-Ob", "https://a.test/")), JF_USAGE);
    assert_int_equal(
        parse(ARGS("-ofile", "--max-redirs", "-1", "-m", "2.5",
                   "--connect-timeout", "0.001", "--", "-not-an-option")),
        -1);
    assert_string_equal(o.out_path[0], "file");
    assert_int_equal(o.max_redirs, -1);
    assert_int_equal(o.max_time_ms, 2500);
    assert_int_equal(o.connect_timeout_ms, 1);
    assert_string_equal(o.urls[0], "-not-an-option");
    assert_int_equal(parse(ARGS("https://a.test/")), -1);
    assert_int_equal(o.max_redirs, 50); /* curl's default */
}

static void
bad_usage(void **state)
{
    const char *const *const rows[] = {
        ARGS("--bogus", "https://a.test/"),
        ARGS("-k", "https://a.test/"),
        ARGS("--insecure", "https://a.test/"),
        ARGS("https://a.test/", "-o"),
        ARGS("-o", "x", "-o", "y", "https://a.test/"),
        ARGS("--max-redirs", "x", "https://a.test/"),
        ARGS("--max-redirs", "-2", "https://a.test/"),
        ARGS("--max-time", "0", "https://a.test/"),
        ARGS("--max-time", "-1", "https://a.test/"),
        ARGS("--connect-timeout", "1s", "https://a.test/"),
        ARGS("-I", "-d", "x", "https://a.test/"),
        ARGS("-H", "Host: evil.test", "https://a.test/"),
        ARGS("-H", "content-length: 5", "https://a.test/"),
        ARGS("-H", "Transfer-Encoding: chunked", "https://a.test/"),
        ARGS("-H", "Connection: close", "https://a.test/"),
        ARGS("-H", "no colon", "https://a.test/"),
        ARGS("-H", ": empty name", "https://a.test/"),
        ARGS("-v"),
    };

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        if (parse(rows[i]) != JF_USAGE)
            fail_msg("row %zu (%s ...) accepted", i, rows[i][0]);
    assert_int_equal(parse(ARGS("--help")), 0);
    assert_int_equal(parse(ARGS("-V")), 0);
}

static void
headers_and_data(void **state)
{
    (void)state;
    assert_int_equal(
        parse(ARGS("-H", "Authorization: Bearer T", "-H", "X-Api-Key:k1", "-H",
                   "Accept-Language: en", "-H", "User-Agent:", "-H", "X-Empty;",
                   "-d", "a=1", "-d", "b=2", "https://a.test/")),
        -1);
    assert_int_equal(o.n_headers, 4);
    assert_int_equal(o.headers[0].name_len, 13);
    assert_memory_equal(o.headers[0].value, "Bearer T", 8);
    assert_int_equal(o.headers[0].value_len, 8);
    assert_int_equal(o.credential[0], 1);
    assert_int_equal(o.headers[1].value_len, 2);
    assert_int_equal(o.credential[1], 1);
    assert_int_equal(o.credential[2], 0);
    assert_int_equal(o.headers[3].value_len, 0);
    assert_true(o.no_user_agent);
    assert_false(o.no_accept);
    assert_false(o.has_content_type);
    assert_string_equal(o.data, "a=1&b=2");
    assert_int_equal(o.data_len, 7);
}

static void
exit_codes(void **state)
{
    static const struct {
        int err, stage, code;
    } rows[] = {
        {JT_ERR_NET_NXDOMAIN, JT_CONN_RESOLVE, 6},
        {JT_ERR_NET_UNMAPPED, JT_CONN_RESOLVE, 6},
        {JT_ERR_NET_REFUSED, JT_CONN_CONNECT, 7},
        {JT_ERR_NET_TIMEOUT, JT_CONN_CONNECT, 28},
        {JT_ERR_NET_TIMEOUT, JT_HTTP_RECV, 28},
        {JT_ERR_TLS_HANDSHAKE_EOF, JT_CONN_TLS, 35},
        {JT_ERR_TLS_NOT_TLS, JT_CONN_TLS, 35},
        {JT_ERR_JIT_NO_TRUSTED_CA, JT_CONN_VERIFY, 60},
        {JT_ERR_JIT_NAME_MISMATCH, JT_CONN_VERIFY, 60},
        {JT_ERR_TRUST_LEAF_IS_CA, JT_CONN_VERIFY, 60},
        {JT_ERR_H1_REDIRECT_TOO_MANY, JT_HTTP_RECV, 47},
        {JT_ERR_H1_REDIRECT_LOOP, JT_HTTP_RECV, 47},
        {JT_ERR_H1_REDIRECT_DOWNGRADE, JT_HTTP_RECV, 1},
        {JT_ERR_H1_URL_SCHEME, 0, 1},
        {JT_ERR_H1_URL_SCHEME, JT_HTTP_RECV, 1},
        {JT_ERR_H1_URL_SYNTAX, 0, 3},
        {JT_ERR_H1_URL_PORT, JT_HTTP_RECV, 3},
        {JT_ERR_NET_HOST_BAD_CHAR, 0, 3},
        {JT_ERR_H1_TRUNCATED, JT_HTTP_RECV, 18},
        {JT_ERR_H1_MAYBE_TRUNCATED, JT_HTTP_RECV, 18},
        {JT_ERR_H1_NO_RESPONSE, JT_HTTP_RECV, 52},
        {JT_ERR_H1_BAD_STATUS_LINE, JT_HTTP_RECV, 8},
        {JT_ERR_H1_BODY_TOO_BIG, JT_HTTP_RECV, 63},
        {JT_ERR_H1_RESERVED_HEADER, 0, 2},
        {JT_ERR_NET_PIPE_IO, JT_HTTP_SEND, 55},
        {JT_ERR_TLS_ALERT, JT_HTTP_RECV, 56},
        {JT_ERR_NOMEM, JT_HTTP_RECV, 27},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        if (jf_exit_code(rows[i].err, rows[i].stage) != rows[i].code)
            fail_msg("row %zu: %s at stage %d: %d, want %d", i,
                     jt_strerror(rows[i].err), rows[i].stage,
                     jf_exit_code(rows[i].err, rows[i].stage), rows[i].code);
}

static void
credentials(void **state)
{
    static const struct {
        const char *name;
        int cred;
    } rows[] = {
        {"Authorization", 1}, {"X-Auth-Token", 1}, {"X-API-KEY", 1},
        {"Cookie", 1},        {"X-Session-Id", 1}, {"X-Password", 1},
        {"Client-Secret", 1}, {"Accept", 0},       {"User-Agent", 0},
        {"Content-Type", 0},  {"Range", 0},        {"X-Request-Id", 0},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        if (jf_is_credential(rows[i].name, strlen(rows[i].name)) !=
            rows[i].cred)
            fail_msg("%s: want %d", rows[i].name, rows[i].cred);
}

/* -d @FILE that cannot be read: curl's 26 ("read error"), not usage. */
static void
data_file_errors(void **state)
{
    (void)state;
    assert_int_equal(parse(ARGS("-d", "@/nonexistent/file", "https://a.test/")),
                     JF_READ);
    assert_int_equal(parse(ARGS("-d", "@/", "https://a.test/")), JF_READ);
    assert_int_equal(JF_READ, 26);
}

/* jf_json_str(): the rules of libjittrust's trace (test-trace.c
 * json_non_ascii), and pure ASCII out for every byte. */
static void
json_strings(void **state)
{
    static const struct {
        const char *in, *out;
    } rows[] = {
        {"plain", "\"plain\""},
        {"q\"b\\s/", "\"q\\\"b\\\\s/\""},
        {"nl\ncr\r\x01\x7f", "\"nl\\u000acr\\u000d\\u0001\\u007f\""},
        {"5AEE\xe2\x80\xa6"
         "743B",
         "\"5AEE\\u2026743B\""},
        {"\xc3\xa9t\xc3\xa9", "\"\\u00e9t\\u00e9\""},
        {"\xf0\x9f\x98\x80", "\"\\ud83d\\ude00\""},
        {"\xff\xfe\"\\", "\"\\ufffd\\ufffd\\\"\\\\\""},
        {"cut \xe2\x80", "\"cut \\ufffd\\ufffd\""},
        {"\xc0\xaf", "\"\\ufffd\\ufffd\""},
        {"\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""},
        {"\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""},
    };
    char *buf = NULL, one[2] = {0, 0};
    size_t len = 0;
    FILE *f;

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        f = open_memstream(&buf, &len);
        assert_non_null(f);
        jf_json_str(f, rows[i].in);
        assert_int_equal(fclose(f), 0);
        if (strcmp(buf, rows[i].out) != 0)
            fail_msg("row %zu: %s, want %s", i, buf, rows[i].out);
        free(buf);
    }
    for (int c = 1; c < 256; c++) {
        one[0] = (char)c;
        f = open_memstream(&buf, &len);
        assert_non_null(f);
        jf_json_str(f, one);
        assert_int_equal(fclose(f), 0);
        for (size_t k = 0; k < len; k++)
            assert_true(buf[k] >= 0x20 && buf[k] < 0x7f);
        free(buf);
    }
}

static char dir[256];

static const char *
at(const char *name)
{
    static char buf[4][512];
    static int k;

    k = (k + 1) % 4;
    snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
    return buf[k];
}

static void
put_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

/* |name| in the temp dir, or as it is when absolute. */
static const char *
in_dir(const char *name, char *buf, size_t cap)
{
    if (name[0] == '/')
        return name;
    snprintf(buf, cap, "%s/%s", dir, name);
    return buf;
}

/* jf_target(): what is there once symlinks are followed (names in the
 * temp dir unless absolute). */
static void
targets(void **state)
{
    static const struct {
        const char *path;
        int kind;
        const char *reached; /* NULL: the path itself */
        int err;             /* errno when the call fails */
    } rows[] = {
        {"file", JF_TARGET_REGULAR, NULL, 0},
        {"missing", JF_TARGET_NEW, NULL, 0},
        {".", JF_TARGET_DIR, NULL, 0},
        {"fifo", JF_TARGET_SPECIAL, NULL, 0},
        {"/dev/null", JF_TARGET_SPECIAL, NULL, 0},
        {"to-file", JF_TARGET_REGULAR, "file", 0},
        {"to-to-file", JF_TARGET_REGULAR, "file", 0},
        {"dangling", JF_TARGET_NEW, "nothing", 0},
        {"to-fifo", JF_TARGET_SPECIAL, "fifo", 0},
        {"to-abs", JF_TARGET_SPECIAL, "/dev/null", 0},
        {"loop", 0, NULL, ELOOP},
        {"/dev/stdout", JF_TARGET_PROC, NULL, 0},
        {"/dev/fd/1", JF_TARGET_PROC, NULL, 0},
        {"missing-dir/x", JF_TARGET_NEW, NULL, 0}, /* open says ENOENT */
        {"file/x", 0, NULL, ENOTDIR},
    };
    char p[512], w[512], fifo[512];
    mode_t mode;
    int kind;

    (void)state;
    put_file(at("file"), "old");
    assert_int_equal(chmod(at("file"), 0640), 0);
    assert_int_equal(mkfifo(at("fifo"), 0600), 0);
    assert_int_equal(symlink("file", at("to-file")), 0);
    assert_int_equal(symlink("to-file", at("to-to-file")), 0);
    assert_int_equal(symlink("nothing", at("dangling")), 0);
    snprintf(fifo, sizeof(fifo), "%s", at("fifo"));
    assert_int_equal(symlink(fifo, at("to-fifo")), 0);
    assert_int_equal(symlink("/dev/null", at("to-abs")), 0);
    assert_int_equal(symlink("loop", at("loop")), 0);
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const char *path = in_dir(rows[i].path, p, sizeof(p));
        const char *want =
            rows[i].reached ? in_dir(rows[i].reached, w, sizeof(w)) : path;
        char *got = jf_target(path, &kind, &mode);

        if (rows[i].err != 0 && (got != NULL || errno != rows[i].err))
            fail_msg("row %zu: %s: %s, want errno %d", i, path,
                     got != NULL ? got : strerror(errno), rows[i].err);
        if (rows[i].err == 0 &&
            (got == NULL || kind != rows[i].kind || strcmp(got, want) != 0))
            fail_msg("row %zu: %s: %s kind %d, want %s kind %d", i, path,
                     got != NULL ? got : strerror(errno), kind, want,
                     rows[i].kind);
        free(got);
    }
    free(jf_target(at("file"), &kind, &mode));
    assert_int_equal(mode & 0777, 0640);
}

/* Another user's symlink in a sticky world-writable directory (/tmp) is
 * not followed, as Linux's fs.protected_symlinks (root only: lchown). */
static void
protected_link(void **state)
{
    mode_t mode;
    int kind;

    (void)state;
    if (geteuid() != 0)
        skip();
    assert_int_equal(mkdir(at("sticky"), 01777), 0);
    assert_int_equal(chmod(at("sticky"), 01777), 0);
    assert_int_equal(symlink("/dev/null", at("sticky/link")), 0);
    assert_int_equal(lchown(at("sticky/link"), 12345, 12345), 0);
    assert_null(jf_target(at("sticky/link"), &kind, &mode));
    assert_int_equal(errno, EACCES);
    /* the directory's owner's link is fine */
    assert_int_equal(chown(at("sticky"), 12345, 12345), 0);
    free(jf_target(at("sticky/link"), &kind, &mode));
    assert_int_equal(kind, JF_TARGET_SPECIAL);
}

/* Write |text| to |path| through jf_file and commit. */
static void
write_out(const char *path, const char *text)
{
    struct jf_file f;

    if (jf_file_open(&f, path) != 0)
        fail_msg("%s: %s", path, strerror(errno));
    assert_int_equal(write(f.fd, text, strlen(text)), (ssize_t)strlen(text));
    assert_int_equal(jf_file_commit(&f), 0);
    jf_file_free(&f);
}

static void
want_file(const char *path, const char *text)
{
    char buf[256] = {0};
    FILE *f = fopen(path, "r");

    assert_non_null(f);
    (void)fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    assert_string_equal(buf, text);
}

/* A device stays a device, a FIFO gets the bytes, a link stays a link
 * and its target gets them, a replaced file keeps its mode. */
static void
file_kinds(void **state)
{
    char buf[16] = {0};
    struct stat st;
    int rd;

    (void)state;
    put_file(at("k-file"), "old");
    assert_int_equal(chmod(at("k-file"), 0600), 0);
    assert_int_equal(symlink("k-file", at("k-link")), 0);
    write_out(at("k-link"), "new");
    assert_int_equal(lstat(at("k-link"), &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    want_file(at("k-file"), "new");
    assert_int_equal(stat(at("k-file"), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);

    assert_int_equal(mkfifo(at("k-fifo"), 0600), 0);
    rd = open(at("k-fifo"), O_RDONLY | O_NONBLOCK);
    assert_true(rd >= 0);
    write_out(at("k-fifo"), "via fifo");
    assert_int_equal(read(rd, buf, sizeof(buf) - 1), 8);
    assert_string_equal(buf, "via fifo");
    close(rd);
    assert_int_equal(lstat(at("k-fifo"), &st), 0);
    assert_true(S_ISFIFO(st.st_mode));

    if (mknod(at("k-null"), S_IFCHR | 0666, makedev(1, 3)) != 0)
        write_out("/dev/null", "x"); /* not root: cannot replace it */
    else
        write_out(at("k-null"), "x");
    assert_int_equal(stat(geteuid() == 0 ? at("k-null") : "/dev/null", &st), 0);
    assert_true(S_ISCHR(st.st_mode));
}

/* A failed fetch keeps PATH.part whole (no fixed-size buffer cutting a
 * long name onto another file); a name too long for a suffix still gets
 * a temporary file. */
static void
long_names(void **state)
{
    char path[1200], victim[1200], part[1300], name[256];
    struct jf_file f;
    char *got;

    (void)state;
    /* a 603-byte path whose first 599 bytes name another file */
    th_long_paths(dir, path, victim);
    put_file(victim, "unrelated");
    assert_int_equal(jf_file_open(&f, path), 0);
    assert_int_equal(write(f.fd, "part", 4), 4);
    got = jf_file_discard(&f, 1);
    jf_file_free(&f);
    snprintf(part, sizeof(part), "%s.part", path);
    assert_non_null(got);
    assert_string_equal(got, part);
    free(got);
    want_file(part, "part");
    want_file(victim, "unrelated");

    memset(name, 'n', 250);
    name[250] = 0;
    write_out(at(name), "long");
    want_file(at(name), "long");
}

/* SIGTERM or SIGINT while a temporary file is open: it is removed and
 * the process exits 128 + the signal; the old file stays. */
static void
signal_cleanup(void **state)
{
    static const int sigs[] = {SIGTERM, SIGINT};

    (void)state;
    put_file(at("s-file"), "old");
    for (size_t i = 0; i < 2; i++) {
        int st;
        pid_t pid = fork();

        assert_true(pid >= 0);
        if (pid == 0) {
            struct jf_file f;

            if (jf_signals_install() != 0 ||
                jf_file_open(&f, at("s-file")) != 0)
                _exit(1);
            kill(getpid(), sigs[i]);
            _exit(2);
        }
        assert_int_equal(waitpid(pid, &st, 0), pid);
        assert_true(WIFEXITED(st));
        assert_int_equal(WEXITSTATUS(st), 128 + sigs[i]);
    }
    want_file(at("s-file"), "old");
}

static int
setup(void **state)
{
    const char *tmp = getenv("TMPDIR");

    (void)state;
    snprintf(dir, sizeof(dir), "%s/jf-unit-XXXXXX", tmp ? tmp : "/tmp");
    return mkdtemp(dir) != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
    char cmd[400];

    (void)state;
    jf_free(&o);
    /* only our own mkdtemp directory */
    if (strstr(dir, "/jf-unit-") != NULL) {
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            return -1;
    }
    return 0;
}

/* Nothing but the old file in the temp dir after the signals. */
static void
no_temp_left(void **state)
{
    char cmd[400];

    (void)state;
    snprintf(cmd, sizeof(cmd), "ls -a '%s' | grep -q jitfetch-", dir);
    assert_int_not_equal(system(cmd), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(flags_and_outputs), cmocka_unit_test(bad_usage),
        cmocka_unit_test(headers_and_data),  cmocka_unit_test(exit_codes),
        cmocka_unit_test(credentials),       cmocka_unit_test(data_file_errors),
        cmocka_unit_test(json_strings),      cmocka_unit_test(targets),
        cmocka_unit_test(protected_link),    cmocka_unit_test(file_kinds),
        cmocka_unit_test(long_names),        cmocka_unit_test(signal_cleanup),
        cmocka_unit_test(no_temp_left),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
