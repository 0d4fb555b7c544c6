import Synchronization

/// The conflating side of the pipe ends (`conflate`): the writer replaces the newest message in
/// the pipe's ``LatestSlot`` and never waits; the reader takes the newest.
///
/// A pipe conflates from its creation, or from when the socket at one end asks
/// (``PipeWriter/startConflating()``, ``PipeReader/startConflating()``: the option was set, or
/// a conflating socket bound after its peer connected). That end switches at once; the other
/// when it next looks at the shared flag (the writer when the queue looks full or it needs a new
/// chunk; the reader whenever it has read all it knew of). Until the writer switches, it
/// still fills the queue, and the reader drains that to its newest; everything in the queue is
/// older than what the writer puts in the slot afterwards.
extension PipeWriter {
    /// Writer: makes `message` the newest, replacing the one the reader has not taken.
    @inline(never)
    func replaceNewest(_ message: consuming Message) {
        let s = state
        LatestSlot(pipe: base).put(message, back: &s.pointee.back)
        if let wake = s.pointee.readerWake {
            Signal.notifyIfWaiting(wake)
        } else {
            notifyReaderSlow()
        }
    }

    /// Writer: conflates from now on, as this writer's own socket asks.
    func startConflating() {
        shared.pointee.conflating.store(true, ordering: .sequentiallyConsistent)
        _ = switchToConflating()
    }

    /// Writes go to the slot from now on; returns whether there is room, which there is unless
    /// a test fault (`peersLookFull`) set the limit to 0.
    func switchToConflating() -> Bool {
        let s = state
        if !s.pointee.conflating {
            s.pointee.conflating = true
            // Tells the reader, in the count it reloads whenever it catches up; the queue
            // keeps what it holds (all older than what goes in the slot from now on).
            published.pointee.store(s.pointee.written | PipeLayout.conflatingBit, ordering: .sequentiallyConsistent)
        }
        guard s.pointee.limitSeen != 0 else { return false }
        s.pointee.limitSeen = Pipe.unbounded
        return true
    }

    /// Whether the pipe conflates (off the message path).
    var conflates: Bool {
        state.pointee.conflating || shared.pointee.conflating.load(ordering: .acquiring)
    }
}

extension PipeReader {
    /// Reader: conflates from now on, as this reader's own socket asks; the next read drains
    /// the queue to its newest message. Wakes a writer waiting for room: it has some now.
    func startConflating() {
        shared.pointee.conflating.store(true, ordering: .sequentiallyConsistent)
        state.pointee.conflating = true
        // Forget what was known to be queued, so the next read takes the slow path.
        state.pointee.writtenSeen = state.pointee.read
        if let word = UnsafeMutablePointer<Atomic<UInt32>>(
            bitPattern: shared.pointee.writerWake.load(ordering: .acquiring))
        {
            Signal.notify(word)
        }
    }

    /// Reader of a conflating pipe: the newest message, from the slot, else the newest left in
    /// the queue (written before the writer switched). The queue is emptied either way.
    @inline(never)
    func readNewest() -> Message? {
        let s = state
        if let newest = LatestSlot(pipe: base).take(front: &s.pointee.front) {
            // The writer filled the queue before it switched, so all of it is older: drop it.
            _ = drainQueue()
            return newest
        }
        return drainQueue()
    }

    /// Whether a read of the conflating pipe would return a message.
    func hasNewest() -> Bool {
        LatestSlot(pipe: base).hasMessage
            // Sequentially consistent: this load is the re-check of a reader about to sleep.
            || writtenCount.pointee.load(ordering: .sequentiallyConsistent) & ~PipeLayout.conflatingBit
                != state.pointee.read
    }

    /// Empties the queue, returning its newest message. The reader's view of what is written
    /// stays at what it has read, so that every read of a conflating pipe comes here.
    private func drainQueue() -> Message? {
        let s = state
        let written = writtenCount.pointee.load(ordering: .sequentiallyConsistent) & ~PipeLayout.conflatingBit
        guard written != s.pointee.read else { return nil }
        var newest = moveOldest()
        while s.pointee.read != written { newest = moveOldest() }
        s.pointee.writtenSeen = written
        // Room for a writer that has not switched yet.
        publishProgress()
        return newest
    }
}
