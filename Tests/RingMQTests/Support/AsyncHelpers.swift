import Synchronization
import Testing

@testable import RingMQ

// Helpers for the tests of the async surface (async send/receive, `messages`, the async
// poll, events). They bound every wait in time, so that a lost wake-up fails a test instead
// of hanging the run, and they never block a thread of the cooperative pool.

// MARK: - Bounded waits

/// Thrown by ``withTimeout(_:sourceLocation:_:)`` when its limit passes first.
struct GuardTimeout: Error, CustomStringConvertible {
    let limit: Duration
    var description: String { "still waiting after \(limit)" }
}

/// Runs `body` in a task of its own and returns what it returns (or rethrows what it throws);
/// if `limit` passes first, records an issue, cancels the task, abandons it, and throws
/// ``GuardTimeout``.
///
/// Unlike a task group, this does not wait for an abandoned body, so a body stuck in a lost
/// wake-up (one that even cancellation cannot end) fails the test instead of hanging it.
@discardableResult
func withTimeout<T: Sendable>(
    _ limit: Duration = Scale.safety,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    do {
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let race = Race(continuation)
            let work = Task {
                do {
                    race.finish(.success(try await body()))
                } catch {
                    race.finish(.failure(error))
                }
            }
            race.setTimer(
                Task {
                    try? await Task.sleep(for: limit)
                    if Task.isCancelled { return }
                    if race.finish(.failure(GuardTimeout(limit: limit))) { work.cancel() }
                })
        }
    } catch let error as GuardTimeout {
        Issue.record("\(error): a lost wake-up?", sourceLocation: sourceLocation)
        throw error
    }
}

/// The first of a body and a timer to finish resumes the continuation; the other finds it gone.
private final class Race<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var timer: Task<Void, Never>?
    }

    private let state: Locked<State>

    init(_ continuation: CheckedContinuation<T, any Error>) {
        state = Locked(State(continuation: continuation))
    }

    func setTimer(_ timer: Task<Void, Never>) {
        let finished = state.withLock { state in
            state.timer = timer
            return state.continuation == nil
        }
        if finished { timer.cancel() }
    }

    /// Resumes the continuation with `result` unless the other side did first; `true` if this did.
    @discardableResult
    func finish(_ result: Result<T, any Error>) -> Bool {
        let (continuation, timer) = state.withLock { state in
            defer { state = State() }
            return (state.continuation, state.timer)
        }
        guard let continuation else { return false }
        timer?.cancel()
        continuation.resume(with: result)
        return true
    }
}

/// Expects `body` to throw a ``RingMQError`` of `kind` (the async form of `expectError`).
func expectAsyncError(
    _ kind: RingMQError.Code,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> some Any
) async {
    do {
        _ = try await body()
        Issue.record("expected a \(kind) error, got none", sourceLocation: sourceLocation)
    } catch let error as RingMQError {
        #expect(error.code == kind, "expected a \(kind) error, got \(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected a \(kind) error, got \(error)", sourceLocation: sourceLocation)
    }
}

/// Expects `body` to throw ``RingMQError/timedOut``, and not before `timeout` has elapsed.
func expectAsyncTimesOut(
    after timeout: Duration,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> some Any
) async {
    let clock = ContinuousClock()
    let start = clock.now
    await expectAsyncError(.timedOut, sourceLocation: sourceLocation, body)
    let elapsed = start.duration(to: clock.now)
    #expect(
        elapsed >= timeout, "gave up after \(elapsed), before its \(timeout) timeout",
        sourceLocation: sourceLocation)
}

/// How a task that was cancelled (or not) ended.
enum Ending<Value: Sendable>: Sendable {
    case value(Value)
    case cancelled
    case failed(String)
}

/// Awaits `task` and sorts its outcome: a value, `CancellationError`, or anything else
/// (which the tests treat as a failure).
func ending<Value: Sendable>(of task: Task<Value, any Error>) async -> Ending<Value> {
    do {
        return .value(try await task.value)
    } catch is CancellationError {
        return .cancelled
    } catch {
        return .failed("\(error)")
    }
}

// MARK: - Observing a suspended task

/// Waits until a task is parked on `socket`'s signal: an async `send`, `receive` or `poll`
/// (whose first open socket is `socket`) has suspended, past its checks, and needs a wake-up.
///
/// It polls an observable fact (the socket's parked-task cell, set for exactly as long as a
/// continuation is parked there), yielding between looks; it does not guess with a sleep.
/// `false` if nothing parked within `limit` (the tests that require a park expect `true`).
func waitUntilParked(_ socket: Socket, limit: Duration = .seconds(10)) async -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: limit)
    while !isParked(socket) {
        if clock.now >= deadline { return false }
        await Task.yield()
    }
    return true
}

