import RingMQ

/// `count` PULLs (ten by default), each fed by its own PUSH through `inproc://NAME-i`.
struct PollFixture {
    let pulls: [Socket]
    let pushes: [Socket]

    init(_ test: TestContext, name: String, count: Int = 10) throws {
        pulls = try (0..<count).map { index in
            let pull = try test.socket(.pull)
            try pull.bind("inproc://\(name)-\(index)")
            return pull
        }
        pushes = try (0..<count).map { index in
            let push = try test.socket(.push)
            try push.connect("inproc://\(name)-\(index)")
            return push
        }
    }

    /// A poller with every PULL registered for `.readable`, in order.
    var readablePoller: Poller {
        var poller = Poller()
        for pull in pulls { poller.register(pull, for: .readable) }
        return poller
    }

    /// The indices (in ``pulls``, else ``pushes``) of the sockets of `items`, in their order.
    func indices(_ items: [Poller.Item]) -> [Int] {
        items.map { item in
            pulls.firstIndex { $0 === item.socket } ?? pushes.firstIndex { $0 === item.socket }.map { 100 + $0 } ?? -1
        }
    }
}
