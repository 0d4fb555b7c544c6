import CRingMQShims
import Synchronization

/// The writing end of a ``Pipe``: used only by the writing socket's thread.
///
/// A trivial value (raw pointers only), so copying it or calling it costs no reference counting.
///
/// `@unchecked Sendable`: it moves to the reader's socket inside a mailbox command (under a
/// lock); after that only the socket using it touches it. The ``Pipe`` it points into is
/// kept alive by the socket's ``Attachment``.
struct PipeWriter: @unchecked Sendable {
    let base: UnsafeMutableRawPointer

    @inline(__always)
    var state: UnsafeMutablePointer<PipeWriterState> {
        (base + PipeLayout.writerOffset).assumingMemoryBound(to: PipeWriterState.self)
    }

    /// Messages written and visible to the reader (published by this side).
    @inline(__always)
    var published: UnsafeMutablePointer<Atomic<UInt64>> {
        (base + PipeLayout.writtenOffset).assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    /// Messages the reader has consumed, as it published them.
    @inline(__always)
    var readCount: UnsafeMutablePointer<Atomic<UInt64>> {
        (base + PipeLayout.readOffset).assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    @inline(__always)
    var shared: UnsafeMutablePointer<PipeSharedState> {
        (base + PipeLayout.sharedOffset).assumingMemoryBound(to: PipeSharedState.self)
    }

    /// Identifies the pipe.
    var id: PipeID { PipeID(address: base) }

    /// Whether one more message fits. Reloads the reader's progress only when the cached view
    /// says the pipe is full.
    @inline(__always)
    func hasRoom() -> Bool {
        let s = state
        if s.pointee.written &- s.pointee.readSeen < s.pointee.limitSeen { return true }
        return refreshRoom()
    }

    @inline(never)
    private func refreshRoom() -> Bool {
        let s = state
        // Sequentially consistent: this load is the re-check of a writer about to sleep.
        s.pointee.readSeen = readCount.pointee.load(ordering: .sequentiallyConsistent)
        s.pointee.limitSeen = shared.pointee.limit.load(ordering: .acquiring)
        if s.pointee.written &- s.pointee.readSeen < s.pointee.limitSeen { return true }
        // A pipe made to conflate never fills: switch, rather than wait for room.
        return (s.pointee.conflating || shared.pointee.conflating.load(ordering: .acquiring)) && switchToConflating()
    }

    /// Appends `message` (or, conflating, replaces the newest). The caller has checked
    /// ``hasRoom()``.
    @inline(__always)
    func write(_ message: consuming Message) {
        let s = state
        if s.pointee.conflating { return replaceNewest(message) }
        Chunk.slots(s.pointee.chunk).advanced(by: s.pointee.slot).initialize(to: message)
        s.pointee.slot &+= 1
        if s.pointee.slot == Chunk.capacity { advanceChunk() }
        s.pointee.written &+= 1
        // The writer's half of the eventcount handshake: publish, then look for a sleeper.
        Fence.publish(published.pointee, s.pointee.written, asymmetric: s.pointee.asymmetric)
        if let wake = s.pointee.readerWake {
            Signal.notifyIfWaiting(wake)
        } else {
            notifyReaderSlow()
        }
    }

    @inline(never)
    private func advanceChunk() {
        let s = state
        if s.pointee.freeChunks == nil {
            // Take every chunk the reader has recycled at once: with a single taker there is
            // no ABA problem.
            s.pointee.freeChunks = UnsafeMutableRawPointer(
                bitPattern: shared.pointee.freeChunks.exchange(0, ordering: .acquiring))
        }
        let next: UnsafeMutableRawPointer
        if let recycled = s.pointee.freeChunks {
            s.pointee.freeChunks = Chunk.next(recycled)
            next = recycled
        } else {
            next = Chunk.allocate()
        }
        Chunk.setNext(next, nil)
        // The link is written before the count that makes the chunk's last slot visible.
        Chunk.setNext(s.pointee.chunk, next)
        s.pointee.chunk = next
        s.pointee.slot = 0
        // A pipe made to conflate while in use: switch at least every chunk, even where the
        // limit is 0 and the queue never looks full.
        if shared.pointee.conflating.load(ordering: .relaxed) { _ = switchToConflating() }
    }

    @inline(never)
    func notifyReaderSlow() {
        guard
            let wake = UnsafeMutablePointer<Atomic<UInt32>>(
                bitPattern: shared.pointee.readerWake.load(ordering: .acquiring)
            )
        else { return }
        state.pointee.readerWake = wake
        Signal.notifyIfWaiting(wake)
    }

    /// Test support (the `peersLookFull` fault): replaces the limit, as seen by
    /// both this writer and the shared word, and returns the limit it replaced. Called on the
    /// writing socket's thread.
    func replaceLimit(with limit: UInt64) -> UInt64 {
        let previous = shared.pointee.limit.exchange(limit, ordering: .acquiringAndReleasing)
        state.pointee.limitSeen = limit
        return previous
    }

    /// Messages written and not yet seen read (an upper bound of what is queued); a conflating
    /// pipe's newest message counts as one.
    var queuedEstimate: UInt64 {
        let queued = state.pointee.written &- readCount.pointee.load(ordering: .relaxed)
        return LatestSlot(pipe: base).hasMessage ? queued + 1 : queued
    }
}

/// The reading end of a ``Pipe``: used only by the reading socket's thread.
///
/// `@unchecked Sendable`: as for ``PipeWriter``.
struct PipeReader: @unchecked Sendable {
    let base: UnsafeMutableRawPointer

    @inline(__always)
    var state: UnsafeMutablePointer<PipeReaderState> {
        (base + PipeLayout.readerOffset).assumingMemoryBound(to: PipeReaderState.self)
    }

    /// Messages consumed (published by this side).
    @inline(__always)
    var published: UnsafeMutablePointer<Atomic<UInt64>> {
        (base + PipeLayout.readOffset).assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    /// Messages the writer has made visible.
    @inline(__always)
    var writtenCount: UnsafeMutablePointer<Atomic<UInt64>> {
        (base + PipeLayout.writtenOffset).assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    @inline(__always)
    var shared: UnsafeMutablePointer<PipeSharedState> {
        (base + PipeLayout.sharedOffset).assumingMemoryBound(to: PipeSharedState.self)
    }

    /// Identifies the pipe.
    var id: PipeID { PipeID(address: base) }

    /// Whether a message is waiting. Reloads the writer's count only when the cached view is empty.
    @inline(__always)
    func hasMessage() -> Bool {
        let s = state
        if s.pointee.read != s.pointee.writtenSeen { return true }
        return refreshMessages()
    }

    @inline(never)
    private func refreshMessages() -> Bool {
        switch catchUp() {
        case .more: true
        case .empty: false
        case .conflating: hasNewest()
        }
    }

    /// Messages read so far: exact on the reading thread, or on a thread that took the pipe
    /// over from a reader that has stopped.
    var readCount: UInt64 {
        state.pointee.read
    }

    /// Messages written and not yet read; for a conflating pipe, 1 if a receive would get one.
    var queued: UInt64 {
        let written = writtenCount.pointee.load(ordering: .acquiring)
        let queued = (written & ~PipeLayout.conflatingBit) &- state.pointee.read
        guard
            state.pointee.conflating || written & PipeLayout.conflatingBit != 0
                || shared.pointee.conflating.load(ordering: .acquiring)
        else { return queued }
        return queued > 0 || LatestSlot(pipe: base).hasMessage ? 1 : 0
    }

    /// Removes and returns the oldest message (conflating: the newest), or `nil` when the pipe
    /// is empty.
    @inline(__always)
    func read() -> Message? {
        let s = state
        if s.pointee.read == s.pointee.writtenSeen {
            switch catchUp() {
            case .empty: return nil
            case .conflating: return readNewest()
            case .more: break
            }
        }
        return readNext()
    }

    /// What the reader finds when it has read all it knew of.
    enum CatchUp {
        case more, empty, conflating
    }

    /// The reader has read all it knew of: look again, unless the pipe conflates (its reader
    /// never knows of more than it has read, so always comes here, then takes the newest). A
    /// small answer rather than the message: returned in a register, so the common path
    /// stays as cheap as the reload it was before conflation.
    ///
    /// Whether the pipe conflates is in the reader's own state, or in the count it reloads
    /// here anyway (``PipeLayout/conflatingBit``): a load of the shared flag on every catch-up
    /// cost 4 % of `thr 8`, its line being written by both sides as chunks are recycled.
    @inline(never)
    private func catchUp() -> CatchUp {
        let s = state
        if s.pointee.conflating { return .conflating }
        // Sequentially consistent: this load is the re-check of a reader about to sleep.
        let written = writtenCount.pointee.load(ordering: .sequentiallyConsistent)
        if written & PipeLayout.conflatingBit != 0 {
            s.pointee.conflating = true
            return .conflating
        }
        s.pointee.writtenSeen = written
        if s.pointee.read != s.pointee.writtenSeen { return .more }
        // Seen empty: hand back any progress not yet published, so a writer can use the room.
        if s.pointee.unpublished > 0 { publishProgress() }
        return .empty
    }

    /// Removes the oldest message, known to be there.
    @inline(__always)
    private func readNext() -> Message {
        let s = state
        let message = moveOldest()
        if s.pointee.unpublished >= s.pointee.batch || s.pointee.read == s.pointee.writtenSeen {
            publishProgress()
        }
        return message
    }

    /// Moves the oldest message out of the queue, known to be there, without publishing.
    @inline(__always)
    func moveOldest() -> Message {
        let s = state
        let message = Chunk.slots(s.pointee.chunk).advanced(by: s.pointee.slot).move()
        s.pointee.slot &+= 1
        if s.pointee.slot == Chunk.capacity { advanceChunk() }
        s.pointee.read &+= 1
        s.pointee.unpublished &+= 1
        return message
    }

    @inline(never)
    private func advanceChunk() {
        let s = state
        let finished = s.pointee.chunk
        // The writer linked the next chunk before it published this chunk's last message.
        s.pointee.chunk = Chunk.next(finished)!
        s.pointee.slot = 0
        // Push the finished chunk for the writer to reuse.
        var head = shared.pointee.freeChunks.load(ordering: .relaxed)
        while true {
            Chunk.setNext(finished, UnsafeMutableRawPointer(bitPattern: head))
            let (exchanged, original) = shared.pointee.freeChunks.compareExchange(
                expected: head, desired: UInt(bitPattern: finished), ordering: .releasing)
            if exchanged { break }
            head = original
        }
    }

    @inline(never)
    func publishProgress() {
        let s = state
        s.pointee.unpublished = 0
        // The reader's half of the handshake with a writer waiting for room.
        Fence.publish(published.pointee, s.pointee.read, asymmetric: s.pointee.asymmetric)
        if s.pointee.writerWake == nil {
            s.pointee.writerWake = UnsafeMutablePointer(
                bitPattern: shared.pointee.writerWake.load(ordering: .acquiring))
        }
        if let wake = s.pointee.writerWake {
            Signal.notifyIfWaiting(wake)
        }
    }
}
