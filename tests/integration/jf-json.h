/* SPDX-License-Identifier: MIT */
/*
 * tests: a checker for jitfetch --json lines against the schema of
 * jitfetch(1) / jittrust/trace.h: one flat JSON object per line, pure
 * ASCII (every byte >= 0x7f escaped), keys in the documented order, each
 * with its type, values in range. jitfetch's own events: "error",
 * "warning", "summary".
 */
#ifndef JT_TEST_JF_JSON_H
#define JT_TEST_JF_JSON_H

#include <stddef.h>

#define JJ_MAX_FIELDS 24

struct jj_field {
    char key[24];
    int is_str;
    long long num;
    char str[8192];
};

struct jj_obj {
    struct jj_field f[JJ_MAX_FIELDS];
    size_t n;
};

/* Parse one line (no newline). Returns 0, or -1 with |why| set. */
int jj_parse(const char *line, struct jj_obj *o, const char **why);

/* The field |key| or NULL. */
const struct jj_field *jj_get(const struct jj_obj *o, const char *key);

/* Check |o| against the schema. Returns 0, or -1 with |why| set. */
int jj_check(const struct jj_obj *o, const char **why);

#endif /* JT_TEST_JF_JSON_H */
