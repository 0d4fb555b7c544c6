/// Round-robin over the outbound pipes that have room (ZeroMQ's `lb_t`): PUSH, DEALER, REQ
/// and PAIR.
///
/// Message *k* goes to the pipe after the one message *k − 1* went to, skipping full pipes,
/// so N peers with room see messages 1, 2, … N, 1, 2, …
struct LoadBalancer {
    private var pipes: [PipeWriter] = []
    private var next = 0

    mutating func add(_ pipe: PipeWriter) {
        pipes.append(pipe)
    }

    mutating func remove(_ id: PipeID) {
        guard let index = pipes.firstIndex(where: { $0.id == id }) else { return }
        pipes.remove(at: index)
        if next > index { next -= 1 }
        if next >= pipes.count { next = 0 }
    }

    mutating func removeAll() {
        pipes.removeAll()
        next = 0
    }

    func contains(_ id: PipeID) -> Bool {
        pipes.contains { $0.id == id }
    }

    /// Whether some pipe has room, without moving the turn.
    func hasWritable() -> Bool {
        pipes.contains { $0.hasRoom() }
    }

    /// The next pipe in turn, full or not, or `nil` when there is none. Advances the turn.
    mutating func pickNext() -> PipeWriter? {
        guard !pipes.isEmpty else { return nil }
        if next >= pipes.count { next = 0 }
        let pipe = pipes[next]
        next = next + 1 == pipes.count ? 0 : next + 1
        return pipe
    }

    /// The next pipe in turn that has room, or `nil` when every pipe is full (or there is none).
    /// Advances the turn past the pipe returned.
    @inline(__always)
    mutating func pickWritable() -> PipeWriter? {
        let count = pipes.count
        if count == 1 {
            let pipe = pipes[0]
            return pipe.hasRoom() ? pipe : nil
        }
        var index = next
        for _ in 0..<count {
            let pipe = pipes[index]
            index += 1
            if index == count { index = 0 }
            if pipe.hasRoom() {
                next = index
                return pipe
            }
        }
        return nil
    }
}
