/// Asking a poll's result about one socket, instead of matching its items by identity.
///
/// ```swift
/// let ready = try poller.poll(timeout: .seconds(1))
/// if ready.isReadable(frontend) { … }
/// ```
extension Array where Element == Poller.Item {
    /// The events `socket` is ready for in this result; empty when it is not in it (not
    /// ready, or not polled).
    public func events(for socket: Socket) -> Poller.Events {
        first { $0.socket === socket }?.events ?? []
    }

    /// Whether this result reports `socket` readable: a receive would find a message.
    public func isReadable(_ socket: Socket) -> Bool {
        events(for: socket).contains(.readable)
    }

    /// Whether this result reports `socket` writable: a send would not wait.
    public func isWritable(_ socket: Socket) -> Bool {
        events(for: socket).contains(.writable)
    }
}
