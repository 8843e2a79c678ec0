/* SPDX-License-Identifier: MIT */
/*
 * bench: heap accounting for benchmark executables. Debian's mbedTLS has
 * no allocator hook, so heap-count.c defines malloc, calloc, realloc,
 * free and the aligned allocators, forwards them to glibc (__libc_*) and
 * counts live and peak bytes in malloc_usable_size units (what the
 * allocator hands out, rounding included), over all threads. Linking it
 * interposes the whole process (mbedTLS, libjittrust, libc users).
 * Under AddressSanitizer, ThreadSanitizer or MemorySanitizer nothing is
 * interposed (they own malloc) and every reading is -1.
 */
#ifndef JT_BENCH_HEAP_COUNT_H
#define JT_BENCH_HEAP_COUNT_H

/* 1 when the allocator is interposed and readings are real. */
int bh_counted(void);

/* Live and peak bytes now (absolute; the peak since the last bh_open). */
long long bh_live(void);
long long bh_peak(void);

/* Start a window: returns the live bytes now and resets the peak to it. */
long long bh_open(void);

/* Peak bytes above |base| since bh_open(); -1 when not counted. */
long long bh_close(long long base);

/* Live bytes above |base| now; -1 when not counted. */
long long bh_held(long long base);

#endif /* JT_BENCH_HEAP_COUNT_H */