/// Whether a task is parked on `socket`'s signal now.
func isParked(_ socket: Socket) -> Bool {
    SignalCells.parked(of: socket.port.signal.word).pointee.load(ordering: .acquiring) != 0
}

// MARK: - Counting across tasks

/// A counter shared between tasks that tells each incrementer the new total.
final class Tally: Sendable {
    private let value = Atomic<Int>(0)

    /// Adds one and returns the new total.
    @discardableResult
    func add() -> Int {
        value.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue
    }

    var current: Int { value.load(ordering: .acquiring) }
}

/// A one-shot count-down that a task can await without blocking its thread.
final class AsyncLatch: Sendable {
    private let remaining: Atomic<Int>
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init(count: Int) {
        remaining = Atomic(count)
        (stream, continuation) = AsyncStream<Void>.makeStream()
        if count <= 0 { continuation.finish() }
    }

    func countDown() {
        if remaining.wrappingSubtract(1, ordering: .acquiringAndReleasing).newValue == 0 {
            continuation.finish()
        }
    }

    /// Returns once the count reaches zero; throws ``GuardTimeout`` (recording an issue) after
    /// `limit`.
    func wait(limit: Duration = Scale.safety, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let stream = stream
        try await withTimeout(limit, sourceLocation: sourceLocation) {
            for await _ in stream {}
        }
    }
}

// MARK: - Exactly once

/// What one consumer received from tagged senders (``tagged(sender:sequence:)``): for each
/// sender, the sequence numbers in arrival order.
struct TagLog: Sendable {
    var sequences: [[Int]]
    var malformed = 0

    init(senders: Int) {
        sequences = Array(repeating: [], count: senders)
    }

    mutating func record(_ message: Message) {
        guard let tag = tag(of: message), sequences.indices.contains(tag.sender) else {
            malformed += 1
            return
        }
        sequences[tag.sender].append(tag.sequence)
    }
}

/// Expects `logs` together to hold each sequence number `0..<perSender` of every sender exactly
/// once, each log holding each sender's numbers in increasing order (FIFO per connection).
func expectEveryTagOnce(
    _ logs: [TagLog], senders: Int, perSender: Int, sourceLocation: SourceLocation = #_sourceLocation
) {
    var seen = Array(repeating: [UInt8](repeating: 0, count: perSender), count: senders)
    var outOfOrder = 0
    var outOfRange = 0
    for log in logs {
        for (sender, sequences) in log.sequences.enumerated() {
            outOfOrder += zip(sequences, sequences.dropFirst()).filter { $0 >= $1 }.count
            for sequence in sequences {
                if (0..<perSender).contains(sequence) { seen[sender][sequence] &+= 1 } else { outOfRange += 1 }
            }
        }
    }
    let missing = seen.map { $0.filter { $0 == 0 }.count }.reduce(0, +)
    let duplicated = seen.map { $0.filter { $0 > 1 }.count }.reduce(0, +)
    #expect(logs.map(\.malformed).reduce(0, +) == 0, "malformed messages", sourceLocation: sourceLocation)
    #expect(outOfRange == 0, "sequence numbers never sent", sourceLocation: sourceLocation)
    #expect(missing == 0, "\(missing) messages lost", sourceLocation: sourceLocation)
    #expect(duplicated == 0, "\(duplicated) messages delivered twice", sourceLocation: sourceLocation)
    #expect(outOfOrder == 0, "messages out of order on one connection", sourceLocation: sourceLocation)
}

// MARK: - Events

/// The next `count` events of `stream` (fewer if it finishes first), waiting at most `limit`.
func nextEvents(
    _ count: Int, of stream: AsyncStream<SocketEvent>, limit: Duration = Scale.safety,
    sourceLocation: SourceLocation = #_sourceLocation
) async throws -> [SocketEvent] {
    try await withTimeout(limit, sourceLocation: sourceLocation) {
        var events: [SocketEvent] = []
        for await event in stream {
            events.append(event)
            if events.count == count { break }
        }
        return events
    }
}

/// Every event of `stream` until it finishes, waiting at most `limit` for the finish.
func remainingEvents(
    of stream: AsyncStream<SocketEvent>, limit: Duration = Scale.safety,
    sourceLocation: SourceLocation = #_sourceLocation
) async throws -> [SocketEvent] {
    try await withTimeout(limit, sourceLocation: sourceLocation) {
        var events: [SocketEvent] = []
        for await event in stream { events.append(event) }
        return events
    }
}
