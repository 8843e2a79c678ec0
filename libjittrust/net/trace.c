// SPDX-License-Identifier: MIT
/*
 * Trace events (net): names and the text / JSON formatter of
 * jittrust/trace.h. Formatting only; the events come from jit.c and
 * conn.c.
 */
#include "jittrust/trace.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "jittrust/error.h"

static const char *const names[] = {
    "?",          "resolve",   "connect", "handshake", "cert",
    "host-cache", "ca-set",    "ask",     "answer",    "verify",
    "result",     "reconnect", "request", "response",  "redirect",
};

const char *
jt_trace_name(int type)
{
    const int n = (int)(sizeof(names) / sizeof(names[0]));

    return type > 0 && type < n ? names[type] : names[0];
}

/* An output cursor: appends stop at the cap, |over| remembers it. */
struct out {
    char *buf;
    size_t cap, len;
    int over;
};

static void
put(struct out *o, const char *fmt, ...)
{
    va_list ap;
    int w;

    if (o->over)
        return;
    va_start(ap, fmt);
    /* va_start is right above: the analyzer loses track of it here */
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
    w = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
    va_end(ap);
    if (w < 0 || (size_t)w >= o->cap - o->len) {
        o->over = 1;
        o->len = o->cap - 1;
        return;
    }
    o->len += (size_t)w;
}

/*
 * One well-formed UTF-8 sequence at |p| (NUL-terminated): its length
 * (2-4) with the code point in *|cp|, or 0 (a stray continuation byte,
 * an overlong form, a surrogate, past U+10FFFF, or cut short).
 */
static size_t
utf8_next(const unsigned char *p, uint32_t *cp)
{
    static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
    size_t n = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc0 ? 2 : 0;
    uint32_t v;

    if (n == 0 || p[0] >= 0xf8)
        return 0;
    v = p[0] & (0x7fu >> n);
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0; /* includes the NUL: never read past it */
        v = v << 6 | (p[i] & 0x3fu);
    }
    if (v < min[n] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return n;
}

/* A JSON string: quotes, backslash and control bytes escaped; pure ASCII
 * out (non-ASCII as \uXXXX, ill-formed UTF-8 as U+FFFD). */
static void
put_json_str(struct out *o, const char *s)
{
    put(o, "\"");
    while (s != NULL && *s != 0 && !o->over) {
        unsigned char c = (unsigned char)*s;
        uint32_t cp;
        size_t n;

        if (c == '"' || c == '\\') {
            put(o, "\\%c", c);
            s++;
        } else if (c < 0x20 || c == 0x7f) {
            put(o, "\\u%04x", c);
            s++;
        } else if (c < 0x80) {
            put(o, "%c", c);
            s++;
        } else {
            /* non-ASCII: its code point (UTF-16 escapes), or U+FFFD for
             * each byte that is not well-formed UTF-8 (a server's text,
             * a message cut mid-character): the output stays ASCII */
            n = utf8_next((const unsigned char *)s, &cp);
            if (n == 0) {
                cp = 0xfffd;
                n = 1;
            }
            if (cp >= 0x10000)
                put(o, "\\u%04x\\u%04x",
                    (unsigned)(0xd800 + ((cp - 0x10000) >> 10)),
                    (unsigned)(0xdc00 + ((cp - 0x10000) & 0x3ff)));
            else
                put(o, "\\u%04x", (unsigned)cp);
            s += n;
        }
    }
    put(o, "\"");
}

/* The label of a key type in traces. */
static const char *
key_label(int type)
{
    switch (type) {
    case JT_KEY_SKID:
        return "SKID";
    case JT_KEY_COMPUTED:
        return "KEYID";
    case JT_KEY_ISSUER_SERIAL:
        return "ISSUER+SERIAL";
    case JT_KEY_SUBJECT:
        return "SUBJECT";
    default:
        return "KEY";
    }
}

/* "SKID:5AEE…" (abbreviated, text) or the full hex (JSON). */
static void
put_key(struct out *o, const struct jt_key *k, int full)
{
    char hex[2 * JT_KEY_MAX + 8];

    if (jt_key_hex(k, !full, hex, sizeof(hex)) < 0)
        snprintf(hex, sizeof(hex), "?");
    put(o, "%s:%s", key_label(k->type), hex);
}

