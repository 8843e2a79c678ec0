// SPDX-License-Identifier: MIT
/* tests: the jitfetch --json schema checker (jf-json.h). */
#include "jf-json.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* A JSON string at |*p| (after the opening quote) into |out|. */
static int
parse_str(const char **p, char *out, size_t cap)
{
    const char *s = *p;
    size_t n = 0;

    while (*s != '"') {
        char c = *s++;

        /* pure ASCII: bytes >= 0x7f are escaped by both producers */
        if (c == 0 || (unsigned char)c < 0x20 || (unsigned char)c >= 0x7f ||
            n + 1 >= cap)
            return -1;
        if (c == '\\') {
            c = *s++;
            if (c == 'u') {
                for (int i = 0; i < 4; i++)
                    if (!isxdigit((unsigned char)s[i]))
                        return -1;
                c = (char)strtol((char[5]){s[0], s[1], s[2], s[3], 0}, NULL,
                                 16);
                s += 4;
            } else if (c != '"' && c != '\\' && c != '/') {
                return -1; /* the producers escape nothing else */
            }
        }
        out[n++] = c;
    }
    out[n] = 0;
    *p = s + 1;
    return 0;
}

static int
parse_value(const char **p, struct jj_field *f)
{
    const char *s = *p;
    char *end;

    if (*s == '"') {
        *p = s + 1;
        f->is_str = 1;
        return parse_str(p, f->str, sizeof(f->str));
    }
    if (*s != '-' && !isdigit((unsigned char)*s))
        return -1;
    if (*s == '0' && isdigit((unsigned char)s[1]))
        return -1;
    f->num = strtoll(s, &end, 10);
    *p = end;
    return end == s ? -1 : 0;
}

int
jj_parse(const char *line, struct jj_obj *o, const char **why)
{
    const char *p = line;

    o->n = 0;
    *why = "not an object";
    if (*p++ != '{')
        return -1;
    for (;;) {
        struct jj_field *f = &o->f[o->n];

        if (o->n == JJ_MAX_FIELDS || *p++ != '"')
            return -1;
        memset(f, 0, sizeof(*f));
        *why = "bad key";
        if (parse_str(&p, f->key, sizeof(f->key)) != 0 || *p++ != ':')
            return -1;
        *why = "bad value";
        if (parse_value(&p, f) != 0)
            return -1;
        for (size_t i = 0; i < o->n; i++)
            if (strcmp(o->f[i].key, f->key) == 0)
                return *why = "duplicate key", -1;
        o->n++;
        if (*p == '}' && p[1] == 0)
            return 0;
        *why = "expected ',' or the end";
        if (*p++ != ',')
            return -1;
    }
}

const struct jj_field *
jj_get(const struct jj_obj *o, const char *key)
{
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->f[i].key, key) == 0)
            return &o->f[i];
    return NULL;
}

struct spec {
    const char *key;
    int is_str, required;
    long long min, max; /* numbers */
};

#define NUM(k, lo, hi)                                                         \
    {                                                                          \
        k, 0, 1, lo, hi                                                        \
    }
#define BIG 0x7fffffffffffffffLL

static const struct spec lib[] = {
    {"ev", 1, 1, 0, 0},
    {"host", 1, 1, 0, 0},
    NUM("port", 0, 65535),
    NUM("t", 0, BIG),
    NUM("ms", 0, 0xffffffffLL),
    NUM("rc", -1999, 0),
    {"err", 1, 0, 0, 0},
    NUM("index", -2147483647LL, 2147483647LL),
    NUM("count", 0, BIG),
    NUM("accepted", 0, BIG),
    NUM("flags", 0, 0xffffffffLL),
    {"key", 1, 0, 0, 0},
    {"key2", 1, 0, 0, 0},
    {"source", 1, 0, 0, 0},
    {"text", 1, 0, 0, 0},
};

static const struct spec error_ev[] = {
    {"ev", 1, 1, 0, 0},  {"url", 1, 1, 0, 0}, NUM("exit", 1, 255),
    NUM("rc", -1999, 0), {"err", 1, 1, 0, 0}, {"text", 1, 1, 0, 0},
};

static const struct spec warning_ev[] = {
    {"ev", 1, 1, 0, 0},
    {"text", 1, 1, 0, 0},
};

