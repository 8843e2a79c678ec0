// SPDX-License-Identifier: MIT
/*
 * jitfetch's command line: curl's options where jitfetch has the feature
 * (same letters, same meaning), the trust options, --help and --version;
 * curl's exit codes for libjittrust's errors; and the JSON string writer
 * of --json. Public API only.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jitfetch.h"
#include "jittrust/trace.h"
#include "jittrust/conn.h"
#include "jittrust/error.h"
#include "jittrust/http.h"
#include "jittrust/version.h"

enum id {
    O_OUTPUT = 1,
    O_REMOTE,
    O_LOCATION,
    O_MAX_REDIRS,
    O_HEAD,
    O_REQUEST,
    O_HEADER,
    O_DATA,
    O_RESOLVE,
    O_CONNECT_TIMEOUT,
    O_MAX_TIME,
    O_SILENT,
    O_SHOW_ERROR,
    O_FAIL,
    O_TRUST_BLOB,
    O_TRUST_DIR,
    O_NO_BUILTIN,
    O_TRUST_CACHE,
    O_VERBOSE,
    O_JSON,
    O_HELP,
    O_VERSION,
};

struct opt {
    const char *name; /* long, without "--" */
    char letter;      /* short, or 0 */
    int arg;          /* 1: takes an argument */
    int id;
};

static const struct opt opts[] = {
    {"output", 'o', 1, O_OUTPUT},
    {"remote-name", 'O', 0, O_REMOTE},
    {"location", 'L', 0, O_LOCATION},
    {"max-redirs", 0, 1, O_MAX_REDIRS},
    {"head", 'I', 0, O_HEAD},
    {"request", 'X', 1, O_REQUEST},
    {"header", 'H', 1, O_HEADER},
    {"data", 'd', 1, O_DATA},
    {"resolve", 0, 1, O_RESOLVE},
    {"connect-timeout", 0, 1, O_CONNECT_TIMEOUT},
    {"max-time", 'm', 1, O_MAX_TIME},
    {"silent", 's', 0, O_SILENT},
    {"show-error", 'S', 0, O_SHOW_ERROR},
    {"fail", 'f', 0, O_FAIL},
    {"trust-blob", 0, 1, O_TRUST_BLOB},
    {"trust-dir", 0, 1, O_TRUST_DIR},
    {"no-builtin-trust", 0, 0, O_NO_BUILTIN},
    {"trust-cache", 0, 1, O_TRUST_CACHE},
    {"verbose", 'v', 0, O_VERBOSE},
    {"json", 0, 0, O_JSON},
    {"help", 'h', 0, O_HELP},
    {"version", 'V', 0, O_VERSION},
};

