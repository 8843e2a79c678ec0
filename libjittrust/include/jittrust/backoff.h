/* SPDX-License-Identifier: MIT */
/*
 * The Secure Streams retry schedule as a pure function (core, sans-IO).
 *
 * A policy's "retry" entry {backoff[], conceal, jitterpc} becomes a struct
 * jt_backoff. After the nth failed connection attempt (n = 0 for the first
 * retry) the caller asks jt_backoff_next() for the delay before retrying,
 * passing a random 32-bit number it drew; the function holds no state,
 * reads no clock and draws no randomness itself.
 *
 * Schedule: base = backoff[min(attempt, count - 1)] (the last delay repeats
 * when conceal outlasts the array); span = base * jitter_pc / 100 (integer
 * division, computed in 64 bits); delay = base + rnd % (span + 1), so the
 * delay lies in [base, base + span]; a sum above UINT32_MAX saturates at
 * UINT32_MAX. The modulo has a small bias toward low jitter when span + 1
 * does not divide 2^32; harmless for spreading retries.
 *
 * Conceal: retries 0 .. conceal - 1 are hidden from the application;
 * asking for retry |conceal| returns JT_ERR_BACKOFF_EXHAUSTED, the moment
 * to report "all retries failed" (LWSSSCS_ALL_RETRIES_FAILED). conceal 0
 * means no retry at all. JT_BACKOFF_CONCEAL_FOREVER models "nailed_up": the
 * schedule never runs out, whatever the attempt number.
 *
 * Differences from libwebsockets: lws turns jitterpc 0 (or absent) into
 * 30 %; here 0 means no jitter, and a policy parser that wants the lws
 * default sets JT_BACKOFF_DEFAULT_JITTER_PC when the key is absent. lws
 * draws 16 random bits and computes base * pc * r / 2^16 / 100; here the
 * range is the same, the formula the one above.
 */
#ifndef JITTRUST_BACKOFF_H
#define JITTRUST_BACKOFF_H

#include <stdint.h>

#include "jittrust/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Most delays a policy's backoff array may hold. */
#define JT_BACKOFF_MAX_STEPS 16u

/* conceal value that never runs out: the stream is "nailed_up". */
#define JT_BACKOFF_CONCEAL_FOREVER UINT32_MAX

/* Largest jitter_pc accepted. */
#define JT_BACKOFF_MAX_JITTER_PC 100u

/* The jitter libwebsockets applies when a policy gives no jitterpc. */
#define JT_BACKOFF_DEFAULT_JITTER_PC 30u

/*
 * A retry policy. Plain data with no pointers, so it can live in a policy
 * arena and be copied freely. Valid when 1 <= count <= JT_BACKOFF_MAX_STEPS
 * and jitter_pc <= JT_BACKOFF_MAX_JITTER_PC (jt_backoff_validate()).
 */
struct jt_backoff {
    uint32_t ms[JT_BACKOFF_MAX_STEPS]; /* delays, ms; ms[0 .. count-1] used */
    uint32_t count;                    /* delays in use */
    uint32_t conceal;   /* retries hidden before "all retries failed" */
    uint32_t jitter_pc; /* 0..100: up to this % of the delay is added */
};

/*
 * jt_backoff_init() - an empty policy (no delays, conceal 0, jitter_pc 0),
 * to be filled by jt_backoff_add() and the fields. Cannot fail; |b| must
 * not be NULL.
 */
JT_API void jt_backoff_init(struct jt_backoff *b);

/*
 * jt_backoff_add() - append |ms| to the delays, e.g. from a streaming JSON
 * parser as each array element arrives.
 * Returns 0, JT_ERR_INVAL (|b| NULL) or JT_ERR_BACKOFF_TOO_MANY (already
 * JT_BACKOFF_MAX_STEPS delays, or count corrupt; |b| unchanged).
 */
JT_API int jt_backoff_add(struct jt_backoff *b, uint32_t ms);

/*
 * jt_backoff_validate() - check a policy, e.g. once its JSON object ends.
 * Checks in this order and returns the first failure: JT_ERR_INVAL (|b|
 * NULL), JT_ERR_BACKOFF_EMPTY (count 0), JT_ERR_BACKOFF_TOO_MANY (count
 * above JT_BACKOFF_MAX_STEPS), JT_ERR_BACKOFF_BAD_JITTER (jitter_pc above
 * 100); 0 when valid. Any conceal value is valid.
 */
JT_API int jt_backoff_validate(const struct jt_backoff *b);

/*
 * jt_backoff_next() - the delay before retry number |attempt| (0-based).
 * @rnd: a random number from the caller (any value; tests pass fixed ones).
 * @delay_ms: receives the delay (see the formula at the top); set to 0 on
 *            any error.
 *
 * Returns 0 while attempt < conceal (always with
 * JT_BACKOFF_CONCEAL_FOREVER), JT_ERR_BACKOFF_EXHAUSTED from attempt ==
 * conceal on, or a jt_backoff_validate() code for an invalid policy
 * (JT_ERR_INVAL also when |delay_ms| is NULL). A policy error is reported
 * before exhaustion.
 */
JT_API int jt_backoff_next(const struct jt_backoff *b, uint32_t attempt,
                           uint32_t rnd, uint32_t *delay_ms);

#ifdef __cplusplus
}
#endif

#endif /* JITTRUST_BACKOFF_H */
