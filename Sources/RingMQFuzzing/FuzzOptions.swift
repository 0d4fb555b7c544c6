import RingMQ

/// Option values for `setOption(_:)`: every ``SocketOption`` case, with values at and beyond
/// the edges of what each accepts.
enum FuzzOptions {
    static func decode(_ input: inout FuzzInput) -> SocketOption {
        switch input.below(21) {
        case 0: .sendHighWaterMark(int(&input))
        case 1: .receiveHighWaterMark(int(&input))
        case 2: .sendTimeout(duration(&input))
        case 3: .receiveTimeout(duration(&input))
        case 4: .linger(duration(&input))
        case 5: .routingID(routingID(&input))
        case 6: .routerMandatory(input.bool())
        case 7: .conflate(input.bool())
        case 8: .xpubVerbose(input.bool())
        case 9: .xpubNoDrop(input.bool())
        case 10: .invertMatching(input.bool())
        case 11: .redeliverUnread(input.bool())
        case 12: .requestRelaxed(input.bool())
        case 13: .requestCorrelate(input.bool())
        case 14: .routerHandover(input.bool())
        case 15: .probeRouter(input.bool())
        case 16: .xpubManual(input.bool())
        case 17: .xpubVerboser(input.bool())
        case 18: .onlyFirstSubscribe(input.bool())
        case 19: .xpubWelcomeMessage(input.bool() ? nil : Frame(input.bytes(upTo: 4)))
        default: .immediate(input.bool())
        }
    }

    /// High-water marks: small ones (reached within one input), the default, the extremes.
    static func int(_ input: inout FuzzInput) -> Int {
        switch input.below(12) {
        case 0: -1
        case 1: 0
        case 2: 1
        case 3: 2
        case 4: 3
        case 5: 5
        case 6: 1000
        case 7: .max
        case 8: .min
        case 9: .max - 1
        case 10: 1 << 40
        default: Int(Int16(bitPattern: input.uint16()))
        }
    }

    /// Timeouts and linger: `nil`, zero, tiny, long, negative, and the extremes of `Duration`.
    static func duration(_ input: inout FuzzInput) -> Duration? {
        switch input.below(12) {
        case 0: nil
        case 1: .zero
        case 2: .nanoseconds(1)
        case 3: .milliseconds(1)
        case 4: .seconds(1)
        case 5: .seconds(3600)
        case 6: .nanoseconds(-1)
        case 7: .seconds(-1)
        case 8: .seconds(Int64.max)
        case 9: .seconds(Int64.min)
        case 10: .nanoseconds(Int64.max)
        default: Duration(secondsComponent: input.int64(), attosecondsComponent: input.int64())
        }
    }

    /// Routing ids: `nil`, the small pool messages address (so that duplicates are common),
    /// and invalid ones (empty, a leading zero byte, too long).
    static func routingID(_ input: inout FuzzInput) -> Frame? {
        switch input.below(9) {
        case 0: nil
        case 1: Frame()
        case 2: "A"
        case 3: "B"
        case 4: Frame([0, 1])
        case 5: Frame([0, 0, 0, 0, 1])
        case 6: Frame([UInt8](repeating: 0x72, count: 255))
        case 7: Frame([UInt8](repeating: 0x72, count: 256))
        default: Frame(input.bytes(upTo: 40))
        }
    }
}

extension FuzzOptions {
    /// Sets `option`: `throwingForm`, with `setOption(_:)`, else through the property, which
    /// traps on an invalid value.
    static func set(_ option: SocketOption, on socket: Socket, throwingForm: Bool) throws {
        guard !throwingForm else { return try socket.setOption(option) }
        switch option {
        case .sendHighWaterMark(let value): socket.sendHighWaterMark = value
        case .receiveHighWaterMark(let value): socket.receiveHighWaterMark = value
        case .sendTimeout(let value): socket.sendTimeout = value
        case .receiveTimeout(let value): socket.receiveTimeout = value
        case .linger(let value): socket.linger = value
        case .routingID(let value): socket.routingID = value
        case .routerMandatory(let value): socket.routerMandatory = value
        case .conflate(let value): socket.conflate = value
        case .xpubVerbose(let value): socket.xpubVerbose = value
        case .xpubNoDrop(let value): socket.xpubNoDrop = value
        case .invertMatching(let value): socket.invertMatching = value
        case .redeliverUnread(let value): socket.redeliverUnread = value
        case .requestRelaxed(let value): socket.requestRelaxed = value
        case .requestCorrelate(let value): socket.requestCorrelate = value
        case .routerHandover(let value): socket.routerHandover = value
        case .probeRouter(let value): socket.probeRouter = value
        case .xpubManual(let value): socket.xpubManual = value
        case .xpubVerboser(let value): socket.xpubVerboser = value
        case .onlyFirstSubscribe(let value): socket.onlyFirstSubscribe = value
        case .xpubWelcomeMessage(let value): socket.xpubWelcomeMessage = value
        case .immediate(let value): socket.immediate = value
        }
    }

    /// Whether the socket's property now holds the value `option` set.
    static func readsBack(_ option: SocketOption, on socket: Socket) -> Bool {
        switch option {
        case .sendHighWaterMark(let value): socket.sendHighWaterMark == value
        case .receiveHighWaterMark(let value): socket.receiveHighWaterMark == value
        case .sendTimeout(let value): socket.sendTimeout == value
        case .receiveTimeout(let value): socket.receiveTimeout == value
        case .linger(let value): socket.linger == value
        case .routingID(let value): socket.routingID == value
        case .routerMandatory(let value): socket.routerMandatory == value
        case .conflate(let value): socket.conflate == value
        case .xpubVerbose(let value): socket.xpubVerbose == value
        case .xpubNoDrop(let value): socket.xpubNoDrop == value
        case .invertMatching(let value): socket.invertMatching == value
        case .redeliverUnread(let value): socket.redeliverUnread == value
        case .requestRelaxed(let value): socket.requestRelaxed == value
        case .requestCorrelate(let value): socket.requestCorrelate == value
        case .routerHandover(let value): socket.routerHandover == value
        case .probeRouter(let value): socket.probeRouter == value
        case .xpubManual(let value): socket.xpubManual == value
        case .xpubVerboser(let value): socket.xpubVerboser == value
        case .onlyFirstSubscribe(let value): socket.onlyFirstSubscribe == value
        case .xpubWelcomeMessage(let value): socket.xpubWelcomeMessage == value
        case .immediate(let value): socket.immediate == value
        }
    }
}
