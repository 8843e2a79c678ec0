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
 * jitfetch-cli.c.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jitfetch.h"
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

/* One fetch's output and outcome. */
struct fetch {
    int fd;     /* 1 (stdout) or the temporary file */
    char *path; /* -o / -O target, or NULL for stdout */
    char *tmp;  /* its temporary file while writing */
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
};

static char line[LINE_MAX_LEN];

/* ---- messages and the trace ---- */

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
warn(const struct app *a, const char *fmt, ...)
{
    va_list ap;

    if (a->o.silent && !a->o.show_error)
        return;
    fputs("jitfetch: warning: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* A JSON string (quotes, backslash, control bytes escaped). */
static void
json_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s != 0; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
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

/* The failure of one URL: "jitfetch: (60) message" or a JSON line. */
static void
report(const struct app *a, const char *url, int code, int rc, const char *msg)
{
    if (a->o.json) {
        fputs("{\"ev\":\"error\",\"url\":", stderr);
        json_str(stderr, url);
        fprintf(stderr, ",\"exit\":%d,\"rc\":%d,\"err\":", code, rc);
        json_str(stderr, rc != 0 ? jt_strerror(rc) : "");
        fputs(",\"text\":", stderr);
        json_str(stderr, msg);
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
            fprintf(stderr, "jitfetch: (77) --trust-blob %s: %s%s%s\n",
                    a->o.trust_blob[i], jt_strerror(rc),
                    bf->sys_errno ? ": " : "",
                    bf->sys_errno ? strerror(bf->sys_errno) : "");
            return JF_TRUST_FILE;
        }
    }
    for (size_t i = 0; i < a->o.n_trust_dir; i++) {
        rc = jt_source_certs_create(a->o.trust_dir[i], NULL, &src);
        if (rc == 0)
            rc = add_source(a, &src);
        if (rc != 0) {
            fprintf(stderr, "jitfetch: (77) --trust-dir %s: %s\n",
                    a->o.trust_dir[i], jt_strerror(rc));
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

/* Read a whole small file; NULL with errno set on failure. */
static char *
slurp(const char *path, size_t max, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0;

    if (f != NULL && (buf = malloc(max + 1)) != NULL) {
        n = fread(buf, 1, max + 1, f);
        if (ferror(f) || n > max) {
            free(buf);
            buf = NULL;
            errno = ferror(f) ? EIO : EFBIG;
        }
    }
    if (f != NULL)
        fclose(f);
    *len = n;
    return buf;
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
    text = slurp(a->o.trust_cache, CACHE_FILE_MAX, &len);
    if (text == NULL) {
        if (errno != ENOENT)
            warn(a, "--trust-cache %s: %s", a->o.trust_cache, strerror(errno));
        return;
    }
    rc = jt_jit_ctx_load(a->jit, text, len, &bad);
    if (rc < 0)
        warn(a, "--trust-cache %s: line %zu: %s (starting cold)",
             a->o.trust_cache, bad, jt_strerror(rc));
    free(text);
}

/* Write |len| bytes to |path| through a temporary file and a rename. */
static int
write_atomic(const char *path, const char *buf, size_t len)
{
    size_t pl = strlen(path);
    char *tmp = malloc(pl + 16);
    int fd, rc = -1;

    if (tmp == NULL)
        return -1;
    memcpy(tmp, path, pl);
    memcpy(tmp + pl, ".tmp-XXXXXX", 12);
    fd = mkstemp(tmp);
    if (fd >= 0) {
        size_t off = 0;

        while (off < len) {
            ssize_t w = write(fd, buf + off, len - off);

            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                break;
            off += (size_t)w;
        }
        rc = off == len && fsync(fd) == 0 ? 0 : -1;
        rc = close(fd) == 0 ? rc : -1;
        rc = rc == 0 ? rename(tmp, path) : -1;
        if (rc != 0)
            unlink(tmp);
    }
    free(tmp);
    return rc;
}

static void
save_cache(struct app *a)
{
    size_t used = 0, cap = 4096;
    char *buf = NULL;
    int rc = JT_ERR_NOSPC;

    if (a->o.trust_cache == NULL)
        return;
    while (rc == JT_ERR_NOSPC) {
        char *b = realloc(buf, cap);

        if (b == NULL)
            break;
        buf = b;
        rc = jt_jit_ctx_save(a->jit, buf, cap, &used);
        cap = used + 1;
    }
    if (rc != 0 || write_atomic(a->o.trust_cache, buf, used) != 0)
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
            fprintf(stderr, "jitfetch: (2) --resolve %s: %s\n", a->o.resolve[i],
                    jt_strerror(rc));
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

/* Open the output of URL number |i|: stdout, or a temporary file next to
 * the target. Returns 0 or an exit code (after the message). */
static int
open_output(struct app *a, size_t i, const char *url)
{
    struct fetch *f = &a->f;
    int kind = i < a->o.n_outs ? a->o.out_kind[i] : JF_OUT_STDOUT;
    size_t pl;
    mode_t um;

    f->fd = 1;
    if (kind == JF_OUT_STDOUT ||
        (kind == JF_OUT_FILE && strcmp(a->o.out_path[i], "-") == 0))
        return 0;
    f->path = kind == JF_OUT_FILE ? strdup(a->o.out_path[i]) : remote_name(url);
    if (f->path == NULL) {
        report(a, url, JF_WRITE, 0,
               "-O: the URL has no file name to save to (use -o FILE)");
        return JF_WRITE;
    }
    pl = strlen(f->path);
    f->tmp = malloc(pl + 20);
    if (f->tmp == NULL)
        return JF_NOMEM;
    memcpy(f->tmp, f->path, pl);
    memcpy(f->tmp + pl, ".jitfetch-XXXXXX", 17);
    f->fd = mkstemp(f->tmp);
    if (f->fd < 0) {
        snprintf(line, sizeof(line), "%s: %s", f->path, strerror(errno));
        free(f->tmp);
        f->tmp = NULL;
        report(a, url, JF_WRITE, 0, line);
        return JF_WRITE;
    }
    um = umask(0);
    umask(um);
    (void)fchmod(f->fd, 0666 & ~um);
    return 0;
}

/* Write everything; 0 or -1 (errno kept in the fetch). */
static int
put(struct fetch *f, const void *buf, size_t len)
{
    const uint8_t *p = buf;

    while (len > 0 && f->write_errno == 0) {
        ssize_t w = write(f->fd, p, len);

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

/* Finish the output: rename into place on success; on failure keep what
 * arrived as PATH.part (never over the old file). Returns the exit code,
 * JF_WRITE when the output itself failed. */
static int
close_output(struct app *a, int code, char *note, size_t cap)
{
    struct fetch *f = &a->f;
    int keep = code == 0;

    note[0] = 0;
    if (f->tmp == NULL)
        return code;
    if (fsync(f->fd) != 0 && keep && f->write_errno == 0)
        f->write_errno = errno;
    if (close(f->fd) != 0 && keep && f->write_errno == 0)
        f->write_errno = errno;
    if (keep && f->write_errno == 0) {
        if (rename(f->tmp, f->path) == 0)
            return code;
        f->write_errno = errno;
    }
    if (!keep && f->bytes > 0 && f->write_errno == 0) {
        snprintf(note, cap, "%s.part", f->path);
        if (rename(f->tmp, note) != 0)
            note[0] = 0;
    }
    if (note[0] == 0)
        unlink(f->tmp);
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

/* Fetch URL number |i|. Returns its exit code. */
static int
fetch_one(struct app *a, size_t i)
{
    const char *url = a->o.urls[i], *msg = "";
    struct jt_h1_header hdr[JF_MAX_HEADERS + 3];
    uint8_t cred[JF_MAX_HEADERS + 3];
    char note[600], full[JT_HTTP_MSG_MAX + 700];
    struct jt_http_req r;
    struct jt_http *h;
    int rc, code;

    memset(&a->f, 0, sizeof(a->f));
    make_request(a, url, &r);
    r.headers = hdr;
    r.credential = cred;
    r.n_headers = build_headers(a, hdr, cred);
    r.ud = a;
    rc = jt_http_start(a->cl, &r, &h);
    if (rc != 0) {
        snprintf(full, sizeof(full), "%s: %s", url, jt_strerror(rc));
        report(a, url, jf_exit_code(rc, 0), rc, full);
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
    code = close_output(a, code, note, sizeof(note));
    if (code == JF_WRITE && a->f.write_errno != 0 && a->f.http_error == 0) {
        snprintf(line, sizeof(line),
                 "Failure writing output to destination: %s",
                 strerror(a->f.write_errno));
        msg = line;
    }
    if (code != 0 && msg[0] != 0) {
        size_t ml = strlen(msg);

        if (ml > JT_HTTP_MSG_MAX)
            ml = JT_HTTP_MSG_MAX;
        snprintf(full, sizeof(full), "%.*s%s%s", (int)ml, msg,
                 note[0] ? "; what arrived is in " : "", note);
        report(a, url, code, a->f.http_error || a->f.write_errno ? 0 : a->f.err,
               full);
    }
    jt_http_destroy(h);
    free(a->f.path);
    free(a->f.tmp);
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

    signal(SIGPIPE, SIG_IGN); /* a closed stdout is a write error: 23 */
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
