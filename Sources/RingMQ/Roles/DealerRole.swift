/// DEALER: round-robin out, fair-queued in, no envelope rules (libzmq's `dealer_t`).
/// Connections and closing: ``DuplexRole``.
///
/// Also PAIR: with its one peer, round-robin and fair queueing are that peer's pipes; that it
/// has only one is the registry's rule (`Registry+ExclusiveSlots.swift`), not the role's.
struct DealerRole: DuplexRole {
    var balancing = Balancing()
    var inbound = FairQueue()

    @inline(__always)
    mutating func destination(for message: borrowing Message, _ core: inout SocketCore) throws -> Destination<
        PipeWriter
    > {
        if let pipe = balancing.pipeWithRoom() { return .ready(pipe) }
        return destinationAfterReclaiming(&core)
    }

    @inline(__always)
    mutating func take(_ core: inout SocketCore) -> Message? {
        if let message = inbound.read() { return message }
        if !inbound.released.isEmpty { releaseDrained(&core) }
        return nil
    }
}
