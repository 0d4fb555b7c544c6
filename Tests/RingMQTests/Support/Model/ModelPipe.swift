import RingMQ

/// The reference model's queue between two sockets: a plain array, with the high-water mark
/// rule of Docs/Semantics.md ("a pipe holds the writer's send HWM plus the reader's receive
/// HWM messages; 0 on either side: no limit").
///
/// The one thing the model cannot know exactly is how far the *writer* sees the reader's
/// progress: the reader publishes it "at least every half queue (64 messages at most) and
/// whenever it finds the queue empty". So the model keeps a lower bound of what was
/// published (`publishedAtLeast`) beside the exact count read, and a question whose answer
/// depends on the difference is reported as ambiguous rather than guessed. The test's
/// high-water marks (1, 2, 1000, 0) keep every answer exact: a queue of 2 or 3 publishes after
/// every read, and a queue of 1000 or more (or unlimited) is never near full.
final class ModelPipe {
    let id: Int
    private(set) var messages: [Message] = []
    /// `nil`: no limit.
    var limit: Int?
    private(set) var written = 0
    private(set) var read = 0
    /// What the writer may have seen read: at least this, at most `read`.
    private(set) var publishedAtLeast = 0

    init(id: Int, limit: Int?) {
        self.id = id
        self.limit = limit
    }

    /// ZeroMQ's inproc rule, `nil` (no limit) when either side is 0. A side not known yet
    /// (connect before bind) adds nothing.
    static func limit(writerSend: Int?, readerReceive: Int?) -> Int? {
        if writerSend == 0 || readerReceive == 0 { return nil }
        return (writerSend ?? 0) + (readerReceive ?? 0)
    }

    var count: Int { messages.count }
    var isEmpty: Bool { messages.isEmpty }

    /// The documented bound on unpublished progress: half the queue, 64 at most.
    private var batch: Int {
        guard let limit else { return 64 }
        return max(1, min(limit / 2, 64))
    }

    /// Whether the writer sees room for one more message; `nil` when that depends on progress
    /// the reader may not have published yet.
    func hasRoom() -> Bool? {
        guard let limit else { return true }
        if written - publishedAtLeast < limit { return true }
        if written - read >= limit { return false }
        return nil
    }

    func write(_ message: Message) {
        messages.append(message)
        written += 1
    }

    /// Takes the oldest message; an empty queue, or taking the last message, publishes.
    func take() -> Message? {
        guard !messages.isEmpty else {
            publishedAtLeast = read
            return nil
        }
        let message = messages.removeFirst()
        read += 1
        publishedAtLeast = messages.isEmpty ? read : max(publishedAtLeast, read - batch + 1)
        return message
    }

    /// What the writer counts as queued (``SocketStatistics/queuedOut``): exactly `count`,
    /// plus up to what is read but maybe not yet published.
    var queuedOutRange: ClosedRange<Int> {
        count...(written - publishedAtLeast)
    }
}

/// Round-robin over the outbound pipes with room (PUSH, PAIR, DEALER, REQ): message k goes to
/// the pipe after the one message k − 1 went to, skipping full ones. A new pipe joins the
/// rotation at the end; when one leaves, the turn passes to the pipe after it.
struct ModelLoadBalancer {
    private(set) var pipes: [ModelPipe] = []
    private var next = 0

    mutating func add(_ pipe: ModelPipe) {
        pipes.append(pipe)
    }

    mutating func remove(_ pipe: ModelPipe) {
        guard let index = pipes.firstIndex(where: { $0 === pipe }) else { return }
        pipes.remove(at: index)
        if next > index { next -= 1 }
        if next >= pipes.count { next = 0 }
    }

    mutating func removeAll() {
        pipes = []
        next = 0
    }

    /// The next pipe in turn with room, advancing the turn past it; `nil` when none has room.
    mutating func pickWritable() throws(ModelAmbiguity) -> ModelPipe? {
        var index = next
        for _ in pipes.indices {
            let pipe = pipes[index]
            index = index + 1 == pipes.count ? 0 : index + 1
            guard let room = pipe.hasRoom() else { throw ModelAmbiguity(pipe: pipe.id) }
            if room {
                next = index
                return pipe
            }
        }
        return nil
    }

    /// The next pipe in turn, full or not (a closing sender's last resort).
    mutating func pickNext() -> ModelPipe? {
        guard !pipes.isEmpty else { return nil }
        if next >= pipes.count { next = 0 }
        let pipe = pipes[next]
        next = next + 1 == pipes.count ? 0 : next + 1
        return pipe
    }
}

/// Fair-queueing over the inbound pipes (PULL, PAIR, SUB, DEALER, REQ, REP): after a message
/// from one pipe, the next pipe is tried first. A pipe whose writer has gone stays until it is
/// found empty, so everything sent before leaving is still read.
struct ModelFairQueue {
    private(set) var pipes: [(pipe: ModelPipe, detached: Bool)] = []
    private var next = 0

    mutating func add(_ pipe: ModelPipe) {
        pipes.append((pipe, false))
    }

    mutating func markDetached(_ pipe: ModelPipe) {
        guard let index = pipes.firstIndex(where: { $0.pipe === pipe }) else { return }
        pipes[index].detached = true
    }

    /// Drops the pipe with what it holds (this socket disconnected).
    mutating func remove(_ pipe: ModelPipe) {
        guard let index = pipes.firstIndex(where: { $0.pipe === pipe }) else { return }
        removeEntry(at: index)
    }

    mutating func removeAll() {
        pipes = []
        next = 0
    }

    private mutating func removeEntry(at index: Int) {
        pipes.remove(at: index)
        if next > index { next -= 1 }
        if next >= pipes.count { next = 0 }
    }

    var queuedCount: Int { pipes.reduce(0) { $0 + $1.pipe.count } }

    /// The next message in turn, and the pipe it came from.
    mutating func take() -> (message: Message, source: ModelPipe)? {
        var checked = 0
        while checked < pipes.count {
            let index = next
            let pipe = pipes[index].pipe
            if let message = pipe.take() {
                next = index + 1 == pipes.count ? 0 : index + 1
                return (message, pipe)
            }
            if pipes[index].detached {
                removeEntry(at: index)
                continue
            }
            next = index + 1 == pipes.count ? 0 : index + 1
            checked += 1
        }
        return nil
    }
}

/// The model cannot tell whether `pipe` has room (see ``ModelPipe``): a limit of the test
/// that should not happen, reported as a failure of the test rather than of the library.
struct ModelAmbiguity: Error {
    let pipe: Int
}
