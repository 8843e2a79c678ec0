/* SPDX-License-Identifier: MIT */
/*
 * tests: the test PKI's manifest ($JT_PKI_DIR/manifest.tsv, written by
 * tests/pki/gen-pki.sh from openssl's view of every certificate): one row
 * per certificate with its SKID and AKID keyIdentifier as upper-case hex
 * ("" when absent), so parsers can be checked against an independent one.
 */
#ifndef JT_TEST_MANIFEST_H
#define JT_TEST_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

struct th_mrow {
    char name[64];    /* e.g. "leaf-www", "chain20/i01" */
    char kind[16];    /* root | inter | leaf */
    char keytype[16]; /* rsa2048 | rsa4096 | p256 | p384 */
    char issuer[64];  /* name of the issuing row (itself for a root) */
    char skid[160];   /* hex, "" when the cert has no SKID */
    char akid[160];   /* hex, "" when it has no AKID keyIdentifier */
};

/*
 * Load the manifest (malloc'd array, free() it). Fails the test (cmocka)
 * when it is missing or a row is malformed; returns the row count (> 0).
 */
size_t th_manifest_load(struct th_mrow **rows);

/* The row named |name|, or NULL. */
const struct th_mrow *th_manifest_find(const struct th_mrow *rows, size_t n,
                                       const char *name);

#endif /* JT_TEST_MANIFEST_H */
