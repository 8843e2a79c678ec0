// SPDX-License-Identifier: MIT
/*
 * fuzz: jt_host_normalise. Properties: a normalised host normalises to
 * itself (same bytes, kind and address); its text is short, lower-case and
 * made of allowed bytes; and for plain IP literals (no brackets, no
 * trailing dot) the verdict and address agree with glibc's inet_pton, which
 * is strict (no short, octal or hex IPv4 forms).
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jittrust/host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
die(const char *what, const uint8_t *data, size_t size)
{
    fprintf(stderr, "fuzz-host: %s for input \"%.*s\"\n", what, (int)size,
            (const char *)data);
    abort();
}

static void
check_text(const struct jt_host *h, const uint8_t *data, size_t size)
{
    if (h->len == 0 || h->len > JT_HOST_MAX || strlen(h->name) != h->len)
        die("bad length", data, size);
    for (size_t i = 0; i < h->len; i++) {
        char c = h->name[i];

        if ((c >= 'A' && c <= 'Z') || (unsigned char)c >= 0x80)
            die("upper-case or non-ASCII output", data, size);
    }
    if (h->kind != JT_HOST_NAME && h->kind != JT_HOST_IPV4 &&
        h->kind != JT_HOST_IPV6)
        die("bad kind", data, size);
}

/* Compare with inet_pton on inputs it can judge. */
static void
oracle(const uint8_t *data, size_t size, int rc, const struct jt_host *h)
{
    char buf[80];
    uint8_t addr[16];
    int af, ok;

    if (size == 0 || size >= sizeof(buf) || memchr(data, 0, size) != NULL ||
        memchr(data, '[', size) != NULL || data[size - 1] == '.')
        return;
    memcpy(buf, data, size);
    buf[size] = '\0';
    if (memchr(data, ':', size) != NULL)
        af = AF_INET6;
    else if (size >= 7 && buf[0] >= '0' && buf[0] <= '9' &&
             strspn(buf, "0123456789.") == size)
        af = AF_INET;
    else
        return;
    ok = inet_pton(af, buf, addr) == 1;
    if (ok != (rc == 0))
        die(ok ? "inet_pton accepts, we refuse"
               : "we accept, inet_pton refuses",
            data, size);
    if (ok && memcmp(addr, h->addr, af == AF_INET ? 4 : 16) != 0)
        die("address differs from inet_pton", data, size);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct jt_host a, b;
    int rc = jt_host_normalise((const char *)data, size, &a);

    oracle(data, size, rc, &a);
    if (rc != 0)
        return 0;
    check_text(&a, data, size);
    if (jt_host_normalise(a.name, a.len, &b) != 0)
        die("normalised host does not normalise", data, size);
    if (memcmp(&a, &b, sizeof(a)) != 0)
        die("normalise is not idempotent", data, size);
    return 0;
}
