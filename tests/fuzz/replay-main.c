// SPDX-License-Identifier: MIT
/*
 * fuzz-smoke: a plain main() that feeds every file of the given corpus
 * directories (or files) to LLVMFuzzerTestOneInput, so the normal build
 * replays the seeded corpora without libFuzzer. Prints one line per run:
 * "replayed N inputs".
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    long sz;

    if (f == NULL) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        return -1;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return -1;
    }
    /* An exact-size heap copy lets ASan catch any read past the input. */
    buf = malloc(sz > 0 ? (size_t)sz : 1);
    if (buf == NULL || fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
        fclose(f);
        free(buf);
        return -1;
    }
    fclose(f);
    LLVMFuzzerTestOneInput(buf, (size_t)sz);
    free(buf);
    return 0;
}

static int
run_path(const char *path, long *count)
{
    struct stat st;
    struct dirent *de;
    DIR *d;
    int rc = 0;

    if (stat(path, &st) != 0) {
        fprintf(stderr, "replay: %s does not exist\n", path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        if (run_file(path) != 0)
            return -1;
        (*count)++;
        return 0;
    }
    d = opendir(path);
    if (d == NULL)
        return -1;
    while (rc == 0 && (de = readdir(d)) != NULL) {
        char sub[4096];

        if (de->d_name[0] == '.')
            continue;
        snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
        rc = run_path(sub, count);
    }
    closedir(d);
    return rc;
}

int
main(int argc, char **argv)
{
    long count = 0;

    for (int i = 1; i < argc; i++)
        if (run_path(argv[i], &count) != 0)
            return 1;
    if (count == 0) {
        fprintf(stderr, "replay: no inputs found\n");
        return 1;
    }
    printf("replayed %ld inputs\n", count);
    return 0;
}
