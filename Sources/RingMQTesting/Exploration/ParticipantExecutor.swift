import RingMQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The executor of one participant of a controlled run: its own thread, which runs the
/// participant's jobs one at a time and only when the ``Controller`` gives it the turn.
///
/// Each participant is a `Task` that prefers this executor (Swift's task-executor preference),
/// so its jobs, its child tasks, and the continuations that RingMQ or another participant
/// resume land here: every suspension of the participant is a job boundary the controller
/// sees. A thread participant is the same with one synchronous job, whose blocking calls
/// block this thread through the controller.
final class ParticipantExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked Sendable: `jobs` is behind its lock; `thread` is written by the executor's
    // own thread before it first waits for its turn, and read by the controller only while
    // that thread is parked (the baton's handoff orders it).

    /// Posted to give this participant the turn.
    let baton = Baton()
    /// Posted once when the thread ends.
    let ended = Baton()
    private let jobs = Locked(JobQueue())
    private(set) var thread: pthread_t?
    private var peer: PeerThread?
    /// Whether the run has stopped controlling: jobs then run as they come.
    private let isStopped: @Sendable () -> Bool
    /// Told of every job queued while controlled: a job queued from outside the world may be
    /// what the controller waits for.
    private let queued: @Sendable () -> Void

    private struct JobQueue {
        var items: [UnownedJob] = []
        var head = 0

        mutating func pop() -> UnownedJob? {
            guard head < items.count else { return nil }
            let job = items[head]
            head += 1
            if head == items.count {
                items.removeAll(keepingCapacity: true)
                head = 0
            }
            return job
        }
    }

    init(isStopped: @escaping @Sendable () -> Bool, queued: @escaping @Sendable () -> Void) {
        self.isStopped = isStopped
        self.queued = queued
    }

    /// Starts the thread: it waits for its first turn, then runs jobs; after each, `jobEnded`
    /// (which returns once the thread has the turn again) says whether the participant is over.
    func start(jobEnded: @escaping @Sendable () -> Bool) {
        let ready = Baton()
        peer = PeerThread { [self] in
            thread = pthread_self()
            ready.post()
            loop(jobEnded: jobEnded)
            ended.post()
        }
        ready.wait()
    }

    private func loop(jobEnded: () -> Bool) {
        baton.wait()
        while true {
            guard let job = jobs.withLock({ $0.pop() }) else {
                // Only when the run has stopped controlling: wait for the next job.
                baton.wait()
                continue
            }
            job.runSynchronously(on: asUnownedTaskExecutor())
            if jobEnded() { return }
        }
    }

    /// Whether a job is queued: an idle participant with one can run.
    var hasJobs: Bool {
        jobs.withLock { $0.head < $0.items.count }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        jobs.withLock { $0.items.append(job) }
        // Controlled: the controller sees the job when it next decides (or now, if it waits for
        // one from outside the world). Stopped: run it now.
        if isStopped() { baton.post() } else { queued() }
    }

    /// Joins the thread if it has ended within `limit` (real time); `false`: leaked.
    func join(within limit: Duration) -> Bool {
        guard ended.wait(timeout: limit) else {
            // The thread keeps its closure until it ends, and frees it then (see below).
            peer?.detach()
            peer = nil
            return false
        }
        peer?.join()
        // The thread's closure holds this executor, its participant and the controller: a cycle
        // that only dropping it breaks (a leaked thread keeps it, as it may still run).
        peer = nil
        return true
    }
}
