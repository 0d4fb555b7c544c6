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

/// Registers the process for expedited private membarrier(2). Returns 0 when available; the
/// fast paths may then publish with plain stores (see `ringmq_membarrier`).
int ringmq_membarrier_register(void);

/// Makes every running thread of the process execute a full memory barrier before it returns:
/// the slow half of an asymmetric Dekker handshake, paid only by a thread about to sleep.
void ringmq_membarrier(void);

/// `ringmq_wait_path` bit: sleeps use futex(2); without it, mutex/condition buckets.
#define RINGMQ_WAIT_PATH_FUTEX 1
/// `ringmq_wait_path` bit: membarrier(2) is compiled in (`ringmq_membarrier_register` may then
/// succeed); without it, registration always fails and publishers are sequentially consistent.
#define RINGMQ_WAIT_PATH_MEMBARRIER 2

/// The wait path compiled into this build: `RINGMQ_WAIT_PATH_*` bits, set by the platform and
/// by the switches `RINGMQ_PORTABLE_WAIT` and `RINGMQ_NO_MEMBARRIER` (see shim.c).
int ringmq_wait_path(void);

/// Names the calling thread (pthread_setname_np, a GNU extension Swift's Glibc does not show).
/// Linux takes at most 15 bytes: the caller truncates. Returns 0 or an errno value.
int ringmq_set_thread_name(const char *name);

/// Monotonic clock in nanoseconds.
int64_t ringmq_monotonic_ns(void);

/// Stops the compiler from moving memory accesses across this point (no CPU fence).
static inline void ringmq_compiler_barrier(void) {
    __asm__ __volatile__("" ::: "memory");
}

/// Asks for the cache line at `address` in a writable state, ahead of a write.
static inline void ringmq_prefetch_for_write(const void *address) {
    __builtin_prefetch(address, 1, 3);
}

/// A spin-loop hint (PAUSE on x86, YIELD on ARM): lets the sibling hyper-thread run and saves power.
static inline void ringmq_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
    __asm__ __volatile__("yield");
#endif
}

#endif
