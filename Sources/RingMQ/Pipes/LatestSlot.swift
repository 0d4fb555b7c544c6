import Synchronization

/// A one-message mailbox from a publisher to a conflating subscriber (a SUB with `conflate` on):
/// each message replaces the one before, so the subscriber only ever sees the newest and
/// memory stays at one message, however slowly it reads.
///
/// Used instead of a ``Pipe`` for the publisher → subscriber direction of a connection made
/// while the subscriber has `conflate` set. Costs an allocation per message, which is what
/// "latest value" consumers trade for never reading stale data.
///
/// `@unchecked Sendable`: the cell is atomic; the boxed messages are immutable and handed
/// over whole by the exchange.
final class LatestSlot: @unchecked Sendable {
    private final class Box {
        let message: Message
        init(_ message: Message) { self.message = message }
    }

    /// `Unmanaged<Box>` bits, or 0 when empty.
    private let cell = Atomic<UInt>(0)
    /// The subscriber's signal, woken after each put.
    private let readerWake: UnsafeMutablePointer<Atomic<UInt32>>
    private let reader: Signal

    init(reader: Signal) {
        self.reader = reader
        self.readerWake = reader.word
    }

    deinit {
        if let old = UnsafeRawPointer(bitPattern: cell.load(ordering: .acquiring)) {
            Unmanaged<Box>.fromOpaque(old).release()
        }
    }

    /// Replaces whatever is waiting with `message` and wakes the reader if it sleeps.
    func put(_ message: Message) {
        let box = Unmanaged.passRetained(Box(message))
        // Sequentially consistent read-modify-write: the writer's half of the eventcount
        // handshake (see ``Signal``), whatever ``Fence`` mode the process is in.
        let old = cell.exchange(UInt(bitPattern: box.toOpaque()), ordering: .sequentiallyConsistent)
        if let old = UnsafeRawPointer(bitPattern: old) { Unmanaged<Box>.fromOpaque(old).release() }
        Signal.notifyIfWaiting(readerWake)
    }

    /// Takes the waiting message, if any.
    func take() -> Message? {
        guard cell.load(ordering: .sequentiallyConsistent) != 0,
              let taken = UnsafeRawPointer(bitPattern: cell.exchange(0, ordering: .acquiringAndReleasing))
        else { return nil }
        return Unmanaged<Box>.fromOpaque(taken).takeRetainedValue().message
    }

    /// Whether a message is waiting.
    var hasMessage: Bool { cell.load(ordering: .sequentiallyConsistent) != 0 }
}
