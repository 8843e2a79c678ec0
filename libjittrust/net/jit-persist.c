// SPDX-License-Identifier: MIT
/*
 * Saving and loading a JIT context's host -> anchor-key entries (net), as
 * the line format of jittrust/jit.h, for devices that reboot and for
 * jitfetch --trust-cache. Loaded entries only pick the key asked first.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "jit-int.h"
#include "jittrust/error.h"
#include "jittrust/host.h"

#define HEADER "jittrust-host-cache 1"
#define LINE_MAX_LEN 512u

struct save {
    char *buf;
    size_t cap, len;
    int64_t wall_now;
    uint64_t loop_now;
};

/* Append one formatted piece; |len| counts what did not fit too. */
static void
emit(struct save *s, const char *text)
{
    size_t n = strlen(text);

    if (s->len + n < s->cap)
        memcpy(s->buf + s->len, text, n + 1);
    s->len += n;
}

static int
save_one(void *ud, const struct jt_cache_entry *e)
{
    struct save *s = ud;
    const uint8_t *v = e->value;
    struct jt_key k = {0};
    char hex[2 * JT_KEY_MAX + 1], line[LINE_MAX_LEN];
    uint64_t left;

    if (e->value_len < 2 || v[1] == 0 || v[1] > JT_KEY_MAX ||
        2u + v[1] > e->value_len)
        return 0;
    k.type = v[0];
    k.len = v[1];
    memcpy(k.b, v + 2, k.len);
    if (jt_key_hex(&k, 0, hex, sizeof(hex)) < 0)
        return 0;
    left = e->expires_ms > s->loop_now ? e->expires_ms - s->loop_now : 0;
    snprintf(line, sizeof(line), "%s %u %lu %u %s %lld\n", e->key.host,
             (unsigned)e->key.port, (unsigned long)e->key.policy,
             (unsigned)k.type, hex,
             (long long)s->wall_now + (long long)(left / 1000u));
    emit(s, line);
    return 0;
}

int
jt_jit_ctx_save(struct jt_jit_ctx *c, char *buf, size_t cap, size_t *used)
{
    struct save s = {buf, cap, 0, 0, 0};
    int rc;

    if (c == NULL || buf == NULL || cap == 0 || used == NULL)
        return JT_ERR_INVAL;
    buf[0] = 0;
    s.wall_now = (int64_t)time(NULL);
    s.loop_now = jt_loop_now(c->o.loop);
    emit(&s, HEADER "\n");
    rc = jt_cache_foreach(c->hosts, s.loop_now, save_one, &s);
    *used = s.len;
    if (rc != 0)
        return rc;
    if (s.len >= cap) {
        buf[0] = 0;
        return JT_ERR_NOSPC;
    }
    return 0;
}

/* One parsed line. */
struct entry {
    struct jt_host host;
    unsigned long port, policy;
    struct jt_key key;
    long long expires;
};

