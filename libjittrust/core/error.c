// SPDX-License-Identifier: MIT
/*
 * core: jt_strerror(), generated from the single JT_ERR_LIST in error.h so
 * a code cannot exist without its message (a duplicate value fails to
 * compile as a duplicate case label).
 */
#include "jittrust/error.h"

#define JT_ERR_CASE_(name, value, msg)                                         \
    case name:                                                                 \
        return msg;

const char *
jt_strerror(int err)
{
    switch (err) {
    case JT_OK:
        return "success";
        JT_ERR_LIST(JT_ERR_CASE_)
    default:
        return "unknown error";
    }
}
