// SPDX-License-Identifier: MIT
/*
 * jitfetch: a curl-like fetch tool with JIT trust, on libjittrust's public
 * API only. It trusts no CA up front: each https server's chain says which
 * root it needs, the trust sources (the built-in Mozilla roots, blob
 * files, directories) are asked for just that one, and the decision is
 * cached (and, with --trust-cache, kept across runs).
 *
 * Read top to bottom: the trust setup, the output, one fetch (request,
 * callbacks), main(). The command line and the exit codes are in
 * jitfetch-cli.c, where files really go (devices, FIFOs, symlinks,
 * temporary files and signals) in jitfetch-file.c.
 */
#define _POSIX_C_SOURCE 200809L
#include "jitfetch.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jittrust/blob-verify.h"
#include "jittrust/conn.h"
#include "jittrust/error.h"
#include "jittrust/http.h"
#include "jittrust/jit.h"
#include "jittrust/loop.h"
#include "jittrust/resolve.h"
#include "jittrust/source.h"
#include "jittrust/tls.h"
#include "jittrust/url.h"
#include "jittrust/version.h"

/* Most bytes of a --trust-cache file. */
#define CACHE_FILE_MAX (1024u * 1024u)
/* A JSON or text trace line: the longest URL escaped, and then some. */
#define LINE_MAX_LEN 16384u

/* The header line a --trust-cache file starts with. */
#define CACHE_HEADER "jittrust-host-cache 1"

/* One fetch's output and outcome. */
struct fetch {
    struct jf_file out; /* fd 1 (stdout, path NULL) or the -o / -O file */
    int done, err, write_errno, http_error, status;
    uint64_t bytes;
};

struct app {
    struct jf_opts o;
    struct jt_loop *loop;
    struct jt_hostmap *map;
    struct jt_resolver *res;
    struct jt_tls_config *tls;
    struct jt_jit_ctx *jit;
    struct jt_http_client *cl;
    struct jt_blob builtin;
    struct jt_blob_file blobs[JF_MAX_TRUST];
    size_t n_blobs, n_sources;
    struct fetch f;
    unsigned ok, failed;
    char *cache_path; /* --trust-cache, symlinks followed */
    mode_t cache_mode;
    int cache_save; /* 1: missing, empty or a cache file: may be saved */
};

static char line[LINE_MAX_LEN], wline[LINE_MAX_LEN];

/* ---- messages and the trace ---- */

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
warn(const struct app *a, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(wline, sizeof(wline), fmt, ap);
    va_end(ap);
    if (a->o.json) {
        fputs("{\"ev\":\"warning\",\"text\":", stderr);
        jf_json_str(stderr, wline);
        fputs("}\n", stderr);
    } else if (!a->o.silent || a->o.show_error) {
        fprintf(stderr, "jitfetch: warning: %s\n", wline);
    }
}

/* The library's trace events: text lines (-v) or JSON lines (--json). */
static void
on_trace(const struct jt_trace_event *ev, void *ud)
{
    const struct app *a = ud;
    int n;

    if (!a->o.json && !a->o.verbose)
        return;
    n = jt_trace_format(ev, a->o.json ? JT_TRACE_JSON : JT_TRACE_TEXT, line,
                        sizeof(line));
    if (n < 0 && a->o.json)
        return; /* never a cut JSON line */
    fprintf(stderr, a->o.json ? "%s\n" : "* %s\n", line);
}

/* The failure of one URL (|url| "": of the run, before any URL):
 * "jitfetch: (60) message" or a JSON line. */
static void
report(const struct app *a, const char *url, int code, int rc, const char *msg)
{
    if (a->o.json) {
        fputs("{\"ev\":\"error\",\"url\":", stderr);
        jf_json_str(stderr, url);
        fprintf(stderr, ",\"exit\":%d,\"rc\":%d,\"err\":", code, rc);
        jf_json_str(stderr, rc != 0 ? jt_strerror(rc) : "");
        fputs(",\"text\":", stderr);
        jf_json_str(stderr, msg);
        fputs("}\n", stderr);
    } else if (!a->o.silent || a->o.show_error) {
        fprintf(stderr, "jitfetch: (%d) %s\n", code, msg);
    }
}

/* ---- trust ---- */

static int
add_source(struct app *a, const struct jt_source *src)
{
    int rc = jt_jit_ctx_add_source(a->jit, src);

    if (rc != 0 && src->destroy != NULL)
        src->destroy(src->ud);
    a->n_sources += rc == 0;
    return rc;
}

