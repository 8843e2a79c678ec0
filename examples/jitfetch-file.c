// SPDX-License-Identifier: MIT
/*
 * jitfetch's files: where an output (-o, -O, --trust-cache) really goes
 * and how it gets there, plus the process hygiene around it. A regular
 * file (or a missing one) is written through a temporary file next to it
 * and renamed into place; a device, FIFO or socket is opened and written
 * in place (renaming over /dev/null would replace the device); a symlink
 * is followed, so the link stays and its target gets the data. The
 * temporary file is removed on SIGINT, SIGTERM and SIGHUP, and fds 0-2
 * are made sure to be open before anything else is. POSIX only; no
 * libjittrust.
 */
#define _XOPEN_SOURCE 700
#include "jitfetch.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Symlinks followed at most (the kernel's own limit). */
#define MAX_HOPS 40
/* The longest file name a directory holds (NAME_MAX on Linux). */
#define NAME_LEN_MAX 255u
/* The temporary file's suffix (mkstemp's Xs included). */
#define TMP_SUFFIX ".jitfetch-XXXXXX"

/* The temporary file being written, for the signal handler. */
static char *volatile tmp_now;

static const int signals[] = {SIGINT, SIGTERM, SIGHUP};

/* Async-signal-safe: unlink() and _exit() only. */
static void
on_signal(int sig)
{
    char *t = tmp_now;

    if (t != NULL)
        (void)unlink(t);
    _exit(128 + sig);
}

int
jf_signals_install(void)
{
    struct sigaction sa, old;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigfillset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
        if (sigaction(signals[i], NULL, &old) != 0)
            return -1;
        if (old.sa_handler == SIG_IGN)
            continue; /* e.g. SIGINT of a background job: keep it so */
        if (sigaction(signals[i], &sa, NULL) != 0)
            return -1;
    }
    return 0;
}

/* Block (|on|) the signals above, or restore the mask in |old|: the
 * handler must see tmp_now set exactly while the temporary file exists. */
static void
hold(int on, sigset_t *old)
{
    sigset_t s;

    sigemptyset(&s);
    for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
        sigaddset(&s, signals[i]);
    (void)sigprocmask(on ? SIG_BLOCK : SIG_SETMASK, on ? &s : old,
                      on ? old : NULL);
}

int
jf_std_fds(void)
{
    int fd;

    do
        fd = open("/dev/null", O_RDWR);
    while (fd >= 0 && fd <= 2);
    if (fd > 2) {
        close(fd);
        return 0;
    }
    for (int i = 0; i <= 2; i++)
        if (fcntl(i, F_GETFD) < 0)
            return -1; /* no /dev/null and a standard fd closed */
    return 0;
}

/* ---- where a path goes ---- */

/* |rel| resolved against the directory of |path| ("a/b", "c" -> "a/c";
 * an absolute |rel| as it is). malloc'd, or NULL. */
static char *
sibling(const char *path, const char *rel)
{
    const char *slash = strrchr(path, '/');
    size_t dl = slash != NULL ? (size_t)(slash - path) + 1 : 0;
    size_t rl = strlen(rel);
    char *s;

    if (rel[0] == '/')
        dl = 0;
    s = malloc(dl + rl + 1);
    if (s != NULL) {
        memcpy(s, path, dl);
        memcpy(s + dl, rel, rl + 1);
    }
    return s;
}

/*
 * May the symlink |link| (lstat |st|) be followed? 1 yes, 2 it lives in
 * /proc (/dev/stdout, /dev/fd/N: it names an open file, not a path),
 * 0 no (errno EACCES: like Linux's fs.protected_symlinks, a link owned
 * by someone else in a sticky world-writable directory such as /tmp,
 * unless the directory is theirs), -1 on error (errno).
 */
static int
may_follow(const char *link, const struct stat *st)
{
    char *dir = sibling(link, "."), *real;
    struct stat ds;
    int ok;

    if (dir == NULL)
        return -1;
    real = realpath(dir, NULL);
    free(dir);
    if (real == NULL || stat(real, &ds) != 0) {
        free(real);
        return -1;
    }
    ok = strncmp(real, "/proc/", 6) == 0 ? 2 : 1;
    free(real);
    if ((ds.st_mode & S_ISVTX) && (ds.st_mode & S_IWOTH) &&
        st->st_uid != geteuid() && st->st_uid != ds.st_uid) {
        errno = EACCES;
        return 0;
    }
    return ok;
}

/* Replace the symlink |*cur| by where it points. 0, 1 (a /proc link:
 * stop here), or -1 (errno). */
