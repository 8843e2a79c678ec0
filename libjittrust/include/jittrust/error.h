/* SPDX-License-Identifier: MIT */
/*
 * The one error enum of libjittrust.
 *
 * Every failure is a negative enum jt_err value. Codes are grouped in ranges
 * of 100 per area and are append-only: a code is never renumbered or reused.
 * Flow-control codes (JT_ERR_WANT_READ, JT_ERR_WANT_WRITE) are not failures.
 * Foreign codes (mbedTLS, errno, SQLite) are never packed into these; the
 * object that met them keeps them behind an accessor.
 *
 * Areas:  generic -1..-99, der -100..-199, trust -200..-299,
 *         blob -300..-399, cache -400..-499, backoff -500..-599,
 *         net -600..-699, tls -700..-799, h1 -800..-899,
 *         policy -900..-999, ss -1000..-1099, jit -1100..-1199
 */
#ifndef JITTRUST_ERROR_H
#define JITTRUST_ERROR_H

#include "jittrust/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * X(name, value, message). The message says what went wrong in words a
 * person can act on; jt_strerror() returns it.
 */
#define JT_ERR_LIST(X)                                                         \
    /* generic */                                                              \
    X(JT_ERR_INVAL, -1, "invalid argument")                                    \
    X(JT_ERR_NOMEM, -2, "out of memory")                                       \
    X(JT_ERR_NOSPC, -3, "capacity reached (a configured cap is full)")         \
    X(JT_ERR_WANT_READ, -4, "more input needed (not a failure)")               \
    X(JT_ERR_WANT_WRITE, -5, "output pending (not a failure)")                 \
    X(JT_ERR_NOT_FOUND, -6, "not found")                                       \
    X(JT_ERR_OVERFLOW, -7, "size arithmetic would overflow")                   \
    X(JT_ERR_STATE, -8, "call not valid in the object's current state")        \
    /* der */                                                                  \
    X(JT_ERR_DER_TRUNCATED, -100, "DER: element runs past the end of input")   \
    X(JT_ERR_DER_TRAILING, -101, "DER: bytes left after the element")          \
    X(JT_ERR_DER_BAD_TAG, -102, "DER: unexpected tag")                         \
    X(JT_ERR_DER_BAD_LENGTH, -103,                                             \
      "DER: indefinite, overlong or non-minimal length")                       \
    X(JT_ERR_DER_TAG_NUMBER, -104, "DER: high tag number form not allowed")    \
    X(JT_ERR_DER_BAD_VERSION, -105,                                            \
      "DER: certificate version not 1, 2 or 3, or a field it does not allow")  \
    X(JT_ERR_DER_BAD_TIME, -106, "DER: malformed UTCTime/GeneralizedTime")     \
    X(JT_ERR_DER_BAD_BOOLEAN, -107, "DER: BOOLEAN not 0x00 or 0xFF")           \
    X(JT_ERR_DER_BAD_INTEGER, -108,                                            \
      "DER: empty, non-minimal or over-long INTEGER")                          \
    X(JT_ERR_DER_BAD_BITSTRING, -109, "DER: malformed BIT STRING")             \
    X(JT_ERR_DER_BAD_OID, -110, "DER: malformed OBJECT IDENTIFIER")            \
    X(JT_ERR_DER_DUP_EXT, -111, "DER: the same extension appears twice")       \
    X(JT_ERR_DER_KEYID_TOO_LONG, -112,                                         \
      "DER: key identifier longer than 64 bytes")                              \
    X(JT_ERR_DER_BAD_EXT, -113, "DER: malformed extension contents")           \
    X(JT_ERR_DER_EMPTY, -114, "DER: required element is empty")                \
    /* trust */                                                                \
    X(JT_ERR_TRUST_KEY_TOO_LONG, -200,                                         \
      "trust: lookup key longer than 64 bytes (serial over 32 bytes)")         \
    X(JT_ERR_TRUST_HASH, -201, "trust: a hash op failed")                      \
    X(JT_ERR_TRUST_TOO_MANY_CERTS, -202,                                       \
      "trust: server sent more certificates than the stash holds "             \
      "(cap max_certs, default 8)")                                            \
    X(JT_ERR_TRUST_LEAF_IS_CA, -203,                                           \
      "trust: the server's first certificate is a CA; refused (the leaf, "     \
      "whose key signed the key exchange, must come first)")                   \
    X(JT_ERR_TRUST_TOO_MANY_PATHS, -204,                                       \
      "trust: more candidate paths than max_paths (default 8)")                \
    X(JT_ERR_TRUST_CYCLE, -205,                                                \
      "trust: the sent certificates name each other as issuers in a cycle")    \
    X(JT_ERR_TRUST_ANSWERED, -206,                                             \
      "trust: this key was already answered (one answer per key)")             \
    X(JT_ERR_TRUST_ANSWER_TOO_BIG, -207,                                       \
      "trust: a source answered with a certificate over 64 KB")                \
    X(JT_ERR_TRUST_ANSWER_KEY_MISMATCH, -208,                                  \
      "trust: a source answered with a certificate that lacks the asked key")  \
    X(JT_ERR_TRUST_ANSWER_NOT_CA, -209,                                        \
      "trust: a source answered with a certificate that is not a CA "          \
      "(basicConstraints cA not TRUE)")                                        \
    X(JT_ERR_TRUST_ANSWER_NO_CERTSIGN, -210,                                   \
      "trust: a source answered with a CA whose keyUsage lacks keyCertSign")   \
    X(JT_ERR_TRUST_ANSWER_NOT_INDEXED, -211,                                   \
      "trust: a source answered with a CA whose SHA-256 is not in the "        \
      "authenticated index for the asked key")                                 \
    X(JT_ERR_TRUST_NO_CERTS, -212, "trust: the server sent no certificate")    \
    /* blob */                                                                 \
    X(JT_ERR_BLOB_MAGIC, -300,                                                 \
      "blob: unknown magic (neither a JTBL nor a TBLB trust blob)")            \
    X(JT_ERR_BLOB_VERSION, -301, "blob: unsupported format version")           \
    X(JT_ERR_BLOB_TRUNCATED, -302,                                             \
      "blob: shorter than its header or its declared total length")            \
    X(JT_ERR_BLOB_LENGTH, -303,                                                \
      "blob: declared total length is less than the buffer (trailing bytes)")  \
    X(JT_ERR_BLOB_HEADER, -304,                                                \
      "blob: bad header field (kind, flags, reserved bytes or label length)")  \
    X(JT_ERR_BLOB_SECTION, -305,                                               \
      "blob: a section offset or length points past the end of the blob")      \
    X(JT_ERR_BLOB_LAYOUT, -306,                                                \
      "blob: sections overlap, leave gaps or are out of order")                \
    X(JT_ERR_BLOB_COUNT, -307,                                                 \
      "blob: entry or key count does not match its section length")            \
    X(JT_ERR_BLOB_EMPTY, -308, "blob: holds no certificates")                  \
    X(JT_ERR_BLOB_ENTRY, -309,                                                 \
      "blob: an entry has bad flags, reserved bytes or DER/label span")        \
    X(JT_ERR_BLOB_KEY, -310,                                                   \
      "blob: an index record has a bad key type or length, or points past "    \
      "the key pool or entry table")                                           \
    X(JT_ERR_BLOB_UNSORTED, -311,                                              \
      "blob: entries or key index not strictly sorted (or duplicated)")        \
    X(JT_ERR_BLOB_LABEL, -312,                                                 \
      "blob: a label is not printable UTF-8 (or too long)")                    \
    X(JT_ERR_BLOB_ROLLBACK, -313,                                              \
      "blob: generation older than the minimum accepted (rollback refused)")   \
    X(JT_ERR_BLOB_SIG, -314, "blob: malformed signature block")                \
    X(JT_ERR_BLOB_SIG_PENDING, -315,                                           \
      "blob: signature block reserved but never filled (sign the blob)")       \
    X(JT_ERR_BLOB_UNSIGNED, -316,                                              \
      "blob: not signed (no signature block), but a signature is needed")      \
    X(JT_ERR_BLOB_FORMAT, -317,                                                \
      "blob: operation not available for this format (lws TBLB v1)")           \
    X(JT_ERR_BLOB_TOO_BIG, -318,                                               \
      "blob writer: blob would exceed the format's 32-bit size limits")        \
    X(JT_ERR_BLOB_DIGEST, -319,                                                \
      "blob writer: an input's SHA-256 does not match its DER")                \
    X(JT_ERR_BLOB_DUP_CERT, -320,                                              \
      "blob writer: the same certificate appears twice in the input")          \
    /* blob, net side (blob-verify.c, builtin.c): from -350 */                 \
    X(JT_ERR_BLOB_BAD_SIGNATURE, -350,                                         \
      "blob: signature does not verify with the configured key (tampered "     \
      "blob or wrong key)")                                                    \
    X(JT_ERR_BLOB_SIGNER, -351,                                                \
      "blob: signed by a key that is not configured (key id matches none)")    \
    X(JT_ERR_BLOB_PUBKEY, -352,                                                \
      "blob: configured public key is not an ECDSA P-256 "                     \
      "SubjectPublicKeyInfo")                                                  \
    X(JT_ERR_BLOB_FILE, -353,                                                  \
      "blob: cannot read the blob file (jt_blob_file_errno() says why)")       \
    X(JT_ERR_BLOB_FILE_TOO_BIG, -354,                                          \
      "blob: blob file larger than the configured maximum")                    \
    X(JT_ERR_BLOB_NO_BUILTIN, -355,                                            \
      "blob: no built-in default trust (libjittrust was built with "           \
      "-Ddefault_trust=disabled or without the Mozilla roots)")                \
    /* cache */                                                                \
    X(JT_ERR_CACHE_HOST_TOO_LONG, -400,                                        \
      "cache: host longer than 253 bytes (not a DNS name)")                    \
    X(JT_ERR_CACHE_BAD_HOST, -401,                                             \
      "cache: host is empty or contains a NUL byte")                           \
    X(JT_ERR_CACHE_VALUE_TOO_BIG, -402,                                        \
      "cache: value larger than the cache's max_value")                        \
    X(JT_ERR_CACHE_BAD_TTL, -403,                                              \
      "cache: TTL of 0 ms (the entry could never be returned)")                \
    X(JT_ERR_CACHE_BAD_OPTS, -404,                                             \
      "cache: bad options (footprint cap below jt_cache_min_footprint(), "     \
      "max_value 0 or over 64 KiB, or max_ttl_ms 0)")                          \
    X(JT_ERR_CACHE_BUF_TOO_SMALL, -405,                                        \
      "cache: output buffer smaller than the value (|used| has its size)")     \
    X(JT_ERR_CACHE_GEN_BACKWARDS, -406,                                        \
      "cache: generation may only go up (stale entries must stay dead)")       \
    /* backoff */                                                              \
    X(JT_ERR_BACKOFF_EXHAUSTED, -500,                                          \
      "backoff: conceal count spent, report that all retries failed")          \
    X(JT_ERR_BACKOFF_EMPTY, -501,                                              \
      "backoff: policy has no backoff delays (need at least 1)")               \
    X(JT_ERR_BACKOFF_TOO_MANY, -502,                                           \
      "backoff: more than 16 backoff delays in the policy")                    \
    X(JT_ERR_BACKOFF_BAD_JITTER, -503, "backoff: jitterpc above 100 percent")  \
    /* net */                                                                  \
    X(JT_ERR_NET_HOST_EMPTY, -600, "net: host name is empty")                  \
    X(JT_ERR_NET_HOST_TOO_LONG, -601, "net: host name longer than 253 bytes")  \
    X(JT_ERR_NET_HOST_LABEL_TOO_LONG, -602,                                    \
      "net: a host name label is longer than 63 bytes")                        \
    X(JT_ERR_NET_HOST_EMPTY_LABEL, -603,                                       \
      "net: host name has an empty label (two dots in a row, or a leading "    \
      "dot)")                                                                  \
    X(JT_ERR_NET_HOST_NOT_ASCII, -604,                                         \
      "net: host name has non-ASCII bytes (a U-label): pass its A-label "      \
      "(xn--) form")                                                           \
    X(JT_ERR_NET_HOST_BAD_CHAR, -605,                                          \
      "net: host name has a byte other than letters, digits, '-', '_' and "    \
      "'.'")                                                                   \
    X(JT_ERR_NET_HOST_HYPHEN, -606,                                            \
      "net: a host name label starts or ends with '-'")                        \
    X(JT_ERR_NET_HOST_BAD_IPV4, -607,                                          \
      "net: not a strict dotted-quad IPv4 address (a last label starting "     \
      "with a digit must be one)")                                             \
    X(JT_ERR_NET_HOST_BAD_IPV6, -608,                                          \
      "net: malformed IPv6 literal (or unbalanced brackets, or a zone id)")    \
    X(JT_ERR_NET_POLL, -609, "net: poll() failed (errno via jt_loop_errno)")   \
    X(JT_ERR_NET_WAKE, -610,                                                   \
      "net: could not create the loop's wake eventfd (errno via "              \
      "jt_loop_errno)")                                                        \
    X(JT_ERR_NET_SOCKET, -611,                                                 \
      "net: could not create or set up a socket (errno via jt_connect_errno)") \
    X(JT_ERR_NET_REFUSED, -612,                                                \
      "net: connection refused (by the last address tried)")                   \
    X(JT_ERR_NET_TIMEOUT, -613,                                                \
      "net: connect timed out (on the last address tried)")                    \
    X(JT_ERR_NET_CONNECT, -614,                                                \
      "net: connect failed (errno via jt_connect_errno)")                      \
    X(JT_ERR_NET_NXDOMAIN, -615,                                               \
      "net: no such host name (the resolver or host map answered NXDOMAIN)")   \
    X(JT_ERR_NET_RESOLVE, -616,                                                \
      "net: name resolution failed (getaddrinfo code via "                     \
      "jt_resolve_gai_error)")                                                 \
    X(JT_ERR_NET_UNMAPPED, -617,                                               \
      "net: host not in the static host map and the system resolver is off")   \
    X(JT_ERR_NET_NO_ADDRESS, -618,                                             \
      "net: the host has no IPv4 or IPv6 address")                             \
    X(JT_ERR_NET_THREAD, -619,                                                 \
      "net: could not start the resolver helper thread")                       \
    X(JT_ERR_NET_UNIX_PATH, -620,                                              \
      "net: unix socket path empty or longer than 107 bytes")                  \
    X(JT_ERR_NET_HOSTMAP_SPEC, -621,                                           \
      "net: host map entry is not HOST:PORT:ADDR[,ADDR...] (empty ADDR list "  \
      "= NXDOMAIN)")                                                           \
    X(JT_ERR_NET_PIPE_IO, -622,                                                \
      "net: the byte pipe's send or recv failed (errno via the pipe)")         \
    /* tls */                                                                  \
    X(JT_ERR_TLS_NOT_VERIFIED, -700,                                           \
      "tls: connection not verified yet: nothing is read or written before "   \
      "post-verification passes")                                              \
    X(JT_ERR_TLS_HANDSHAKE, -701,                                              \
      "tls: handshake failed (mbedTLS code via jt_tls_mbedtls_error)")         \
    X(JT_ERR_TLS_PEER_VERSION, -702,                                           \
      "tls: peer speaks only TLS 1.1 or older (its ServerHello or alert "      \
      "says so); TLS 1.2 is required")                                         \
    X(JT_ERR_TLS_NO_SHARED_PARAMS, -703,                                       \
      "tls: peer sent handshake_failure: no shared version, suite or curve "   \
      "(we offer TLS 1.2 only, ECDHE AEAD suites, X25519, P-256, P-384)")      \
    X(JT_ERR_TLS_ALERT, -704,                                                  \
      "tls: peer sent a fatal alert (its number via jt_tls_alert)")            \
    X(JT_ERR_TLS_CLOSED, -705,                                                 \
      "tls: peer closed the connection (close_notify)")                        \
    X(JT_ERR_TLS_EOF, -706,                                                    \
      "tls: transport ended without close_notify (truncation)")                \
    X(JT_ERR_TLS_IO, -707, "tls: the transport under TLS failed")              \
    X(JT_ERR_TLS_PREVERIFY_FULL, -708,                                         \
      "tls: peer sent more data before verification than the buffer holds "    \
      "(cap preverify_max)")                                                   \
    X(JT_ERR_TLS_RNG, -709,                                                    \
      "tls: seeding the CTR-DRBG from the entropy source failed")              \
    X(JT_ERR_TLS_CONFIG, -710,                                                 \
      "tls: mbedTLS refused the configuration (mbedTLS code via "              \
      "jt_tls_config_mbedtls_error)")                                          \
    X(JT_ERR_TLS_NO_PEER_CERT, -711,                                           \
      "tls: no peer certificate chain (handshake not done, or the peer sent "  \
      "none)")                                                                 \
    X(JT_ERR_TLS_BAD_CREDENTIALS, -712,                                        \
      "tls: server certificate or private key did not parse, or they do not "  \
      "match")                                                                 \
    X(JT_ERR_TLS_NOT_TLS, -713,                                                \
      "tls: peer did not speak TLS (malformed record or handshake)")           \
    X(JT_ERR_TLS_PEER_CURVE, -714,                                             \
      "tls: peer chose a curve or parameters we did not offer (key exchange "  \
      "refused)")                                                              \
    X(JT_ERR_TLS_HANDSHAKE_EOF, -715,                                          \
      "tls: peer closed the connection during the handshake, without an "      \
      "alert (it may accept none of our TLS 1.2 suites or curves)")            \
    X(JT_ERR_TLS_HS_FRAGMENTED, -716,                                          \
      "tls: a server handshake message spans several records (e.g. a "         \
      "Certificate message over 16 KB: too long a chain); mbedTLS 2.28 "       \
      "cannot reassemble it")                                                  \
    X(JT_ERR_TLS_PEER_CERT_PARSE, -717,                                        \
      "tls: mbedTLS cannot parse a certificate the server sent (e.g. a "       \
      "critical nameConstraints extension, which mbedTLS 2.28 does not "       \
      "support; mbedTLS code via jt_tls_mbedtls_error)")                       \
    /* h1 (HTTP/1 codec, URLs, redirects) */                                   \
    X(JT_ERR_H1_BAD_STATUS_LINE, -800,                                         \
      "h1: malformed status line (want \"HTTP/1.x NNN reason\")")              \
    X(JT_ERR_H1_BAD_VERSION, -801,                                             \
      "h1: the response is not HTTP/1.0 or HTTP/1.1")                          \
    X(JT_ERR_H1_BAD_HEADER, -802,                                              \
      "h1: malformed response header line (no colon, a name that is "          \
      "not a token, whitespace before the colon or the first header, "         \
      "or a control byte in the value)")                                       \
    X(JT_ERR_H1_BAD_LINE_END, -803,                                            \
      "h1: a CR not followed by LF in the response head or chunk "             \
      "framing")                                                               \
    X(JT_ERR_H1_LINE_TOO_LONG, -804,                                           \
      "h1: a response status, header, trailer or chunk-size line is "          \
      "longer than the parser's line buffer (cap buf_size - 1)")               \
    X(JT_ERR_H1_HEAD_TOO_BIG, -805,                                            \
      "h1: response head (1xx, status line, headers, trailers) larger "        \
      "than the cap max_head")                                                 \
    X(JT_ERR_H1_TOO_MANY_HEADERS, -806,                                        \
      "h1: more response header fields than the cap max_headers")              \
    X(JT_ERR_H1_BAD_CONTENT_LENGTH, -807,                                      \
      "h1: Content-Length is not a decimal number, or exceeds 64 bits")        \
    X(JT_ERR_H1_CONTENT_LENGTH_MISMATCH, -808,                                 \
      "h1: Content-Length values disagree (a possible response "               \
      "smuggling attempt)")                                                    \
    X(JT_ERR_H1_TRANSFER_ENCODING, -809,                                       \
      "h1: Transfer-Encoding other than a single \"chunked\" (e.g. "           \
      "gzip) is not supported")                                                \
    X(JT_ERR_H1_SWITCHING_PROTOCOLS, -810,                                     \
      "h1: server answered 101 Switching Protocols, but no upgrade "           \
      "was asked")                                                             \
    X(JT_ERR_H1_CHUNK_SIZE, -811,                                              \
      "h1: malformed chunk size line (not hex, over 64 bits, or a "            \
      "control byte in an extension)")                                         \
    X(JT_ERR_H1_CHUNK_CRLF, -812,                                              \
      "h1: chunk data not followed by CRLF (chunk size and data "              \
      "disagree)")                                                             \
    X(JT_ERR_H1_BODY_TOO_BIG, -813,                                            \
      "h1: response body larger than the cap max_body")                        \
    X(JT_ERR_H1_TRUNCATED, -814,                                               \
      "h1: connection closed before the response ended (head, "                \
      "Content-Length body or last chunk unfinished)")                         \
    X(JT_ERR_H1_NO_RESPONSE, -815,                                             \
      "h1: connection closed before any response byte (a reused "              \
      "connection may have been closed by the server: retry on a new "         \
      "one)")                                                                  \
    X(JT_ERR_H1_MAYBE_TRUNCATED, -816,                                         \
      "h1: the body ran to a connection close without TLS "                    \
      "close_notify: it may be truncated")                                     \
    X(JT_ERR_H1_CALLBACK, -817,                                                \
      "h1: a parser callback returned non-zero and stopped the parser")        \
    X(JT_ERR_H1_BAD_METHOD, -818,                                              \
      "h1: request method is empty or not an HTTP token")                      \
    X(JT_ERR_H1_BAD_HEADER_NAME, -819,                                         \
      "h1: request header name is empty or not an HTTP token")                 \
    X(JT_ERR_H1_BAD_HEADER_VALUE, -820,                                        \
      "h1: request header value contains CR, LF, NUL or another "              \
      "control byte (header injection refused)")                               \
    X(JT_ERR_H1_RESERVED_HEADER, -821,                                         \
      "h1: request headers Host, Content-Length, Transfer-Encoding "           \
      "and Connection are written by the codec, not the caller")               \
    X(JT_ERR_H1_BODY_LENGTH, -822,                                             \
      "h1: request body bytes do not match the declared "                      \
      "Content-Length (or the request has no body)")                           \
    X(JT_ERR_H1_URL_SYNTAX, -823,                                              \
      "h1 url: not an absolute URL (want "                                     \
      "http[s]://host[:port][/path][?query])")                                 \
    X(JT_ERR_H1_URL_SCHEME, -824, "h1 url: scheme is not http or https")       \
    X(JT_ERR_H1_URL_USERINFO, -825,                                            \
      "h1 url: user:password@ in a URL is refused; send credentials "          \
      "in an Authorization header")                                            \
    X(JT_ERR_H1_URL_PORT, -826,                                                \
      "h1 url: port is not a decimal number in 1..65535")                      \
    X(JT_ERR_H1_URL_BAD_CHAR, -827,                                            \
      "h1 url: space or control byte in the URL (percent-encode it)")          \
    X(JT_ERR_H1_REDIRECT_STATUS, -828,                                         \
      "h1 redirect: status is not 301, 302, 303, 307 or 308")                  \
    X(JT_ERR_H1_REDIRECT_NO_LOCATION, -829,                                    \
      "h1 redirect: redirect response has no Location header")                 \
    X(JT_ERR_H1_REDIRECT_DOWNGRADE, -830,                                      \
      "h1 redirect: redirect from https to http refused (allow it "            \
      "explicitly)")                                                           \
    X(JT_ERR_H1_REDIRECT_NO_REPLAY, -831,                                      \
      "h1 redirect: 307/308 must send the request body again, but it "         \
      "was streamed and cannot be replayed")                                   \
    X(JT_ERR_H1_REDIRECT_TOO_MANY, -832,                                       \
      "h1 redirect: more redirects than the limit (max_redirs)")               \
    X(JT_ERR_H1_REDIRECT_LOOP, -833,                                           \
      "h1 redirect: redirect loop (this URL was already requested "            \
      "with this method)")                                                     \
    X(JT_ERR_JIT_PENDING, -1100,                                               \
      "jit: trust lookup still running; the done callback will follow")        \
    X(JT_ERR_JIT_NO_TRUSTED_CA, -1101,                                         \
      "jit: no trusted CA found for the server's chain (which key and "        \
      "sources: jt_jit_message)")                                              \
    X(JT_ERR_JIT_NOT_TRUSTED, -1102,                                           \
      "jit: no candidate path verifies to a trusted CA (bad signature, "       \
      "CA:FALSE issuer, path length or unknown issuer)")                       \
    X(JT_ERR_JIT_EXPIRED, -1103,                                               \
      "jit: a certificate of the server's chain has expired")                  \
    X(JT_ERR_JIT_NOT_YET_VALID, -1104,                                         \
      "jit: a certificate of the server's chain is not valid yet (check "      \
      "the clock)")                                                            \
    X(JT_ERR_JIT_NAME_MISMATCH, -1105,                                         \
      "jit: the server's certificate does not name the host we connected to")  \
    X(JT_ERR_JIT_NO_SAN, -1106,                                                \
      "jit: the server's certificate has no subjectAltName (a CN alone is "    \
      "not accepted)")                                                         \
    X(JT_ERR_JIT_KEY_USAGE, -1107,                                             \
      "jit: the server's certificate keyUsage lacks digitalSignature")         \
    X(JT_ERR_JIT_EKU, -1108,                                                   \
      "jit: serverAuth missing from the extendedKeyUsage of the leaf or an "   \
      "intermediate")                                                          \
    X(JT_ERR_JIT_LEAF_KEY, -1109,                                              \
      "jit: the server's key is too weak (need P-256, P-384 or RSA >= 2048)")  \
    X(JT_ERR_JIT_ANCHOR_EXPIRED, -1110,                                        \
      "jit: the trusted CA that verifies the chain is past its not-after")     \
    X(JT_ERR_JIT_DISTRUSTED, -1111,                                            \
      "jit: the leaf was issued after its CA's distrust-after date")           \
    X(JT_ERR_JIT_PARSE, -1112,                                                 \
      "jit: mbedTLS cannot parse a certificate of the path (e.g. "             \
      "nameConstraints; mbedTLS code via jt_jit_mbedtls_error)")               \
    X(JT_ERR_JIT_VERIFY, -1113,                                                \
      "jit: the chain failed verification (mbedTLS flags via "                 \
      "jt_jit_verify_flags)")                                                  \
    X(JT_ERR_JIT_STALE, -1114,                                                 \
      "jit: answer ignored: the query was already answered or its "            \
      "connection is gone")                                                    \
    X(JT_ERR_JIT_NEGATIVE, -1115,                                              \
      "jit: host recently failed with no trusted CA (negative cache; retry "   \
      "later)")                                                                \
    X(JT_ERR_JIT_SOURCE, -1116,                                                \
      "jit: a trust source could not be loaded (unreadable file or not a "     \
      "certificate)")                                                          \
    X(JT_ERR_JIT_BUSY, -1117,                                                  \
      "jit: too many trust queries in flight (query slot table full)")         \
    X(JT_ERR_JIT_CACHE_FILE, -1118,                                            \
      "jit: saved host cache is malformed (header, field, key or expiry); "    \
      "nothing was loaded")

#define JT_ERR_ENUM_(name, value, msg) name = (value),

/* All libjittrust error codes; JT_OK (0) is success. */
enum jt_err { JT_OK = 0, JT_ERR_LIST(JT_ERR_ENUM_) };

/*
 * jt_strerror() - the message for |err|.
 *
 * Returns a static, NUL-terminated string for every code, including JT_OK
 * ("success"); an unknown value returns "unknown error". Never NULL.
 */
JT_API const char *jt_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif /* JITTRUST_ERROR_H */
