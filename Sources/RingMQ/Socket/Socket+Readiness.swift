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
    /// flag set, and the wait would go round without sleeping. A notify of one of `extra`
    /// (a steerable proxy's own signal) wakes the wait too.
    static func waitUntil(
        _ sockets: [Socket], also extra: [Signal] = [], deadline: Deadline, call: String,
        ready: () throws -> Bool
    ) throws -> Bool {
        let signals = sockets.map(\.port.signal)
        let found = try Waiter.wait(
            on: signals[0], also: Array(signals.dropFirst()) + extra, deadline: deadline,
            spin: SpinPolicy(expectingReply: false), controlled: { sockets[0].isControlled },
            call: { call }, waiter: { describe(call, sockets) }, blocked: { describe(call, sockets) },
            hasNews: { sockets.contains { $0.port.mailbox.hasCommands || $0.visitorWaits } }
        ) {
            try ready() ? true : nil
        }
        return found ?? false
    }

    /// "`call` on a PULL socket (…), a PUSH socket (…)", for reports about a stuck wait.
    static func describe(_ call: String, _ sockets: [Socket]) -> String {
        "\(call) on a " + sockets.map(\.endpointDescription).joined(separator: ", a ")
    }
}
