// SPDX-License-Identifier: MIT
/*
 * core: the Secure Streams retry schedule (see backoff.h). Pure functions
 * over a plain struct: no state, clock or randomness of their own.
 */
#include "jittrust/backoff.h"

#include <stddef.h>
#include <string.h>

#include "jittrust/error.h"

void
jt_backoff_init(struct jt_backoff *b)
{
    memset(b, 0, sizeof(*b));
}

int
jt_backoff_add(struct jt_backoff *b, uint32_t ms)
{
    if (b == NULL)
        return JT_ERR_INVAL;
    if (b->count >= JT_BACKOFF_MAX_STEPS)
        return JT_ERR_BACKOFF_TOO_MANY;
    b->ms[b->count++] = ms;
    return 0;
}

int
jt_backoff_validate(const struct jt_backoff *b)
{
    if (b == NULL)
        return JT_ERR_INVAL;
    if (b->count == 0)
        return JT_ERR_BACKOFF_EMPTY;
    if (b->count > JT_BACKOFF_MAX_STEPS)
        return JT_ERR_BACKOFF_TOO_MANY;
    if (b->jitter_pc > JT_BACKOFF_MAX_JITTER_PC)
        return JT_ERR_BACKOFF_BAD_JITTER;
    return 0;
}

int
jt_backoff_next(const struct jt_backoff *b, uint32_t attempt, uint32_t rnd,
                uint32_t *delay_ms)
{
    uint64_t base, span, sum;
    int rc;

    if (delay_ms == NULL)
        return JT_ERR_INVAL;
    *delay_ms = 0;
    rc = jt_backoff_validate(b);
    if (rc != 0)
        return rc;
    if (b->conceal != JT_BACKOFF_CONCEAL_FOREVER && attempt >= b->conceal)
        return JT_ERR_BACKOFF_EXHAUSTED;
    base = b->ms[attempt < b->count ? attempt : b->count - 1];
    /* base < 2^32 and jitter_pc <= 100: no 64-bit overflow. */
    span = base * b->jitter_pc / 100;
    sum = base + (uint64_t)rnd % (span + 1);
    *delay_ms = sum > UINT32_MAX ? UINT32_MAX : (uint32_t)sum;
    return 0;
}