static const char help_text[] =
    "Usage: jitfetch [options] URL...\n"
    "\n"
    "Fetch URLs over HTTP/1.1 like curl, trusting no CA up front: for each\n"
    "https server, jitfetch reads the chain it sends, asks its trust\n"
    "sources for just the root that chain needs (by the Authority Key\n"
    "Identifier), verifies, and remembers the decision. The body goes to\n"
    "stdout. There is no option to skip verification.\n"
    "\n"
    "Output\n"
    "  -o, --output FILE     write the body to FILE (via a temporary file,\n"
    "                        renamed when complete); one -o per URL\n"
    "  -O, --remote-name     write to a file named like the URL's last\n"
    "                        path segment, in the current directory\n"
    "  -I, --head            send HEAD and print the response head\n"
    "  -f, --fail            no output for an HTTP status >= 400; exit 22\n"
    "  -s, --silent          no error messages\n"
    "  -S, --show-error      with -s: still print error messages\n"
    "  -v, --verbose         print the trust trace and response headers on\n"
    "                        stderr: each certificate the server sent (SKID,\n"
    "                        AKID), keys asked, which source answered, the\n"
    "                        verify result, cache hits, time per phase,\n"
    "                        handshakes and connection reuse\n"
    "      --json            the same trace as JSON lines on stderr (schema\n"
    "                        in jitfetch(1))\n"
    "Request\n"
    "  -X, --request METHOD  use METHOD (GET, HEAD, POST, PUT, ...)\n"
    "  -H, --header 'N: V'   add a header; 'N:' removes a default one,\n"
    "                        'N;' sends it empty\n"
    "  -d, --data DATA       POST DATA (form encoded); @FILE reads a file,\n"
    "                        @- stdin; several -d are joined with '&'\n"
    "  -L, --location        follow redirects (301 302 303 307 308); every\n"
    "                        hop gets its own trust decision; https -> http\n"
    "                        is refused; credentials are dropped when a hop\n"
    "                        leaves the origin\n"
    "      --max-redirs N    at most N redirects with -L (default 50; -1:\n"
    "                        no limit: a loop is caught only when a URL\n"
    "                        comes back within 16 hops, so bound such runs\n"
    "                        with --max-time)\n"
    "Connection\n"
    "      --resolve HOST:PORT:ADDR[,ADDR]\n"
    "                        connect to ADDR for HOST:PORT instead of asking\n"
    "                        DNS; an empty ADDR list makes HOST unknown\n"
    "      --connect-timeout SECONDS  per address tried (decimals allowed)\n"
    "  -m, --max-time SECONDS  for each URL, redirects included\n"
    "Trust\n"
    "      --trust-blob FILE a trust blob (jt-blob) to look roots up in\n"
    "      --trust-dir PATH  a directory of PEM/DER roots, or a PEM bundle\n"
    "      --no-builtin-trust  do not use the built-in Mozilla roots\n"
    "      --trust-cache FILE  remember which root each host needs across\n"
    "                        runs (a hint only: every connection is still\n"
    "                        verified in full)\n"
    "Other\n"
    "  -h, --help            this text\n"
    "  -V, --version         versions\n"
    "\n"
    "Several URLs in one run share connections (keep-alive, same host,\n"
    "port and trust only) and the trust caches, so the second connection\n"
    "to a host takes the warm path.\n"
    "\n"
    "Examples\n"
    "  jitfetch https://example.org/\n"
    "  jitfetch -v -o page.html https://example.org/\n"
    "  jitfetch -sSfL -O https://example.org/file.tar.gz\n"
    "  jitfetch --no-builtin-trust --trust-dir roots.pem \\\n"
    "      --resolve www.test:8443:127.0.0.1 https://www.test:8443/\n"
    "  jitfetch --trust-cache ~/.jitfetch-cache -v https://a.example/ "
    "https://a.example/x\n"
    "  jitfetch -d 'q=jit' -H 'Authorization: Bearer T' https://api.example/\n"
    "\n"
    "Exit status: 0 ok; curl's codes otherwise: 1 unsupported protocol or\n"
    "refused downgrade, 2 usage, 3 bad URL, 6 cannot resolve, 7 cannot\n"
    "connect, 8 malformed response, 18 body cut short, 22 --fail, 23 write\n"
    "error, 26 -d @FILE unreadable, 28 timeout, 35 TLS handshake, 47\n"
    "redirects, 52 empty reply, 55/56 send/receive, 60 certificate not\n"
    "trusted, 63 too big, 77 trust source unreadable, 128+N signal N\n"
    "(130 SIGINT, 143 SIGTERM). With several URLs: the last failure's\n"
    "status.\n";

/* --json is on the command line: errors are JSON lines too. */
static int json_errors;

