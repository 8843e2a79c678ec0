/* SPDX-License-Identifier: MIT */
/*
 * jitfetch: the command line, parsed (jitfetch-cli.c) for the fetching
 * half (jitfetch.c), and the files it writes (jitfetch-file.c). Public
 * API of libjittrust only.
 */
#ifndef JITFETCH_H
#define JITFETCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

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
    JF_READ = 26,        /* could not read a -d @FILE */
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

/*
 * jf_json_str() - |s| as a JSON string on |out|, pure ASCII as
 * libjittrust's trace writes it: quote, backslash and control bytes
 * escaped, well-formed UTF-8 as \uXXXX (a surrogate pair past U+FFFF),
 * every other byte >= 0x80 as \ufffd.
 */
void jf_json_str(FILE *out, const char *s);

/* ---- files (jitfetch-file.c) ---- */

/* What a path names once its symlinks are followed (jf_target()). */
enum jf_target_kind {
    JF_TARGET_NEW = 0,     /* nothing yet: created */
    JF_TARGET_REGULAR = 1, /* a regular file: replaced */
    JF_TARGET_DIR = 2,     /* a directory: refused */
    JF_TARGET_SPECIAL = 3, /* a device, FIFO or socket: written in place */
    JF_TARGET_PROC = 4,    /* a link into /proc (/dev/stdout): in place */
};

/*
 * jf_target() - follow the symlinks of |path|'s last component (at most
 * 40; a dangling link gives the path it points to) and say what is
 * there in |*kind| and its st_mode in |*mode| (0 when new). Returns the
 * path reached (malloc'd; |path| itself for JF_TARGET_PROC), or NULL with
 * errno: ELOOP, ENAMETOOLONG, ENOMEM, EACCES (a link owned by someone
 * else in a sticky world-writable directory, as Linux's
 * protected_symlinks), or what lstat() said.
 */
char *jf_target(const char *path, int *kind, mode_t *mode);

/* An output being written: in place (|tmp| NULL) or through |tmp|. */
struct jf_file {
    int fd;
    char *path; /* where it goes (symlinks followed), malloc'd */
    char *tmp;  /* the temporary file next to it, malloc'd, or NULL */
};

/*
 * jf_file_open() - open |path| for writing after jf_target(): a new or
 * regular file through a temporary file PATH.jitfetch-XXXXXX (keeping
 * the old file's permission bits), a device, FIFO, socket or /proc link
 * in place (a FIFO waits for its reader). Returns 0, or -1 with errno
 * (EISDIR for a directory); jf_file_free() either way.
 */
int jf_file_open(struct jf_file *f, const char *path);

/* jf_file_commit() - finish: fsync and rename the temporary file over
 * f->path (or just close). 0, or -1 with errno (temporary file removed). */
int jf_file_commit(struct jf_file *f);

/* jf_file_discard() - close after a failure. The temporary file is
 * renamed to PATH.part when |keep_part| (returns that name, malloc'd),
 * else removed (returns NULL; also when the rename failed). */
char *jf_file_discard(struct jf_file *f, int keep_part);

void jf_file_free(struct jf_file *f);

/* jf_file_write() - |len| bytes to the new or regular file |path|
 * through a temporary file and a rename; |mode| as st_mode (0: new).
 * 0, or -1 with errno. */
int jf_file_write(const char *path, const void *buf, size_t len, mode_t mode);

/* jf_signals_install() - on SIGINT, SIGTERM and SIGHUP (unless ignored)
 * remove the temporary file being written and exit with 128 + signal.
 * 0 or -1. */
int jf_signals_install(void);

/* jf_std_fds() - make sure fds 0, 1 and 2 are open (on /dev/null), so
 * no socket or file of ours becomes stdout. Call first. 0, or -1 when
 * one is closed and /dev/null cannot be opened. */
int jf_std_fds(void);

#endif /* JITFETCH_H */
