/* SPDX-License-Identifier: MIT */
/*
 * jt-blob: internal interface of the trust blob tool (tool layer, outside
 * the library). One file per concept: bg-util.c (errors, files, atomic
 * output), bg-input.c (certificate sets from directories, PEM and DER),
 * bg-certdata.c (Mozilla certdata.txt), bg-build.c (blobs and C headers),
 * bg-webroot.c, bg-show.c (list, lookup, diff), bg-sign.c (sign, verify),
 * bg-fetch.c (download). Names are bg_*.
 */
#ifndef JT_BLOB_TOOL_BG_H
#define JT_BLOB_TOOL_BG_H

#include <stddef.h>
#include <stdint.h>

#include "jittrust/blob.h"
#include "jittrust/der.h"
#include "jittrust/key.h"

/* Caps: no input file or blob larger than this is read. */
#define BG_FILE_MAX ((size_t)64 * 1024 * 1024)
/* Most certificates one build accepts. */
#define BG_CERTS_MAX 100000u

/* Exit codes: 0 ok, 1 "no" (lookup: not found; diff: differences). */
#define BG_EXIT_NO 1
#define BG_EXIT_ERR 2

/* ---- bg-util.c ---- */

/* Set by the fuzz harness: bg_err() prints nothing. */
extern int bg_quiet;

/* Print "jt-blob: FILE: MESSAGE" (one line) to stderr; returns -1. */
int bg_err(const char *file, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Read all of |path| (at most |cap| bytes) into a malloc'd buffer with a
 * NUL after the data. Prints the error itself. NULL on failure. */
uint8_t *bg_read_file(const char *path, size_t cap, size_t *len);

/*
 * A pending output: written to a temp file next to |path|, renamed over
 * |path| only by bg_out_commit(). bg_out_abort() removes the temp file.
 */
struct bg_out {
    char *path;
    char *tmp;
    int is_dir;
};

/* Write |buf|/|len| to a temp file for |path| (fsync'd). 0 or -1. */
int bg_out_file(struct bg_out *o, const char *path, const uint8_t *buf,
                size_t len);
/* Make an empty temp directory for |path|. 0 or -1. */
int bg_out_dir(struct bg_out *o, const char *path);
/* Rename the temp over the target (a directory replaces an older webroot
 * that has an index.json, never anything else). 0 or -1. */
int bg_out_commit(struct bg_out *o);
/* Remove the temp (file or tree); safe on a zeroed or committed output. */
void bg_out_abort(struct bg_out *o);

/* Upper-case hex of |p|/|len| into |buf| (cap >= 2 len + 1). */
void bg_hex(const uint8_t *p, size_t len, char *buf, int upper);
/* Parse hex (either case, no separators). Returns bytes or -1. */
int bg_unhex(const char *hex, uint8_t *out, size_t cap);
/* "YYYY-MM-DD HH:MM:SSZ" of |t| into |buf| (cap >= 24). */
void bg_time(int64_t t, char *buf, size_t cap);

/* ---- bg-name.c ---- */

/* "C=US, O=Org, CN=Name" of the Name element |name| into |buf|
 * (truncated to fit). 0, or -1 when the DER is malformed. */
int bg_dn_text(struct jt_span name, char *buf, size_t cap);

/* SHA-1 / SHA-256 hash ops over mbedTLS. */
extern const struct jt_hash_ops bg_hash;

/* ---- bg-input.c ---- */

struct bg_cert {
    uint8_t *der;
    size_t len;
    uint8_t sha256[32];
    int64_t distrust_after; /* 0 = none */
    char origin[160];       /* "FILE" or "FILE#N", for messages */
};

struct bg_set {
    struct bg_cert *c;
    size_t n, cap;
    char label[JT_BLOB_SOURCE_MAX + 1]; /* source label for the header */
};

/* Default source: the Mozilla roots of the ca-certificates package. */
#define BG_MOZILLA_DIR "/usr/share/ca-certificates/mozilla"

/*
 * Load |src| (a directory of .crt/.pem/.der/.cer files, a PEM bundle, one
 * DER certificate or a certdata.txt) into |s|, checking every certificate
 * parses and is a CA, and refusing duplicates. NULL |src|: BG_MOZILLA_DIR.
 * Sets s->label (the ca-certificates version when known). 0 or -1 (error
 * printed).
 */
int bg_set_load(struct bg_set *s, const char *src);
/* Add every CERTIFICATE block of the PEM text |buf|/|len| (NUL after it)
 * read from |path|. 0 or -1 (error printed). */
int bg_pem_load(struct bg_set *s, const char *path, const char *buf,
                size_t len);
/* Add one DER certificate (copied). 0 or -1 (error printed). */
int bg_set_add(struct bg_set *s, const uint8_t *der, size_t len,
               int64_t distrust_after, const char *origin);
/* Check the set: non-empty, every cert a CA, no duplicates. 0 or -1. */
int bg_set_check(struct bg_set *s, const char *src);
void bg_set_free(struct bg_set *s);

/* ---- bg-certdata.c ---- */

/* 1 when |buf| looks like an NSS certdata.txt. */
int bg_is_certdata(const uint8_t *buf, size_t len);
/*
 * Parse certdata.txt |buf|/|len| (NUL-terminated) from |path|: add every
 * certificate whose trust object (paired by issuer + serial) says
 * CKT_NSS_TRUSTED_DELEGATOR for CKA_TRUST_SERVER_AUTH, with its
 * CKA_NSS_SERVER_DISTRUST_AFTER. 0 or -1 (error printed).
 */
int bg_certdata_load(struct bg_set *s, const char *path, const char *buf,
                     size_t len);
/* "YYMMDDHHMMSSZ" (UTCTime) to unix seconds. 0 or -1. */
int bg_utctime(const char *p, size_t len, int64_t *t);

/* ---- bg-build.c ---- */

struct bg_build_opts {
    int kind;            /* JT_BLOB_FULL or JT_BLOB_INDEX_ONLY */
    uint64_t generation; /* header generation */
    uint64_t time;       /* header time */
    const char *label;   /* source label */
};

/* Write the blob of |s| into a malloc'd buffer. 0 or -1 (printed). */
int bg_blob_make(const struct bg_set *s, const struct bg_build_opts *o,
                 uint8_t **out, size_t *len);
/*
 * The text of a C header holding |buf|/|len| as
 * `static const uint8_t NAME[]` plus `NAME_len`. malloc'd, NUL-terminated;
 * NULL when |name| is not a C identifier (printed).
 */
char *bg_c_header(const char *name, const uint8_t *buf, size_t len,
                  const char *comment, size_t *out_len);

/* ---- bg-webroot.c ---- */

/* Lay out the webroot of |s| in the (empty, temporary) directory |dir|;
 * |final| names it in messages. 0 or -1 (printed). */
int bg_webroot_write(const struct bg_set *s, const char *dir,
                     const char *final);

/* ---- bg-show.c ---- */

/* Read and open a blob file (JTBL or TBLB); pending signatures allowed
 * when |pending|. |*buf| is malloc'd. 0 or -1 (printed). */
int bg_blob_load(const char *path, int pending, struct jt_blob *b,
                 uint8_t **buf, size_t *len);

int bg_cmd_list(int argc, char **argv);
int bg_cmd_lookup(int argc, char **argv);
int bg_cmd_diff(int argc, char **argv);

/* ---- bg-sign.c ---- */

int bg_cmd_sign(int argc, char **argv);
int bg_cmd_verify(int argc, char **argv);

/* ---- bg-fetch.c ---- */

int bg_cmd_fetch(int argc, char **argv);

#endif /* JT_BLOB_TOOL_BG_H */