static void
format_json(const struct jt_trace_event *ev, struct out *o)
{
    put(o, "{\"ev\":\"%s\",\"host\":", jt_trace_name(ev->type));
    put_json_str(o, ev->host != NULL ? ev->host : "");
    put(o, ",\"port\":%u,\"t\":%llu,\"ms\":%lu,\"rc\":%d", ev->port,
        (unsigned long long)ev->at_ms, (unsigned long)ev->ms, ev->rc);
    if (ev->rc != 0) {
        put(o, ",\"err\":");
        put_json_str(o, jt_strerror(ev->rc));
    }
    put(o, ",\"index\":%d,\"count\":%zu,\"accepted\":%zu,\"flags\":%lu",
        ev->index, ev->count, ev->accepted, (unsigned long)ev->flags);
    if (ev->key != NULL) {
        put(o, ",\"key\":\"");
        put_key(o, ev->key, 1);
        put(o, "\"");
    }
    if (ev->key2 != NULL) {
        put(o, ",\"key2\":\"");
        put_key(o, ev->key2, 1);
        put(o, "\"");
    }
    if (ev->source != NULL) {
        put(o, ",\"source\":");
        put_json_str(o, ev->source);
    }
    if (ev->text != NULL) {
        put(o, ",\"text\":");
        put_json_str(o, ev->text);
    }
    put(o, "}");
}

/* The text form of the HTTP binding's events. */
static void
format_http(const struct jt_trace_event *ev, struct out *o)
{
    if (ev->type == JT_TRACE_REQUEST)
        put(o, "%s (%s connection, request %zu)", ev->text ? ev->text : "",
            ev->index ? "reused" : "new", ev->count);
    else if (ev->type == JT_TRACE_RESPONSE)
        put(o, "%d, %zu body bytes, %lu ms%s", ev->index, ev->count,
            (unsigned long)ev->ms, ev->flags ? ", connection kept" : "");
    else
        put(o, "%d -> %s%s", ev->index, ev->text ? ev->text : "",
            (ev->flags & 2u) ? " (cross-origin: credentials dropped)" : "");
    if (ev->rc != 0)
        put(o, ": %s", jt_strerror(ev->rc));
}

/* The text form's body, per type. */
static void
format_text(const struct jt_trace_event *ev, struct out *o)
{
    put(o, "%-10s ", jt_trace_name(ev->type));
    switch (ev->type) {
    case JT_TRACE_REQUEST:
    case JT_TRACE_RESPONSE:
    case JT_TRACE_REDIRECT:
        format_http(ev, o);
        break;
    case JT_TRACE_CERT:
        put(o, "#%d%s skid ", ev->index, ev->flags ? " (CA)" : "");
        if (ev->key != NULL)
            put_key(o, ev->key, 0);
        else
            put(o, "-");
        put(o, " akid ");
        if (ev->key2 != NULL)
            put_key(o, ev->key2, 0);
        else
            put(o, "-");
        break;
    case JT_TRACE_ASK:
    case JT_TRACE_ANSWER:
    case JT_TRACE_CASET:
    case JT_TRACE_HOST_CACHE:
        if (ev->key != NULL)
            put_key(o, ev->key, 0);
        if (ev->source != NULL)
            put(o, " %s %s", ev->type == JT_TRACE_ASK ? "->" : "from",
                ev->source);
        if (ev->type == JT_TRACE_ANSWER)
            put(o, ": %zu cert(s), %zu accepted, %lu ms", ev->count,
                ev->accepted, (unsigned long)ev->ms);
        else if (ev->type != JT_TRACE_ASK)
            put(o, "%s%s", ev->key != NULL ? " " : "",
                ev->rc == 0 ? "hit"
                            : (ev->rc == JT_ERR_JIT_NEGATIVE ? "negative hit"
                                                             : "miss"));
        break;
    case JT_TRACE_VERIFY:
        put(o, "path %d: %s (flags 0x%lx)", ev->index,
            ev->rc == 0 ? "ok" : jt_strerror(ev->rc), (unsigned long)ev->flags);
        break;
    default:
        if (ev->text != NULL)
            put(o, "%s ", ev->text);
        if (ev->type == JT_TRACE_RESOLVE || ev->type == JT_TRACE_HANDSHAKE ||
            ev->type == JT_TRACE_RESULT)
            put(o, "n=%zu ", ev->count);
        put(o, "%lu ms%s%s", (unsigned long)ev->ms, ev->rc ? ": " : "",
            ev->rc ? jt_strerror(ev->rc) : "");
        break;
    }
}

int
jt_trace_format(const struct jt_trace_event *ev, int fmt, char *buf, size_t cap)
{
    struct out o = {buf, cap, 0, 0};

    if (ev == NULL || buf == NULL || cap == 0 ||
        (fmt != JT_TRACE_TEXT && fmt != JT_TRACE_JSON))
        return JT_ERR_INVAL;
    buf[0] = 0;
    if (fmt == JT_TRACE_JSON)
        format_json(ev, &o);
    else
        format_text(ev, &o);
    buf[o.len] = 0;
    return o.over ? JT_ERR_NOSPC : (int)o.len;
}

int
jt_trace_json_string(const char *s, char *buf, size_t cap)
{
    struct out o = {buf, cap, 0, 0};

    if (s == NULL || buf == NULL || cap == 0)
        return JT_ERR_INVAL;
    buf[0] = 0;
    put_json_str(&o, s);
    buf[o.len] = 0;
    return o.over ? JT_ERR_NOSPC : (int)o.len;
}
