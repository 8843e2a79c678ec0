// SPDX-License-Identifier: MIT
/*
 * jt-blob (tool layer): Mozilla's NSS certdata.txt. Every CKO_CERTIFICATE
 * object is paired with its CKO_NSS_TRUST object by issuer + serial (never
 * by position: the file does not promise an order), and kept only when
 * CKA_TRUST_SERVER_AUTH is CKT_NSS_TRUSTED_DELEGATOR. The certificate's
 * CKA_NSS_SERVER_DISTRUST_AFTER (a UTCTime in MULTILINE_OCTAL) goes into the
 * blob entry. A file that ends inside an object or a MULTILINE_OCTAL value
 * is refused as truncated.
 */
#define _GNU_SOURCE
#include "bg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OBJ_OTHER, OBJ_CERT, OBJ_TRUST };
enum { TR_NONE, TR_DELEGATOR, TR_MUST_VERIFY, TR_NOT_TRUSTED, TR_OTHER };

struct bytes {
    uint8_t *p;
    size_t len;
};

struct obj {
    int cls;
    size_t line;
    struct bytes issuer, serial, value, distrust;
    int server;       /* TR_* of CKA_TRUST_SERVER_AUTH */
    int has_distrust; /* CKA_NSS_SERVER_DISTRUST_AFTER seen */
    int used;
};

struct parser {
    const char *path;
    const char *p, *end;
    size_t line;
    struct obj *o;
    size_t n, cap;
};

int
bg_is_certdata(const uint8_t *buf, size_t len)
{
    return memmem(buf, len, "CKA_CLASS CK_OBJECT_CLASS", 25) != NULL;
}

static void
free_obj(struct obj *o)
{
    free(o->issuer.p);
    free(o->serial.p);
    free(o->value.p);
    free(o->distrust.p);
}

/* Next line into |l|/|ll| (without the newline); 0 at the end. */
static int
next_line(struct parser *ps, const char **l, size_t *ll)
{
    const char *e;

    if (ps->p >= ps->end)
        return 0;
    e = memchr(ps->p, '\n', (size_t)(ps->end - ps->p));
    if (e == NULL)
        e = ps->end;
    *l = ps->p;
    *ll = (size_t)(e - ps->p);
    if (*ll > 0 && (*l)[*ll - 1] == '\r')
        (*ll)--;
    ps->p = e < ps->end ? e + 1 : e;
    ps->line++;
    return 1;
}

/* Read MULTILINE_OCTAL lines up to END into |b|. */
static int
read_octal(struct parser *ps, struct bytes *b)
{
    const char *l;
    size_t ll, start = ps->line, cap = 0;

    free(b->p);
    memset(b, 0, sizeof(*b));
    while (next_line(ps, &l, &ll)) {
        if (ll == 3 && memcmp(l, "END", 3) == 0)
            return 0;
        for (size_t i = 0; i < ll; i += 4) {
            if (i + 4 > ll || l[i] != '\\' || l[i + 1] < '0' ||
                l[i + 1] > '3' || l[i + 2] < '0' || l[i + 2] > '7' ||
                l[i + 3] < '0' || l[i + 3] > '7')
                return bg_err(ps->path, "line %zu: %s", ps->line,
                              ps->p >= ps->end
                                  ? "file ends inside a MULTILINE_OCTAL "
                                    "value (truncated)"
                                  : "bad MULTILINE_OCTAL data");
            if (b->len == cap) {
                uint8_t *np = realloc(b->p, cap = cap ? cap * 2 : 256);
                if (np == NULL)
                    return bg_err(ps->path, "out of memory");
                b->p = np;
            }
            b->p[b->len++] =
                (uint8_t)((l[i + 1] - '0') << 6 | (l[i + 2] - '0') << 3 |
                          (l[i + 3] - '0'));
        }
    }
    return bg_err(ps->path,
                  "line %zu: MULTILINE_OCTAL value has no END "
                  "(truncated file)",
                  start);
}

