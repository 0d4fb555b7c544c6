import Synchronization

/// Waiting on several sockets at once, for the proxy and the poller.
///
/// The thread sleeps on the first socket's signal and registers as a waiter on the others,
/// naming the first as their watcher (see ``Signal``): whatever wakes any of them wakes the
/// sleeper. Registration, then a re-check of every socket, then sleep: the same handshake as a
/// single socket's wait, so nothing that happens meanwhile is missed.
extension Socket {
    /// Waits until `ready()` is true (`true`), or the deadline passes (`false`). `ready` is
    /// re-checked after every wake-up of any of `sockets`; it throws to end the wait (for
    /// example ``RingMQError/terminated``). `ready` must apply the pending commands of every
    /// socket of `sockets` (``catchUp()``): a command left pending keeps the socket's mailbox
    /// flag set, and the wait would go round without sleeping.
    static func waitUntil(_ sockets: [Socket], deadline: Deadline, call: String,
                          ready: () throws -> Bool) throws -> Bool {
        var watch: ClockWatch?                 // made once the spin is over
        defer { watch?.finish() }
        var spin = SpinPolicy(expectingReply: false)
        while true {
            if try ready() { return true }
            if spin.pause() { continue }
            let clock = watch ?? ClockWatch(deadline, signal: sockets[0].port.signal, forTask: false)
            watch = clock
            let home = sockets[0].port.signal.word
            let homeKey = Signal.register(home)
            let keys = registerWatchers(sockets.dropFirst().map(\.port.signal), home: home)
            Signal.fenceAfterRegistering()
            defer { unregisterWatchers(sockets.dropFirst().map(\.port.signal), keys: keys) }
            let alarm = clock.arm(waking: sockets[0].port.signal, forTask: false)
            defer { alarm?.cancel() }
            let isReady = try ready()
            if isReady || deadline.hasPassed {
                Signal.cancelWait(home, key: homeKey)
                return isReady
            }
            // A command posted since `ready()` applied them: apply it and decide again. Never
            // report it as readiness, which would end the wait with nothing ready.
            if sockets.contains(where: { $0.port.mailbox.hasCommands }) {
                Signal.cancelWait(home, key: homeKey)
                continue
            }
            if !clock.sleep(key: homeKey) {
                Signal.cancelWait(home, key: homeKey)
                return false
            }
            Signal.wait(home, key: homeKey, timeout: clock.sleepLimit)
            // Expired by the clock while asleep: timed out, whatever is ready since.
            if !clock.wake() { return false }
            clock.checkSafetyLimit(describe(call, sockets))
        }
    }

    /// "`call` on a PULL socket (…), a PUSH socket (…)", for reports about a stuck wait.
    static func describe(_ call: String, _ sockets: [Socket]) -> String {
        "\(call) on a " + sockets.map(\.endpointDescription).joined(separator: ", a ")
    }

    /// Registers as a waiter on each of `signals`, naming `home` as the word to wake.
    static func registerWatchers(_ signals: [Signal], home: UnsafeMutablePointer<Atomic<UInt32>>) -> [UInt32] {
        signals.map { signal in
            SignalCells.watcher(of: signal.word).pointee.store(UInt(bitPattern: home), ordering: .releasing)
            return Signal.register(signal.word)
        }
    }

    /// Withdraws what ``registerWatchers(_:home:)`` did.
    static func unregisterWatchers(_ signals: [Signal], keys: [UInt32]) {
        for (signal, key) in zip(signals, keys) {
            Signal.cancelWait(signal.word, key: key)
            SignalCells.watcher(of: signal.word).pointee.store(0, ordering: .releasing)
        }
    }

    /// Whether one of `readable` has a message, after applying the pending commands of
    /// `others` too; throws ``RingMQError/terminated`` when the context of any socket of
    /// `readable` or `others` has terminated.
    static func anyReadable(_ readable: [Socket], others: [Socket]) throws -> Bool {
        for socket in others {
            if socket.context.isTerminated { throw RingMQError.terminated }
            socket.catchUp()
        }
        for socket in readable {
            if socket.context.isTerminated { throw RingMQError.terminated }
            if socket.hasIncoming() { return true }
        }
        return false
    }
}
