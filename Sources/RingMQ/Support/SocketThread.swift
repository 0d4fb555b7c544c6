import CRingMQShims

/// A named OS thread for blocking socket work, that you can join.
///
/// Blocking calls (`receive`, `send`, `Poller.poll(timeout:)`, `proxy(frontend:backend:capture:)`)
/// park the calling thread. Make them on a thread of your own, such as this one, never in a
/// Swift concurrency task: a parked task holds one of the cooperative pool's few threads, and
/// enough of them stall every task in the process. In tasks, use the `async` calls instead.
///
/// Foundation's `Thread` cannot be joined; this one can: ``join()`` waits for the body to
/// return and rethrows what it threw. It is a plain pthread, so the core needs no Foundation.
///
/// ```swift
/// let broker = SocketThread(name: "broker") {
///     try proxy(frontend: frontend, backend: backend)   // until context.terminate()
/// }
/// // …
/// context.terminate()
/// try? broker.join()                                    // the proxy threw .terminated
/// ```
public final class SocketThread: Sendable {
    /// The name given at creation; the OS sees at most its first 15 bytes on Linux.
    public let name: String

    /// The OS thread, until the first ``join()`` takes it; then the body's outcome.
    private let state: Locked<State>

    private enum State {
        case running(PeerThread)
        case finished(Result<Void, any Error>)
    }

    /// Where the body leaves its outcome for ``join()``.
    private let outcome = Locked<Result<Void, any Error>>(.success(()))

    /// Starts a thread named `name` running `body` at once.
    ///
    /// - Parameters:
    ///   - name: The thread's name, as debuggers and `top -H` show it.
    ///   - body: The work, which may block and throw; ``join()`` rethrows what it threw.
    public init(name: String, body: @escaping @Sendable () throws -> Void) {
        self.name = name
        let outcome = self.outcome
        state = Locked(
            .running(
                PeerThread {
                    SocketThread.nameCurrentThread(name)
                    do { try body() } catch { outcome.withLock { $0 = .failure(error) } }
                }))
    }

    /// Waits until the body has returned, then rethrows what it threw, if anything.
    ///
    /// Every call waits and reports the same outcome, from any thread. Joining from the thread
    /// itself would wait forever. Call it before the process exits if the body's work must
    /// finish; a thread never joined keeps running on its own.
    public func join() throws {
        let result = state.withLock { state -> Result<Void, any Error> in
            // Joined under the lock, so a second caller waits for the first join to finish.
            if case .running(let thread) = state {
                thread.join()
                state = .finished(outcome.withLock { $0 })
            }
            guard case .finished(let result) = state else { preconditionFailure("unreachable") }
            return result
        }
        try result.get()
    }

    /// Names the calling thread, as far as the OS allows (15 bytes on Linux, cut at a
    /// character boundary).
    private static func nameCurrentThread(_ name: String) {
        var bytes = Array(name.utf8.prefix(15))
        while !bytes.isEmpty, String(validating: bytes, as: UTF8.self) == nil { bytes.removeLast() }
        _ = String(decoding: bytes, as: UTF8.self).withCString { ringmq_set_thread_name($0) }
    }
}
