import RingMQ
import RingMQTesting

/// The sockets of one input, in a fresh context, and what the driver knows about them: which
/// it closed, whether it terminated the context. Single-threaded: every call is made from the
/// thread running the input, and none waits.
struct FuzzWorld {
    /// How many sockets an input may hold at once.
    static let slotCount = 6

    let context: Context
    /// Set when the context measures time on a manual clock (``FuzzStep/advanceClock(_:)``).
    let clock: ManualClock?
    var sockets: [Socket?] = Array(repeating: nil, count: slotCount)
    /// Parallel to `sockets`: the driver has closed it.
    var closed = Array(repeating: false, count: slotCount)
    /// Parallel to `sockets`: what the driver did with it, to compare with what it reports.
    var records = Array(repeating: FuzzRecord(), count: slotCount)
    var terminated = false
    /// Every frame the driver has handed to RingMQ: in messages sent, as a routing id, and
    /// as the subscription messages (`1` or `0`, then the prefix) a subscription makes. A
    /// received frame must be one of these, an empty frame (an envelope delimiter) or an id a
    /// ROUTER generated: anything else was made up by RingMQ (a memory error, a mixed-up pipe).
    var known: Set<Frame> = []
    /// Event streams held open (the driver cannot read them without waiting; they buffer).
    var streams: [AsyncStream<SocketEvent>] = []
    /// The steps made so far, for the message of a violation.
    private(set) var steps: [FuzzStep] = []
    let trace: Bool
    var report = FuzzReport()

    init(manualClock: Bool, trace: Bool) {
        if manualClock {
            let clock = ManualClock()
            self.clock = clock
            context = Context(clock: clock)
        } else {
            clock = nil
            context = Context()
        }
        self.trace = trace
        if trace { print("context on \(manualClock ? "a manual clock" : "the monotonic clock")") }
    }

    /// What a call on the socket in `slot` must do, given what the driver knows: `capable` is
    /// whether its type can do it at all, `capabilityFirst` whether that is checked before
    /// whether the socket is usable (subscribe and unsubscribe check the type first).
    func expectation(_ slot: Int, capable: Bool = true, capabilityFirst: Bool = false) -> FuzzExpectation {
        if capabilityFirst && !capable { return .fails(.operationNotSupported) }
        if closed[slot] { return .fails(.socketClosed) }
        if terminated { return .fails(.terminated) }
        if !capable { return .fails(.operationNotSupported) }
        return .anything
    }

    /// Records the step about to be made (and prints it when tracing).
    mutating func begin(_ step: FuzzStep) {
        steps.append(step)
        if trace { print("\(steps.count - 1): \(step)") }
    }

    /// Makes a call, checks its outcome against `expect`, and prints it when tracing. Returns
    /// the value, or `nil` when it threw. `name` is only built for a trace or a violation.
    mutating func call<Value>(
        _ name: @autoclosure () -> String, _ expect: FuzzExpectation,
        _ body: () throws -> Value
    ) -> Value? {
        report.calls += 1
        do {
            let value = try body()
            expect.checkReturned(FuzzDescribe.value(value), call: name(), trail: trail)
            if trace { print("    \(name()) → \(FuzzDescribe.value(value))") }
            return value
        } catch {
            expect.checkThrown(error, call: name(), trail: trail)
            report.errors += 1
            if trace { print("    \(name()) threw \(error)") }
            return nil
        }
    }

    /// A broken invariant found outside a single call's outcome.
    func require(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { fuzzViolation(message(), trail: trail) }
    }

    /// The steps that led here, for a violation's message.
    var trail: [String] { steps.map(\.description) }

    mutating func countReceived(_ message: Message, slot: Int) {
        report.received += 1
        report.framesReceived += message.count
        records[slot].received += 1
    }

    /// Whether a received frame is one the driver could have caused (see ``known``).
    func isKnown(_ frame: Frame) -> Bool {
        frame.isEmpty || Self.isGeneratedID(frame) || known.contains(frame)
    }

    /// The shape of the routing ids a ROUTER generates: a zero byte, then four.
    static func isGeneratedID(_ frame: Frame) -> Bool {
        frame.count == 5 && frame.withUnsafeBytes { $0[0] == 0 }
    }
}
