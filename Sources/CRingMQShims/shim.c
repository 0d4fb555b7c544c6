#include "CRingMQShims.h"

#include <errno.h>
#include <time.h>

#include <pthread.h>

int ringmq_set_thread_name(const char *name) {
#if defined(__APPLE__)
    return pthread_setname_np(name);
#else
    return pthread_setname_np(pthread_self(), name);
#endif
}

int64_t ringmq_monotonic_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

// Which wait path is compiled in. Linux takes futex(2) and membarrier(2); every other platform
// takes the portable path (mutex/condition buckets, sequentially consistent publish). Two
// switches force the portable halves on Linux, so that CI runs them (.ci/run):
//   -Xcc -DRINGMQ_PORTABLE_WAIT   the bucket wait instead of futex(2);
//   -Xcc -DRINGMQ_NO_MEMBARRIER   registration reports membarrier unavailable, so the
//                                 publish is sequentially consistent (Fence.isAsymmetric false).
#if defined(__linux__) && !defined(RINGMQ_PORTABLE_WAIT)
#define RINGMQ_USE_FUTEX 1
#endif
#if defined(__linux__) && !defined(RINGMQ_NO_MEMBARRIER)
#define RINGMQ_USE_MEMBARRIER 1
#endif

int ringmq_wait_path(void) {
    int path = 0;
#if defined(RINGMQ_USE_FUTEX)
    path |= RINGMQ_WAIT_PATH_FUTEX;
#endif
#if defined(RINGMQ_USE_MEMBARRIER)
    path |= RINGMQ_WAIT_PATH_MEMBARRIER;
#endif
    return path;
}

#if defined(RINGMQ_USE_MEMBARRIER)
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

int ringmq_membarrier_register(void) {
    long supported = syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
    if (supported < 0 || !(supported & MEMBARRIER_CMD_PRIVATE_EXPEDITED)) return -1;
    return syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0 ? 0 : -1;
}

void ringmq_membarrier(void) {
    syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0);
}
#else
int ringmq_membarrier_register(void) { return -1; }
void ringmq_membarrier(void) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
#endif

#if defined(RINGMQ_USE_FUTEX)
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

int ringmq_futex_wait(uint32_t *word, uint32_t expected, int64_t timeout_ns) {
    struct timespec relative;
    struct timespec *timeout = NULL;
    if (timeout_ns >= 0) {
        relative.tv_sec = (time_t)(timeout_ns / 1000000000);
        relative.tv_nsec = (long)(timeout_ns % 1000000000);
        timeout = &relative;
    }
    // A relative timeout is measured on CLOCK_MONOTONIC by the kernel.
    long rc = syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, expected, timeout, NULL, 0);
    return rc == 0 ? 0 : errno;
}

void ringmq_futex_wake_all(uint32_t *word) {
    syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 0x7fffffff, NULL, NULL, 0);
}

#else
// Portable fallback: emulates the futex contract with a small table of mutex/condition pairs.
// The word is checked under the bucket's mutex, and wakers take the same mutex before they
// broadcast, so a change made before the wake can never slip between check and sleep.
//
// Words share buckets, so a broadcast reaches sleepers on other words too. Like futex(2), a
// sleep ends only at a wake of its own word (or its timeout): each sleeper lists itself in
// its bucket, and a waker marks the entries of its word. A sleeper woken for a neighbour would
// otherwise look woken to RingMQ, and count as awake to a test clock, for no reason.
#include <pthread.h>
#include <stdbool.h>

#define RINGMQ_BUCKETS 64

/// One sleeping thread, on its own stack, listed in its bucket while it sleeps.
struct sleeper {
    uint32_t *word;
    bool woken;
    struct sleeper *next;
};

static pthread_mutex_t bucket_locks[RINGMQ_BUCKETS];
static pthread_cond_t bucket_conds[RINGMQ_BUCKETS];
static struct sleeper *bucket_sleepers[RINGMQ_BUCKETS];
static pthread_once_t buckets_once = PTHREAD_ONCE_INIT;

static void init_buckets(void) {
    pthread_condattr_t attributes;
    pthread_condattr_init(&attributes);
#if !defined(__APPLE__)
    // Timed sleeps measure on the monotonic clock, like futex(2): a wall-clock step must not
    // stretch or cut a timeout (Darwin has no such attribute; it sleeps relative instead).
    pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC);
#endif
    for (int i = 0; i < RINGMQ_BUCKETS; i++) {
        pthread_mutex_init(&bucket_locks[i], NULL);
        pthread_cond_init(&bucket_conds[i], &attributes);
    }
    pthread_condattr_destroy(&attributes);
}

static unsigned bucket_of(uint32_t *word) {
    return (unsigned)(((uintptr_t)word >> 4) % RINGMQ_BUCKETS);
}

/// Sleeps on bucket `b` until a broadcast or the monotonic time `deadline_ns`; pthread's result.
static int sleep_until(unsigned b, int64_t deadline_ns) {
#if defined(__APPLE__)
    int64_t left = deadline_ns - ringmq_monotonic_ns();
    if (left <= 0) return ETIMEDOUT;
    struct timespec relative = { (time_t)(left / 1000000000), (long)(left % 1000000000) };
    return pthread_cond_timedwait_relative_np(&bucket_conds[b], &bucket_locks[b], &relative);
#else
    struct timespec deadline = { (time_t)(deadline_ns / 1000000000), (long)(deadline_ns % 1000000000) };
    return pthread_cond_timedwait(&bucket_conds[b], &bucket_locks[b], &deadline);
#endif
}

int ringmq_futex_wait(uint32_t *word, uint32_t expected, int64_t timeout_ns) {
    pthread_once(&buckets_once, init_buckets);
    unsigned b = bucket_of(word);
    int64_t now_ns = ringmq_monotonic_ns();
    if (timeout_ns > INT64_MAX - now_ns) timeout_ns = -1;   // beyond any clock: no limit
    int64_t deadline_ns = timeout_ns < 0 ? 0 : now_ns + timeout_ns;
    int result = 0;
    pthread_mutex_lock(&bucket_locks[b]);
    if (__atomic_load_n(word, __ATOMIC_SEQ_CST) != expected) {
        result = EAGAIN;
    } else {
        struct sleeper me = { word, false, bucket_sleepers[b] };
        bucket_sleepers[b] = &me;
        while (!me.woken && result == 0) {
            if (timeout_ns < 0) {
                pthread_cond_wait(&bucket_conds[b], &bucket_locks[b]);
            } else {
                result = sleep_until(b, deadline_ns);
            }
        }
        if (me.woken) result = 0;
        struct sleeper **link = &bucket_sleepers[b];
        while (*link != &me) link = &(*link)->next;
        *link = me.next;
    }
    pthread_mutex_unlock(&bucket_locks[b]);
    return result;
}

void ringmq_futex_wake_all(uint32_t *word) {
    pthread_once(&buckets_once, init_buckets);
    unsigned b = bucket_of(word);
    bool any = false;
    pthread_mutex_lock(&bucket_locks[b]);
    for (struct sleeper *s = bucket_sleepers[b]; s != NULL; s = s->next) {
        if (s->word == word) {
            s->woken = true;
            any = true;
        }
    }
    if (any) pthread_cond_broadcast(&bucket_conds[b]);
    pthread_mutex_unlock(&bucket_locks[b]);
}
#endif
