/* SPDX-License-Identifier: MIT */
/*
 * Absolute http/https URLs and Location resolution (core, sans-IO).
 *
 * A struct jt_url is a parsed absolute URL: a scheme (http or https), a host
 * normalised by jt_host_normalise() (so the host used for SNI, verification,
 * caches and same-origin checks is always the same string), a port (the
 * scheme's default when the URL gives none) and the origin-form request
 * target "/path[?query]" stored in a buffer the caller lends at
 * jt_url_init(). The fragment is dropped: it is never sent.
 *
 * Accepted:  scheme "://" host [ ":" [port] ] [ path ] [ "?" query ]
 *            [ "#" fragment ]
 *  - scheme: "http" or "https", any case; anything else is refused with
 *    JT_ERR_H1_URL_SCHEME (a redirect to ftp: or file: stops there);
 *  - host: a DNS name, a dotted-quad IPv4 or a bracketed IPv6 literal
 *    ("[::1]"); errors come from jt_host_normalise (JT_ERR_NET_HOST_*);
 *  - port: decimal 1..65535 (leading zeros allowed); an empty port
 *    ("http://h:/") means the default, as RFC 3986 says;
 *  - path: empty becomes "/"; dot segments ("." and "..") are removed as in
 *    RFC 3986 5.2.4; bytes >= 0x80 are percent-encoded (%HH, upper case),
 *    everything else is kept byte for byte (no decoding, no re-encoding).
 *
 * Refused everywhere in the input (fragment included): space and control
 * bytes (0x00..0x1F, 0x7F), JT_ERR_H1_URL_BAD_CHAR: percent-encode them.
 * Userinfo ("user:pass@host") is refused with JT_ERR_H1_URL_USERINFO: a
 * password in a URL ends up in logs, and "https://bank.example@evil.example/"
 * is a classic way to make a link look like another host. Send credentials
 * in an Authorization header instead.
 *
 * Objects are single-thread; a jt_url borrows its target buffer, which must
 * outlive it.
 */
#ifndef JITTRUST_URL_H
#define JITTRUST_URL_H

#include <stddef.h>
#include <stdint.h>

#include "jittrust/export.h"
#include "jittrust/host.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The two schemes a jt_url can have. */
enum jt_url_scheme {
    JT_URL_HTTP = 1,
    JT_URL_HTTPS = 2,
};

/*
 * A parsed absolute URL. Read the fields; change them only through the
 * functions below. |target| is the caller's buffer (see jt_url_init()):
 * after a successful parse it holds |target_len| bytes "/path[?query]" and
 * a NUL. After a failed parse or resolve the URL is empty: scheme 0,
 * target "" (target_len 0).
 */
struct jt_url {
    struct jt_host host; /* normalised host (no brackets in host.name) */
    char *target;        /* caller's buffer: "/path[?query]", NUL-ended */
    size_t target_cap;   /* bytes at |target|, the NUL included */
    size_t target_len;   /* strlen(target) */
    uint16_t port;       /* 1..65535: explicit, or 80 / 443 */
    uint8_t scheme;      /* enum jt_url_scheme; 0 while empty */
};

/*
 * jt_url_init() - make |u| empty and lend it |buf| (|cap| bytes) for the
 * request target. The longest target it can hold is cap - 1 bytes; 2 is
 * the smallest useful cap ("/"). |buf| may be NULL only with |cap| 0 (then
 * every parse fails with JT_ERR_NOSPC). Cannot fail; |u| must not be NULL.
 */
JT_API void jt_url_init(struct jt_url *u, char *buf, size_t cap);