static int
starts(const char *l, size_t ll, const char *w)
{
    size_t n = strlen(w);

    return ll >= n && memcmp(l, w, n) == 0 && (ll == n || l[n] == ' ');
}

static int
contains(const char *l, size_t ll, const char *w)
{
    return memmem(l, ll, w, strlen(w)) != NULL;
}

static int
trust_value(const char *l, size_t ll)
{
    if (contains(l, ll, "CKT_NSS_TRUSTED_DELEGATOR"))
        return TR_DELEGATOR;
    if (contains(l, ll, "CKT_NSS_MUST_VERIFY_TRUST"))
        return TR_MUST_VERIFY;
    if (contains(l, ll, "CKT_NSS_NOT_TRUSTED"))
        return TR_NOT_TRUSTED;
    return TR_OTHER;
}

static int
new_obj(struct parser *ps, const char *l, size_t ll)
{
    struct obj *o;

    if (ps->n == ps->cap) {
        size_t cap = ps->cap ? ps->cap * 2 : 64;
        struct obj *no = realloc(ps->o, cap * sizeof(*no));
        if (no == NULL)
            return bg_err(ps->path, "out of memory");
        ps->o = no;
        ps->cap = cap;
    }
    o = &ps->o[ps->n++];
    memset(o, 0, sizeof(*o));
    o->line = ps->line;
    if (contains(l, ll, "CKO_CERTIFICATE"))
        o->cls = OBJ_CERT;
    else if (contains(l, ll, "CKO_NSS_TRUST"))
        o->cls = OBJ_TRUST;
    return 0;
}

/* One attribute line of the current object. */
static int
attr(struct parser *ps, struct obj *o, const char *l, size_t ll)
{
    int octal = contains(l, ll, " MULTILINE_OCTAL");
    struct bytes *dst = NULL, skip = {0};

    if (starts(l, ll, "CKA_ISSUER"))
        dst = &o->issuer;
    else if (starts(l, ll, "CKA_SERIAL_NUMBER"))
        dst = &o->serial;
    else if (starts(l, ll, "CKA_VALUE"))
        dst = &o->value;
    else if (starts(l, ll, "CKA_NSS_SERVER_DISTRUST_AFTER")) {
        o->has_distrust = 1;
        dst = &o->distrust;
    } else if (starts(l, ll, "CKA_TRUST_SERVER_AUTH"))
        o->server = trust_value(l, ll);
    if (!octal)
        return 0;
    if (dst == NULL) {
        int rc = read_octal(ps, &skip);
        free(skip.p);
        return rc;
    }
    return read_octal(ps, dst);
}

static int
parse(struct parser *ps)
{
    const char *l;
    size_t ll;

    while (next_line(ps, &l, &ll)) {
        if (ll == 0 || l[0] == '#' || starts(l, ll, "BEGINDATA"))
            continue;
        if (starts(l, ll, "CKA_CLASS")) {
            if (new_obj(ps, l, ll) != 0)
                return -1;
            continue;
        }
        if ((ll < 4 || memcmp(l, "CKA_", 4) != 0) && !starts(l, ll, "CVS_ID"))
            return bg_err(ps->path, "line %zu: not a certdata.txt line",
                          ps->line);
        if (ps->n > 0 && attr(ps, &ps->o[ps->n - 1], l, ll) != 0)
            return -1;
    }
    return 0;
}

static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

int
bg_utctime(const char *p, size_t len, int64_t *t)
{
    unsigned v[6];

    if (len != 13 || p[12] != 'Z')
        return -1;
    for (size_t i = 0; i < 6; i++) {
        if (p[2 * i] < '0' || p[2 * i] > '9' || p[2 * i + 1] < '0' ||
            p[2 * i + 1] > '9')
            return -1;
        v[i] = (unsigned)(p[2 * i] - '0') * 10 + (unsigned)(p[2 * i + 1] - '0');
    }
    if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 ||
        v[4] > 59 || v[5] > 59)
        return -1;
    *t = days_from_civil(v[0] < 50 ? 2000 + v[0] : 1900 + v[0], v[1], v[2]) *
             86400 +
         (int64_t)v[3] * 3600 + (int64_t)v[4] * 60 + v[5];
    return 0;
}

