/// The commands of libzmq's `zmq_proxy_steerable`, each a message of one frame holding its
/// name in ASCII.
enum ProxyCommand {
    case pause, resume, terminate, statistics

    /// The command `message` holds; `nil` when it is not one.
    init?(_ message: Message) {
        guard message.count == 1 else { return nil }
        switch message[0].bytes {
        case Array("PAUSE".utf8): self = .pause
        case Array("RESUME".utf8): self = .resume
        case Array("TERMINATE".utf8): self = .terminate
        case Array("STATISTICS".utf8): self = .statistics
        default: return nil
        }
    }
}

extension ProxyLoop {
    /// Takes one command from the control socket, if one is waiting, and carries it out.
    /// Returns whether it took one.
    ///
    /// As in libzmq: PAUSE, RESUME and TERMINATE change the state, and a REP control socket
    /// answers them with an empty frame (its requester waits for an answer); STATISTICS is
    /// answered with eight frames of 8 bytes on any socket that can send. Unlike libzmq, which
    /// ignores an unknown command and fails on STATISTICS it cannot answer, both end the run
    /// with an error that says what was wrong.
    mutating func takeCommand() throws -> Bool {
        guard let control = proxy.control, let message = try control.collect(timeout: .zero) else { return false }
        guard let command = ProxyCommand(message) else {
            if control.type == .rep { _ = try? control.deliver(Message(Frame()), timeout: .zero) }
            throw RingMQError.operationNotSupported(
                "the proxy's control socket received \(Self.describe(message)), which is not a command: "
                    + "send a message of one frame, PAUSE, RESUME, TERMINATE or STATISTICS")
        }
        switch command {
        case .pause:
            proxy.steer { $0.paused = true }
        case .resume:
            proxy.steer { $0.paused = false }
        case .terminate:
            proxy.steer { $0.stopRequested = true }
        case .statistics:
            guard control.type.canSend else {
                throw RingMQError.operationNotSupported(
                    "the proxy's control socket received STATISTICS, but a \(control.type) socket cannot send the "
                        + "answer: use a PAIR or REP control socket to ask for statistics")
            }
            try reply(Self.statisticsReply(proxy.statistics), on: control)
            return true
        }
        if control.type == .rep { try reply(Message(Frame()), on: control) }
        return true
    }

    /// Eight frames of 8 bytes, little-endian, in libzmq's order.
    static func statisticsReply(_ statistics: ProxyStatistics) -> Message {
        Message(
            statistics.libzmqOrder.map { value in
                Frame((0..<8).map { UInt8(truncatingIfNeeded: UInt64(value) >> ($0 * 8)) })
            })
    }

    /// A message in an error text: its frames as text where they are short and printable.
    private static func describe(_ message: Message) -> String {
        let frames = message.map { frame -> String in
            let bytes = frame.bytes
            if bytes.count <= 32, bytes.allSatisfy({ (0x20..<0x7F).contains($0) }) {
                return "\"\(frame.string)\""
            }
            return "\(bytes.count) bytes"
        }
        return frames.count == 1 ? frames[0] : "a message of \(frames.count) frames [\(frames.joined(separator: ", "))]"
    }
}
