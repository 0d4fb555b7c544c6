import Synchronization

/// A one-way, single-producer single-consumer, lock-free message queue between two sockets.
///
/// The queue is a linked list of ``Chunk``s. The writer fills slots and publishes the number
/// of messages written; the reader empties slots and publishes the number read. Each side
/// keeps a private cached copy of the other's count and reloads it only when its cached view
/// says "full" or "empty", so in steady state each side writes only its own cache line.
/// A chunk the reader has finished goes onto a free-chunk stack, which the writer empties
/// before it allocates: the pipe keeps as many chunks as it ever had in flight, and in steady
/// state no message costs an allocation.
///
/// The capacity limit counts whole messages (a multipart message is one slot). It may grow
/// while the pipe is in use: a connect-before-bind pipe starts at the writer's send HWM and
/// gains the reader's receive HWM when the bind happens.
///
/// A conflating pipe (`conflate`) holds only the newest message instead, in a ``LatestSlot``:
/// the writer never waits and the reader gets the newest. A pipe may start conflating while in
/// use, when one side's socket asks; the other side switches when it next looks (see
/// `PipeEnds+Conflate.swift`), and the reader drains what the queue still holds to its newest.
///
/// The `Pipe` object owns the memory; the hot path uses ``PipeWriter`` and ``PipeReader``,
/// trivial structs of raw pointers, so neither side touches the object's reference count.
///
/// `@unchecked Sendable`: after `init`, the writer state is touched only by the writing
/// socket's thread and the reader state only by the reading socket's thread; what they share is
/// atomic. `deinit` runs when neither side holds the pipe any longer.
final class Pipe: @unchecked Sendable {
    /// Marks "no limit" in the limit word.
    static let unbounded = UInt64.max

    private let base: UnsafeMutableRawPointer
    private let lifetime = Locked<[Signal]>([])

    var writer: PipeWriter { PipeWriter(base: base) }
    var reader: PipeReader { PipeReader(base: base) }

    /// Creates an empty pipe holding at most `limit` messages (``Pipe/unbounded`` for no limit),
    /// or, `conflating`, only the newest message.
    init(limit: UInt64, conflating: Bool = false) {
        base = .allocate(byteCount: PipeLayout.byteCount, alignment: PipeLayout.alignment)
        let first = Chunk.allocate()
        let writerState = (base + PipeLayout.writerOffset).bindMemory(to: PipeWriterState.self, capacity: 1)
        writerState.initialize(to: PipeWriterState(chunk: first, limit: limit, conflating: conflating))
        let readerState = (base + PipeLayout.readerOffset).bindMemory(to: PipeReaderState.self, capacity: 1)
        readerState.initialize(to: PipeReaderState(chunk: first, limit: limit))
        let shared = (base + PipeLayout.sharedOffset).bindMemory(to: PipeSharedState.self, capacity: 1)
        shared.initialize(to: PipeSharedState(limit: limit, conflating: conflating))
        LatestSlot.initialize(pipe: base)
        (base + PipeLayout.writtenOffset).bindMemory(to: Atomic<UInt64>.self, capacity: 1)
            .initialize(to: Atomic(conflating ? PipeLayout.conflatingBit : 0))
        (base + PipeLayout.readOffset).bindMemory(to: Atomic<UInt64>.self, capacity: 1).initialize(to: Atomic(0))
    }

    deinit {
        let writerState = (base + PipeLayout.writerOffset).assumingMemoryBound(to: PipeWriterState.self)
        let readerState = (base + PipeLayout.readerOffset).assumingMemoryBound(to: PipeReaderState.self)
        let shared = (base + PipeLayout.sharedOffset).assumingMemoryBound(to: PipeSharedState.self)
        // Destroy the messages nobody read, then every chunk from the reader's to the writer's.
        var chunk = readerState.pointee.chunk
        var slot = readerState.pointee.slot
        var left = writerState.pointee.written &- readerState.pointee.read
        while left > 0 {
            Chunk.slots(chunk).advanced(by: slot).deinitialize(count: 1)
            left -= 1
            slot += 1
            if slot == Chunk.capacity, let next = Chunk.next(chunk) {
                Chunk.deallocate(chunk)
                chunk = next
                slot = 0
            }
        }
        while let next = Chunk.next(chunk), chunk != writerState.pointee.chunk {
            Chunk.deallocate(chunk)
            chunk = next
        }
        Chunk.deallocate(chunk)
        LatestSlot(pipe: base).deinitialize()
        Chunk.deallocateList(writerState.pointee.freeChunks)
        Chunk.deallocateList(UnsafeMutableRawPointer(bitPattern: shared.pointee.freeChunks.load(ordering: .acquiring)))
        writerState.deinitialize(count: 1)
        readerState.deinitialize(count: 1)
        shared.deinitialize(count: 1)
        (base + PipeLayout.writtenOffset).assumingMemoryBound(to: Atomic<UInt64>.self).deinitialize(count: 1)
        (base + PipeLayout.readOffset).assumingMemoryBound(to: Atomic<UInt64>.self).deinitialize(count: 1)
        base.deallocate()
    }