/* --trust-blob files, --trust-dir paths, then the built-in roots. */
static int
setup_sources(struct app *a)
{
    struct jt_source src;
    const uint8_t *p;
    size_t len;
    int rc;

    for (size_t i = 0; i < a->o.n_trust_blob; i++) {
        struct jt_blob_file *bf = &a->blobs[a->n_blobs];

        jt_blob_file_init(bf);
        rc = jt_blob_file_load(bf, a->o.trust_blob[i], 0, NULL, NULL);
        if (rc == 0)
            a->n_blobs++;
        if (rc == 0)
            rc = jt_source_blob(&bf->blob, &src);
        if (rc == 0)
            rc = add_source(a, &src);
        if (rc != 0) {
            snprintf(line, sizeof(line), "--trust-blob %s: %s%s%s",
                     a->o.trust_blob[i], jt_strerror(rc),
                     bf->sys_errno ? ": " : "",
                     bf->sys_errno ? strerror(bf->sys_errno) : "");
            report(a, "", JF_TRUST_FILE, rc, line);
            return JF_TRUST_FILE;
        }
    }
    for (size_t i = 0; i < a->o.n_trust_dir; i++) {
        rc = jt_source_certs_create(a->o.trust_dir[i], NULL, &src);
        if (rc == 0)
            rc = add_source(a, &src);
        if (rc != 0) {
            snprintf(line, sizeof(line), "--trust-dir %s: %s",
                     a->o.trust_dir[i], jt_strerror(rc));
            report(a, "", JF_TRUST_FILE, rc, line);
            return JF_TRUST_FILE;
        }
    }
    if (!a->o.no_builtin && jt_builtin_blob(&p, &len) == 0 &&
        jt_blob_open(&a->builtin, p, len, NULL) == 0 &&
        jt_source_blob(&a->builtin, &src) == 0) {
        src.name = "builtin";
        (void)add_source(a, &src);
    }
    return 0;
}

/* Read a whole small regular file (never blocks on a FIFO swapped in
 * after the check); NULL with errno set on failure. */
static char *
slurp(const char *path, size_t max, size_t *len)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW);
    char *buf = NULL;
    struct stat st;
    size_t n = 0;
    int e;

    *len = 0;
    if (fd < 0)
        return NULL;
    e = fstat(fd, &st) != 0 ? errno : !S_ISREG(st.st_mode) ? EINVAL : 0;
    if (e == 0 && (buf = malloc(max + 1)) == NULL)
        e = ENOMEM;
    while (e == 0 && n <= max) {
        ssize_t r = read(fd, buf + n, max + 1 - n);

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            e = errno;
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    if (e == 0 && n > max)
        e = EFBIG;
    close(fd);
    if (e != 0) {
        free(buf);
        errno = e;
        return NULL;
    }
    *len = n;
    return buf;
}

/* 1 when |text| starts with the cache's header line. */
static int
is_cache(const char *text, size_t len)
{
    size_t hl = sizeof(CACHE_HEADER) - 1;

    return len >= hl && memcmp(text, CACHE_HEADER, hl) == 0 &&
           (len == hl || text[hl] == '\n' || text[hl] == '\r');
}

/* --trust-cache: where it is and whether it may be written at the end:
 * only when it is missing, empty, or a cache file (never over a PEM
 * given by mistake, a device or a FIFO). The text, or NULL. */
static char *
open_cache(struct app *a, size_t *len)
{
    const char *name = a->o.trust_cache;
    char *text;
    int kind;

    *len = 0;
    a->cache_path = jf_target(name, &kind, &a->cache_mode);
    if (a->cache_path == NULL || kind == JF_TARGET_NEW) {
        if (a->cache_path == NULL)
            warn(a, "--trust-cache %s: %s (not used)", name, strerror(errno));
        a->cache_save = a->cache_path != NULL;
        return NULL;
    }
    if (kind != JF_TARGET_REGULAR) {
        warn(a, "--trust-cache %s: not a regular file (not read, not written)",
             name);
        return NULL;
    }
    text = slurp(a->cache_path, CACHE_FILE_MAX, len);
    if (text == NULL)
        warn(a, "--trust-cache %s: %s (not used, left as it is)", name,
             strerror(errno));
    else if (*len > 0 && !is_cache(text, *len))
        warn(a,
             "--trust-cache %s: not a trust cache (no \"" CACHE_HEADER
             "\" line at the top; a PEM file goes to --trust-dir): not "
             "used, left as it is",
             name);
    else
        a->cache_save = 1;
    if (!a->cache_save) {
        free(text);
        return NULL;
    }
    return text;
}

