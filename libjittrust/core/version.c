// SPDX-License-Identifier: MIT
/* core: jt_version(), the version string fixed at build time. */
#include "jittrust/version.h"

const char *
jt_version(void)
{
    return JT_VERSION_STRING;
}
