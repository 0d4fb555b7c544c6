/// PUSH: round-robin to the PULL peers with room (libzmq's `push_t` over `lb_t`), reclaiming
/// what a departed peer left unread. Connections and closing: ``BalancedSending``.
struct PushRole: BalancedSending, ReceivesNothing {
    var balancing = Balancing()

    @inline(__always)
    mutating func destination(for message: borrowing Message, _ core: inout SocketCore) throws -> Destination<
        PipeWriter
    > {
        if let pipe = balancing.pipeWithRoom() { return .ready(pipe) }
        return destinationAfterReclaiming(&core)
    }
}
