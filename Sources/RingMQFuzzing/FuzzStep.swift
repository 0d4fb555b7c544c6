import RingMQ

/// One call (or a few closely related calls) the driver makes, decoded from the input.
///
/// `slot` names one of ``FuzzWorld/slotCount`` places holding a socket; a step on an empty
/// slot does nothing.
enum FuzzStep: CustomStringConvertible {
    case create(slot: Int, SocketType)
    case bind(slot: Int, String)
    case connect(slot: Int, String)
    case unbind(slot: Int, String)
    case disconnect(slot: Int, String)
    case setOption(slot: Int, SocketOption)
    /// `blocking`: call `send` if the socket's `sendTimeout` is `.zero`, else `trySend`.
    case send(slot: Int, Message, blocking: Bool)
    /// `blocking`: call `receive` if the socket's `receiveTimeout` is `.zero`, else `tryReceive`.
    case receive(slot: Int, blocking: Bool)
    /// `trySend` of up to `count` messages, until one is refused: reaches the high-water marks.
    case fill(slot: Int, count: Int)
    /// `tryReceive` until nothing is left (bounded).
    case drain(slot: Int)
    case subscribe(slot: Int, Frame)
    case unsubscribe(slot: Int, Frame)
    case close(slot: Int)
    /// Lets go of the socket: its `deinit` closes it.
    case drop(slot: Int)
    /// Statistics, subscriptions and every option getter.
    case inspect(slot: Int)
    /// `Poller.poll(timeout: .zero)` over the slots whose bit is set in `mask`.
    case poll(mask: UInt8, Poller.Events)
    case fault(slot: Int, FuzzFault, endpoint: String?)
    /// Opens a stream of the socket's `events` and keeps it (unread) to the end.
    case events(slot: Int)
    /// A ManualClock context only: moves its time on (linger deadlines pass).
    case advanceClock(Duration)
    case terminate

    /// How many opcodes the first byte of a step is reduced to.
    static let opcodes = 20

    static func decode(_ input: inout FuzzInput, slots: Int) -> FuzzStep {
        let opcode = input.below(opcodes)
        let slot = input.below(slots)
        switch opcode {
        case 0, 1: return .create(slot: slot, input.pick(SocketType.allCases))
        case 2: return .bind(slot: slot, FuzzEndpoints.decode(&input))
        case 3: return .connect(slot: slot, FuzzEndpoints.decode(&input))
        case 4: return .unbind(slot: slot, FuzzEndpoints.decode(&input))
        case 5: return .disconnect(slot: slot, FuzzEndpoints.decode(&input))
        case 6: return .setOption(slot: slot, FuzzOptions.decode(&input))
        case 7: return .send(slot: slot, FuzzMessages.decode(&input), blocking: input.bool())
        case 8: return .receive(slot: slot, blocking: input.bool())
        case 9: return .fill(slot: slot, count: 1 + input.below(64))
        case 10: return .drain(slot: slot)
        case 11: return .subscribe(slot: slot, FuzzMessages.prefix(&input))
        case 12: return .unsubscribe(slot: slot, FuzzMessages.prefix(&input))
        case 13: return .close(slot: slot)
        case 14: return .drop(slot: slot)
        case 15: return .inspect(slot: slot)
        case 16: return .poll(mask: input.byte(), Poller.Events(rawValue: input.byte() & 3))
        case 17:
            let fault = input.pick(FuzzFault.allCases)
            return .fault(slot: slot, fault, endpoint: input.bool() ? FuzzEndpoints.decode(&input) : nil)
        case 18:
            // Mostly milliseconds; now and then past the range of Int64 nanoseconds.
            let amount = Int64(input.uint16())
            return .advanceClock(input.below(8) == 0 ? .seconds(amount << 40) : .milliseconds(amount))
        default:
            switch input.below(4) {
            case 0: return .terminate
            case 1: return .events(slot: slot)
            default: return .inspect(slot: slot)
            }
        }
    }

    var description: String {
        switch self {
        case .create(let slot, let type): "create(\(slot), \(type))"
        case .bind(let slot, let endpoint): "bind(\(slot), \(Self.quoted(endpoint)))"
        case .connect(let slot, let endpoint): "connect(\(slot), \(Self.quoted(endpoint)))"
        case .unbind(let slot, let endpoint): "unbind(\(slot), \(Self.quoted(endpoint)))"
        case .disconnect(let slot, let endpoint): "disconnect(\(slot), \(Self.quoted(endpoint)))"
        case .setOption(let slot, let option): "setOption(\(slot), \(option))"
        case .send(let slot, let message, let blocking): "\(blocking ? "send" : "trySend")(\(slot), \(message))"
        case .receive(let slot, let blocking): "\(blocking ? "receive" : "tryReceive")(\(slot))"
        case .fill(let slot, let count): "fill(\(slot), \(count))"
        case .drain(let slot): "drain(\(slot))"
        case .subscribe(let slot, let prefix): "subscribe(\(slot), \(prefix))"
        case .unsubscribe(let slot, let prefix): "unsubscribe(\(slot), \(prefix))"
        case .close(let slot): "close(\(slot))"
        case .drop(let slot): "drop(\(slot))"
        case .inspect(let slot): "inspect(\(slot))"
        case .poll(let mask, let events): "poll(mask: \(mask), events: \(events.rawValue))"
        case .fault(let slot, let fault, let endpoint): "\(fault)(\(slot), \(endpoint.map(Self.quoted) ?? "all"))"
        case .events(let slot): "events(\(slot))"
        case .advanceClock(let duration): "advanceClock(\(duration))"
        case .terminate: "terminate()"
        }
    }

    /// Long endpoints shortened, so that a trace stays readable.
    private static func quoted(_ endpoint: String) -> String {
        let length = endpoint.utf8.count
        let shown = length > 80 ? String(endpoint.prefix(40)) + "…(\(length) bytes)" : endpoint
        return "\"\(shown.debugDescription.dropFirst().dropLast())\""
    }
}

/// The faults of `RingMQTesting` the driver injects.
enum FuzzFault: CaseIterable {
    case makePeersLookFull, restoreRoom, detachPeers
}
