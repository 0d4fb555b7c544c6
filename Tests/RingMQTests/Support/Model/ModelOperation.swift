import RingMQ

/// One API call of the model-based test, on the socket in slot `slot`.
enum ModelOperation: CustomStringConvertible {
    case bind(slot: Int, String)
    case connect(slot: Int, String)
    case unbind(slot: Int, String)
    case disconnect(slot: Int, String)
    case close(slot: Int)
    /// Closes the slot's socket (if open) and puts a new socket of the same type in its place.
    case reopen(slot: Int)
    case trySend(slot: Int, Message)
    case tryReceive(slot: Int)
    case subscribe(slot: Int, [UInt8], Bool)
    case setOption(slot: Int, ModelWorld.Option)
    case statistics(slot: Int)
    case subscriptions(slot: Int)

    var slot: Int {
        switch self {
        case .bind(let slot, _), .connect(let slot, _), .unbind(let slot, _), .disconnect(let slot, _),
            .close(let slot), .reopen(let slot), .trySend(let slot, _), .tryReceive(let slot),
            .subscribe(let slot, _, _), .setOption(let slot, _), .statistics(let slot), .subscriptions(let slot):
            slot
        }
    }

    var description: String {
        switch self {
        case .bind(_, let endpoint): "bind(\(endpoint))"
        case .connect(_, let endpoint): "connect(\(endpoint))"
        case .unbind(_, let endpoint): "unbind(\(endpoint))"
        case .disconnect(_, let endpoint): "disconnect(\(endpoint))"
        case .close: "close()"
        case .reopen: "close(), statistics, new socket"
        case .trySend(_, let message): "trySend(\(describe(message)))"
        case .tryReceive: "tryReceive()"
        case .subscribe(_, let prefix, let on):
            "\(on ? "subscribe" : "unsubscribe")(\"\(String(decoding: prefix, as: UTF8.self))\")"
        case .setOption(_, let option): "setOption(\(option))"
        case .statistics: "statistics"
        case .subscriptions: "subscriptions"
        }
    }
}

/// What a call gave back, compared between the library and the model.
enum ModelOutcome: Equatable, CustomStringConvertible {
    case done
    case error(RingMQError.Code)
    case sent(Bool)
    case received(Message?)
    case statistics(SocketStatistics)
    case subscriptions([Frame: Int])

    var description: String {
        switch self {
        case .done: "ok"
        case .error(let kind): "\(kind)"
        case .sent(let accepted): "\(accepted)"
        case .received(let message): message.map(describe) ?? "nil"
        case .statistics(let statistics): statistics.modelDescription
        case .subscriptions(let counts):
            "[" + counts.map { "\"\($0.key.string)\": \($0.value)" }.sorted().joined(separator: ", ") + "]"
        }
    }
}

/// A message as the traces show it: its frames, readable bytes as text, others in hex.
func describe(_ message: Message) -> String {
    "["
        + message.frames.map { frame in
            let bytes = frame.bytes
            if bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return "\"\(frame.string)\"" }
            return "0x" + bytes.map { String($0, radix: 16) }.joined()
        }.joined(separator: ", ") + "]"
}

// MARK: - Running an operation

extension ModelOperation {
    /// Runs the call on the library socket.
    func run(on socket: Socket) -> ModelOutcome {
        do {
            switch self {
            case .bind(_, let endpoint): try socket.bind(endpoint)
            case .connect(_, let endpoint): try socket.connect(endpoint)
            case .unbind(_, let endpoint): try socket.unbind(endpoint)
            case .disconnect(_, let endpoint): try socket.disconnect(endpoint)
            case .close, .reopen: socket.close()
            case .trySend(_, let message): return .sent(try socket.trySend(message))
            case .tryReceive: return .received(try socket.tryReceive())
            case .subscribe(_, let prefix, let on):
                if on { try socket.subscribe(Frame(prefix)) } else { try socket.unsubscribe(Frame(prefix)) }
            case .setOption(_, let option): try socket.setOption(option.socketOption)
            case .statistics: return .statistics(socket.statistics)
            case .subscriptions: return .subscriptions(socket.subscriptions)
            }
            return .done
        } catch let error as RingMQError {
            return .error(error.code)
        } catch {
            fatalError("RingMQ threw a non-RingMQ error: \(error)")
        }
    }

    /// Runs the call on the model; statistics come back with their admissible range.
    func run(on socket: ModelSocket, in world: ModelWorld) throws(ModelAmbiguity) -> (ModelOutcome, ModelStatistics?) {
        do {
            switch self {
            case .bind(_, let endpoint): try world.bind(socket, endpoint)
            case .connect(_, let endpoint): try world.connect(socket, endpoint)
            case .unbind(_, let endpoint): try world.unbind(socket, endpoint)
            case .disconnect(_, let endpoint): try world.disconnect(socket, endpoint)
            case .close, .reopen: try world.close(socket)
            case .trySend(_, let message): return (.sent(try world.trySend(socket, message)), nil)
            case .tryReceive: return (.received(try world.tryReceive(socket)), nil)
            case .subscribe(_, let prefix, let on): try world.subscribe(socket, prefix, on)
            case .setOption(_, let option): try world.setOption(socket, option)
            case .statistics:
                let statistics = try world.statistics(socket)
                return (.statistics(statistics.exact), statistics)
            case .subscriptions: return (.subscriptions(try world.subscriptions(socket)), nil)
            }
            return (.done, nil)
        } catch let error as ModelError {
            return (.error(error.kind), nil)
        } catch let ambiguity as ModelAmbiguity {
            throw ambiguity
        } catch {
            fatalError("the model threw \(error)")
        }
    }
}