static int
same(const struct bytes *a, const struct bytes *b)
{
    return a->len == b->len && a->len > 0 && memcmp(a->p, b->p, a->len) == 0;
}

/* The trust object of certificate |c|, by issuer + serial. */
static int
find_trust(struct parser *ps, const struct obj *c, struct obj **t)
{
    *t = NULL;
    for (size_t i = 0; i < ps->n; i++) {
        struct obj *o = &ps->o[i];
        if (o->cls != OBJ_TRUST || !same(&o->issuer, &c->issuer) ||
            !same(&o->serial, &c->serial))
            continue;
        if (*t != NULL)
            return bg_err(ps->path,
                          "line %zu: two trust objects for the "
                          "same issuer and serial (lines %zu, %zu)",
                          c->line, (*t)->line, o->line);
        *t = o;
    }
    return 0;
}

static int
check_obj(struct parser *ps, const struct obj *o)
{
    if (o->cls == OBJ_TRUST &&
        (o->issuer.len == 0 || o->serial.len == 0 || o->server == TR_NONE))
        return bg_err(ps->path,
                      "line %zu: incomplete trust object "
                      "(truncated file?)",
                      o->line);
    if (o->cls == OBJ_CERT &&
        (o->issuer.len == 0 || o->serial.len == 0 || o->value.len == 0))
        return bg_err(ps->path,
                      "line %zu: incomplete certificate object "
                      "(truncated file?)",
                      o->line);
    return 0;
}

/* Add certificate object |o| (trusted for server auth). */
static int
add_cert(struct parser *ps, const struct obj *o, struct bg_set *s)
{
    struct jt_der_cert c;
    char origin[160];
    int64_t da = 0;

    snprintf(origin, sizeof(origin), "%s:%zu", ps->path, o->line);
    if (jt_der_cert_parse(&c, o->value.p, o->value.len) == 0 &&
        (c.issuer.len != o->issuer.len ||
         memcmp(c.issuer.p, o->issuer.p, c.issuer.len) != 0 ||
         o->serial.len < 2 || c.serial.len != o->serial.len - 2 ||
         memcmp(c.serial.p, o->serial.p + 2, c.serial.len) != 0))
        return bg_err(origin, "CKA_VALUE does not match the object's "
                              "CKA_ISSUER/CKA_SERIAL_NUMBER");
    if (o->distrust.len > 0 &&
        bg_utctime((const char *)o->distrust.p, o->distrust.len, &da) != 0)
        return bg_err(origin, "CKA_NSS_SERVER_DISTRUST_AFTER is not a "
                              "UTCTime YYMMDDHHMMSSZ");
    return bg_set_add(s, o->value.p, o->value.len, da, origin);
}

int
bg_certdata_load(struct bg_set *s, const char *path, const char *buf,
                 size_t len)
{
    struct parser ps = {path, buf, buf + len, 0, NULL, 0, 0};
    int rc = parse(&ps);

    for (size_t i = 0; rc == 0 && i < ps.n; i++)
        rc = check_obj(&ps, &ps.o[i]);
    for (size_t i = 0; rc == 0 && i < ps.n; i++) {
        struct obj *t = NULL;
        if (ps.o[i].cls != OBJ_CERT)
            continue;
        rc = find_trust(&ps, &ps.o[i], &t);
        if (rc == 0 && t != NULL && t->server == TR_DELEGATOR)
            rc = add_cert(&ps, &ps.o[i], s);
    }
    if (rc == 0 && s->n == 0)
        rc = bg_err(path, "no certificate trusted for server authentication "
                          "(CKT_NSS_TRUSTED_DELEGATOR)");
    for (size_t i = 0; i < ps.n; i++)
        free_obj(&ps.o[i]);
    free(ps.o);
    return rc;
}