/* --trust-cache: load the host entries of an earlier run (after the
 * sources: adding a source flushes every cached decision). */
static void
load_cache(struct app *a)
{
    size_t len, bad = 0;
    char *text;
    int rc;

    if (a->o.trust_cache == NULL)
        return;
    text = open_cache(a, &len);
    if (text == NULL || len == 0) {
        free(text);
        return;
    }
    rc = jt_jit_ctx_load(a->jit, text, len, &bad);
    if (rc < 0)
        warn(a, "--trust-cache %s: line %zu: %s (starting cold)",
             a->o.trust_cache, bad, jt_strerror(rc));
    free(text);
}

static void
save_cache(struct app *a)
{
    size_t used = 0, cap = 4096;
    char *buf = NULL;
    int rc = JT_ERR_NOSPC;

    if (!a->cache_save)
        return;
    while (rc == JT_ERR_NOSPC) {
        char *b = realloc(buf, cap);

        if (b == NULL)
            break;
        buf = b;
        rc = jt_jit_ctx_save(a->jit, buf, cap, &used);
        cap = used + 1;
    }
    if (rc != 0 || jf_file_write(a->cache_path, buf, used, a->cache_mode) != 0)
        warn(a, "--trust-cache %s: not saved: %s", a->o.trust_cache,
             rc != 0 ? jt_strerror(rc) : strerror(errno));
    free(buf);
}

/* The loop, resolver (--resolve map first, then the system), TLS client
 * config, JIT context with its sources, and the HTTP client. */
static int
setup(struct app *a)
{
    struct jt_resolver_opts ro = {0};
    struct jt_tls_config_opts to = {0};
    struct jt_jit_ctx_opts jo = {0};
    struct jt_http_client_opts co = {0};
    int rc;

    if (jt_loop_create(NULL, &a->loop) != 0 ||
        jt_hostmap_create(NULL, JF_MAX_RESOLVE, &a->map) != 0)
        return JF_NOMEM;
    for (size_t i = 0; i < a->o.n_resolve; i++) {
        rc = jt_hostmap_add(a->map, a->o.resolve[i]);
        if (rc != 0) {
            snprintf(line, sizeof(line), "--resolve %s: %s", a->o.resolve[i],
                     jt_strerror(rc));
            report(a, "", JF_USAGE, rc, line);
            return JF_USAGE;
        }
    }
    ro.map = a->map;
    ro.system = 1;
    to.role = JT_TLS_CLIENT;
    jo.loop = a->loop;
    jo.trace = on_trace;
    jo.trace_ud = a;
    jo.cache_bytes = 256u * 1024u; /* room for many hosts in one run */
    jo.caset_max = JT_JIT_MAX_CASETS;
    if (jt_resolver_create(a->loop, &ro, &a->res) != 0 ||
        jt_tls_config_create(&to, &a->tls) != 0 ||
        jt_jit_ctx_create(&jo, &a->jit) != 0)
        return JF_NOMEM;
    rc = setup_sources(a);
    if (rc != 0)
        return rc;
    load_cache(a);
    co.loop = a->loop;
    co.resolver = a->res;
    co.tls = a->tls;
    co.jit = a->jit;
    co.max_idle = 8;
    co.trace = on_trace;
    co.trace_ud = a;
    return jt_http_client_create(&co, &a->cl) == 0 ? 0 : JF_NOMEM;
}

static void
teardown(struct app *a)
{
    jt_http_client_destroy(a->cl);
    jt_jit_ctx_destroy(a->jit);
    for (size_t i = 0; i < a->n_blobs; i++)
        jt_blob_file_free(&a->blobs[i]);
    jt_tls_config_destroy(a->tls);
    jt_resolver_destroy(a->res);
    jt_hostmap_destroy(a->map);
    jt_loop_destroy(a->loop);
    free(a->cache_path);
}

/* ---- output ---- */

