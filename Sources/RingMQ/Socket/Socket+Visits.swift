import CRingMQShims
import Synchronization

/// The two calls any thread may make while the socket's own thread is inside another call:
/// `close()`, to stop a thread blocked in the socket, and `statistics`, to watch a socket that
/// a proxy or a worker keeps busy. Every other call is one thread at a time
/// (`Socket+ExclusiveUse`).
///
/// A visitor announces itself in ``visitor``, then either finds the socket idle and does its
/// work there (a call that starts meanwhile sees the visitor and waits for it), or finds a
/// call in progress. A call parked in a task (``markParked()``) runs no socket code until it
/// resumes, so the visitor claims the socket and works there too: it never waits for a task
/// to be scheduled, which could need the very thread the visitor holds. Otherwise it asks the
/// call's thread: every wait checks for a visitor, and a blocked call asked to close throws
/// ``RingMQError/socketClosed`` and leaves, while one asked for statistics answers and goes on
/// waiting. A call that is not waiting finishes soon, and the visitor naps until it has.
///
/// The announcement and the check each call makes are the two halves of a Dekker handshake:
/// the visitor stores, fences and looks at ``activity``; the call stores ``activity`` and
/// looks for a visitor. With membarrier(2) the visitor's fence is the expensive one, so a
/// call pays no fence instruction, as with the pipes' publish (``Fence``). Without it, the
/// byte keeps ``Visit/fenceNeeded`` set, so that every call's look finds it non-zero and
/// fences on its slow path: the fast path stays one load and one branch in every mode.
extension Socket {
    /// What a visitor came for, in the low bits of ``visitor``.
    enum Visit: UInt8 {
        /// Statistics the socket's thread has answered: nothing left for it to do.
        case answered = 1
        /// Statistics wanted.
        case statistics = 2
        /// `close()` wanted: a call in progress throws ``RingMQError/socketClosed``.
        case close = 3

        /// The bit that sends every call to the fence when membarrier is unavailable.
        static let fenceNeeded: UInt8 = 0x80
        /// The bit that sends every call of a controlled run's socket to its scheduling point
        /// (``ScheduleController``): the same load and branch as the visitor check, so the
        /// hook costs other sockets nothing.
        static let controlled: UInt8 = 0x40
        /// The byte with no visitor in, on a socket of an uncontrolled context.
        static let none: UInt8 = Fence.isAsymmetric ? 0 : fenceNeeded

        /// The purpose in `byte` (a raw value, 0 for none), without the mode bits.
        @inline(__always)
        static func purpose(_ byte: UInt8) -> UInt8 { byte & ~(fenceNeeded | controlled) }

        /// The byte with no visitor in, for a socket of a context controlled or not.
        static func atRest(controlled: Bool) -> UInt8 {
            none | (controlled ? Visit.controlled : 0)
        }
    }

    /// Whether the socket belongs to a controlled run (``ScheduleController``).
    var isControlled: Bool {
        visitor.pointee.load(ordering: .relaxed) & Visit.controlled != 0
    }

    /// The visitor byte with no visitor in: the socket's mode bits.
    private var visitorAtRest: UInt8 {
        Visit.atRest(controlled: context.controller != nil)
    }

    /// Whether a visitor waits for the socket's thread (a wait checks this, as it checks for
    /// a terminated context).
    @inline(__always)
    var visitorWaits: Bool {
        Visit.purpose(visitor.pointee.load(ordering: .acquiring)) >= Visit.statistics.rawValue
    }

    /// What the visitor in came for, if any.
    private var visitPurpose: Visit? {
        Visit(rawValue: Visit.purpose(visitor.pointee.load(ordering: .acquiring)))
    }

