// SPDX-License-Identifier: MIT
/* tests: reading the test PKI's manifest.tsv (see manifest.h). */
#include "manifest.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

/* Copy the tab-separated field at *p into |out| and step past it. */
static void
field(const char **p, const char *eol, char *out, size_t cap)
{
    const char *e = memchr(*p, '\t', (size_t)(eol - *p));
    size_t n;

    if (e == NULL)
        e = eol;
    n = (size_t)(e - *p);
    if (n >= cap)
        fail_msg("manifest field too long: %.*s", (int)n, *p);
    memcpy(out, *p, n);
    out[n] = '\0';
    *p = e < eol ? e + 1 : e;
}

/* Parse one data line [p, eol) into |r|. */
static void
parse_row(const char *p, const char *eol, struct th_mrow *r)
{
    const char *start = p;
    char cn[256], file[256];

    field(&p, eol, r->name, sizeof(r->name));
    field(&p, eol, r->kind, sizeof(r->kind));
    field(&p, eol, r->keytype, sizeof(r->keytype));
    field(&p, eol, r->issuer, sizeof(r->issuer));
    field(&p, eol, cn, sizeof(cn));
    field(&p, eol, r->skid, sizeof(r->skid));
    field(&p, eol, r->akid, sizeof(r->akid));
    field(&p, eol, file, sizeof(file));
    if (r->name[0] == '\0' || r->issuer[0] == '\0')
        fail_msg("malformed manifest row: %.*s", (int)(eol - start), start);
}

size_t
th_manifest_load(struct th_mrow **rows)
{
    char path[1024];
    size_t len, n = 0, cap = 0;
    char *text = (char *)th_read_file(
        th_pki_path(path, sizeof(path), "manifest.tsv"), &len);
    const char *p, *eol;

    if (text == NULL) {
        fail_msg("cannot read %s", path);
        return 0; /* not reached */
    }
    *rows = NULL;
    /* The first line is the header. */
    for (p = strchr(text, '\n'); p != NULL && *++p != '\0';
         p = *eol != '\0' ? eol : NULL) {
        eol = strchr(p, '\n');
        if (eol == NULL)
            eol = p + strlen(p);
        if (eol == p)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            *rows = realloc(*rows, cap * sizeof(**rows));
            assert_non_null(*rows);
        }
        parse_row(p, eol, &(*rows)[n++]);
    }
    free(text);
    if (n == 0)
        fail_msg("manifest %s has no rows", path);
    return n;
}

const struct th_mrow *
th_manifest_find(const struct th_mrow *rows, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].name, name) == 0)
            return &rows[i];
    return NULL;
}