/* An error before any URL: "jitfetch: MESSAGE" and a hint (a usage
 * error), "jitfetch: (CODE) MESSAGE", or a JSON "error" line with an
 * empty url. Returns |code|. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 0)))
#endif
static int
cli_error(int code, const char *fmt, va_list ap)
{
    char msg[1024];

    vsnprintf(msg, sizeof(msg), fmt, ap);
    if (json_errors) {
        fprintf(stderr,
                "{\"ev\":\"error\",\"url\":\"\",\"exit\":%d,\"rc\":0,"
                "\"err\":\"\",\"text\":",
                code);
        jf_json_str(stderr, msg);
        fputs("}\n", stderr);
    } else if (code == JF_USAGE) {
        fprintf(stderr, "jitfetch: %s\njitfetch: try 'jitfetch --help'\n", msg);
    } else {
        fprintf(stderr, "jitfetch: (%d) %s\n", code, msg);
    }
    return code;
}

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static int
usage_error(const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = cli_error(JF_USAGE, fmt, ap);
    va_end(ap);
    return rc;
}

/* A -d @FILE that cannot be read: curl's 26. */
#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static int
read_error(const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = cli_error(JF_READ, fmt, ap);
    va_end(ap);
    return rc;
}

/* Seconds, decimals allowed, as milliseconds (at least 1). */
static int
parse_seconds(const char *s, uint32_t *ms)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno != 0 || end == s || *end != 0 || !(v > 0) || v > 2000000.0)
        return -1;
    *ms = (uint32_t)ceil(v * 1000.0);
    return 0;
}

int
jf_is_credential(const char *name, size_t len)
{
    static const char *const words[] = {"auth",    "token",  "key", "secret",
                                        "session", "cookie", "pass"};

    for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
        size_t wl = strlen(words[w]);

        for (size_t i = 0; i + wl <= len; i++) {
            size_t k = 0;

            while (k < wl && (name[i + k] | 0x20) == words[w][k])
                k++;
            if (k == wl)
                return 1;
        }
    }
    return 0;
}

/* "Name: value", "Name:" (remove a default) or "Name;" (empty value). */
static int
add_header(struct jf_opts *o, const char *h)
{
    static const char *const reserved[] = {"host", "content-length",
                                           "transfer-encoding", "connection"};
    const char *sep = strpbrk(h, ":;");
    struct jt_h1_header *x;
    size_t nl;

    if (sep == NULL || sep == h)
        return usage_error("-H '%s': want 'Name: value'", h);
    nl = (size_t)(sep - h);
    for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
        if (jt_h1_name_eq(h, nl, reserved[i]))
            return usage_error("-H '%s': jitfetch writes this header "
                               "itself (Host comes from the URL)",
                               h);
    o->has_content_type |= jt_h1_name_eq(h, nl, "content-type");
    if (*sep == ':' && sep[1 + strspn(sep + 1, " \t")] == 0) {
        o->no_user_agent |= jt_h1_name_eq(h, nl, "user-agent");
        o->no_accept |= jt_h1_name_eq(h, nl, "accept");
        return 0; /* "Name:": send no such header */
    }
    if (o->n_headers == JF_MAX_HEADERS)
        return usage_error("too many -H (at most %u)",
                           (unsigned)JF_MAX_HEADERS);
    x = &o->headers[o->n_headers];
    x->name = h;
    x->name_len = nl;
    x->value = sep + 1 + strspn(sep + 1, " \t");
    x->value_len = *sep == ';' ? 0 : strlen(x->value);
    o->credential[o->n_headers++] = (uint8_t)jf_is_credential(h, nl);
    return 0;
}

/* Append |len| bytes to the -d data, '&' between pieces. */
static int
add_data(struct jf_opts *o, const char *p, size_t len)
{
    size_t need = o->data_len + (o->data != NULL ? 1u : 0u) + len;
    char *d;

    if (need > JF_MAX_DATA)
        return usage_error("-d: more than %u bytes of data",
                           (unsigned)JF_MAX_DATA);
    d = realloc(o->data, need + 1);
    if (d == NULL)
        return JF_NOMEM;
    if (o->data != NULL)
        d[o->data_len++] = '&';
    memcpy(d + o->data_len, p, len);
    o->data = d;
    o->data_len += len;
    d[o->data_len] = 0;
    return 0;
}

