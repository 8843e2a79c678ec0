/* SPDX-License-Identifier: MIT */
/*
 * jitfetch: the command line, parsed (jitfetch-cli.c) for the fetching
 * half (jitfetch.c). Public API of libjittrust only.
 */
#ifndef JITFETCH_H
#define JITFETCH_H

#include <stddef.h>
#include <stdint.h>

#include "jittrust/h1.h"

/* Most URLs, -H headers, --resolve entries and trust sources per run. */
#define JF_MAX_URLS 256u
#define JF_MAX_HEADERS 48u
#define JF_MAX_RESOLVE 128u
#define JF_MAX_TRUST 8u
/* Most bytes of -d data (all of it, files included). */
#define JF_MAX_DATA (64u * 1024u * 1024u)

/* curl's exit codes, where jitfetch has the same failure. */
enum jf_exit {
    JF_OK = 0,
    JF_UNSUPPORTED = 1,  /* unsupported protocol (or a refused downgrade) */
    JF_USAGE = 2,        /* bad option or argument */
    JF_BAD_URL = 3,      /* malformed URL */
    JF_RESOLVE = 6,      /* could not resolve host */
    JF_CONNECT = 7,      /* could not connect */
    JF_WEIRD_REPLY = 8,  /* malformed response */
    JF_PARTIAL = 18,     /* body (maybe) cut short */
    JF_HTTP_ERROR = 22,  /* --fail and a status >= 400 */
    JF_WRITE = 23,       /* could not write the output */
    JF_NOMEM = 27,       /* out of memory */
    JF_TIMEOUT = 28,     /* --max-time or a connect timeout */
    JF_TLS = 35,         /* TLS handshake failed */
    JF_REDIRECTS = 47,   /* too many redirects, or a loop */
    JF_GOT_NOTHING = 52, /* no response at all */
    JF_SEND = 55,        /* sending failed */
    JF_RECV = 56,        /* receiving failed */
    JF_CERT = 60,        /* the JIT trust verification failed */
    JF_TOO_BIG = 63,     /* response over the size cap */
    JF_TRUST_FILE = 77,  /* a trust source could not be read */
};

/* Where one URL's output goes. */
enum jf_out { JF_OUT_STDOUT = 0, JF_OUT_FILE = 1, JF_OUT_REMOTE = 2 };

struct jf_opts {
    const char *urls[JF_MAX_URLS];
    size_t n_urls;
    /* -o / -O in order: the i-th one belongs to the i-th URL */
    int out_kind[JF_MAX_URLS];
    const char *out_path[JF_MAX_URLS];
    size_t n_outs;
    /* -H: headers to send (after the defaults that survive) */
    struct jt_h1_header headers[JF_MAX_HEADERS];
    uint8_t credential[JF_MAX_HEADERS];
    size_t n_headers;
    int no_user_agent, no_accept, has_content_type;
    const char *resolve[JF_MAX_RESOLVE];
    size_t n_resolve;
    const char *trust_blob[JF_MAX_TRUST], *trust_dir[JF_MAX_TRUST];
    size_t n_trust_blob, n_trust_dir;
    const char *trust_cache;
    int no_builtin;     /* --no-builtin-trust */
    const char *method; /* -X; NULL: GET, HEAD (-I) or POST (-d) */
    char *data;         /* -d, joined with '&'; malloc'd, NULL: none */
    size_t data_len;
    long max_redirs; /* -1: no limit */
    uint32_t connect_timeout_ms, max_time_ms;
    int follow, head, silent, show_error, fail, verbose, json;
};

/*
 * jf_parse() - fill |o| from argv. Returns -1 to go on, or an exit status
 * to end with at once (0 after --help or --version, JF_USAGE and
 * friends after a message on stderr).
 */
int jf_parse(int argc, char **argv, struct jf_opts *o);

/* jf_free() - free what jf_parse() allocated. */
void jf_free(struct jf_opts *o);

/* jf_exit_code() - curl's exit code for the libjittrust error |err| of a
 * fetch that ended at jt_http_stage() |stage| (0: refused at the start). */
int jf_exit_code(int err, int stage);

/* jf_is_credential() - 1 when a header with this name carries secrets
 * (name contains auth, token, key, secret, session, cookie or pass). */
int jf_is_credential(const char *name, size_t len);

#endif /* JITFETCH_H */