/* -O: the last path segment of |url| (no query), or NULL. */
static char *
remote_name(const char *url)
{
    char target[JT_HTTP_URL_MAX];
    struct jt_url u;
    const char *s, *e;
    char *name;

    jt_url_init(&u, target, sizeof(target));
    if (jt_url_parse(&u, url, strlen(url)) != 0)
        return NULL;
    e = strchr(target, '?');
    e = e != NULL ? e : target + u.target_len;
    for (s = e; s > target && s[-1] != '/'; s--)
        ;
    if (s == e || (e - s == 1 && s[0] == '.') ||
        (e - s == 2 && s[0] == '.' && s[1] == '.'))
        return NULL;
    name = malloc((size_t)(e - s) + 1);
    if (name != NULL) {
        memcpy(name, s, (size_t)(e - s));
        name[e - s] = 0;
    }
    return name;
}

/* Open the output of URL number |i|: stdout, or the -o / -O file
 * (jf_file_open()). Returns 0 or an exit code (after the message). */
static int
open_output(struct app *a, size_t i, const char *url)
{
    struct jf_file *f = &a->f.out;
    int kind = i < a->o.n_outs ? a->o.out_kind[i] : JF_OUT_STDOUT;
    char *name = NULL;
    const char *path;

    f->fd = 1;
    if (kind == JF_OUT_STDOUT ||
        (kind == JF_OUT_FILE && strcmp(a->o.out_path[i], "-") == 0))
        return 0;
    path = kind == JF_OUT_FILE ? a->o.out_path[i] : (name = remote_name(url));
    if (path == NULL) {
        report(a, url, JF_WRITE, 0,
               "-O: the URL has no file name to save to (use -o FILE)");
        return JF_WRITE;
    }
    if (jf_file_open(f, path) != 0) {
        snprintf(line, sizeof(line), "%s: %s", path, strerror(errno));
        report(a, url, JF_WRITE, 0, line);
        free(name);
        return JF_WRITE;
    }
    free(name);
    return 0;
}

/* Write everything; 0 or -1 (errno kept in the fetch). */
static int
put(struct fetch *f, const void *buf, size_t len)
{
    const uint8_t *p = buf;

    while (len > 0 && f->write_errno == 0) {
        ssize_t w = write(f->out.fd, p, len);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            f->write_errno = w < 0 ? errno : EIO;
            break;
        }
        p += w;
        len -= (size_t)w;
    }
    return f->write_errno == 0 ? 0 : -1;
}

/* Finish the output: into place on success; on failure keep what
 * arrived as PATH.part (never over the old file; |*part| is that name,
 * malloc'd). Returns the exit code, JF_WRITE when the output itself
 * failed. */
static int
close_output(struct app *a, int code, char **part)
{
    struct fetch *f = &a->f;
    int keep = code == 0;

    *part = NULL;
    if (f->out.path == NULL || f->out.fd < 0)
        return code; /* stdout, or never opened */
    if (keep && f->write_errno == 0) {
        if (jf_file_commit(&f->out) == 0)
            return code;
        f->write_errno = errno;
        return JF_WRITE;
    }
    *part =
        jf_file_discard(&f->out, !keep && f->bytes > 0 && f->write_errno == 0);
    return keep ? JF_WRITE : code;
}

/* ---- one fetch: the response callbacks ---- */

static int
on_status(void *ud, int status, int version, const char *reason, size_t len)
{
    struct app *a = ud;
    char head[64];
    int n = snprintf(head, sizeof(head), "HTTP/1.%d %d", version, status);

    a->f.status = status;
    if (a->o.verbose && !a->o.json)
        fprintf(stderr, "< %s%s%.*s\n", head, len ? " " : "", (int)len, reason);
    if (!a->o.head)
        return 0;
    if (put(&a->f, head, (size_t)n) != 0 ||
        (len > 0 && (put(&a->f, " ", 1) != 0 || put(&a->f, reason, len))) ||
        put(&a->f, "\r\n", 2) != 0)
        return 1;
    return 0;
}

static int
on_header(void *ud, const char *name, size_t nl, const char *value, size_t vl)
{
    struct app *a = ud;

    if (a->o.verbose && !a->o.json)
        fprintf(stderr, "< %.*s: %.*s\n", (int)nl, name, (int)vl, value);
    if (!a->o.head)
        return 0;
    if (put(&a->f, name, nl) != 0 || put(&a->f, ": ", 2) != 0 ||
        put(&a->f, value, vl) != 0 || put(&a->f, "\r\n", 2) != 0)
        return 1;
    return 0;
}

