// SPDX-License-Identifier: MIT
/*
 * jt-blob (tool layer): one-line errors, capped file reads, and atomic
 * outputs. Every output is written to a temp file (or directory) beside its
 * target and renamed over it only when the whole command succeeded, so an
 * error never leaves a partial file behind.
 */
#define _GNU_SOURCE
#include "bg.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <mbedtls/sha1.h>
#include <mbedtls/sha256.h>

static int
sha1_op(void *ud, const uint8_t *p, size_t len, uint8_t out[20])
{
    (void)ud;
    return mbedtls_sha1_ret(p, len, out);
}

static int
sha256_op(void *ud, const uint8_t *p, size_t len, uint8_t out[32])
{
    (void)ud;
    return mbedtls_sha256_ret(p, len, out, 0);
}

const struct jt_hash_ops bg_hash = {sha1_op, sha256_op, NULL};

int bg_quiet;

int
bg_err(const char *file, const char *fmt, ...)
{
    va_list ap;

    if (bg_quiet)
        return -1;
    fputs("jt-blob: ", stderr);
    if (file != NULL)
        fprintf(stderr, "%s: ", file);
    va_start(ap, fmt);
    /* The analyzer misses the va_start just above (false positive). */
    vfprintf(stderr, fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized)
    va_end(ap);
    fputc('\n', stderr);
    return -1;
}

uint8_t *
bg_read_file(const char *path, size_t cap, size_t *len)
{
    struct stat st;
    uint8_t *buf = NULL;
    size_t got = 0, size;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        bg_err(path, "cannot open: %s", strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        bg_err(path, "not a regular file");
        goto fail;
    }
    if ((uint64_t)st.st_size > cap) {
        bg_err(path, "too large (%lld bytes, the limit is %zu)",
               (long long)st.st_size, cap);
        goto fail;
    }
    size = (size_t)st.st_size;
    buf = malloc(size + 1);
    if (buf == NULL) {
        bg_err(path, "out of memory");
        goto fail;
    }
    while (got < size) {
        ssize_t r = read(fd, buf + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            bg_err(path, "read failed: %s",
                   r < 0 ? strerror(errno) : "file shrank while reading");
            goto fail;
        }
        got += (size_t)r;
    }
    buf[size] = 0;
    *len = size;
    close(fd);
    return buf;
fail:
    free(buf);
    close(fd);
    return NULL;
}

/* "DIR/.NAME.tmp-XXXXXX" for |path|. */
static char *
tmp_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t dlen = slash ? (size_t)(slash - path) + 1 : 0;
    size_t cap = strlen(path) + 16;
    char *t = malloc(cap);

    if (t != NULL)
        snprintf(t, cap, "%.*s.%s.tmp-XXXXXX", (int)dlen, path, path + dlen);
    return t;
}

static int
write_all(int fd, const uint8_t *buf, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, buf, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        buf += w;
        len -= (size_t)w;
    }
    return 0;
}

int
bg_out_file(struct bg_out *o, const char *path, const uint8_t *buf, size_t len)
{
    int fd;

    memset(o, 0, sizeof(*o));
    o->path = strdup(path);
    o->tmp = tmp_name(path);
    if (o->path == NULL || o->tmp == NULL)
        return bg_err(path, "out of memory");
    fd = mkostemp(o->tmp, O_CLOEXEC);
    if (fd < 0) {
        bg_err(path, "cannot create a temp file beside it: %s",
               strerror(errno));
        free(o->tmp);
        o->tmp = NULL;
        return -1;
    }
    if (write_all(fd, buf, len) != 0 || fchmod(fd, 0644) != 0 ||
        fsync(fd) != 0) {
        bg_err(path, "write failed: %s", strerror(errno));
        close(fd);
        bg_out_abort(o);
        return -1;
    }
    if (close(fd) != 0) {
        bg_err(path, "write failed: %s", strerror(errno));
        bg_out_abort(o);
        return -1;
    }
    return 0;
}

