import RingMQ
import Testing

/// Option defaults, validation and the linger behaviour. High-water marks and timeouts have
/// their own files (HighWaterMarkTests, WaitingTests).
@Suite(.runsAlone) struct OptionTests {
    @Test(arguments: SocketType.allCases)
    func defaults(type: SocketType) throws {
        let socket = try Context().socket(type)
        #expect(socket.sendHighWaterMark == 1000)
        #expect(socket.receiveHighWaterMark == 1000)
        #expect(socket.sendTimeout == nil)
        #expect(socket.receiveTimeout == nil)
        #expect(socket.linger == nil)
        #expect(socket.routingID == nil)
        #expect(!socket.routerMandatory)
        #expect(!socket.conflate)
        #expect(!socket.xpubVerbose)
        #expect(!socket.xpubNoDrop)
        #expect(!socket.invertMatching)
        #expect(!socket.requestRelaxed)
        #expect(!socket.requestCorrelate)
        #expect(!socket.routerHandover)
        #expect(!socket.probeRouter)
        #expect(!socket.xpubManual)
        #expect(!socket.xpubVerboser)
        #expect(!socket.onlyFirstSubscribe)
        #expect(socket.xpubWelcomeMessage == nil)
        #expect(!socket.immediate)
    }

    /// The types each per-type option applies to, written out as Docs and DESIGN.md list them
    /// (not read from `SocketType`), so a wrong row in the type table fails here.
    static let perTypeOptions: [(SocketOption, Set<SocketType>)] = [
        (.routerMandatory(true), [.router]),
        (.conflate(true), [.pull, .push, .dealer, .pub, .sub]),
        (.xpubVerbose(true), [.xpub]),
        (.xpubNoDrop(true), [.pub, .xpub]),
        (.invertMatching(true), [.pub, .sub, .xpub]),
        (.redeliverUnread(true), [.push, .dealer, .req]),
        (.requestRelaxed(true), [.req]),
        (.requestCorrelate(true), [.req]),
        (.routerHandover(true), [.router]),
        (.probeRouter(true), [.router, .dealer, .req]),
        (.xpubManual(true), [.xpub]),
        (.xpubVerboser(true), [.xpub]),
        (.onlyFirstSubscribe(true), [.xpub, .xsub]),
        (.xpubWelcomeMessage("hello"), [.xpub]),
        (.immediate(true), [.pair, .push, .dealer, .req]),
    ]

    @Test(arguments: SocketType.allCases)
    func perTypeOptionsApplyWhereTheDesignSays(type: SocketType) throws {
        let socket = try Context().socket(type)
        for (option, types) in Self.perTypeOptions {
            if types.contains(type) {
                try socket.setOption(option)
            } else {
                let message = expectError(.invalidOption) { try socket.setOption(option) }
                #expect(message?.contains(type.description) == true, "\(option) on \(type): \(message ?? "")")
            }
        }
    }

    @Test func propertiesAndSetOptionAgree() throws {
        let socket = try Context().socket(.pair)
        try socket.setOption(.linger(.milliseconds(5)))
        #expect(socket.linger == .milliseconds(5))
        socket.linger = .zero
        #expect(socket.linger == .zero)
        try socket.setOption(.routingID("peer-1"))
        #expect(socket.routingID == "peer-1")
        socket.routingID = nil
        #expect(socket.routingID == nil)
        try socket.setOption(.receiveHighWaterMark(12))
        #expect(socket.receiveHighWaterMark == 12)
    }

    @Test func invalidRoutingIDs() throws {
        let socket = try Context().socket(.pair)
        expectError(.invalidOption) { try socket.setOption(.routingID(Frame())) }
        expectError(.invalidOption) { try socket.setOption(.routingID(Frame([UInt8](repeating: 1, count: 256)))) }
        let zero = expectError(.invalidOption) { try socket.setOption(.routingID(Frame([0, 1]))) }
        #expect(zero?.contains("zero") == true, "the message should say why: \(zero ?? "")")
        try socket.setOption(.routingID(Frame([UInt8](repeating: 1, count: 255))))
        #expect(socket.routingID?.count == 255)
    }

    @Test func negativeLingerIsInvalid() throws {
        let socket = try Context().socket(.push)
        expectError(.invalidOption) { try socket.setOption(.linger(.seconds(-1))) }
        #expect(socket.linger == nil)
    }

    @Test(arguments: [
        SocketOption.routerMandatory(true), .conflate(true), .xpubVerbose(true), .xpubNoDrop(true),
        .invertMatching(true),
    ])
    func typeSpecificOptionsAreRefusedByOtherTypes(option: SocketOption) throws {
        let context = TestContext()
        for type in [SocketType.pair, .rep, .xsub] {
            let socket = try context.socket(type)
            let message = expectError(.invalidOption) { try socket.setOption(option) }
            #expect(message?.contains(type.description) == true, "the message should name \(type): \(message ?? "")")
            // Turning them off is always fine.
            switch option {
            case .routerMandatory: try socket.setOption(.routerMandatory(false))
            case .conflate: try socket.setOption(.conflate(false))
            case .xpubVerbose: try socket.setOption(.xpubVerbose(false))
            case .xpubNoDrop: try socket.setOption(.xpubNoDrop(false))
            case .invertMatching: try socket.setOption(.invertMatching(false))
            default: break
            }
        }
    }

    // MARK: - Linger

    @Test func zeroLingerDropsWhatWaitsForTheBind() throws {
        let context = TestContext()
        let push = try context.socket(.push)
        push.linger = .zero
        try push.connect("inproc://linger-zero")
        try push.send("dropped at close")
        push.close()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://linger-zero")
        #expect(try pull.tryReceive() == nil)
    }

    @Test func expiredLingerDropsWhatWaitsForTheBind() throws {
        let context = TestContext()
        let push = try context.socket(.push)
        push.linger = .milliseconds(10)
        try push.connect("inproc://linger-short")
        try push.send("outlived its linger")
        push.close()
        // Linger is a duration: let it pass on the clock it is measured with.
        let clock = ContinuousClock()
        let expiry = clock.now.advanced(by: .milliseconds(15))
        while clock.now < expiry { yieldThread() }
        let pull = try context.socket(.pull)
        try pull.bind("inproc://linger-short")
        #expect(try pull.tryReceive() == nil)
    }

    @Test func lingerThatHasNotExpiredKeepsWhatWaitsForTheBind() throws {
        let context = TestContext()
        let push = try context.socket(.push)
        push.linger = .seconds(60)
        try push.connect("inproc://linger-long")
        try push.send("kept")
        push.close()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://linger-long")
        #expect(try pull.tryReceive() == "kept")
    }

    @Test func lingerDoesNotAffectFormedConnections() throws {
        let context = TestContext()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://formed")
        let push = try context.socket(.push)
        push.linger = .zero
        try push.connect("inproc://formed")
        try push.send("already delivered")
        push.close()
        #expect(try pull.tryReceive() == "already delivered")
    }
}
