import Testing

@testable import RingMQ

/// A ``LoadBalancer`` over real pipes, and which of them each pick returned.
private struct Balanced {
    var balancer = LoadBalancer()
    let pipes: [Pipe]

    /// `limits.count` pipes with those limits, added in order.
    init(limits: [UInt64]) {
        pipes = limits.map { Pipe(limit: $0) }
        for pipe in pipes { balancer.add(pipe.writer) }
    }

    init(count: Int) {
        self.init(limits: Array(repeating: Pipe.unbounded, count: count))
    }

    func index(of writer: PipeWriter?) -> Int? {
        writer.flatMap { writer in pipes.firstIndex { $0.writer.id == writer.id } }
    }

    /// The indices of the next `count` pipes ``LoadBalancer/pickWritable()`` returns, writing
    /// to each as a socket would (-1 for `nil`).
    mutating func sendTo(_ count: Int) -> [Int] {
        (0..<count).map { _ in
            guard let writer = balancer.pickWritable() else { return -1 }
            writer.write("message")
            return index(of: writer) ?? -2
        }
    }

    mutating func remove(_ index: Int) {
        balancer.remove(pipes[index].writer.id)
    }
}

/// ``LoadBalancer`` alone, on real pipes and one thread: round-robin over the pipes with room,
/// wrapping around, skipping full ones without losing the turn, and keeping the turn when a
/// pipe is removed before it, at it or after it.
@Suite(.runsAlone) struct LoadBalancerTests {
    // MARK: - Round-robin

    @Test(arguments: [2, 3, 5])
    func picksThePipesInTurnAndWraps(count: Int) {
        var balanced = Balanced(count: count)
        let picks = balanced.sendTo(3 * count + 1)
        #expect(picks == (0..<(3 * count + 1)).map { $0 % count })
        for pipe in balanced.pipes { #expect(pipe.reader.queued == 3 || pipe.reader.queued == 4) }
    }

    @Test func aSinglePipeIsPickedWhileItHasRoom() {
        var balanced = Balanced(limits: [2])
        #expect(balanced.sendTo(3) == [0, 0, -1])
        _ = balanced.pipes[0].reader.read()
        _ = balanced.pipes[0].reader.read()
        #expect(balanced.sendTo(1) == [0])
    }

    @Test func withoutPipesThereIsNothingToPick() {
        var balancer = LoadBalancer()
        #expect(balancer.pickWritable() == nil)
        #expect(balancer.pickNext() == nil)
        #expect(balancer.hasWritable() == false)
    }

    // MARK: - Full pipes

    @Test func aFullPipeIsSkippedAndRejoinsInItsTurn() {
        var balanced = Balanced(limits: [Pipe.unbounded, 1, Pipe.unbounded])
        #expect(balanced.pipes[1].tryWrite("already there"))
        #expect(balanced.sendTo(4) == [0, 2, 0, 2])
        #expect(balanced.pipes[1].readAll() == ["already there"])
        #expect(balanced.sendTo(4) == [0, 1, 2, 0], "room again: pipe 1 has its turn after pipe 0")
    }

    @Test func whenEveryPipeIsFullNothingIsPickedAndTheTurnStays() {
        var balanced = Balanced(limits: [1, 1, 1])
        #expect(balanced.sendTo(2) == [0, 1])
        #expect(balanced.pipes[2].tryWrite("filled"))
        #expect(balanced.balancer.hasWritable() == false)
        #expect(balanced.sendTo(2) == [-1, -1])
        for pipe in balanced.pipes { _ = pipe.readAll() }
        #expect(balanced.balancer.hasWritable())
        #expect(balanced.sendTo(3) == [2, 0, 1], "the turn was still at pipe 2")
    }

    @Test func pickNextIgnoresRoomButKeepsTheTurn() {
        var balanced = Balanced(limits: [1, 1])
        #expect(balanced.pipes[0].tryWrite("filled"))
        let picks = (0..<5).map { _ in balanced.index(of: balanced.balancer.pickNext()) }
        #expect(picks == [0, 1, 0, 1, 0])
    }

    // MARK: - Removal

    @Test func removingAPipeBeforeTheTurnKeepsTheTurn() {
        var balanced = Balanced(count: 4)
        #expect(balanced.sendTo(2) == [0, 1])
        balanced.remove(1)
        #expect(balanced.sendTo(4) == [2, 3, 0, 2])
    }

    @Test func removingThePipeWhoseTurnItIsPassesTheTurnToTheNext() {
        var balanced = Balanced(count: 4)
        #expect(balanced.sendTo(2) == [0, 1])
        balanced.remove(2)
        #expect(balanced.sendTo(4) == [3, 0, 1, 3])
    }

    @Test func removingTheLastPipeWhoseTurnItIsWrapsTheTurn() {
        var balanced = Balanced(count: 3)
        #expect(balanced.sendTo(2) == [0, 1])
        balanced.remove(2)
        #expect(balanced.sendTo(3) == [0, 1, 0])
        #expect(balanced.index(of: balanced.balancer.pickNext()) == 1)
    }

    @Test func removingAPipeAfterTheTurnKeepsTheTurn() {
        var balanced = Balanced(count: 4)
        #expect(balanced.sendTo(1) == [0])
        balanced.remove(3)
        #expect(balanced.sendTo(4) == [1, 2, 0, 1])
    }

    @Test func removingAnUnknownPipeChangesNothing() {
        var balanced = Balanced(count: 3)
        #expect(balanced.sendTo(1) == [0])
        let stranger = Pipe(limit: Pipe.unbounded)
        balanced.balancer.remove(stranger.writer.id)
        #expect(balanced.sendTo(3) == [1, 2, 0])
    }

    @Test func removeAllStartsAfreshFromTheNextPipeAdded() {
        var balanced = Balanced(count: 3)
        #expect(balanced.sendTo(2) == [0, 1])
        balanced.balancer.removeAll()
        #expect(balanced.sendTo(1) == [-1])
        let later = [Pipe(limit: Pipe.unbounded), Pipe(limit: Pipe.unbounded)]
        for pipe in later { balanced.balancer.add(pipe.writer) }
        let picks = (0..<3).map { _ in balanced.balancer.pickWritable()?.id }
        #expect(picks == [later[0].writer.id, later[1].writer.id, later[0].writer.id])
    }
}
