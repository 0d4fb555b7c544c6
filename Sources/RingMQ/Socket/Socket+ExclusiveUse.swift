import Synchronization

/// One thread at a time: each public call marks the socket busy for its duration, and a call
/// that finds it busy traps, naming both calls.
extension Socket {
    /// The public calls, each with its own case so that the trap names the right one.
    enum Operation: UInt8 {
        case send = 1
        case trySend, receive, tryReceive, bind, connect, unbind, disconnect, close
        case setOption, readOption, writeOption, subscribe, unsubscribe, statistics, subscriptions
        case proxy, poll, faults

        var name: String {
            switch self {
            case .send: "send(_:)"
            case .trySend: "trySend(_:)"
            case .receive: "receive()"
            case .tryReceive: "tryReceive()"
            case .bind: "bind(_:)"
            case .connect: "connect(_:)"
            case .unbind: "unbind(_:)"
            case .disconnect: "disconnect(_:)"
            case .close: "close()"
            case .setOption: "setOption(_:)"
            case .readOption: "an option property's getter"
            case .writeOption: "an option property's setter"
            case .subscribe: "subscribe(_:)"
            case .unsubscribe: "unsubscribe(_:)"
            case .statistics: "statistics"
            case .subscriptions: "subscriptions"
            case .proxy: "a proxy's run (proxy(frontend:backend:capture:) or Proxy.run())"
            case .poll: "Poller.poll(timeout:)"
            case .faults: "a RingMQTesting fault"
            }
        }
    }

    /// The operation in progress (an ``Operation`` raw value), 0 when idle. Kept after the
    /// core, on the lines only the socket's user writes, not in the object: a write per call
    /// into a line a neighbouring object shares would slow the thread using that object.
    @inline(__always)
    var activity: UnsafeMutablePointer<Atomic<UInt8>> {
        Socket.activity(of: core)
    }

    @inline(__always)
    static func activity(of core: UnsafeMutablePointer<SocketCore>) -> UnsafeMutablePointer<Atomic<UInt8>> {
        (UnsafeMutableRawPointer(core) + LineAligned.trailingOffset(of: SocketCore.self))
            .assumingMemoryBound(to: Atomic<UInt8>.self)
    }

    @inline(__always)
    func enter(_ operation: Operation) {
        #if DEBUG
            let (exchanged, current) = activity.pointee.compareExchange(
                expected: 0, desired: operation.rawValue, ordering: .acquiring)
            if !exchanged { concurrentUse(operation, current) }
        #else
            // Release builds: two plain accesses instead of a locked instruction; catches most
            // overlaps, and the debug build catches every one.
            let current = activity.pointee.load(ordering: .relaxed)
            if current != 0 { concurrentUse(operation, current) }
            activity.pointee.store(operation.rawValue, ordering: .relaxed)
        #endif
    }

    @inline(__always)
    func leave() {
        activity.pointee.store(0, ordering: .releasing)
    }

    /// Runs `body` as `operation`, for the calls off the message path.
    func withExclusiveUse<Result>(_ operation: Operation, _ body: () throws -> Result) rethrows -> Result {
        enter(operation)
        defer { leave() }
        return try body()
    }

    /// The name of the call in progress ("receive()"), for diagnostics.
    var operationInProgress: String {
        Operation(rawValue: activity.pointee.load(ordering: .relaxed))?.name ?? "call"
    }

    /// The call in progress, for diagnostics ("receive() on a PULL socket").
    var callInProgress: String {
        "\(operationInProgress) on a \(type) socket"
    }

    private func concurrentUse(_ operation: Operation, _ current: UInt8) -> Never {
        let other = Operation(rawValue: current)?.name ?? "another call"
        fatalError(
            "RingMQ: \(type) socket used from two threads at once: \(operation.name) was called while "
                + "\(other) was running. A socket may move between threads but must be used by one thread "
                + "at a time; use Context.terminate() to stop a thread blocked in a socket.")
    }
}
