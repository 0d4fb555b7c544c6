// System calls RingMQ needs and Swift cannot make directly (syscall(2) is variadic).
#ifndef CRINGMQ_SHIMS_H
#define CRINGMQ_SHIMS_H

#include <stdint.h>

/// Sleeps while `*word == expected`, for at most `timeout_ns` nanoseconds (negative: no limit).
/// Returns 0 when woken (or spuriously), otherwise an errno value: EAGAIN when the word no longer
/// held `expected`, ETIMEDOUT when the time ran out, EINTR when a signal interrupted the sleep.
int ringmq_futex_wait(uint32_t *word, uint32_t expected, int64_t timeout_ns);

/// Wakes every thread sleeping in `ringmq_futex_wait` on `word`.
void ringmq_futex_wake_all(uint32_t *word);

/// A spin-loop hint (PAUSE on x86, YIELD on ARM): lets the sibling hyper-thread run and saves power.
static inline void ringmq_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
    __asm__ __volatile__("yield");
#endif
}

#endif
