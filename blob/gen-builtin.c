// SPDX-License-Identifier: MIT
/*
 * jt-blob-gen (build tool, native): makes the built-in default trust of
 * libjittrust. Reads the root certificates of DIR (the Mozilla roots of the
 * ca-certificates package by default), writes a full blob and an
 * index-only blob of them into one C header as `jt_builtin_full` and
 * `jt_builtin_idx` (static const arrays). Built from core and mbedTLS's
 * crypto only. The generation and time are SOURCE_DATE_EPOCH when set,
 * else the newest modification time of the root files, so a rebuild from
 * the same roots makes the same bytes.
 *
 * Usage: jt-blob-gen DIR OUT.h
 */
#define _GNU_SOURCE
#include "bg.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Newest mtime of the regular files in |dir| (0 when none). */
static uint64_t
newest_mtime(const char *dir)
{
    char path[4096];
    struct dirent *d;
    struct stat st;
    uint64_t t = 0;
    DIR *dh = opendir(dir);

    if (dh == NULL)
        return 0;
    while ((d = readdir(dh)) != NULL) {
        if (d->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
            (uint64_t)st.st_mtime > t)
            t = (uint64_t)st.st_mtime;
    }
    closedir(dh);
    return t;
}

static uint64_t
build_time(const char *dir)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    char *end;
    unsigned long long v;

    if (sde != NULL && *sde) {
        errno = 0;
        v = strtoull(sde, &end, 10);
        if (errno == 0 && *end == 0)
            return v;
    }
    return newest_mtime(dir);
}

/* Append the header text of one blob kind to |*text|. */
static int
add_array(const struct bg_set *s, struct bg_build_opts *bo, int kind,
          const char *name, char **text, size_t *tlen)
{
    uint8_t *blob;
    size_t len, hl;
    char *h, *nt;

    bo->kind = kind;
    if (bg_blob_make(s, bo, &blob, &len) != 0)
        return -1;
    h = bg_c_header(name, blob, len, bo->label, &hl);
    free(blob);
    if (h == NULL)
        return -1;
    nt = realloc(*text, *tlen + hl + 1);
    if (nt == NULL) {
        free(h);
        return bg_err(NULL, "out of memory");
    }
    memcpy(nt + *tlen, h, hl + 1);
    *text = nt;
    *tlen += hl;
    free(h);
    return 0;
}

int
main(int argc, char **argv)
{
    struct bg_build_opts bo = {0};
    struct bg_out out = {0};
    struct bg_set s;
    char *text = NULL;
    size_t tlen = 0;
    int rc;

    if (argc != 3) {
        fprintf(stderr, "usage: jt-blob-gen DIR OUT.h\n");
        return 2;
    }
    if (bg_set_load(&s, argv[1]) != 0)
        return 2;
    bo.generation = bo.time = build_time(argv[1]);
    bo.label = s.label;
    rc = add_array(&s, &bo, JT_BLOB_FULL, "jt_builtin_full", &text, &tlen);
    if (rc == 0)
        rc = add_array(&s, &bo, JT_BLOB_INDEX_ONLY, "jt_builtin_idx", &text,
                       &tlen);
    if (rc == 0)
        rc = bg_out_file(&out, argv[2], (const uint8_t *)text, tlen);
    if (rc == 0)
        rc = bg_out_commit(&out);
    bg_out_abort(&out);
    free(text);
    bg_set_free(&s);
    return rc == 0 ? 0 : 2;
}