/* Append |k| raw bytes (no '&'). */
static int
append(struct jf_opts *o, const char *p, size_t k)
{
    char *d;

    if (o->data_len + k > JF_MAX_DATA)
        return usage_error("-d: more than %u bytes of data",
                           (unsigned)JF_MAX_DATA);
    d = realloc(o->data, o->data_len + k + 1);
    if (d == NULL)
        return JF_NOMEM;
    memcpy(d + o->data_len, p, k);
    o->data = d;
    o->data_len += k;
    d[o->data_len] = 0;
    return 0;
}

/* -d @FILE / @-: the file's bytes without CR and LF (as curl -d does). */
static int
add_data_file(struct jf_opts *o, const char *path)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    char buf[4096];
    size_t n;
    int rc;

    if (f == NULL)
        return read_error("-d @%s: %s", path, strerror(errno));
    rc = add_data(o, "", 0); /* the '&', and an empty file is a body */
    while (rc == 0 && (n = fread(buf, 1, sizeof(buf), f)) > 0) {
        size_t k = 0;

        for (size_t i = 0; i < n; i++)
            if (buf[i] != '\r' && buf[i] != '\n')
                buf[k++] = buf[i];
        rc = append(o, buf, k);
    }
    if (rc == 0 && ferror(f))
        rc = read_error("-d @%s: read error", path);
    if (f != stdin)
        fclose(f);
    return rc;
}

static int
set_output(struct jf_opts *o, int kind, const char *path)
{
    if (o->n_outs == JF_MAX_URLS)
        return usage_error("too many -o/-O (at most %u)",
                           (unsigned)JF_MAX_URLS);
    o->out_kind[o->n_outs] = kind;
    o->out_path[o->n_outs++] = path;
    return 0;
}

static int
add_to(const char **list, size_t *n, size_t max, const char *v,
       const char *what)
{
    if (*n == max)
        return usage_error("too many %s (at most %u)", what, (unsigned)max);
    list[(*n)++] = v;
    return 0;
}

static int
set_number(const char *v, struct jf_opts *o)
{
    char *end;
    long n;

    errno = 0;
    n = strtol(v, &end, 10);
    if (errno != 0 || end == v || *end != 0 || n < -1 || n > 1000000)
        return usage_error("--max-redirs %s: want -1 or 0..1000000", v);
    o->max_redirs = n;
    return 0;
}

static void
version(void)
{
    printf("jitfetch %s (libjittrust %s)\n"
           "Protocols: http https (HTTP/1.1, TLS 1.2, JIT trust)\n",
           JT_VERSION_STRING, jt_version());
}

/* One option with its argument |v| (NULL when it takes none). */
static int
apply(struct jf_opts *o, int id, const char *v)
{
    switch (id) {
    case O_OUTPUT:
        return set_output(o, JF_OUT_FILE, v);
    case O_REMOTE:
        return set_output(o, JF_OUT_REMOTE, NULL);
    case O_LOCATION:
        o->follow = 1;
        return 0;
    case O_MAX_REDIRS:
        return set_number(v, o);
    case O_HEAD:
        o->head = 1;
        return 0;
    case O_REQUEST:
        o->method = v;
        return 0;
    case O_HEADER:
        return add_header(o, v);
    case O_DATA:
        return v[0] == '@' ? add_data_file(o, v + 1)
                           : add_data(o, v, strlen(v));
    case O_RESOLVE:
        return add_to(o->resolve, &o->n_resolve, JF_MAX_RESOLVE, v,
                      "--resolve");
    case O_CONNECT_TIMEOUT:
        return parse_seconds(v, &o->connect_timeout_ms) == 0
                   ? 0
                   : usage_error("--connect-timeout %s: want seconds", v);
    case O_MAX_TIME:
        return parse_seconds(v, &o->max_time_ms) == 0
                   ? 0
                   : usage_error("--max-time %s: want seconds", v);
    default:
        break;
    }
    return -1;
}

