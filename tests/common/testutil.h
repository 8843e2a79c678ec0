/* SPDX-License-Identifier: MIT */
/*
 * tests: small helpers shared by the test programs: reading files, finding
 * the test PKI (JT_PKI_DIR) and the system's Mozilla roots (JT_MOZILLA_DIR),
 * PEM to DER, hex.
 */
#ifndef JT_TEST_TESTUTIL_H
#define JT_TEST_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

/*
 * Read the whole file |path| into a malloc'd buffer (NUL-terminated, the
 * NUL not counted in |*len|). Returns NULL when it cannot be read.
 */
uint8_t *th_read_file(const char *path, size_t *len);

/*
 * Format "$JT_PKI_DIR/NAME" into |buf|. Fails the test (cmocka) when
 * JT_PKI_DIR is unset or the path does not fit.
 */
const char *th_pki_path(char *buf, size_t cap, const char *name);

/*
 * Read "$JT_PKI_DIR/NAME.der" (malloc'd). Fails the test when missing.
 */
uint8_t *th_pki_der(const char *name, size_t *len);

/*
 * Decode every PEM "CERTIFICATE" block of |pem| into DER. Returns the number
 * of certificates; |*ders| and |*lens| are malloc'd arrays (free with
 * th_free_ders). Fails the test on malformed base64.
 */
size_t th_pem_certs(const char *pem, uint8_t ***ders, size_t **lens);

/* Free what th_pem_certs() returned. */
void th_free_ders(uint8_t **ders, size_t *lens, size_t n);

/*
 * Parse |hex| (upper or lower case, no separators) into |out| (cap bytes).
 * Returns the byte count, or -1 on bad input or overflow.
 */
int th_hex2bin(const char *hex, uint8_t *out, size_t cap);

/*
 * Under |dir|, make directories until a path is 480+ bytes long, then
 * write into |path| (1200 bytes) a 603-byte file path "…/vvv….txt" and
 * into |victim| (1200 bytes) the file whose name is its first 599 bytes
 * (what a cut-short "PATH.part" would name). Fails the test on errors.
 */
void th_long_paths(const char *dir, char *path, char *victim);

#endif /* JT_TEST_TESTUTIL_H */
