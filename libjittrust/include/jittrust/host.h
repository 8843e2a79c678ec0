/* SPDX-License-Identifier: MIT */
/*
 * The one host normalisation (core, sans-IO).
 *
 * Every host the library touches (SNI, certificate name checks, cache keys,
 * sessions, the host map, the trace) goes through jt_host_normalise() first,
 * so two spellings of one host can never be two cache entries or two trust
 * decisions.
 *
 * Names: ASCII letters are lower-cased and one trailing dot is stripped.
 * Only A-labels: a byte >= 0x80 (a U-label) is refused with
 * JT_ERR_NET_HOST_NOT_ASCII; convert with IDNA first. Labels are LDH
 * (letters, digits, hyphen) plus '_', 1..63 bytes, not starting or ending
 * with '-'; the name is at most 253 bytes. '_' is allowed because such names
 * exist (browsers and curl accept them); it has no security effect here,
 * and a certificate for it fails the name check with a clear error instead.
 *
 * IP literals: a name whose last label starts with a digit must be a strict
 * dotted-quad IPv4 address (four decimal parts 0..255, no leading zeros, no
 * octal, hex or short forms: "127.1" and "010.0.0.1" are refused, because
 * inet_aton would read them as other addresses). IPv6 is accepted with or
 * without brackets, with zero compression and an embedded IPv4 tail; zone
 * ids ("%eth0") are refused. The output is canonical: IPv4 as dotted quad,
 * IPv6 per RFC 5952 (lower-case hex, no leading zeros, the longest run of
 * two or more zero groups compressed, the first on a tie; ::ffff:a.b.c.d
 * for IPv4-mapped addresses), without brackets. IP literals get no SNI.
 *
 * Normalising a normalised host gives the same host (idempotent; fuzzed).
 */
#ifndef JITTRUST_HOST_H
#define JITTRUST_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "jittrust/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Longest normalised host, in bytes (without the NUL). */
#define JT_HOST_MAX 253u

/* What a normalised host is. */
enum jt_host_kind {
    JT_HOST_NAME = 1, /* a DNS name: resolve it, send it as SNI */
    JT_HOST_IPV4 = 2, /* IPv4 literal: no resolution, no SNI */
    JT_HOST_IPV6 = 3, /* IPv6 literal: no resolution, no SNI */
};

/*
 * A normalised host. Plain data, no pointers: copy it freely.
 * |name| is NUL-terminated, |len| bytes long. |addr| holds the address of
 * an IP literal in network byte order (4 bytes for IPv4, 16 for IPv6) and is
 * all zero for names.
 */
struct jt_host {
    char name[JT_HOST_MAX + 1];
    uint8_t len;  /* strlen(name), 1..253 */
    uint8_t kind; /* enum jt_host_kind */
    uint8_t addr[16];
};

/*
 * jt_host_normalise() - normalise |len| bytes at |in| (no NUL needed; a NUL
 * byte inside is refused) into |out|.
 *
 * Returns 0, or (|out| zeroed):
 *   JT_ERR_INVAL                  |in| or |out| NULL;
 *   JT_ERR_NET_HOST_EMPTY         nothing left after stripping a dot;
 *   JT_ERR_NET_HOST_TOO_LONG      name over 253 bytes (after the strip);
 *   JT_ERR_NET_HOST_LABEL_TOO_LONG a label over 63 bytes;
 *   JT_ERR_NET_HOST_EMPTY_LABEL   "a..b", ".a", "a.." ;
 *   JT_ERR_NET_HOST_NOT_ASCII     a byte >= 0x80;
 *   JT_ERR_NET_HOST_BAD_CHAR      any other byte outside [A-Za-z0-9._-];
 *   JT_ERR_NET_HOST_HYPHEN        a label starting or ending with '-';
 *   JT_ERR_NET_HOST_BAD_IPV4      last label starts with a digit and the
 *                                 name is not a strict dotted quad;
 *   JT_ERR_NET_HOST_BAD_IPV6      a ':' or '[' in a malformed IPv6 literal.
 * Checks run left to right; the first problem met is returned.
 */
JT_API int jt_host_normalise(const char *in, size_t len, struct jt_host *out);

/* jt_host_is_ip() - 1 if |h| is an IPv4 or IPv6 literal, else 0. */
JT_API int jt_host_is_ip(const struct jt_host *h);

/*
 * jt_host_sni() - the server name to send in SNI: |h->name| for a DNS name,
 * NULL for an IP literal (RFC 6066 forbids literals in SNI).
 */
JT_API const char *jt_host_sni(const struct jt_host *h);

#ifdef __cplusplus
}
#endif

#endif /* JITTRUST_HOST_H */
