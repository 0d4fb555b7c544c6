/// A ROUTER's peers by routing id (ZeroMQ's `router_t` outbound map): where a message whose
/// first frame is an id goes, and which id a message read from a pipe came from.
struct RoutingTable {
    /// Routing id → the pipe to that peer (only peers still connected).
    private var writers: [Frame: PipeWriter] = [:]
    /// Inbound pipe id → the routing id of the peer writing it (kept until the pipe is drained).
    private var ids: [PipeID: Frame] = [:]

    mutating func add(_ id: Frame, writer: PipeWriter?, reader: PipeReader?) {
        if let writer { writers[id] = writer }
        if let reader { ids[reader.id] = id }
    }

    /// The peer writing through `writer` has gone: nothing more can be sent to it; what it
    /// sent is still read.
    ///
    /// Only if `id` still routes to `writer`: the registry frees a peer's id when it leaves,
    /// before this socket hears of it, so by then another peer may be routed by the same id
    /// (a peer that took it over, adopted first, or a departed peer's connection still being
    /// drained); its route must stay.
    mutating func removeRoute(_ id: Frame, writer: PipeWriter?) {
        if let writer, writers[id]?.id == writer.id { writers[id] = nil }
    }

    /// Forgets the inbound pipes that have been released.
    mutating func removeSources(_ released: [PipeID]) {
        for source in released { ids[source] = nil }
    }

    /// Forgets a connection this socket is leaving: its route (as ``removeRoute(_:writer:)``,
    /// only if `id` still routes to `writer`) and its inbound pipe.
    mutating func remove(_ id: Frame, writer: PipeWriter?, reader: PipeReader?) {
        removeRoute(id, writer: writer)
        if let reader { ids[reader.id] = nil }
    }

    mutating func removeAll() {
        writers = [:]
        ids = [:]
    }

    func writer(for id: Frame) -> PipeWriter? {
        writers[id]
    }

    func id(of source: PipeID) -> Frame? {
        ids[source]
    }
}