/* The flags and trust options (the rest of apply()). */
static int
apply_flag(struct jf_opts *o, int id, const char *v)
{
    switch (id) {
    case O_SILENT:
        o->silent = 1;
        return 0;
    case O_SHOW_ERROR:
        o->show_error = 1;
        return 0;
    case O_FAIL:
        o->fail = 1;
        return 0;
    case O_TRUST_BLOB:
        return add_to(o->trust_blob, &o->n_trust_blob, JF_MAX_TRUST, v,
                      "--trust-blob");
    case O_TRUST_DIR:
        return add_to(o->trust_dir, &o->n_trust_dir, JF_MAX_TRUST, v,
                      "--trust-dir");
    case O_NO_BUILTIN:
        o->no_builtin = 1;
        return 0;
    case O_TRUST_CACHE:
        o->trust_cache = v;
        return 0;
    case O_VERBOSE:
        o->verbose = 1;
        return 0;
    case O_JSON:
        o->json = 1;
        return 0;
    case O_HELP:
        fputs(help_text, stdout);
        return 0;
    default:
        version();
        return 0;
    }
}

static const struct opt *
find_long(const char *name)
{
    for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
        if (strcmp(opts[i].name, name) == 0)
            return &opts[i];
    return NULL;
}

static const struct opt *
find_short(char c)
{
    for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
        if (opts[i].letter == c)
            return &opts[i];
    return NULL;
}

static int
unknown(const char *what)
{
    if (strcmp(what, "-k") == 0 || strcmp(what, "--insecure") == 0)
        return usage_error("%s: jitfetch never skips certificate "
                           "verification (add the root with --trust-dir)",
                           what);
    return usage_error("option %s: is unknown", what);
}

/* Run option |op| with argv[*i]'s rest |rest| or the next argument. */
static int
run_opt(const struct opt *op, const char *rest, int argc, char **argv, int *i,
        struct jf_opts *o)
{
    const char *v = NULL;
    int rc;

    if (op->arg && rest != NULL && *rest != 0) {
        v = rest;
    } else if (op->arg) {
        if (*i + 1 >= argc)
            return usage_error("option --%s: needs an argument", op->name);
        v = argv[++*i];
    }
    rc = apply(o, op->id, v);
    if (rc == -1)
        rc = apply_flag(o, op->id, v);
    /* --help / --version end the run with 0 */
    return rc == 0 && (op->id == O_HELP || op->id == O_VERSION) ? -2 : rc;
}

/* One argument starting with '-': a long option or a run of short ones. */
static int
parse_arg(int argc, char **argv, int *i, struct jf_opts *o)
{
    const char *a = argv[*i];
    const struct opt *op;

    if (a[1] == '-') {
        op = find_long(a + 2);
        return op == NULL ? unknown(a) : run_opt(op, NULL, argc, argv, i, o);
    }
    for (const char *c = a + 1; *c != 0; c++) {
        char one[3] = {'-', *c, 0};
        int rc;

        op = find_short(*c);
        if (op == NULL)
            return unknown(one);
        rc = run_opt(op, c + 1, argc, argv, i, o);
        if (rc != 0 || op->arg)
            return rc; /* an argument takes the rest of this word */
    }
    return 0;
}

/* Combinations curl refuses too. */
static int
check(struct jf_opts *o)
{
    if (o->n_urls == 0)
        return usage_error("no URL specified");
    if (o->n_outs > o->n_urls)
        return usage_error("more -o/-O than URLs");
    if (o->head && o->data != NULL)
        return usage_error("-I and -d: choose one request method");
    if (o->max_redirs == -2)
        o->max_redirs = 50;
    return -1;
}

