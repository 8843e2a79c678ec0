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
    if (type <= 0 || (size_t)type >= sizeof(names) / sizeof(names[0]))
        return names[0];
    return names[type];
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

/* A JSON string: quotes, backslash and control bytes escaped. */
static void
put_json_str(struct out *o, const char *s)
{
    put(o, "\"");
    for (; s != NULL && *s != 0 && !o->over; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\')
            put(o, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            put(o, "\\u%04x", c);
        else
            put(o, "%c", c);
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
