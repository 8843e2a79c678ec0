/* SPDX-License-Identifier: MIT */
/*
 * Symbol visibility for the public API. The library is built with
 * -fvisibility=hidden; only declarations marked JT_API are exported, and
 * every exported name starts with jt_ (checked by the abi suite).
 */
#ifndef JITTRUST_EXPORT_H
#define JITTRUST_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define JT_API __attribute__((visibility("default")))
#else
#define JT_API
#endif

#endif /* JITTRUST_EXPORT_H */
