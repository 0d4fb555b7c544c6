import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs `body` with RingMQ's blocking calls allowed from the current task (and from the tasks
/// it creates, child tasks and `Task { }`; not `Task.detached`), where they would otherwise be
/// reported as a mistake.
///
/// A blocking ``Socket/send(_:)-4ss4q``, ``Socket/receive()-96ywn``, ``Poller/poll(timeout:)-2ucf1`` or
/// ``proxy(frontend:backend:capture:)`` that has to wait puts its thread to sleep. Called from a
/// Swift task, that thread is one of the cooperative pool's few (one per core), and the task
/// that would wake it may never get one: the program hangs with no diagnostic. So a blocking
/// call that has to wait inside a task traps in a debug build, naming the call and what to do,
/// and prints a warning once in a release build.
///
/// Use this where blocking a pool thread is deliberate and safe, for example a synchronous
/// Swift Testing test (Swift Testing runs those on the cooperative pool) whose peers are
/// threads of its own:
///
/// ```swift
/// @Test func workerAnswers() throws {
///     try withBlockingCallsAllowed {
///         let reply = try requester.receive()
///         #expect(reply[0].string == "done")
///     }
/// }
/// ```
public func withBlockingCallsAllowed<Result>(_ body: () throws -> Result) rethrows -> Result {
    try BlockingCallCheck.$isAllowed.withValue(true) { try body() }
}

/// The async form of ``withBlockingCallsAllowed(_:)``: for a test body, or a task, that calls
/// blocking forms from synchronous helpers.
public func withBlockingCallsAllowed<Result>(
    isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> Result
) async rethrows -> Result {
    try await BlockingCallCheck.$isAllowed.withValue(true) { try await body() }
}

/// Detects a blocking call that is about to wait on a thread of Swift's cooperative pool.
///
/// Checked only once a call is about to sleep (after its spin; the proxy always is), never on
/// the fast path: a blocking call that finds a message or room soon costs a task nothing, and
/// the check (about 600 instructions through `withUnsafeCurrentTask`) would be a measurable
/// share of a stream's messages, whose receiver enters its wait often and leaves it in the spin.
///
/// A task that runs on the main actor (top-level code, an async `@main`) is reported too: its
/// blocking call holds the main thread, and the main-actor task that would wake it never runs.
package enum BlockingCallCheck {
    /// Set by ``withBlockingCallsAllowed(_:)``.
    @TaskLocal static var isAllowed = false

    /// What a detected call does: a debug build stops at the mistake; a release build must not
    /// bring down a program that may be working (the pool may have threads to spare), so it
    /// says so once.
    enum Reaction {
        case trap
        case warnOnce
    }

    #if DEBUG
        static let reaction = Reaction.trap
    #else
        static let reaction = Reaction.warnOnce
    #endif

    private static let warned = Atomic<Bool>(false)

    /// Reports `call` (for example "receive() on a PULL socket") if it runs in a task and blocking
    /// there was not allowed.
    @inline(never)
    package static func check(_ call: @autoclosure () -> String) {
        guard isInTask, !isAllowed else { return }
        report(call(), reaction: reaction)
    }

    /// Whether the calling code runs in a Swift task (threads of one's own run none).
    static var isInTask: Bool {
        withUnsafeCurrentTask { $0 != nil }
    }

    static func message(_ call: String) -> String {
        "RingMQ: the blocking \(call) was called from a Swift task and has to wait: it would hold "
            + "the thread the task runs on (a thread of the cooperative pool, or the main thread), "
            + "and the task that would wake it may never run. "
            + "Use the async form with await (try await socket.receive(), try await socket.send(…), "
            + "try await poller.poll(timeout:)), or call it from a thread of your own; if blocking "
            + "this thread is intended (a synchronous test), wrap the code in withBlockingCallsAllowed { … }."
    }

    static func report(_ call: String, reaction: Reaction) {
        switch reaction {
        case .trap:
            // In a controlled run the mistake fails the run (its report says where), not the process.
            if let controller = ControlledTask.controller { controller.fail(message(call)) }
            fatalError(message(call))
        case .warnOnce:
            guard !warned.exchange(true, ordering: .relaxed) else { return }
            let line = Array("warning: \(message(call)) (reported once)\n".utf8)
            // write(2) on the descriptor: the C `stderr` stream is shared mutable state to Swift 6.
            _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        }
    }
}
