import RingMQ
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A real OS thread running one blocking job: the peer of a blocking call in a test.
///
/// Never use a `Task` for this: the cooperative pool has one thread per core, and a task
/// blocked in `receive()` starves the task that should wake it.
///
/// ```swift
/// let receiver = Peer { try pull.receive() }
/// receiver.waitUntilBlocked()
/// try push.send("x")
/// #expect(try receiver.join().get() == "x")
/// ```
///
/// The body may throw only ``RingMQError``s; anything else is a bug in the test and traps.
final class Peer<Value: Sendable>: Sendable {
    private let shared: Shared
    private let thread: PeerThread

    private final class Shared: Sendable {
        let outcome = Locked<Result<Value, RingMQError>?>(nil)
        /// The kernel thread id, once the body is about to start (0 before).
        let threadID = Atomic<Int32>(0)
        let joined = Locked(false)
    }

    /// Starts a thread running `body`.
    init(_ body: @escaping @Sendable () throws -> Value) {
        let shared = Shared()
        self.shared = shared
        thread = PeerThread {
            shared.threadID.store(currentThreadID(), ordering: .releasing)
            let result: Result<Value, RingMQError>
            do {
                result = .success(try body())
            } catch let error as RingMQError {
                result = .failure(error)
            } catch {
                fatalError("test peer threw a non-RingMQ error: \(error)")
            }
            shared.outcome.withLock { $0 = result }
        }
    }

    /// Waits for the thread to finish and returns what its body returned or threw.
    /// Call it from one thread only.
    ///
    /// Bounded: if the thread is still running after `limit` (a wake-up the library lost), it
    /// records an issue and returns ``RingMQError/timedOut`` without joining, leaving the thread
    /// blocked, so that the test fails instead of hanging the run.
    func join(limit: Duration = Scale.safety, sourceLocation: SourceLocation = #_sourceLocation)
        -> Result<Value, RingMQError>
    {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: limit)
        var polls = 0
        while !isFinished {
            if clock.now >= deadline {
                Issue.record("the peer thread is still blocked after \(limit)", sourceLocation: sourceLocation)
                return .failure(.timedOut)
            }
            polls += 1
            if polls < 100 { sched_yield() } else { usleep(100) }
        }
        let first = shared.joined.withLock { joined in
            defer { joined = true }
            return !joined
        }
        if first { thread.join() }
        guard let outcome = shared.outcome.withLock({ $0 }) else {
            fatalError("test peer finished without an outcome")
        }
        return outcome
    }

    /// Whether the body has returned or thrown.
    var isFinished: Bool {
        shared.outcome.withLock { $0 != nil }
    }

    /// Returns once the thread is asleep in the kernel on a futex: that is, parked inside the
    /// blocking RingMQ call the body makes, so that the test exercises the wake-up path rather
    /// than the spin before it.
    ///
    /// This polls an observable fact (the thread's scheduler state in `/proc`), it does not
    /// guess with a sleep. It returns early if the body has finished, and gives up after
    /// `limit` and returns anyway: every test that uses
    /// it is correct whether or not the peer is already parked, the wait only makes the
    /// interesting interleaving the likely one. Where `/proc` is unavailable (not Linux) it
    /// waits a short fixed time instead.
    func waitUntilBlocked(limit: Duration = .seconds(5)) {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: limit)
        var id: Int32 = 0
        while id == 0 {
            id = shared.threadID.load(ordering: .acquiring)
            if clock.now >= deadline { return }
            if id == 0 { sched_yield() }
        }
        #if os(Linux)
            var sleepingSomewhere = 0
            while clock.now < deadline {
                if isFinished { return }  // finished without blocking
                switch parkingState(threadID: id) {
                case .onFutex: return
                case .sleeping:
                    // The kernel may hide wchan; a thread seen asleep many times in a row is parked.
                    sleepingSomewhere += 1
                    if sleepingSomewhere >= 50 { return }
                case .running:
                    sleepingSomewhere = 0
                }
                usleep(200)
            }
        #else
            usleep(50_000)
        #endif
    }
}

/// The calling thread's kernel id on Linux (read from the `/proc/thread-self` link, since
/// `gettid` is not imported into Swift), or a non-zero placeholder elsewhere.
private func currentThreadID() -> Int32 {
    #if os(Linux)
        var buffer = [CChar](repeating: 0, count: 64)
        let count = buffer.withUnsafeMutableBufferPointer {
            readlink("/proc/thread-self", $0.baseAddress!, $0.count - 1)
        }
        guard count > 0 else { return 1 }
        let link = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)  // "PID/task/TID"
        return link.split(separator: "/").last.flatMap { Int32($0) } ?? 1
    #else
        return 1
    #endif
}

#if os(Linux)
    private enum ParkingState {
        case running, sleeping, onFutex
    }

    /// Whether thread `id` of this process is sleeping (`S`), and whether in a futex wait, read from
    /// `/proc/self/task/ID/stat` and `…/wchan` (which names the kernel function it sleeps in, or
    /// reads "0" when the kernel hides it or the thread is between states).
    private func parkingState(threadID id: Int32) -> ParkingState {
        guard let stat = readSmallFile("/proc/self/task/\(id)/stat"),
            let close = stat.lastIndex(of: ")")
        else { return .running }
        let state = stat[stat.index(after: close)...].drop(while: { $0 == " " }).first
        guard state == "S" else { return .running }
        let wchan = readSmallFile("/proc/self/task/\(id)/wchan") ?? ""
        return wchan.contains("futex") ? .onFutex : .sleeping
    }

    /// The start (up to 1 KiB) of a small file such as one of `/proc`, or `nil` if it cannot be read.
    func readSmallFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { Glibc.close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count], as: UTF8.self)
    }
#endif

extension Peer {
    /// ``join(limit:sourceLocation:)`` for an async test: yields the task's thread while the
    /// peer runs, so that a task the peer's call resumes (a parked receive woken by a close)
    /// can run on the cooperative pool meanwhile.
    func finished(limit: Duration = Scale.safety, sourceLocation: SourceLocation = #_sourceLocation) async
        -> Result<Value, RingMQError>
    {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: limit)
        while !isFinished, clock.now < deadline { await Task.yield() }
        return join(limit: .zero, sourceLocation: sourceLocation)
    }
}