int
jf_parse(int argc, char **argv, struct jf_opts *o)
{
    int rc, dashdash = 0;

    memset(o, 0, sizeof(*o));
    json_errors = 0; /* known before the first error is printed */
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        json_errors |= strcmp(argv[i], "--json") == 0;
    o->max_redirs = -2; /* unset */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (!dashdash && strcmp(a, "--") == 0) {
            dashdash = 1;
            continue;
        }
        if (!dashdash && a[0] == '-' && a[1] != 0) {
            rc = parse_arg(argc, argv, &i, o);
            if (rc != 0)
                return rc == -2 ? 0 : rc;
            continue;
        }
        if (o->n_urls == JF_MAX_URLS)
            return usage_error("too many URLs (at most %u)",
                               (unsigned)JF_MAX_URLS);
        o->urls[o->n_urls++] = a;
    }
    return check(o);
}

void
jf_free(struct jf_opts *o)
{
    free(o->data);
    o->data = NULL;
}

/* ---- exit codes ---- */

int
jf_exit_code(int err, int stage)
{
    switch (err) {
    case JT_ERR_NET_TIMEOUT:
        return JF_TIMEOUT;
    case JT_ERR_NET_NXDOMAIN:
    case JT_ERR_NET_UNMAPPED:
    case JT_ERR_NET_RESOLVE:
    case JT_ERR_NET_NO_ADDRESS:
        return JF_RESOLVE;
    case JT_ERR_NET_REFUSED:
    case JT_ERR_NET_CONNECT:
        return JF_CONNECT;
    case JT_ERR_H1_REDIRECT_TOO_MANY:
    case JT_ERR_H1_REDIRECT_LOOP:
        return JF_REDIRECTS;
    case JT_ERR_H1_REDIRECT_DOWNGRADE:
    case JT_ERR_H1_URL_SCHEME:
        return JF_UNSUPPORTED;
    case JT_ERR_H1_TRUNCATED:
    case JT_ERR_H1_MAYBE_TRUNCATED:
        return JF_PARTIAL;
    case JT_ERR_H1_NO_RESPONSE:
        return JF_GOT_NOTHING;
    case JT_ERR_H1_BODY_TOO_BIG:
        return JF_TOO_BIG;
    case JT_ERR_NOMEM:
        return JF_NOMEM;
    default:
        break;
    }
    if ((err <= JT_ERR_H1_URL_SYNTAX && err >= JT_ERR_H1_URL_BAD_CHAR) ||
        (err <= JT_ERR_NET_HOST_EMPTY && err >= JT_ERR_NET_HOST_BAD_IPV6))
        return JF_BAD_URL;
    if (err <= JT_ERR_H1_BAD_METHOD && err >= JT_ERR_H1_RESERVED_HEADER)
        return JF_USAGE;
    if (stage == JT_HTTP_RECV && err <= -800 && err > -900)
        return JF_WEIRD_REPLY;
    switch (stage) {
    case 0: /* refused before anything started */
        return JF_USAGE;
    case JT_CONN_RESOLVE:
        return JF_RESOLVE;
    case JT_CONN_CONNECT:
        return JF_CONNECT;
    case JT_CONN_TLS:
        return JF_TLS;
    case JT_CONN_VERIFY:
        return JF_CERT;
    case JT_HTTP_SEND:
        return JF_SEND;
    default:
        return JF_RECV;
    }
}

/* ---- JSON strings ---- */

void
jf_json_str(FILE *out, const char *s)
{
    char small[2048], *buf = small;
    size_t cap = sizeof(small);

    /* the library's rules (jt_trace_json_string), so both agree */
    if (jt_trace_json_string(s, buf, cap) == JT_ERR_NOSPC) {
        cap = 6 * strlen(s) + 3;
        buf = malloc(cap);
        if (buf == NULL || jt_trace_json_string(s, buf, cap) < 0) {
            free(buf);
            fputs("\"\"", out); /* out of memory: an empty string */
            return;
        }
    }
    fputs(buf, out);
    if (buf != small)
        free(buf);
}
