/// The fuzz driver: turns an input of bytes into a bounded sequence of RingMQ API calls on a
/// few sockets of one fresh `Context`, and traps when an outcome breaks the contract.
///
/// The first byte chooses the context's clock (bit 0: a `ManualClock` from `RingMQTesting`,
/// whose time only moves when a step says so); every following group of bytes decodes to one
/// step: create a socket of any `SocketType`, bind, connect, unbind or disconnect an
/// endpoint string (a small pool of `inproc://` names, so that connections form, and
/// malformed ones), set any `SocketOption` to any value, send or receive multipart messages,
/// subscribe, close, drop, inspect, poll, inject a fault, move the clock, terminate. At most
/// ``maxSteps`` steps run; the context is terminated at the end.
///
/// No call waits: sends and receives use the `try` forms, or the blocking forms only while
/// the socket's timeout is `.zero`, and polls use a timeout of `.zero`. So a hang is a bug,
/// and libFuzzer's `-timeout` reports it.
///
/// What traps (and so is reported by libFuzzer as a crash):
/// - a thrown error that is not a `RingMQError`, or whose message is empty;
/// - a call on a closed socket that does not throw `.socketClosed`, a call on an open socket
///   of a terminated context that does not throw `.terminated`, a call the socket's type
///   cannot make that does not throw `.operationNotSupported`;
/// - an option that does not read back as set; a received message without frames (or a
///   ROUTER's without its routing id and body); negative statistics; a closed socket that
///   reports queued messages, peers or subscriptions; a poll result outside what was asked;
/// - anything RingMQ itself traps on, and, in a sanitized build, any memory error.
///
/// ```swift
/// let report = bytes.withUnsafeBytes { FuzzDriver.run($0) }
/// ```
public enum FuzzDriver {
    /// The most steps one input runs.
    public static let maxSteps = 64

    /// Runs the calls `bytes` decode to. Traps on a broken invariant (see ``FuzzDriver``).
    ///
    /// - Parameters:
    ///   - bytes: the input; any bytes decode to some sequence of calls.
    ///   - trace: print each step and each call's outcome to standard output (to read what a
    ///     crashing input does).
    /// - Returns: what the input did.
    @discardableResult
    public static func run(_ bytes: UnsafeRawBufferPointer, trace: Bool = false) -> FuzzReport {
        var input = FuzzInput(bytes)
        var world = FuzzWorld(manualClock: input.byte() & 1 == 1, trace: trace)
        var steps = 0
        while steps < maxSteps, !input.isExhausted {
            world.perform(FuzzStep.decode(&input, slots: FuzzWorld.slotCount))
            steps += 1
        }
        world.finish()
        var report = world.report
        report.steps = steps
        return report
    }

    /// Runs the calls `bytes` decode to; the same as the `UnsafeRawBufferPointer` form.
    @discardableResult
    public static func run(_ bytes: [UInt8], trace: Bool = false) -> FuzzReport {
        bytes.withUnsafeBytes { run($0, trace: trace) }
    }
}

/// What one input did, as counted by `FuzzDriver.run(_:trace:)`:
/// for tests that check a seed input reaches what it was written for.
public struct FuzzReport: Sendable, Hashable {
    /// Steps decoded and made.
    public var steps = 0
    /// Calls made on RingMQ (a step may make several).
    public var calls = 0
    /// Calls that threw a `RingMQError`.
    public var errors = 0
    /// Messages received.
    public var received = 0
    /// Frames in the messages received.
    public var framesReceived = 0

    /// An empty report.
    public init() {}
}
