// SPDX-License-Identifier: MIT
/*
 * fuzz: jt-blob's trust source parsers (tool layer): Mozilla certdata.txt
 * (blob/bg-certdata.c: MULTILINE_OCTAL, object pairing by issuer + serial,
 * distrust-after UTCTime) and PEM bundles (blob/bg-input.c). Every input
 * must be parsed or refused without a crash, leak or read past the buffer.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bg_set s;
    char *buf = malloc(size + 1);

    if (buf == NULL)
        return 0;
    memcpy(buf, data, size);
    buf[size] = 0; /* as bg_read_file() leaves it */
    bg_quiet = 1;
    memset(&s, 0, sizeof(s));
    if (bg_is_certdata(data, size))
        bg_certdata_load(&s, "fuzz", buf, size);
    else
        bg_pem_load(&s, "fuzz", buf, size);
    if (s.n > 0)
        bg_set_check(&s, "fuzz");
    bg_set_free(&s);
    free(buf);
    return 0;
}
