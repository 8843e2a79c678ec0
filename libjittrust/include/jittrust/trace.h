/* SPDX-License-Identifier: MIT */
/*
 * Trace events (net): each step of a JIT-trust connection reported as a
 * structured event, so a tool can print it for people (-v) or as JSON
 * (--json) without parsing messages.
 *
 * A context (jt_jit_ctx_opts.trace, jt_conn_opts.trace) calls the trace
 * function on the loop thread, synchronously, as each step happens. Every
 * pointer in an event is BORROWED for the duration of the call only; copy
 * what you keep. The callback must not destroy the object reporting.
 *
 * Event types and the fields each one sets (the others are 0/NULL):
 *   RESOLVE    count = addresses, ms, rc
 *   CONNECT    text = address ("127.0.0.1:443"), ms, rc
 *   HANDSHAKE  text = suite, count = handshakes on this connection so far,
 *              index = 1 when the session was resumed, ms, rc
 *   CERT       index = position in the chain sent, key = its SKID (NULL:
 *              none), key2 = its AKID (NULL: none), flags = 1 when a CA
 *   HOST_CACHE rc = 0 hit (warm; key = cached anchor key), or
 *              JT_ERR_NOT_FOUND miss, or JT_ERR_JIT_NEGATIVE
 *   CASET      rc = 0 hit / JT_ERR_NOT_FOUND miss, key = anchor key
 *   ASK        key = key asked, source = source name
 *   ANSWER     key, source, count = certs given, accepted = certs kept,
 *              ms = time since the ask
 *   VERIFY     index = candidate path, rc = its result, flags = mbedTLS
 *              verify flags
 *   RESULT     rc, text = message, index = JT_JIT_COLD / _WARM /
 *              _WARM_DROPPED, count = CAs parsed, ms = whole verification
 *   RECONNECT  rc = why the first attempt ended, text = note
 * From the HTTP binding (jittrust/http.h):
 *   REQUEST    text = "METHOD URL", index = 1 on a kept-alive connection
 *              (0: new), count = requests on this connection so far
 *   RESPONSE   index = status, count = body bytes, flags = 1 when the
 *              connection is kept for reuse, ms = since the request was
 *              sent, rc = 0 or why the response failed
 *   REDIRECT   index = status, text = the next URL (or the Location when
 *              it does not parse), flags = JT_REDIRECT_DROP_BODY (1) |
 *              JT_REDIRECT_CROSS_ORIGIN (2), rc = 0 or why it is refused
 *
 * JSON form (jt_trace_format with JT_TRACE_JSON), one object per event,
 * keys in this order; "ev" to "flags" always, "err", "key", "key2",
 * "source" and "text" only when set:
 *   {"ev":"ask","host":"a.test","port":443,"t":12,"ms":0,"rc":0,
 *    "err":"...","index":0,"count":1,"accepted":1,"flags":0,
 *    "key":"SKID:5AEE…","key2":"SKID:…","source":"blob","text":"..."}
 * "ev" is jt_trace_name(); "t" the loop clock in ms; "err" the
 * jt_strerror() text of a non-zero "rc"; keys as "TYPE:HEX" (full hex).
 * The line is pure ASCII: non-ASCII characters as \uXXXX escapes, and
 * each byte of ill-formed UTF-8 (text from a server) as \ufffd.
 * The schema is stable: fields may be added, never renamed or removed.
 */
#ifndef JITTRUST_TRACE_H
#define JITTRUST_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "jittrust/export.h"
#include "jittrust/key.h"

#ifdef __cplusplus
extern "C" {
#endif

enum jt_trace_type {
    JT_TRACE_RESOLVE = 1,
    JT_TRACE_CONNECT = 2,
    JT_TRACE_HANDSHAKE = 3,
    JT_TRACE_CERT = 4,
    JT_TRACE_HOST_CACHE = 5,
    JT_TRACE_CASET = 6,
    JT_TRACE_ASK = 7,
    JT_TRACE_ANSWER = 8,
    JT_TRACE_VERIFY = 9,
    JT_TRACE_RESULT = 10,
    JT_TRACE_RECONNECT = 11,
    JT_TRACE_REQUEST = 12,
    JT_TRACE_RESPONSE = 13,
    JT_TRACE_REDIRECT = 14
};

struct jt_trace_event {
    int type;         /* enum jt_trace_type */
    const char *host; /* normalised host */
    uint16_t port;
    uint64_t at_ms; /* loop clock */
    uint32_t ms;    /* duration of the step, when it has one */
    int rc;         /* 0 or a JT_ERR_* code */
    int index;      /* see the table above */
    size_t count;
    size_t accepted;
    uint32_t flags;
    const struct jt_key *key;
    const struct jt_key *key2;
    const char *source;
    const char *text;
};

/* Called for each event; see the borrowing rules above. */
typedef void (*jt_trace_fn)(const struct jt_trace_event *ev, void *ud);

/* jt_trace_name() - "resolve", "connect", …, "redirect"; "?" if unknown. */
JT_API const char *jt_trace_name(int type);

/* Formats of jt_trace_format(). */
#define JT_TRACE_TEXT 0 /* one line for people, e.g. "ask SKID 5AEE…743B" */
#define JT_TRACE_JSON 1 /* one JSON object, schema above */

/*
 * jt_trace_format() - |ev| as one line (no newline) into |buf| of |cap|
 * bytes, NUL-terminated. Returns the length written, JT_ERR_INVAL (NULL
 * argument, unknown |fmt|) or JT_ERR_NOSPC (did not fit; |buf| holds a
 * truncated, still NUL-terminated, line; 512 bytes always suffice for
 * JT_TRACE_TEXT and 1024 for JT_TRACE_JSON unless the host or a text is
 * longer than 256 bytes).
 */
JT_API int jt_trace_format(const struct jt_trace_event *ev, int fmt, char *buf,
                           size_t cap);

/*
 * jt_trace_json_string() - |s| (NUL-terminated) as one quoted JSON string
 * into |buf|, by the rules of the JSON form above (pure ASCII; \uXXXX;
 * \ufffd for ill-formed UTF-8), NUL-terminated; for tools that add
 * their own JSON lines next to the trace. Returns the length written,
 * JT_ERR_INVAL or JT_ERR_NOSPC (truncated; 6 * strlen(s) + 3 always
 * suffices).
 */
JT_API int jt_trace_json_string(const char *s, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif

#endif /* JITTRUST_TRACE_H */
