// SPDX-License-Identifier: MIT
/*
 * fuzz: jt_cache against a naive reference model (cache-model.h). The
 * first 5 bytes choose the configuration (footprint cap from the minimum
 * to minimum + 4 KiB, max_value 1..64, max TTL, number of keys), the next
 * 16 the hash seed, the rest is a script of put / get / del / time forward
 * and back / generation / clear / expire / foreach / fail-next-allocation
 * operations. Any disagreement in return code, value, stats, allocator
 * bytes or foreach listing aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cache-model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cm_cfg cfg = {
        .ttl_scale = 4,
        .adv_scale = 2,
        /* put get del adv back gen clear expire foreach failnext */
        .weight = {7, 6, 2, 3, 1, 1, 1, 1, 1, 1},
    };
    char why[256];

    if (size < 5)
        return 0;
    cfg.max_footprint =
        jt_cache_min_footprint() + (((size_t)data[0] << 8 | data[1]) % 4097);
    cfg.max_value = 1 + data[2] % 64u;
    cfg.max_ttl_ms = 1 + data[3] * 4u;
    cfg.nkeys = 8 + data[4] % 57u;
    if (cm_run(&cfg, data + 5, size - 5, why, sizeof(why), NULL) != 0) {
        fprintf(stderr, "fuzz-cache: cache and model disagree: %s\n", why);
        abort();
    }
    return 0;
}
