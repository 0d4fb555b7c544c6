import RingMQ
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - Errors

extension RingMQError {
    /// The free-form message of the cases that carry one.
    var message: String? {
        switch self {
        case .invalidEndpoint(let text), .addressInUse(let text), .endpointNotFound(let text),
            .operationNotSupported(let text), .invalidState(let text), .invalidOption(let text):
            text
        default:
            nil
        }
    }
}

/// Expects `body` to throw a ``RingMQError`` of `kind` and returns its message (empty for the
/// cases without one), or `nil` after recording an issue.
@discardableResult
func expectError(
    _ kind: RingMQError.Code,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> some Any
) -> String? {
    let error = #expect(throws: RingMQError.self, sourceLocation: sourceLocation) { _ = try body() }
    guard let error else { return nil }
    guard error.code == kind else {
        Issue.record("expected a \(kind) error, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
    return error.message ?? ""
}

/// Expects `body` to throw ``RingMQError/timedOut``, and not before `timeout` has elapsed.
func expectTimesOut(
    after timeout: Duration,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> some Any
) {
    let clock = ContinuousClock()
    let start = clock.now
    #expect(throws: RingMQError.timedOut, sourceLocation: sourceLocation) { _ = try body() }
    let elapsed = start.duration(to: clock.now)
    #expect(
        elapsed >= timeout, "gave up after \(elapsed), before its \(timeout) timeout",
        sourceLocation: sourceLocation)
}

// MARK: - Messages

/// A one-frame message holding `value` in decimal.
func numbered(_ value: Int) -> Message {
    Message("\(value)")
}

/// The number in a message made by ``numbered(_:)`` (-1 if it is not one).
func number(_ message: Message) -> Int {
    message.count == 1 ? Int(message[0].string) ?? -1 : -1
}

/// A one-frame message of 8 bytes: `sender` in the high half, `sequence` in the low half.
func tagged(sender: Int, sequence: Int) -> Message {
    let value = UInt64(sender) << 32 | UInt64(sequence)
    return Message(withUnsafeBytes(of: value.littleEndian) { Frame(copying: $0) })
}

/// The (sender, sequence) of a message made by ``tagged(sender:sequence:)``.
func tag(of message: Message) -> (sender: Int, sequence: Int)? {
    guard message.count == 1, message[0].count == 8 else { return nil }
    let value = UInt64(littleEndian: message[0].withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
    return (Int(value >> 32), Int(value & 0xFFFF_FFFF))
}

// MARK: - Queues

/// Calls `trySend` with numbered messages until it returns `false` or `limit` were accepted;
/// returns how many were accepted. Numbers start at `first`.
func fill(_ socket: Socket, limit: Int = 1_000_000, from first: Int = 0) throws -> Int {
    var accepted = 0
    while accepted < limit, try socket.trySend(numbered(first + accepted)) {
        accepted += 1
    }
    return accepted
}

/// Every message queued for `socket` now, read with `tryReceive`.
func drain(_ socket: Socket) throws -> [Message] {
    var messages: [Message] = []
    while let message = try socket.tryReceive() { messages.append(message) }
    return messages
}

/// The numbers of every message queued for `socket` now.
func drainNumbers(_ socket: Socket) throws -> [Int] {
    try drain(socket).map(number)
}

// MARK: - Thread coordination

/// A one-shot signal between threads: `open()` once, `wait()` anywhere.
///
/// Waiting polls an atomic with `sched_yield`, and gives up after a limit so that a broken
/// test fails instead of hanging.
final class Gate: Sendable {
    private let isOpen = Atomic<Bool>(false)

    func open() {
        isOpen.store(true, ordering: .releasing)
    }

    /// Whether the gate has been opened.
    var isOpened: Bool { isOpen.load(ordering: .acquiring) }

    /// Waits until the gate opens; `false` if `limit` passed first.
    @discardableResult
    func wait(limit: Duration = .seconds(30)) -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: limit)
        while !isOpened {
            if clock.now >= deadline { return false }
            sched_yield()
        }
        return true
    }
}

/// A start line for `count` threads: each calls `arriveAndWait()`, and all leave together,
/// so that they contend from the first message.
final class StartBarrier: Sendable {
    private let count: Int
    private let arrived = Atomic<Int>(0)

    init(count: Int) {
        self.count = count
    }

    /// `false` if the others did not arrive within `limit`.
    @discardableResult
    func arriveAndWait(limit: Duration = .seconds(30)) -> Bool {
        arrived.wrappingAdd(1, ordering: .acquiringAndReleasing)
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: limit)
        while arrived.load(ordering: .acquiring) < count {
            if clock.now >= deadline { return false }
            sched_yield()
        }
        return true
    }
}

/// A counter shared between threads.
final class Counter: Sendable {
    private let value = Atomic<Int>(0)

    func increment(by amount: Int = 1) {
        value.wrappingAdd(amount, ordering: .relaxed)
    }

    var current: Int { value.load(ordering: .relaxed) }
}

// MARK: - Scale

/// Iteration counts for the heavier tests: modest by default (debug build, 2 cores, other
/// tests running alongside), larger with `RINGMQ_STRESS=1`, smaller under ThreadSanitizer
/// (detected, or forced with `RINGMQ_TSAN=1`).
enum Scale {
    static let isStress = environment("RINGMQ_STRESS") == "1"
    static let isThreadSanitized = environment("RINGMQ_TSAN") == "1" || runningUnderThreadSanitizer()

    /// Whether the address sanitizer is linked in (its quarantine keeps freed memory resident).
    static let isAddressSanitized: Bool = {
        #if os(Linux)
            return dlsym(UnsafeMutableRawPointer(bitPattern: 0), "__asan_init") != nil
        #else
            return false
        #endif
    }()

    /// `normal` by default, `stress` with `RINGMQ_STRESS=1`, `sanitized` under TSan.
    static func count(normal: Int, stress: Int, sanitized: Int) -> Int {
        if isStress { return stress }
        return isThreadSanitized ? sanitized : normal
    }

    /// A timeout that only a hung test reaches: it turns a hang into a failure.
    static var safety: Duration { isThreadSanitized || isStress ? .seconds(120) : .seconds(30) }

    private static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    private static func runningUnderThreadSanitizer() -> Bool {
        #if os(Linux)
            return dlsym(UnsafeMutableRawPointer(bitPattern: 0), "__tsan_init") != nil
        #else
            return false
        #endif
    }
}

/// Lets another thread run (the polling loops of the tests call it between checks).
func yieldThread() {
    sched_yield()
}

// MARK: - Contexts for deterministic tests

/// A ``Context`` whose sockets start with ``Scale/safety`` as their send and receive timeouts.
///
/// In the single-threaded tests every `send` and `receive` is expected to complete at once (the
/// room or the message is there, deterministically). If a library bug breaks that, a call with
/// the default `nil` timeout would block the whole test run forever; with this context it throws
/// ``RingMQError/timedOut`` and the test fails instead. Tests of the defaults, and of waiting
/// without a timeout, use a plain ``Context``.
final class TestContext: Sendable {
    let context = Context()

    func socket(_ type: SocketType) throws -> Socket {
        let socket = try context.socket(type)
        socket.sendTimeout = Scale.safety
        socket.receiveTimeout = Scale.safety
        return socket
    }

    func terminate() {
        context.terminate()
    }
}