static const struct spec summary_ev[] = {
    {"ev", 1, 1, 0, 0},        NUM("urls", 0, BIG),
    NUM("failed", 0, BIG),     NUM("connections", 0, BIG),
    NUM("handshakes", 0, BIG), NUM("requests", 0, BIG),
    NUM("reused", 0, BIG),     NUM("verified", 0, BIG),
    NUM("warm", 0, BIG),       NUM("cold", 0, BIG),
    NUM("queries", 0, BIG),    NUM("ca_parsed", 0, BIG),
};

/* Fields in the order of |s|, required ones present, types and ranges. */
static int
match(const struct jj_obj *o, const struct spec *s, size_t ns, const char **why)
{
    size_t k = 0;

    for (size_t i = 0; i < o->n; i++) {
        const struct jj_field *f = &o->f[i];

        while (k < ns && strcmp(s[k].key, f->key) != 0) {
            if (s[k].required)
                return *why = "required key missing or out of order", -1;
            k++;
        }
        if (k == ns)
            return *why = "unknown key (or out of order)", -1;
        if (f->is_str != s[k].is_str)
            return *why = "wrong type", -1;
        if (!f->is_str && (f->num < s[k].min || f->num > s[k].max))
            return *why = "number out of range", -1;
        k++;
    }
    for (; k < ns; k++)
        if (s[k].required)
            return *why = "required key missing", -1;
    return 0;
}

/* "SKID:5AEE..." with a known type and upper-case hex. */
static int
key_ok(const struct jj_field *f)
{
    static const char *const types[] = {
        "SKID:", "KEYID:", "ISSUER+SERIAL:", "SUBJECT:", "KEY:"};
    const char *hex = NULL;

    if (f == NULL)
        return 1;
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (strncmp(f->str, types[i], strlen(types[i])) == 0)
            hex = f->str + strlen(types[i]);
    if (hex == NULL || *hex == 0 || strlen(hex) % 2 != 0)
        return 0;
    return strspn(hex, "0123456789ABCDEF") == strlen(hex);
}

static int
check_lib(const struct jj_obj *o, const char *ev, const char **why)
{
    static const char *const names[] = {
        "resolve",   "connect", "handshake", "cert",    "host-cache",
        "ca-set",    "ask",     "answer",    "verify",  "result",
        "reconnect", "request", "response",  "redirect"};
    const struct jj_field *rc = jj_get(o, "rc"), *err = jj_get(o, "err");
    int known = 0;

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        known |= strcmp(ev, names[i]) == 0;
    if (!known)
        return *why = "unknown event", -1;
    if (match(o, lib, sizeof(lib) / sizeof(lib[0]), why) != 0)
        return -1;
    if ((rc->num != 0) != (err != NULL))
        return *why = "\"err\" must be present exactly when rc != 0", -1;
    if (jj_get(o, "host")->str[0] == 0)
        return *why = "empty host", -1;
    if (!key_ok(jj_get(o, "key")) || !key_ok(jj_get(o, "key2")))
        return *why = "malformed key", -1;
    if ((strcmp(ev, "ask") == 0 || strcmp(ev, "answer") == 0) &&
        (jj_get(o, "key") == NULL || jj_get(o, "source") == NULL))
        return *why = "ask/answer without key or source", -1;
    if ((strcmp(ev, "request") == 0 || strcmp(ev, "redirect") == 0 ||
         strcmp(ev, "result") == 0) &&
        jj_get(o, "text") == NULL)
        return *why = "request/redirect/result without text", -1;
    return 0;
}

int
jj_check(const struct jj_obj *o, const char **why)
{
    const struct jj_field *ev = jj_get(o, "ev");

    if (o->n == 0 || ev != &o->f[0] || !ev->is_str)
        return *why = "\"ev\" must come first", -1;
    if (strcmp(ev->str, "error") == 0)
        return match(o, error_ev, sizeof(error_ev) / sizeof(error_ev[0]), why);
    if (strcmp(ev->str, "warning") == 0)
        return match(o, warning_ev, sizeof(warning_ev) / sizeof(warning_ev[0]),
                     why);
    if (strcmp(ev->str, "summary") == 0)
        return match(o, summary_ev, sizeof(summary_ev) / sizeof(summary_ev[0]),
                     why);
    return check_lib(o, ev->str, why);
}