static int
on_head(void *ud, const struct jt_http_head *h)
{
    struct app *a = ud;

    if (a->o.verbose && !a->o.json)
        fprintf(stderr, "<\n");
    if (a->o.head && put(&a->f, "\r\n", 2) != 0)
        return 1;
    if (!h->follow && a->o.fail && h->info->status >= 400) {
        a->f.http_error = h->info->status;
        return 1; /* --fail: not a byte of the error page */
    }
    return 0;
}

static int
on_body(void *ud, const uint8_t *data, size_t len)
{
    struct app *a = ud;

    if (a->o.head)
        return 0;
    a->f.bytes += len;
    return put(&a->f, data, len) == 0 ? 0 : 1;
}

static void
on_done(void *ud, int err)
{
    struct app *a = ud;

    a->f.done = 1;
    a->f.err = err;
}

static const struct jt_http_cb callbacks = {on_status, on_header, on_head,
                                            on_body, on_done};

/* ---- one fetch ---- */

/* The request: defaults that survive -H "Name:", then the -H headers. */
static size_t
build_headers(const struct app *a, struct jt_h1_header *h, uint8_t *cred)
{
    static const struct jt_h1_header ua =
        JT_H1_HEADER("User-Agent", "jitfetch/" JT_VERSION_STRING);
    static const struct jt_h1_header accept = JT_H1_HEADER("Accept", "*/*");
    static const struct jt_h1_header form =
        JT_H1_HEADER("Content-Type", "application/x-www-form-urlencoded");
    size_t n = 0;

    if (!a->o.no_user_agent)
        h[n++] = ua;
    if (!a->o.no_accept)
        h[n++] = accept;
    if (a->o.data != NULL && !a->o.has_content_type)
        h[n++] = form;
    memset(cred, 0, n);
    for (size_t i = 0; i < a->o.n_headers; i++, n++) {
        h[n] = a->o.headers[i];
        cred[n] = a->o.credential[i];
    }
    return n;
}

static void
make_request(const struct app *a, const char *url, struct jt_http_req *r)
{
    memset(r, 0, sizeof(*r));
    r->url = url;
    r->method = a->o.method;
    if (r->method == NULL)
        r->method = a->o.head ? "HEAD" : a->o.data != NULL ? "POST" : "GET";
    if (a->o.data != NULL) {
        r->body = (const uint8_t *)a->o.data;
        r->body_len = a->o.data_len;
    }
    r->flags = a->o.follow ? JT_HTTP_FOLLOW : 0;
    r->max_redirs =
        a->o.max_redirs < 0 ? UINT32_MAX : (uint32_t)a->o.max_redirs;
    r->timeout_ms = a->o.max_time_ms;
    r->connect_timeout_ms = a->o.connect_timeout_ms;
    r->cb = &callbacks;
}

/* The exit code and message of a finished fetch. */
static int
outcome(struct app *a, struct jt_http *h, const char **msg)
{
    struct fetch *f = &a->f;

    *msg = jt_http_message(h);
    if (f->err == 0)
        return 0;
    if (f->http_error != 0) {
        snprintf(line, sizeof(line), "The requested URL returned error: %d",
                 f->http_error);
        *msg = line;
        return JF_HTTP_ERROR;
    }
    if (f->write_errno != 0) {
        snprintf(line, sizeof(line),
                 "Failure writing output to destination: %s",
                 strerror(f->write_errno));
        *msg = line;
        return JF_WRITE;
    }
    return jf_exit_code(f->err, jt_http_stage(h));
}

/* The message of a failed fetch: |msg| (cut to JT_HTTP_MSG_MAX) and
 * where the bytes that arrived are kept, if anywhere. */
static void
tell(struct app *a, const char *url, int code, const char *msg,
     const char *part)
{
    size_t ml = strlen(msg), cap;
    char *full;

    if (ml > JT_HTTP_MSG_MAX)
        ml = JT_HTTP_MSG_MAX;
    cap = ml + (part != NULL ? strlen(part) : 0) + 32;
    full = malloc(cap);
    if (full == NULL)
        return;
    snprintf(full, cap, "%.*s%s%s", (int)ml, msg,
             part != NULL ? "; what arrived is in " : "",
             part != NULL ? part : "");
    report(a, url, code, a->f.http_error || a->f.write_errno ? 0 : a->f.err,
           full);
    free(full);
}