static int
hop(char **cur, const struct stat *st)
{
    char buf[PATH_MAX], *next;
    ssize_t n;
    int ok = may_follow(*cur, st);

    if (ok != 1)
        return ok == 2 ? 1 : -1;
    n = readlink(*cur, buf, sizeof(buf));
    if (n < 0)
        return -1;
    if ((size_t)n >= sizeof(buf)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    buf[n] = 0;
    next = sibling(*cur, buf);
    if (next == NULL)
        return -1;
    free(*cur);
    *cur = next;
    return 0;
}

static int
kind_of(mode_t m)
{
    if (S_ISREG(m))
        return JF_TARGET_REGULAR;
    return S_ISDIR(m) ? JF_TARGET_DIR : JF_TARGET_SPECIAL;
}

char *
jf_target(const char *path, int *kind, mode_t *mode)
{
    char *cur = strdup(path);
    struct stat st;
    int e = ENOMEM;

    *mode = 0;
    for (int hops = 0; cur != NULL; hops++) {
        int rc;

        if (lstat(cur, &st) != 0) {
            e = errno;
            *kind = JF_TARGET_NEW;
            if (e == ENOENT)
                return cur; /* missing, or where a dangling link points */
            break;
        }
        if (!S_ISLNK(st.st_mode)) {
            *kind = kind_of(st.st_mode);
            *mode = st.st_mode;
            return cur;
        }
        e = ELOOP;
        if (hops == MAX_HOPS)
            break;
        rc = hop(&cur, &st);
        e = errno;
        if (rc == 1) {
            *kind = JF_TARGET_PROC;
            free(cur);
            return strdup(path);
        }
        if (rc < 0)
            break;
    }
    free(cur);
    errno = e;
    return NULL;
}

/* ---- writing ---- */

/* A temporary file next to f->path: PATH.jitfetch-XXXXXX, or
 * DIR/.jitfetch-XXXXXX when that name would be too long. Keeps the
 * permission bits of the file it replaces (|mode|, 0: new). */
static int
temp_open(struct jf_file *f, mode_t mode)
{
    const char *base = strrchr(f->path, '/');
    size_t pl = strlen(f->path), bl, at;
    sigset_t old;
    mode_t um;
    int e;

    base = base != NULL ? base + 1 : f->path;
    bl = strlen(base);
    at = bl + sizeof(TMP_SUFFIX) - 1 <= NAME_LEN_MAX ? pl : pl - bl;
    f->tmp = malloc(pl + sizeof(TMP_SUFFIX));
    if (f->tmp == NULL)
        return -1;
    memcpy(f->tmp, f->path, at);
    memcpy(f->tmp + at, TMP_SUFFIX, sizeof(TMP_SUFFIX));
    hold(1, &old);
    f->fd = mkstemp(f->tmp);
    e = errno;
    if (f->fd >= 0)
        tmp_now = f->tmp;
    hold(0, &old);
    if (f->fd < 0) {
        free(f->tmp);
        f->tmp = NULL;
        errno = e;
        return -1;
    }
    if (mode == 0) {
        um = umask(0);
        umask(um);
        mode = 0666 & ~um;
    }
    (void)fchmod(f->fd, mode & 0777);
    return 0;
}

int
jf_file_open(struct jf_file *f, const char *path)
{
    mode_t mode;
    int kind;

    f->fd = -1;
    f->tmp = NULL;
    f->path = NULL;
    if (path[0] == 0) {
        errno = ENOENT;
        return -1;
    }
    f->path = jf_target(path, &kind, &mode);
    if (f->path == NULL)
        return -1;
    switch (kind) {
    case JF_TARGET_DIR:
        errno = EISDIR;
        return -1;
    case JF_TARGET_PROC: /* an open file: add to it, never truncate */
        f->fd = open(f->path, O_WRONLY | O_APPEND | O_NOCTTY);
        return f->fd >= 0 ? 0 : -1;
    case JF_TARGET_SPECIAL: /* a device, FIFO or socket: in place */
        f->fd = open(f->path, O_WRONLY | O_NOCTTY | O_NOFOLLOW);
        return f->fd >= 0 ? 0 : -1;
    default:
        return temp_open(f, kind == JF_TARGET_REGULAR ? mode : 0);
    }
}

/* Close the temporary file and forget it: rename it to |to| (NULL:
 * unlink it). 0 or -1 (errno; the temporary file is gone either way). */
static int
temp_close(struct jf_file *f, const char *to)
{
    sigset_t old;
    int rc, e;

    hold(1, &old);
    rc = to != NULL ? rename(f->tmp, to) : unlink(f->tmp);
    e = errno;
    if (rc != 0 && to != NULL)
        (void)unlink(f->tmp);
    tmp_now = NULL;
    hold(0, &old);
    free(f->tmp);
    f->tmp = NULL;
    errno = e;
    return rc;
}

int
jf_file_commit(struct jf_file *f)
{
    int rc = 0, e = 0;

    if (f->tmp != NULL && fsync(f->fd) != 0) {
        rc = -1;
        e = errno;
    }
    if (close(f->fd) != 0 && rc == 0) {
        rc = -1;
        e = errno;
    }
    f->fd = -1;
    if (f->tmp != NULL) {
        if (temp_close(f, rc == 0 ? f->path : NULL) != 0 && rc == 0) {
            rc = -1;
            e = errno;
        }
    }
    errno = e;
    return rc;
}

char *
jf_file_discard(struct jf_file *f, int keep_part)
{
    size_t pl = strlen(f->path);
    char *part = NULL;

    (void)close(f->fd);
    f->fd = -1;
    if (f->tmp == NULL)
        return NULL; /* written in place: nothing to take back */
    if (keep_part)
        part = malloc(pl + sizeof(".part"));
    if (part != NULL) {
        memcpy(part, f->path, pl);
        memcpy(part + pl, ".part", sizeof(".part"));
    }
    if (temp_close(f, part) != 0 && part != NULL) {
        free(part);
        part = NULL;
    }
    return part;
}

void
jf_file_free(struct jf_file *f)
{
    free(f->path);
    free(f->tmp);
    f->path = f->tmp = NULL;
}

int
jf_file_write(const char *path, const void *buf, size_t len, mode_t mode)
{
    struct jf_file f = {-1, NULL, NULL};
    const char *p = buf;
    int rc = -1, e = EIO;

    f.path = strdup(path);
    if (f.path == NULL || temp_open(&f, mode) != 0) {
        e = errno;
        jf_file_free(&f);
        errno = e;
        return -1;
    }
    while (len > 0) {
        ssize_t w = write(f.fd, p, len);

        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            e = errno;
        if (w <= 0)
            break;
        p += w;
        len -= (size_t)w;
    }
    if (len == 0) {
        rc = jf_file_commit(&f);
        e = errno;
    } else {
        free(jf_file_discard(&f, 0));
    }
    jf_file_free(&f);
    errno = e;
    return rc;
}
