/// Round-robin over the inbound pipes that have messages (ZeroMQ's `fq_t`): PULL, PAIR,
/// DEALER, REQ, REP, ROUTER, SUB and XSUB.
///
/// After taking a message from one pipe it tries the next pipe first, so one busy writer
/// cannot starve the others. A pipe whose writer has gone stays until it is drained, so
/// everything the writer sent before leaving is still received.
struct FairQueue {
    private var pipes: [PipeReader] = []
    /// Parallel to `pipes`: the writer has gone; remove once empty.
    private var detached: [Bool] = []
    private var next = 0
    /// The one pipe, while there is exactly one and its writer is still there: the common
    /// case, read without touching the arrays.
    private var only: PipeReader?
    /// Pipes removed after draining, for the socket to release.
    private(set) var released: [PipeID] = []

    mutating func add(_ pipe: PipeReader) {
        pipes.append(pipe)
        detached.append(false)
        refreshOnly()
    }

    private mutating func refreshOnly() {
        only = pipes.count == 1 && !detached[0] ? pipes[0] : nil
    }

    /// Marks the pipe's writer as gone: it is dropped once drained.
    mutating func markDetached(_ id: PipeID) {
        guard let index = pipes.firstIndex(where: { $0.id == id }) else { return }
        detached[index] = true
        refreshOnly()
    }

    /// Drops the pipe at once, with whatever it still holds.
    mutating func remove(_ id: PipeID) {
        // A drained pipe may be listed as released still; its address may be reused by the
        // next pipe allocated, so it must not outlive this call.
        released.removeAll { $0 == id }
        guard let index = pipes.firstIndex(where: { $0.id == id }) else { return }
        removeEntry(at: index)
    }

    mutating func removeAll() {
        pipes.removeAll()
        detached.removeAll()
        released.removeAll()
        next = 0
        only = nil
    }

    mutating func takeReleased() -> [PipeID] {
        defer { released = [] }
        return released
    }

    private mutating func removeEntry(at index: Int) {
        pipes.remove(at: index)
        detached.remove(at: index)
        if next > index { next -= 1 }
        if next >= pipes.count { next = 0 }
        refreshOnly()
    }

    /// Messages waiting in all pipes.
    var queuedCount: Int {
        pipes.reduce(0) { $0 + Int($1.queued) }
    }

    /// Whether any pipe holds a message.
    func hasMessage() -> Bool {
        pipes.contains { $0.hasMessage() }
    }

    /// The next message in turn, or `nil` when no pipe has one.
    @inline(__always)
    mutating func read() -> Message? {
        if let only { return only.read() }
        return readInTurn()?.message
    }

    /// The next message in turn and the id of the pipe it came from (REQ, REP and ROUTER need
    /// to know the peer), or `nil` when no pipe has one.
    mutating func readTagged() -> (message: Message, source: PipeID)? {
        if let only { return only.read().map { ($0, only.id) } }
        return readInTurn()
    }

    private mutating func readInTurn() -> (message: Message, source: PipeID)? {
        var checked = 0
        while checked < pipes.count {
            let index = next
            if let message = pipes[index].read() {
                next = index + 1 == pipes.count ? 0 : index + 1
                return (message, pipes[index].id)
            }
            if detached[index] {
                released.append(pipes[index].id)
                removeEntry(at: index)
                continue
            }
            next = index + 1 == pipes.count ? 0 : index + 1
            checked += 1
        }
        return nil
    }
}
