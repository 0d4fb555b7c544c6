import Testing

@testable import RingMQ

/// A ``FairQueue`` over real pipes the test writes into with ``tagged(sender:sequence:)``
/// messages, the sender being the pipe's index.
private struct Queued {
    var queue = FairQueue()
    let pipes: [Pipe]

    init(count: Int) {
        pipes = (0..<count).map { _ in Pipe(limit: Pipe.unbounded) }
        for pipe in pipes { queue.add(pipe.reader) }
    }

    /// Writes `count` messages into pipe `index`, numbered on from what it holds already.
    func write(_ count: Int, into index: Int, from first: Int = 0) {
        for sequence in first..<(first + count) { pipes[index].writer.write(tagged(sender: index, sequence: sequence)) }
    }

    /// The (pipe, sequence) of the next `count` reads, or `nil` for a read that found nothing.
    mutating func read(_ count: Int) -> [String] {
        (0..<count).map { _ in
            guard let message = queue.read(), let tag = tag(of: message) else { return "nil" }
            return "\(tag.sender):\(tag.sequence)"
        }
    }

    var ids: [PipeID] { pipes.map(\.reader.id) }
}

/// ``FairQueue`` alone, on real pipes and one thread: one message from each pipe with one in
/// turn, wrapping around and skipping empty pipes; a pipe whose writer has gone is read to
/// the end, then released once, and only once; a removed pipe is gone at once.
@Suite(.runsAlone) struct FairQueueTests {
    // MARK: - Fair order

    @Test func readsOneMessageFromEachPipeInTurn() {
        var queued = Queued(count: 3)
        for index in 0..<3 { queued.write(3, into: index) }
        #expect(queued.queue.queuedCount == 9)
        #expect(queued.read(10) == ["0:0", "1:0", "2:0", "0:1", "1:1", "2:1", "0:2", "1:2", "2:2", "nil"])
        #expect(queued.queue.hasMessage() == false)
    }

    @Test func skipsEmptyPipesAndWraps() {
        var queued = Queued(count: 3)
        queued.write(3, into: 0)
        queued.write(1, into: 2)
        #expect(queued.read(3) == ["0:0", "2:0", "0:1"])
        queued.write(2, into: 1)
        #expect(queued.read(4) == ["1:0", "0:2", "1:1", "nil"], "after pipe 0, pipe 1 comes first")
    }

    @Test func aBusyPipeCannotStarveTheOthers() {
        var queued = Queued(count: 2)
        queued.write(100, into: 0)
        queued.write(1, into: 1)
        #expect(queued.read(3) == ["0:0", "1:0", "0:1"])
    }

    @Test func readTaggedNamesThePipeEachMessageCameFrom() {
        var queued = Queued(count: 3)
        for index in [2, 0] { queued.write(1, into: index) }
        let sources = (0..<3).map { _ in queued.queue.readTagged()?.source }
        #expect(sources == [queued.ids[0], queued.ids[2], nil])
    }

    // MARK: - A writer gone

    @Test func aDetachedPipeIsReadToTheEndThenReleasedOnce() {
        var queued = Queued(count: 2)
        queued.write(3, into: 0)
        queued.write(1, into: 1)
        queued.queue.markDetached(queued.ids[0])
        #expect(queued.read(4) == ["0:0", "1:0", "0:1", "0:2"], "nothing lost when the writer left")
        #expect(queued.queue.takeReleased().isEmpty, "not empty when last read: not released yet")
        #expect(queued.read(1) == ["nil"])
        #expect(queued.queue.takeReleased() == [queued.ids[0]])
        #expect(queued.queue.takeReleased().isEmpty, "handed over once")
        queued.write(1, into: 0, from: 3)
        queued.write(1, into: 1, from: 1)
        #expect(queued.read(2) == ["1:1", "nil"], "a released pipe is not read any more")
    }

    @Test func aDetachedSinglePipeIsReleasedToo() {
        var queued = Queued(count: 1)
        queued.write(2, into: 0)
        queued.queue.markDetached(queued.ids[0])
        #expect(queued.read(3) == ["0:0", "0:1", "nil"])
        #expect(queued.queue.takeReleased() == [queued.ids[0]])
        #expect(queued.queue.queuedCount == 0)
    }

    @Test func anEmptyDetachedPipeIsReleasedOnTheNextRead() {
        var queued = Queued(count: 3)
        queued.write(1, into: 2)
        queued.queue.markDetached(queued.ids[0])
        queued.queue.markDetached(queued.ids[1])
        #expect(queued.read(1) == ["2:0"])
        #expect(Set(queued.queue.takeReleased()) == [queued.ids[0], queued.ids[1]])
        queued.write(1, into: 2, from: 1)
        #expect(queued.read(2) == ["2:1", "nil"])
    }

    @Test func aPipeStillWrittenIsNeverReleased() {
        var queued = Queued(count: 2)
        queued.write(1, into: 0)
        #expect(queued.read(3) == ["0:0", "nil", "nil"])
        #expect(queued.queue.takeReleased().isEmpty)
        queued.write(1, into: 1)
        #expect(queued.read(1) == ["1:0"])
    }

    // MARK: - Removal

    @Test func removingAPipeDropsItsMessagesAtOnceAndKeepsTheTurn() {
        var queued = Queued(count: 3)
        for index in 0..<3 { queued.write(2, into: index) }
        #expect(queued.read(2) == ["0:0", "1:0"])
        queued.queue.remove(queued.ids[1])
        #expect(queued.queue.queuedCount == 3)
        #expect(queued.read(4) == ["2:0", "0:1", "2:1", "nil"])
        #expect(queued.queue.takeReleased().isEmpty, "removed, not released")
    }

    /// A drained pipe listed for release that is then removed must leave the list: its
    /// address may be reused by the next pipe (see ``TopologyRegressionTests``).
    @Test func removingAReleasedPipeTakesItOffTheReleaseList() {
        var queued = Queued(count: 2)
        queued.write(1, into: 1)
        queued.queue.markDetached(queued.ids[0])
        #expect(queued.read(1) == ["1:0"])
        queued.queue.remove(queued.ids[0])
        #expect(queued.queue.takeReleased().isEmpty)
    }

    @Test func removeAllForgetsEveryPipeAndRelease() {
        var queued = Queued(count: 2)
        queued.write(1, into: 1)
        queued.queue.markDetached(queued.ids[0])
        _ = queued.read(1)
        queued.queue.removeAll()
        #expect(queued.queue.takeReleased().isEmpty)
        #expect(queued.queue.hasMessage() == false)
        let later = Pipe(limit: Pipe.unbounded)
        later.writer.write("later")
        queued.queue.add(later.reader)
        #expect(queued.queue.read() == "later")
    }
}