/* Is |path| absent, or a directory with an index.json (a webroot)? */
static int
replaceable_dir(const char *path)
{
    struct stat st;
    char idx[4096];

    if (lstat(path, &st) != 0)
        return errno == ENOENT;
    snprintf(idx, sizeof(idx), "%s/index.json", path);
    return S_ISDIR(st.st_mode) && access(idx, F_OK) == 0;
}

int
bg_out_dir(struct bg_out *o, const char *path)
{
    memset(o, 0, sizeof(*o));
    /* Refuse before anything is built, so no output is committed. */
    if (!replaceable_dir(path))
        return bg_err(path, "exists and is not a webroot (no index.json):"
                            " refusing to replace it");
    o->is_dir = 1;
    o->path = strdup(path);
    o->tmp = tmp_name(path);
    if (o->path == NULL || o->tmp == NULL)
        return bg_err(path, "out of memory");
    if (mkdtemp(o->tmp) == NULL) {
        bg_err(path, "cannot create a temp directory beside it: %s",
               strerror(errno));
        free(o->tmp);
        o->tmp = NULL;
        return -1;
    }
    chmod(o->tmp, 0755);
    return 0;
}

static int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
    (void)st, (void)flag, (void)f;
    return remove(p);
}

static void
rm_tree(const char *dir)
{
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Move an existing webroot out of the way; refuse anything else. */
static int
replace_dir(struct bg_out *o, char **old)
{
    struct stat st;
    char *idx;
    size_t cap = strlen(o->path) + 16;

    *old = NULL;
    if (lstat(o->path, &st) != 0)
        return errno == ENOENT ? 0 : bg_err(o->path, "%s", strerror(errno));
    idx = malloc(cap);
    if (idx == NULL)
        return bg_err(o->path, "out of memory");
    snprintf(idx, cap, "%s/index.json", o->path);
    if (!S_ISDIR(st.st_mode) || access(idx, F_OK) != 0) {
        free(idx);
        return bg_err(o->path, "exists and is not a webroot (no index.json):"
                               " refusing to replace it");
    }
    free(idx);
    *old = tmp_name(o->path);
    if (*old == NULL || mkdtemp(*old) == NULL || rmdir(*old) != 0 ||
        rename(o->path, *old) != 0) {
        free(*old);
        *old = NULL;
        return bg_err(o->path, "cannot move the old webroot aside: %s",
                      strerror(errno));
    }
    return 0;
}

int
bg_out_commit(struct bg_out *o)
{
    char *old = NULL;
    int rc = 0;

    if (o->tmp == NULL)
        return 0;
    if (o->is_dir && replace_dir(o, &old) != 0)
        return -1;
    if (rename(o->tmp, o->path) != 0) {
        rc = bg_err(o->path, "cannot rename the temp output into place: %s",
                    strerror(errno));
        if (old != NULL)
            rename(old, o->path);
    } else {
        free(o->tmp);
        o->tmp = NULL;
    }
    if (old != NULL && rc == 0)
        rm_tree(old);
    free(old);
    return rc;
}

void
bg_out_abort(struct bg_out *o)
{
    if (o->tmp != NULL) {
        if (o->is_dir)
            rm_tree(o->tmp);
        else
            unlink(o->tmp);
    }
    free(o->tmp);
    free(o->path);
    memset(o, 0, sizeof(*o));
}

void
bg_hex(const uint8_t *p, size_t len, char *buf, int upper)
{
    const char *d = upper ? "0123456789ABCDEF" : "0123456789abcdef";

    for (size_t i = 0; i < len; i++) {
        buf[2 * i] = d[p[i] >> 4];
        buf[2 * i + 1] = d[p[i] & 15];
    }
    buf[2 * len] = 0;
}

static int
nib(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int
bg_unhex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = strlen(hex);

    if (n == 0 || n % 2 != 0 || n / 2 > cap)
        return -1;
    for (size_t i = 0; i < n / 2; i++) {
        int hi = nib(hex[2 * i]), lo = nib(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return (int)(n / 2);
}

void
bg_time(int64_t t, char *buf, size_t cap)
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (gmtime_r(&tt, &tm) == NULL ||
        strftime(buf, cap, "%Y-%m-%d %H:%M:%SZ", &tm) == 0)
        snprintf(buf, cap, "%lld", (long long)t);
}