/* Fetch URL number |i|. Returns its exit code. */
static int
fetch_one(struct app *a, size_t i)
{
    const char *url = a->o.urls[i], *msg = "";
    struct jt_h1_header hdr[JF_MAX_HEADERS + 3];
    uint8_t cred[JF_MAX_HEADERS + 3];
    struct jt_http_req r;
    struct jt_http *h;
    char *part;
    int rc, code;

    memset(&a->f, 0, sizeof(a->f));
    make_request(a, url, &r);
    r.headers = hdr;
    r.credential = cred;
    r.n_headers = build_headers(a, hdr, cred);
    r.ud = a;
    rc = jt_http_start(a->cl, &r, &h);
    if (rc != 0) {
        snprintf(line, sizeof(line), "%s: %s", url, jt_strerror(rc));
        report(a, url, jf_exit_code(rc, 0), rc, line);
        return jf_exit_code(rc, 0);
    }
    code = open_output(a, i, url);
    while (code == 0 && !a->f.done)
        if (jt_loop_run_once(a->loop, 1000) != 0)
            break;
    if (code == 0)
        code = a->f.done ? outcome(a, h, &msg) : JF_RECV;
    else
        msg = "";
    code = close_output(a, code, &part);
    if (code == JF_WRITE && a->f.write_errno != 0 && a->f.http_error == 0) {
        snprintf(line, sizeof(line),
                 "Failure writing output to destination: %s",
                 strerror(a->f.write_errno));
        msg = line;
    }
    if (code != 0 && msg[0] != 0)
        tell(a, url, code, msg, part);
    jt_http_destroy(h);
    jf_file_free(&a->f.out);
    free(part);
    return code;
}

/* -v / --json: what the run cost. */
static void
summary(const struct app *a)
{
    struct jt_http_stats hs;
    struct jt_jit_stats js;

    if ((!a->o.verbose && !a->o.json) ||
        jt_http_client_stats(a->cl, &hs) != 0 ||
        jt_jit_ctx_stats(a->jit, &js) != 0)
        return;
    if (a->o.json) {
        fprintf(
            stderr,
            "{\"ev\":\"summary\",\"urls\":%u,\"failed\":%u,"
            "\"connections\":%llu,\"handshakes\":%llu,\"requests\":%llu,"
            "\"reused\":%llu,\"verified\":%llu,\"warm\":%llu,"
            "\"cold\":%llu,\"queries\":%llu,\"ca_parsed\":%llu}\n",
            a->ok + a->failed, a->failed, (unsigned long long)hs.connections,
            (unsigned long long)hs.handshakes, (unsigned long long)hs.requests,
            (unsigned long long)hs.reused, (unsigned long long)js.verified,
            (unsigned long long)js.warm, (unsigned long long)js.cold,
            (unsigned long long)js.queries, (unsigned long long)js.ca_parsed);
        return;
    }
    fprintf(stderr,
            "* summary: %u URL(s), %u failed; %llu connection(s), %llu TLS "
            "handshake(s), %llu request(s), %llu on a reused connection; "
            "trust: %llu verified, %llu cold, %llu warm, %llu key(s) asked, "
            "%llu CA(s) parsed\n",
            a->ok + a->failed, a->failed, (unsigned long long)hs.connections,
            (unsigned long long)hs.handshakes, (unsigned long long)hs.requests,
            (unsigned long long)hs.reused, (unsigned long long)js.verified,
            (unsigned long long)js.cold, (unsigned long long)js.warm,
            (unsigned long long)js.queries, (unsigned long long)js.ca_parsed);
}

int
main(int argc, char **argv)
{
    static struct app a;
    int rc, last = 0;

    /* first: with fd 1 closed, the next socket would become "stdout" */
    if (jf_std_fds() != 0)
        return JF_WRITE;
    signal(SIGPIPE, SIG_IGN); /* a closed stdout is a write error: 23 */
    if (jf_signals_install() != 0)
        return JF_NOMEM;
    rc = jf_parse(argc, argv, &a.o);
    if (rc >= 0) {
        jf_free(&a.o);
        return rc;
    }
    rc = setup(&a);
    for (size_t i = 0; rc == 0 && i < a.o.n_urls; i++) {
        int code = fetch_one(&a, i);

        if (code != 0)
            last = code;
        a.failed += code != 0;
        a.ok += code == 0;
    }
    if (rc == 0) {
        summary(&a);
        save_cache(&a);
    }
    teardown(&a);
    jf_free(&a.o);
    return rc != 0 ? rc : last;
}
