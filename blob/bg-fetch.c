// SPDX-License-Identifier: MIT
/*
 * jt-blob (tool layer): `fetch`, downloading a CA bundle or certdata.txt
 * with libcurl for `jt-blob build`. HTTP(S) only, TLS verified (--cacert
 * names the CA file), size-capped, with a progress bar only on a terminal.
 * The download goes to OUT.part and is renamed to OUT when complete; a
 * later fetch of the same OUT resumes OUT.part with a Range request (and
 * starts over when the server cannot resume).
 */
#define _GNU_SOURCE
#include "bg.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#define FETCH_MAX_DEFAULT (64ull * 1024 * 1024)

struct fetch {
    const char *url, *out, *cacert;
    unsigned long long max, max_time;
    char part[4096];
    FILE *f;
    unsigned long long have; /* bytes in .part before this transfer */
    unsigned long long got;  /* bytes received in this transfer */
    int too_big, tty;
};

static size_t
on_data(char *p, size_t size, size_t n, void *ud)
{
    struct fetch *ft = ud;
    size_t len = size * n;

    if (ft->have + ft->got + len > ft->max) {
        ft->too_big = 1;
        return 0;
    }
    if (fwrite(p, 1, len, ft->f) != len)
        return 0;
    ft->got += len;
    return len;
}

static int
on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
            curl_off_t ulnow)
{
    struct fetch *ft = ud;
    unsigned long long total = (unsigned long long)dltotal + ft->have;
    unsigned long long now = (unsigned long long)dlnow + ft->have;
    int bar = total ? (int)(now * 40 / total) : 0;

    (void)ultotal, (void)ulnow;
    if (total > 0)
        fprintf(stderr, "\r[%-40.*s] %3d%% %llu/%llu bytes", bar,
                "########################################",
                (int)(now * 100 / total), now, total);
    else
        fprintf(stderr, "\r%llu bytes", now);
    return 0;
}

static const char usage_fetch[] =
    "usage: jt-blob fetch URL -o FILE [--cacert CAFILE] [--max-size BYTES]\n"
    "                     [--max-time SECONDS]\n"
    "\n"
    "Downloads URL (http or https) to FILE, e.g. a PEM bundle or Mozilla's\n"
    "certdata.txt for `jt-blob build --from FILE`. The server certificate\n"
    "is verified against CAFILE (default: the system store). At most\n"
    "BYTES are accepted (default 64 MiB). Data goes to FILE.part, renamed\n"
    "to FILE when complete; if the transfer is cut, run the same command\n"
    "again to resume where it stopped. A progress bar is shown on a\n"
    "terminal only. Then check what you got before you build from it.\n";

static int
parse(int argc, char **argv, struct fetch *ft)
{
    static const struct option lo[] = {
        {"cacert", required_argument, NULL, 'c'},
        {"max-size", required_argument, NULL, 'm'},
        {"max-time", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    char *end;
    int c;

    memset(ft, 0, sizeof(*ft));
    ft->max = FETCH_MAX_DEFAULT;
    while ((c = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
        unsigned long long *dst = c == 'm' ? &ft->max : &ft->max_time;
        if (c == 'o')
            ft->out = optarg;
        else if (c == 'c')
            ft->cacert = optarg;
        else if (c == 'm' || c == 't') {
            errno = 0;
            *dst = strtoull(optarg, &end, 10);
            if (errno || *end || !optarg[0] || optarg[0] == '-')
                return bg_err(optarg, "needs a decimal number");
        } else {
            fputs(usage_fetch, c == 'h' ? stdout : stderr);
            return c == 'h' ? 1 : -1;
        }
    }
    if (ft->out == NULL || optind != argc - 1) {
        fputs(usage_fetch, stderr);
        return -1;
    }
    ft->url = argv[optind];
    snprintf(ft->part, sizeof(ft->part), "%s.part", ft->out);
    return 0;
}

/* One transfer, resuming from the size of .part. Returns the curl code;
 * |*status| gets the HTTP status. */
static CURLcode
transfer(struct fetch *ft, long *status)
{
    struct stat st;
    CURL *h = curl_easy_init();
    CURLcode rc;

    ft->have = stat(ft->part, &st) == 0 ? (unsigned long long)st.st_size : 0;
    ft->got = 0;
    ft->f = fopen(ft->part, "ab");
    if (h == NULL || ft->f == NULL) {
        if (h != NULL)
            curl_easy_cleanup(h);
        if (ft->f != NULL)
            fclose(ft->f);
        ft->f = NULL;
        return CURLE_WRITE_ERROR;
    }
    curl_easy_setopt(h, CURLOPT_URL, ft->url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(h, CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 60L);
    if (ft->max_time)
        curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)ft->max_time);
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)ft->max);
    if (ft->cacert)
        curl_easy_setopt(h, CURLOPT_CAINFO, ft->cacert);
    curl_easy_setopt(h, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)ft->have);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, ft);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, ft->tty ? 0L : 1L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, ft);
    rc = curl_easy_perform(h);
    *status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
    curl_easy_cleanup(h);
    if (fclose(ft->f) != 0 && rc == CURLE_OK)
        rc = CURLE_WRITE_ERROR;
    ft->f = NULL;
    if (ft->tty)
        fputc('\n', stderr);
    return rc;
}

int
bg_cmd_fetch(int argc, char **argv)
{
    struct fetch ft;
    long status = 0;
    CURLcode rc;
    int p = parse(argc, argv, &ft);

    if (p != 0)
        return p > 0 ? 0 : BG_EXIT_ERR;
    ft.tty = isatty(2);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        return bg_err(ft.url, "cannot initialise libcurl"), BG_EXIT_ERR;
    rc = transfer(&ft, &status);
    /* The server cannot resume (or .part is stale): start over once. */
    if (ft.have > 0 && (rc == CURLE_RANGE_ERROR || status == 416)) {
        if (truncate(ft.part, 0) == 0)
            rc = transfer(&ft, &status);
    }
    curl_global_cleanup();
    if (ft.too_big || rc == CURLE_FILESIZE_EXCEEDED) {
        unlink(ft.part);
        return bg_err(ft.url,
                      "larger than the limit of %llu bytes "
                      "(--max-size)",
                      ft.max),
               BG_EXIT_ERR;
    }
    if (rc != CURLE_OK && ft.have + ft.got == 0)
        unlink(ft.part); /* nothing to resume */
    if (rc != CURLE_OK)
        return bg_err(ft.url,
                      "download failed (HTTP %ld): %s; run the same "
                      "command again to resume",
                      status, curl_easy_strerror(rc)),
               BG_EXIT_ERR;
    if (rename(ft.part, ft.out) != 0)
        return bg_err(ft.out, "cannot rename %s into place: %s", ft.part,
                      strerror(errno)),
               BG_EXIT_ERR;
    if (!ft.tty)
        return 0;
    fprintf(stderr, "jt-blob: %s: %llu bytes\n", ft.out, ft.have + ft.got);
    return 0;
}
