import Testing

@testable import RingMQ

/// One ROUTER peer as a ``RoutingTable`` sees it: the pipe to it and the pipe from it.
private struct RouterPeer {
    let id: Frame
    let outbound = Pipe(limit: Pipe.unbounded)
    let inbound = Pipe(limit: Pipe.unbounded)

    init(_ id: Frame) {
        self.id = id
    }

    var writer: PipeWriter { outbound.writer }
    var reader: PipeReader { inbound.reader }
}

extension RoutingTable {
    fileprivate mutating func add(_ peer: RouterPeer) {
        add(peer.id, writer: peer.writer, reader: peer.reader)
    }

    /// The pipe `id` routes to, by its id.
    fileprivate func route(_ id: Frame) -> PipeID? {
        writer(for: id)?.id
    }
}

/// ``RoutingTable`` alone, on real pipes: routes by routing id, and the id of each inbound
/// pipe; two peers with the same id (one taking over the id of one that is leaving), where
/// only the current holder's route may be removed; inbound pipes remembered until released;
/// and the drop count.
@Suite(.runsAlone) struct RoutingTableTests {
    // MARK: - Lookup

    @Test func routesByIDAndNamesTheSourceOfEachInboundPipe() {
        var table = RoutingTable()
        let (a, b) = (RouterPeer("A"), RouterPeer("B"))
        table.add(a)
        table.add(b)
        #expect(table.route("A") == a.outbound.writer.id)
        #expect(table.route("B") == b.outbound.writer.id)
        #expect(table.route("C") == nil)
        #expect(table.id(of: a.reader.id) == "A")
        #expect(table.id(of: b.reader.id) == "B")
        #expect(table.id(of: a.writer.id) == nil, "an outbound pipe is not a source")
    }

    @Test func aPeerWithOnlyOneDirectionHasOnlyThatEntry() {
        var table = RoutingTable()
        let peer = RouterPeer("A")
        table.add("A", writer: nil, reader: peer.reader)
        table.add("B", writer: peer.writer, reader: nil)
        #expect(table.route("A") == nil)
        #expect(table.id(of: peer.reader.id) == "A")
        #expect(table.route("B") == peer.writer.id)
    }

    // MARK: - Removal

    @Test func removeForgetsTheRouteAndTheSource() {
        var table = RoutingTable()
        let (a, b) = (RouterPeer("A"), RouterPeer("B"))
        table.add(a)
        table.add(b)
        table.remove("A", writer: a.writer, reader: a.reader)
        #expect(table.route("A") == nil)
        #expect(table.id(of: a.reader.id) == nil)
        #expect(table.route("B") == b.writer.id)
        #expect(table.id(of: b.reader.id) == "B")
    }

    /// A peer that has gone can be sent nothing more; what it sent is still read, and named,
    /// until its inbound pipe is released.
    @Test func aDepartedPeersSourceIsKnownUntilItsPipeIsReleased() {
        var table = RoutingTable()
        let peer = RouterPeer("A")
        table.add(peer)
        table.removeRoute("A", writer: peer.writer)
        #expect(table.route("A") == nil)
        #expect(table.id(of: peer.reader.id) == "A")
        table.removeSources([peer.reader.id])
        #expect(table.id(of: peer.reader.id) == nil)
    }

    // MARK: - Duplicate ids

    @Test func theLaterPeerWithAnIDTakesTheRoute() {
        var table = RoutingTable()
        let (old, new) = (RouterPeer("A"), RouterPeer("A"))
        table.add(old)
        table.add(new)
        #expect(table.route("A") == new.writer.id)
        #expect(table.id(of: old.reader.id) == "A", "both peers' messages are still named")
        #expect(table.id(of: new.reader.id) == "A")
    }

    /// The registry frees a leaving peer's id before the socket hears of it: by then the id
    /// may route to a newcomer, whose route must survive the old peer's removal.
    @Test func removingThePreviousHolderOfAnIDKeepsTheNewRoute() {
        var table = RoutingTable()
        let (old, new) = (RouterPeer("A"), RouterPeer("A"))
        table.add(old)
        table.add(new)
        table.removeRoute("A", writer: old.writer)
        #expect(table.route("A") == new.writer.id)
        table.remove("A", writer: old.writer, reader: old.reader)
        #expect(table.route("A") == new.writer.id)
        #expect(table.id(of: old.reader.id) == nil)
        #expect(table.id(of: new.reader.id) == "A")
        table.removeRoute("A", writer: new.writer)
        #expect(table.route("A") == nil)
    }

    @Test func removingARouteWithoutItsWriterChangesNothing() {
        var table = RoutingTable()
        let peer = RouterPeer("A")
        table.add(peer)
        table.removeRoute("A", writer: nil)
        #expect(table.route("A") == peer.writer.id)
    }

    // MARK: - Closing

    @Test func removeAllForgetsEveryRouteAndSource() {
        var table = RoutingTable()
        let peer = RouterPeer("A")
        table.add(peer)
        #expect(table.route("A") == peer.writer.id)
        table.removeAll()
        #expect(table.route("A") == nil)
        #expect(table.id(of: peer.reader.id) == nil)
    }
}
