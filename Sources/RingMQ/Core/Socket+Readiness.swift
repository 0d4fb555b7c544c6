import Synchronization

/// Waiting on several sockets at once, for the proxy (and pollers).
///
/// The thread sleeps on the first socket's signal and registers as a waiter on the others,
/// naming the first as their watcher (see ``Signal``): whatever wakes any of them wakes the
/// sleeper. Registration, then a re-check of every socket, then sleep: the same handshake as a
/// single socket's wait, so no message that arrives meanwhile is missed.
extension Socket {
    /// Waits until one of `readable` has something to receive (`true`), or the deadline passes
    /// (`false`). `others` are only watched for termination of their context.
    ///
    /// - Throws: ``RingMQError/terminated`` when the context of any of the sockets terminates.
    static func waitUntilAnyReadable(_ readable: [Socket], others: [Socket] = [], deadline: Deadline) throws -> Bool {
        let sockets = readable + others
        var spin = SpinPolicy(expectingReply: false)
        while true {
            if try anyReadable(readable, others: others) { return true }
            if spin.pause() { continue }
            let home = sockets[0].port.signal.word
            let homeKey = Signal.register(home)
            var keys: [UInt32] = []
            for socket in sockets.dropFirst() {
                let word = socket.port.signal.word
                SignalCells.watcher(of: word).pointee.store(UInt(bitPattern: home), ordering: .releasing)
                keys.append(Signal.register(word))
            }
            Signal.fenceAfterRegistering()
            defer {
                for (socket, key) in zip(sockets.dropFirst(), keys) {
                    let word = socket.port.signal.word
                    Signal.cancelWait(word, key: key)
                    SignalCells.watcher(of: word).pointee.store(0, ordering: .releasing)
                }
            }
            let ready = try sockets.contains { $0.port.mailbox.hasCommands } || anyReadable(readable, others: others)
            let remaining = deadline.remaining
            if ready || (remaining.map { $0 <= .zero } ?? false) {
                Signal.cancelWait(home, key: homeKey)
                if ready { return true }
                return false
            }
            Signal.wait(home, key: homeKey, timeout: remaining)
        }
    }

    private static func anyReadable(_ readable: [Socket], others: [Socket]) throws -> Bool {
        for socket in others where socket.context.isTerminated { throw RingMQError.terminated }
        for socket in readable {
            if socket.context.isTerminated { throw RingMQError.terminated }
            if socket.hasIncoming() { return true }
        }
        return false
    }
}