static int
nibble(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

static int
unhex(const char *hex, struct jt_key *k)
{
    size_t n = strlen(hex);

    if (n == 0 || n % 2 != 0 || n / 2 > JT_KEY_MAX)
        return -1;
    for (size_t i = 0; i < n; i += 2) {
        int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);

        if (hi < 0 || lo < 0)
            return -1;
        k->b[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    k->len = (uint8_t)(n / 2);
    return 0;
}

/* A decimal field of |len| bytes at |p|: digits only, at most |max|;
 * 0 or -1 (no sign, no spaces, no overflow). */
static int
number(const char *p, size_t len, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;

    if (len == 0 || len > 20)
        return -1;
    for (size_t i = 0; i < len; i++) {
        unsigned d = (unsigned)(p[i] - '0');

        if (d > 9 || d > max || v > (max - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

/* Split |line| at single spaces into exactly |n| fields; 0 or -1. */
static int
fields(const char *line, const char **f, size_t *len, size_t n)
{
    size_t k = 0;
    const char *p = line;

    while (k < n) {
        const char *sp = strchr(p, ' ');

        f[k] = p;
        len[k] = sp != NULL ? (size_t)(sp - p) : strlen(p);
        k++;
        if (sp == NULL)
            break;
        p = sp + 1;
    }
    return k == n && strchr(f[n - 1], ' ') == NULL ? 0 : -1;
}

/* Parse one entry line (NUL-terminated): six fields, each checked
 * without scanf (no overflow, no sign, nothing after them); 0 or -1. */
static int
parse_line(const char *line, struct entry *e)
{
    const char *f[6];
    size_t len[6];
    uint64_t port, policy, type, expires;
    char host[JT_HOST_MAX + 2], hex[2 * JT_KEY_MAX + 1];

    if (fields(line, f, len, 6) != 0 || len[0] == 0 || len[0] >= sizeof(host) ||
        len[4] >= sizeof(hex) || number(f[1], len[1], 65535, &port) != 0 ||
        port == 0 || number(f[2], len[2], UINT32_MAX, &policy) != 0 ||
        number(f[3], len[3], JT_KEY_SUBJECT, &type) != 0 ||
        type < JT_KEY_SKID || number(f[5], len[5], INT64_MAX, &expires) != 0)
        return -1;
    memcpy(host, f[0], len[0]);
    host[len[0]] = 0;
    memcpy(hex, f[4], len[4]);
    hex[len[4]] = 0;
    if (jt_host_normalise(host, len[0], &e->host) != 0 ||
        strcmp(e->host.name, host) != 0)
        return -1; /* saved hosts are normalised */
    e->port = (unsigned long)port;
    e->policy = (unsigned long)policy;
    e->expires = (long long)expires;
    e->key.type = (uint8_t)type;
    return unhex(hex, &e->key);
}

/* Walk the lines of |buf|; with |c| NULL only check. Returns the
 * entries loaded or JT_ERR_JIT_CACHE_FILE with *|bad| set. */
static int
walk(struct jt_jit_ctx *c, const char *buf, size_t len, size_t *bad)
{
    int64_t wall = (int64_t)time(NULL);
    size_t off = 0, lineno = 0;
    int loaded = 0;

    while (off < len) {
        const char *nl = memchr(buf + off, '\n', len - off);
        size_t n = nl != NULL ? (size_t)(nl - (buf + off)) : len - off;
        char line[LINE_MAX_LEN];
        struct entry e = {0};

        lineno++;
        if (n >= sizeof(line) || memchr(buf + off, 0, n) != NULL)
            goto bad;
        memcpy(line, buf + off, n);
        line[n] = 0;
        off += n + 1;
        if (lineno == 1) {
            if (strcmp(line, HEADER) != 0)
                goto bad;
            continue;
        }
        if (n == 0 || line[0] == '#')
            continue;
        if (parse_line(line, &e) != 0)
            goto bad;
        if (c != NULL && e.expires > wall) {
            struct jt_cache_key ck = {e.host.name, e.host.len, (uint16_t)e.port,
                                      (uint32_t)e.policy};
            uint8_t val[2 + JT_KEY_MAX];
            uint64_t ttl = (uint64_t)(e.expires - wall) * 1000u;

            val[0] = e.key.type;
            val[1] = e.key.len;
            memcpy(val + 2, e.key.b, e.key.len);
            if (ttl > c->o.host_ttl_ms)
                ttl = c->o.host_ttl_ms;
            if (jt_cache_put(c->hosts, &ck, val, 2u + e.key.len, (uint32_t)ttl,
                             jt_loop_now(c->o.loop)) == 0)
                loaded++;
        }
    }
    if (lineno == 0)
        goto bad;
    return loaded;
bad:
    if (bad != NULL)
        *bad = lineno == 0 ? 1 : lineno;
    return JT_ERR_JIT_CACHE_FILE;
}

int
jt_jit_ctx_load(struct jt_jit_ctx *c, const char *buf, size_t len,
                size_t *bad_line)
{
    int rc;

    if (c == NULL || (buf == NULL && len > 0))
        return JT_ERR_INVAL;
    if (bad_line != NULL)
        *bad_line = 0;
    rc = walk(NULL, buf, len, bad_line);
    return rc < 0 ? rc : walk(c, buf, len, bad_line);
}