    /// Does `work` with the socket to itself, from any thread: at once if no call is in
    /// progress, otherwise once the call in progress has left, unless `answered` (asked after
    /// each wake-up) gives the result the socket's thread worked out meanwhile.
    func visit<Result>(_ purpose: Visit, _ work: () -> Result, answered: () -> Result?) -> Result {
        context.controller?.point(SchedulePoint(call: purpose == .close ? "close()" : "statistics", socket: self))
        return port.visits.withLock { visits in
            visits &+= 1
            port.visitAnswer.withLock { $0 = nil }  // one a late answer to the last visit left
            visitor.pointee.store(visitorAtRest | purpose.rawValue, ordering: .sequentiallyConsistent)
            if Fence.isAsymmetric {
                ringmq_membarrier()
            } else {
                atomicMemoryFence(ordering: .sequentiallyConsistent)
            }
            defer {
                visitor.pointee.store(visitorAtRest, ordering: .sequentiallyConsistent)
                port.visitDone.notify()
            }
            // A call that is not waiting ends without looking: nap, a little longer each time.
            var nap = Duration.microseconds(20)
            var notified = false
            while true {
                if visitPurpose == .answered, let result = answered() {
                    return result
                }
                let current = activity.pointee.load(ordering: .acquiring)
                if current == 0 { return work() }
                if current & Socket.parkedBit != 0, current & Socket.visitingBit == 0 {
                    let (claimed, _) = activity.pointee.compareExchange(
                        expected: current, desired: current | Socket.visitingBit, ordering: .acquiringAndReleasing)
                    guard claimed else { continue }
                    defer {
                        activity.pointee.store(current, ordering: .releasing)
                        port.visitDone.notify()
                    }
                    return work()
                }
                if !notified {
                    // Wakes a call blocked here (a thread, or a poller or proxy watching); one
                    // that blocks later sees the visitor when it looks, before it sleeps.
                    port.signal.notify()
                    notified = true
                }
                // No fence: a notify missed here costs one nap, not a lost wake-up.
                let key = Signal.register(port.visitDone.word)
                if activity.pointee.load(ordering: .acquiring) != current || visitPurpose == .answered {
                    Signal.cancelWait(port.visitDone.word, key: key)
                    continue
                }
                if let controller = context.controller,
                    controller.block(
                        word: port.visitDone.word, key: key,
                        reason:
                            "\(purpose == .close ? "close()" : "statistics") waiting for \(callInProgress) to leave",
                        ready: {
                            activity.pointee.load(ordering: .acquiring) != current || visitPurpose == .answered
                        })
                {
                    Signal.cancelWait(port.visitDone.word, key: key)
                    continue
                }
                Signal.wait(port.visitDone.word, key: key, timeout: nap)
                nap = min(nap * 2, .milliseconds(1))
            }
        }
    }

    /// Does what a waiting visitor asks, on the socket's own thread from inside a call: throws
    /// ``RingMQError/socketClosed`` for a close (the visitor closes once the call has left);
    /// answers a request for statistics.
    @inline(never)
    func serveVisitor() throws {
        switch visitPurpose {
        case .close:
            throw RingMQError.socketClosed
        case .statistics:
            let answer = currentStatistics()
            port.visitAnswer.withLock { $0 = answer }
            // Only if the visitor still waits: one that worked on this socket while the call
            // was parked may have left, and a byte left at "answered" would hold every call.
            _ = visitor.pointee.compareExchange(
                expected: visitorAtRest | Visit.statistics.rawValue, desired: visitorAtRest | Visit.answered.rawValue,
                ordering: .sequentiallyConsistent)
            port.visitDone.notify()
        case .answered, nil:
            return
        }
    }

    /// Bit of ``activity``: the call in progress is a task parked between two looks.
    static let parkedBit: UInt8 = 0x40
    /// Bit of ``activity``: a visitor works on the socket while the call is parked.
    static let visitingBit: UInt8 = 0x20

    /// Marks the call in progress as parked: its task has made its last look and suspends, and
    /// runs no socket code until ``unmarkParked()``. A visitor may work on the socket meanwhile.
    func markParked() {
        activity.pointee.store(activity.pointee.load(ordering: .relaxed) | Socket.parkedBit, ordering: .releasing)
    }

    /// Ends ``markParked()`` once the task runs again: waits for a visitor working on the
    /// socket to finish (the length of a close or a look at the counters).
    func unmarkParked() {
        while true {
            let current = activity.pointee.load(ordering: .acquiring)
            if current & Socket.visitingBit == 0 {
                let (unmarked, _) = activity.pointee.compareExchange(
                    expected: current, desired: current & ~Socket.parkedBit, ordering: .acquiringAndReleasing)
                if unmarked { return }
                continue
            }
            Waiter.sleep(
                on: port.visitDone, controller: context.controller,
                reason: "\(callInProgress) waiting for a visitor to leave"
            ) { activity.pointee.load(ordering: .acquiring) & Socket.visitingBit == 0 }
        }
    }
}