    /// Names the signal to notify when a message arrives (the reading socket's).
    func attachReader(_ signal: Signal) {
        lifetime.withLock { $0.append(signal) }
        shared.pointee.readerWake.store(UInt(bitPattern: signal.word), ordering: .releasing)
    }

    /// Names the signal to notify when room is freed (the writing socket's).
    func attachWriter(_ signal: Signal) {
        lifetime.withLock { $0.append(signal) }
        shared.pointee.writerWake.store(UInt(bitPattern: signal.word), ordering: .releasing)
    }

    /// Replaces the limit (used when a pending connection forms and the reader's HWM joins).
    func setLimit(_ limit: UInt64) {
        shared.pointee.limit.store(limit, ordering: .releasing)
        // A writer waiting for room may now have some.
        if let word = UnsafeMutablePointer<Atomic<UInt32>>(
            bitPattern: shared.pointee.writerWake.load(ordering: .acquiring))
        {
            Signal.notify(word)
        }
    }

    private var shared: UnsafeMutablePointer<PipeSharedState> {
        (base + PipeLayout.sharedOffset).assumingMemoryBound(to: PipeSharedState.self)
    }
}

/// Where each part of a pipe's state lives: each on its own pair of cache lines (128 bytes,
/// because x86's adjacent-line prefetcher pulls lines in pairs).
///
/// The published counts sit apart from the private state of the side that writes them: the
/// other side polls a count while it waits, and each poll would otherwise pull the owner's
/// private fields away from it too.
enum PipeLayout {
    static let alignment = 128
    static let writerOffset = 0
    static let writtenOffset = 128
    static let readerOffset = 256
    static let readOffset = 384
    static let sharedOffset = 512
    /// The ``LatestSlot`` of a conflating pipe.
    static let latestOffset = 640
    static let latestByteCount = 128
    static let byteCount = 768
    /// Set in the writer's published count once the writer conflates: the reader learns it
    /// from the word it reloads anyway, never from the shared line (which both sides write).
    static let conflatingBit: UInt64 = 1 << 63
}

/// State only the writing socket's thread touches.
struct PipeWriterState: ~Copyable {
    var chunk: UnsafeMutableRawPointer
    var slot = 0
    var written: UInt64 = 0
    /// The reader's published count, as last seen.
    var readSeen: UInt64 = 0
    var limitSeen: UInt64
    /// The reading socket's signal, once known.
    var readerWake: UnsafeMutablePointer<Atomic<UInt32>>?
    /// ``Fence/isAsymmetric``, cached beside the data it guards.
    let asymmetric = Fence.isAsymmetric
    /// Writes replace the newest message in the ``LatestSlot``: the one test `write` adds, on
    /// the cache line of `chunk` and `slot`, which it reads anyway.
    var conflating: Bool
    /// Recycled chunks taken from the shared stack, linked through their `next` word.
    var freeChunks: UnsafeMutableRawPointer?
    /// The writer's empty slot of the ``LatestSlot``.
    var back = LatestSlot.initialBack

    init(chunk: UnsafeMutableRawPointer, limit: UInt64, conflating: Bool) {
        self.chunk = chunk
        self.conflating = conflating
        // A conflating writer always has room (`hasRoom` never reaches its slow path).
        self.limitSeen = conflating ? Pipe.unbounded : limit
    }
}

/// State only the reading socket's thread touches.
struct PipeReaderState: ~Copyable {
    var chunk: UnsafeMutableRawPointer
    var slot = 0
    var read: UInt64 = 0
    /// The writer's published count, as last seen.
    var writtenSeen: UInt64 = 0
    /// Progress is published at least every `batch` messages, and whenever the pipe is seen empty.
    var batch: UInt64
    var unpublished: UInt64 = 0
    /// The writing socket's signal, once known.
    var writerWake: UnsafeMutablePointer<Atomic<UInt32>>?
    /// ``Fence/isAsymmetric``, cached beside the data it guards.
    let asymmetric = Fence.isAsymmetric
    /// The reader's empty slot of the ``LatestSlot``.
    var front = LatestSlot.initialFront
    /// The pipe conflates, as the reader knows: it asked itself, or saw
    /// ``PipeLayout/conflatingBit`` in the writer's count.
    var conflating = false

    init(chunk: UnsafeMutableRawPointer, limit: UInt64) {
        self.chunk = chunk
        // Never hold back more than half the queue, and publish often enough to keep a
        // blocked writer moving.
        batch = limit == Pipe.unbounded ? 64 : max(1, min(limit / 2, 64))
    }
}

/// State both sides read; written rarely.
struct PipeSharedState: ~Copyable {
    let limit: Atomic<UInt64>
    /// Chunks the reader has finished: a stack linked through their `next` word (the head's
    /// address, or 0). The reader pushes one at a time; the writer takes the whole stack.
    let freeChunks = Atomic<UInt>(0)
    let readerWake = Atomic<UInt>(0)
    let writerWake = Atomic<UInt>(0)
    /// The pipe conflates: set once, never cleared. Read by the reader whenever it finds its
    /// queue empty, and by the writer whenever it finds it full or needs a new chunk.
    let conflating: Atomic<Bool>

    init(limit: UInt64, conflating: Bool) {
        self.limit = Atomic(limit)
        self.conflating = Atomic(conflating)
    }
}
