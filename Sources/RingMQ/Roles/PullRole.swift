/// PULL: fair-queued from the PUSH peers (libzmq's `pull_t` over `fq_t`); what a departed
/// peer sent is still received. Connections and closing: ``FairReceiving``.
struct PullRole: FairReceiving, SendsNothing {
    var inbound = FairQueue()

    @inline(__always)
    mutating func take(_ core: inout SocketCore) -> Message? {
        if let message = inbound.read() { return message }
        if !inbound.released.isEmpty { releaseDrained(&core) }
        return nil
    }
}
