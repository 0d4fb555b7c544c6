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
        let signals = sockets.map(\.port.signal)
        let found = try Waiter.wait(on: signals[0], also: Array(signals.dropFirst()), deadline: deadline,
                                    spin: SpinPolicy(expectingReply: false),
                                    call: { call }, waiter: { describe(call, sockets) },
                                    hasNews: { sockets.contains { $0.port.mailbox.hasCommands } }) {
            try ready() ? true : nil
        }
        return found ?? false
    }

    /// "`call` on a PULL socket (…), a PUSH socket (…)", for reports about a stuck wait.
    static func describe(_ call: String, _ sockets: [Socket]) -> String {
        "\(call) on a " + sockets.map(\.endpointDescription).joined(separator: ", a ")
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