/*
 * jt_url_parse() - parse the absolute URL of |len| bytes at |in| (no NUL
 * needed; a NUL byte inside is refused) into |u|, which was set up with
 * jt_url_init().
 *
 * Returns 0, or (|u| left empty):
 *   JT_ERR_INVAL            |u| or |in| NULL;
 *   JT_ERR_H1_URL_BAD_CHAR  a space or control byte anywhere;
 *   JT_ERR_H1_URL_SYNTAX    no scheme, or no "//" after "scheme:";
 *   JT_ERR_H1_URL_SCHEME    scheme other than http/https;
 *   JT_ERR_H1_URL_USERINFO  an '@' in the authority;
 *   JT_ERR_H1_URL_PORT      port not decimal, 0 or above 65535, or text
 *                           after "]" that is not ":port";
 *   JT_ERR_NET_HOST_*       the host, from jt_host_normalise();
 *   JT_ERR_NOSPC            the target (percent-encoded, before dot-segment
 *                           removal) does not fit the target buffer.
 * Checks run in this order.
 */
JT_API int jt_url_parse(struct jt_url *u, const char *in, size_t len);

/*
 * jt_url_resolve() - resolve the reference |ref| (|len| bytes, e.g. a
 * Location header value) against |base| into |out| (RFC 3986 5.2, strict:
 * "http:g" is not relative). Forms:
 *   "https://h/p"  absolute: parsed as by jt_url_parse();
 *   "//h/p"        network-path: |base|'s scheme, the rest parsed;
 *   "/p?q"         absolute path: |base|'s scheme, host and port;
 *   "a/b?q"        relative path: merged with |base|'s path up to its last
 *                  '/', then dot segments removed ("../" cannot climb above
 *                  "/");
 *   "?q"           |base|'s path with a new query;
 *   "" or "#f"     |base|'s target unchanged.
 * The same character rules as jt_url_parse() apply to |ref|.
 *
 * |out| must be set up with its own buffer and be neither |base| nor share
 * its buffer. Returns 0 or a jt_url_parse() code (|out| left empty);
 * JT_ERR_INVAL also when |base| is empty, or |out| is |base| or uses its
 * buffer. For a relative path, JT_ERR_NOSPC means the merged path before
 * dot-segment removal did not fit.
 */
JT_API int jt_url_resolve(struct jt_url *out, const struct jt_url *base,
                          const char *ref, size_t len);

/*
 * jt_url_copy() - copy |src| into |dst| (which keeps its own buffer).
 * Returns 0, JT_ERR_INVAL (NULL, |src| empty, or the same object), or
 * JT_ERR_NOSPC (|dst|'s buffer too small; |dst| left empty).
 */
JT_API int jt_url_copy(struct jt_url *dst, const struct jt_url *src);

/* jt_url_default_port() - 80 for JT_URL_HTTP, 443 for JT_URL_HTTPS, else 0. */
JT_API uint16_t jt_url_default_port(int scheme);

/*
 * jt_url_authority() - write "host[:port]" into |buf| (|cap| bytes, NUL
 * added): the value of the Host header. An IPv6 host is bracketed; the port
 * is left out when it is the scheme's default.
 * jt_url_format() - write the whole URL "scheme://authority/target" the
 * same way (the canonical form: parsing it gives the same jt_url).
 *
 * Both set |*used| (when not NULL) to the length without the NUL, also on
 * JT_ERR_NOSPC (then |buf| holds nothing useful and |*used| says how many
 * bytes, plus one for the NUL, are needed). Return 0, JT_ERR_INVAL (|u|
 * NULL or empty, |buf| NULL with |cap| > 0) or JT_ERR_NOSPC.
 */
JT_API int jt_url_authority(const struct jt_url *u, char *buf, size_t cap,
                            size_t *used);
JT_API int jt_url_format(const struct jt_url *u, char *buf, size_t cap,
                         size_t *used);

/*
 * jt_url_same_origin() - 1 when |a| and |b| have the same scheme,
 * normalised host and port (RFC 6454), else 0 (also when either is NULL or
 * empty). "http://H.example:80/x" and "http://h.example/y" are the same
 * origin; http and https of one host are not.
 */
JT_API int jt_url_same_origin(const struct jt_url *a, const struct jt_url *b);

#ifdef __cplusplus
}
#endif

#endif /* JITTRUST_URL_H */
