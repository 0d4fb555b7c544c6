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

#if defined(__linux__)
#include <linux/futex.h>
#include <linux/membarrier.h>
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

// Portable fallback: emulates the futex contract with a small table of mutex/condition pairs.
// The word is checked under the bucket's mutex, and wakers take the same mutex before they
// broadcast, so a change made before the wake can never slip between check and sleep.
#include <pthread.h>
#include <stdatomic.h>

#define RINGMQ_BUCKETS 64
static pthread_mutex_t bucket_locks[RINGMQ_BUCKETS];
static pthread_cond_t bucket_conds[RINGMQ_BUCKETS];
static pthread_once_t buckets_once = PTHREAD_ONCE_INIT;

static void init_buckets(void) {
    for (int i = 0; i < RINGMQ_BUCKETS; i++) {
        pthread_mutex_init(&bucket_locks[i], NULL);
        pthread_cond_init(&bucket_conds[i], NULL);
    }
}

static unsigned bucket_of(uint32_t *word) {
    return (unsigned)(((uintptr_t)word >> 4) % RINGMQ_BUCKETS);
}

int ringmq_futex_wait(uint32_t *word, uint32_t expected, int64_t timeout_ns) {
    pthread_once(&buckets_once, init_buckets);
    unsigned b = bucket_of(word);
    int result = 0;
    pthread_mutex_lock(&bucket_locks[b]);
    if (__atomic_load_n(word, __ATOMIC_SEQ_CST) != expected) {
        result = EAGAIN;
    } else if (timeout_ns < 0) {
        pthread_cond_wait(&bucket_conds[b], &bucket_locks[b]);
    } else {
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        int64_t ns = deadline.tv_nsec + timeout_ns % 1000000000;
        deadline.tv_sec += (time_t)(timeout_ns / 1000000000 + ns / 1000000000);
        deadline.tv_nsec = (long)(ns % 1000000000);
        result = pthread_cond_timedwait(&bucket_conds[b], &bucket_locks[b], &deadline);
    }
    pthread_mutex_unlock(&bucket_locks[b]);
    return result;
}

void ringmq_futex_wake_all(uint32_t *word) {
    pthread_once(&buckets_once, init_buckets);
    unsigned b = bucket_of(word);
    pthread_mutex_lock(&bucket_locks[b]);
    pthread_cond_broadcast(&bucket_conds[b]);
    pthread_mutex_unlock(&bucket_locks[b]);
}
#endif
