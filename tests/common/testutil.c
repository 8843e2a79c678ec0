// SPDX-License-Identifier: MIT
/* tests: shared helpers (see testutil.h). */
#include "testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

uint8_t *
th_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    long sz;

    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0)
        goto out;
    buf = malloc((size_t)sz + 1);
    if (buf == NULL)
        goto out;
    if (fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
        free(buf);
        buf = NULL;
        goto out;
    }
    buf[sz] = 0;
    *len = (size_t)sz;
out:
    fclose(f);
    return buf;
}

const char *
th_pki_path(char *buf, size_t cap, const char *name)
{
    const char *dir = getenv("JT_PKI_DIR");
    int n;

    if (dir == NULL)
        fail_msg("JT_PKI_DIR is not set: run through meson test");
    n = snprintf(buf, cap, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= cap)
        fail_msg("path too long for %s", name);
    return buf;
}

uint8_t *
th_pki_der(const char *name, size_t *len)
{
    char path[1024], file[256];
    uint8_t *der;

    snprintf(file, sizeof(file), "%s.der", name);
    der = th_read_file(th_pki_path(path, sizeof(path), file), len);
    if (der == NULL)
        fail_msg("cannot read test PKI file %s", path);
    return der;
}

static int
b64val(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* Decode base64 in [p, end) skipping whitespace; returns malloc'd bytes. */
static uint8_t *
b64dec(const char *p, const char *end, size_t *len)
{
    uint8_t *out = malloc((size_t)(end - p) / 4 * 3 + 3);
    unsigned acc = 0;
    int bits = 0;
    size_t n = 0;

    assert_non_null(out);
    for (; p < end; p++) {
        int v;

        if (*p == '=' || *p == '\n' || *p == '\r' || *p == ' ')
            continue;
        v = b64val((unsigned char)*p);
        if (v < 0)
            fail_msg("bad base64 character 0x%02x", (unsigned char)*p);
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (uint8_t)(acc >> bits);
        }
    }
    *len = n;
    return out;
}

size_t
th_pem_certs(const char *pem, uint8_t ***ders, size_t **lens)
{
    static const char begin[] = "-----BEGIN CERTIFICATE-----";
    static const char end[] = "-----END CERTIFICATE-----";
    size_t n = 0, cap = 0;
    const char *p = pem;

    *ders = NULL;
    *lens = NULL;
    while ((p = strstr(p, begin)) != NULL) {
        const char *e = strstr(p, end);

        if (e == NULL)
            fail_msg("PEM block without END line");
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            *ders = realloc(*ders, cap * sizeof(**ders));
            *lens = realloc(*lens, cap * sizeof(**lens));
            assert_non_null(*ders);
            assert_non_null(*lens);
        }
        (*ders)[n] = b64dec(p + sizeof(begin) - 1, e, &(*lens)[n]);
        n++;
        p = e + sizeof(end) - 1;
    }
    return n;
}

void
th_free_ders(uint8_t **ders, size_t *lens, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(ders[i]);
    free(ders);
    free(lens);
}

int
th_hex2bin(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = strlen(hex);

    if (n % 2 != 0 || n / 2 > cap)
        return -1;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v = 0;

        for (int k = 0; k < 2; k++) {
            int c = hex[2 * i + (size_t)k];

            v <<= 4;
            if (c >= '0' && c <= '9')
                v |= (unsigned)(c - '0');
            else if (c >= 'a' && c <= 'f')
                v |= (unsigned)(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                v |= (unsigned)(c - 'A' + 10);
            else
                return -1;
        }
        out[i] = (uint8_t)v;
    }
    return (int)(n / 2);
}

void
th_long_paths(const char *dir, char *path, char *victim)
{
    char name[256];
    size_t n;

    snprintf(path, 1200, "%s", dir);
    while (strlen(path) < 480) {
        n = strlen(path);
        snprintf(path + n, 1200 - n, "/%s", "dddddddddddddddddddd");
        assert_int_equal(mkdir(path, 0755), 0);
    }
    n = strlen(path);
    memset(name, 'v', sizeof(name));
    name[603 - n - 1 - 4] = 0;
    assert_true(snprintf(victim, 1200, "%s/%s", path, name) < 1200);
    assert_true(snprintf(path + n, 1200 - n, "/%s.txt", name) <
                (int)(1200 - n));
    assert_int_equal(strlen(path), 603);
}
