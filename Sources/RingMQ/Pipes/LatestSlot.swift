import Synchronization

/// The newest-message cell of a conflating ``Pipe`` (`conflate`): each message written replaces
/// the one the reader has not taken yet, so the reader only ever sees the newest and the pipe
/// holds one message at most, however slowly it is read. A multipart message is one message.
///
/// A triple buffer: three message slots and one atomic word naming the middle slot, with a
/// "fresh" bit when it holds a message nobody took. The writer fills its own back slot and
/// swaps it into the middle; the reader swaps its empty front slot in to take a fresh middle.
/// Neither side waits or allocates, and a replaced message is destroyed by the writer, which
/// swapped it out. Each side's slot index lives in its own pipe state (``PipeWriterState/back``,
/// ``PipeReaderState/front``).
///
/// Lives in its own block of the pipe's memory (``PipeLayout/latestOffset``): a pipe that never
/// conflates never touches it.
struct LatestSlot {
    let base: UnsafeMutableRawPointer

    /// The middle slot holds a message nobody has taken.
    static let fresh: UInt = 4
    static let indexMask: UInt = 3
    /// Where the writer's and the reader's own slots start (the middle one is slot 0).
    static let initialBack = 1
    static let initialFront = 2
    private static let slotsOffset = 32

    init(pipe base: UnsafeMutableRawPointer) {
        self.base = base + PipeLayout.latestOffset
    }

    @inline(__always)
    private var middle: UnsafeMutablePointer<Atomic<UInt>> {
        base.assumingMemoryBound(to: Atomic<UInt>.self)
    }

    @inline(__always)
    private var slots: UnsafeMutablePointer<Message> {
        (base + Self.slotsOffset).assumingMemoryBound(to: Message.self)
    }

    /// Lays out an empty cell in the pipe's memory.
    static func initialize(pipe base: UnsafeMutableRawPointer) {
        assert(slotsOffset + 3 * MemoryLayout<Message>.stride <= PipeLayout.latestByteCount)
        let cell = base + PipeLayout.latestOffset
        cell.bindMemory(to: Atomic<UInt>.self, capacity: 1).initialize(to: Atomic(0))
        (cell + slotsOffset).bindMemory(to: Message.self, capacity: 3)
    }

    /// Destroys the message nobody took, if any. When neither side uses the pipe any more.
    func deinitialize() {
        let word = middle.pointee.load(ordering: .acquiring)
        if word & Self.fresh != 0 { slots.advanced(by: Int(word & Self.indexMask)).deinitialize(count: 1) }
        middle.deinitialize(count: 1)
    }

    /// Writer: makes `message` the newest, destroying the one it replaces. `back` is the
    /// writer's empty slot, and is again after the call.
    func put(_ message: consuming Message, back: inout Int) {
        slots.advanced(by: back).initialize(to: message)
        // Sequentially consistent read-modify-write: the writer's half of the eventcount
        // handshake (see ``Signal``) whatever ``Fence`` mode the process is in; acquiring, so
        // that a slot the reader handed back is seen emptied.
        let old = middle.pointee.exchange(UInt(back) | Self.fresh, ordering: .sequentiallyConsistent)
        back = Int(old & Self.indexMask)
        if old & Self.fresh != 0 {
            // The reader never took it: replaced.
            slots.advanced(by: back).deinitialize(count: 1)
        }
    }

    /// Reader: takes the newest message, if one is waiting. `front` is the reader's empty
    /// slot, and is again after the call.
    func take(front: inout Int) -> Message? {
        // Sequentially consistent: this load is the re-check of a reader about to sleep.
        guard middle.pointee.load(ordering: .sequentiallyConsistent) & Self.fresh != 0 else { return nil }
        // Only the reader clears the fresh bit, so the word swapped out still has it.
        let old = middle.pointee.exchange(UInt(front), ordering: .acquiringAndReleasing)
        front = Int(old & Self.indexMask)
        return slots.advanced(by: front).move()
    }

    /// Whether a message is waiting.
    var hasMessage: Bool {
        middle.pointee.load(ordering: .sequentiallyConsistent) & Self.fresh != 0
    }
}
