import Foundation
import RingMQ
import RingMQTesting

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One seeded run of the model-based test: a few sockets in one context, and the same random
/// calls made on them and on the model, every outcome compared.
///
/// The high-water marks it sets are 0 (no limit), 1, 2 and 1000, so that every pipe holds
/// 2 or 3 messages (its reader publishes progress after each read) or is never near full,
/// which keeps every prediction exact (see ``ModelPipe``).
struct ModelRun {
    /// The socket types of the slots, one set per kind of run.
    static let worlds: [(name: String, types: [SocketType])] = [
        ("pipeline", [.push, .push, .pull, .pull]),
        ("pipeline and dealers", [.push, .pull, .pull, .dealer, .dealer]),
        ("publish-subscribe", [.pub, .pub, .sub, .sub, .xsub]),
        ("pair", [.pair, .pair, .pair]),
        ("request-reply", [.req, .req, .rep, .rep, .dealer]),
        ("mixed", [.push, .pull, .pub, .sub, .pair, .req, .rep, .dealer, .xsub]),
    ]
    static let endpoints = ["inproc://m0", "inproc://m1", "inproc://m2"]
    /// `RINGMQ_MODEL_TRACE=1`: print every call before making it (to replay a crash).
    static let printsCalls = getenv("RINGMQ_MODEL_TRACE").map { String(cString: $0) == "1" } ?? false

    private struct Slot {
        let type: SocketType
        var socket: Socket
        var model: ModelSocket
    }

    let seed: UInt64
    let worldName: String
    private var random: SplitMix64
    private let context = Context()
    private let world = ModelWorld()
    private var slots: [Slot] = []
    private var trace: [String] = []
    private var nextMessage = 0
    private(set) var steps = 0

    init(seed: UInt64) throws {
        self.seed = seed
        random = SplitMix64(seed: seed)
        let world = Self.worlds[Int(seed % UInt64(Self.worlds.count))]
        worldName = world.name
        for type in world.types {
            slots.append(
                Slot(
                    type: type, socket: try context.socket(type),
                    model: self.world.track(ModelSocket(type: type, generation: 0))))
        }
    }

    /// Runs `count` random calls, then reads every socket's statistics and drains every
    /// receiver. Returns the first disagreement, described with seed, step and the last calls.
    mutating func run(steps count: Int) -> ModelRunFailure? {
        defer { context.terminate() }
        for _ in 0..<count {
            if case .failure(let failure) = perform(randomOperation()) { return failure }
        }
        for slot in slots.indices {
            if case .failure(let failure) = perform(.statistics(slot: slot)) { return failure }
            guard slots[slot].type.canReceive else { continue }
            drain: while true {
                switch perform(.tryReceive(slot: slot)) {
                case .failure(let failure): return failure
                case .success(.received(.some)): continue drain
                case .success: break drain
                }
            }
        }
        return nil
    }

    // MARK: - One call on both

    /// The outcome both agree on, or the failure.
    private mutating func perform(_ operation: ModelOperation) -> Result<ModelOutcome, ModelRunFailure> {
        steps += 1
        let index = operation.slot
        let slot = slots[index]
        if Self.printsCalls {
            // A crash in the library ends the process before a failure can show the trace.
            print("model seed \(seed) #\(steps) \(slot.type)\(index).\(slot.model.generation) \(operation)")
            fflush(nil)
        }
        var actual = operation.run(on: slot.socket)
        var predicted: ModelOutcome
        var statistics: ModelStatistics?
        do {
            (predicted, statistics) = try operation.run(on: slot.model, in: world)
        } catch {
            record(index, operation, "library \(actual); the model cannot tell (pipe \(error.pipe))")
            return .failure(
                failure("the model cannot predict this call (a pipe whose room depends on unpublished progress)"))
        }
        if case .reopen = operation {
            // What the closed socket reports: its counts, with empty queues and no peers.
            actual = .statistics(slot.socket.statistics)
            statistics = try? world.statistics(slot.model)
            predicted = statistics.map { .statistics($0.exact) } ?? .done
            slots[index].socket = (try? context.socket(slot.type)) ?? slot.socket
            slots[index].model = world.track(ModelSocket(type: slot.type, generation: slot.model.generation + 1))
        }
        let agrees: Bool
        if let statistics, case .statistics(let read) = actual {
            agrees = statistics.admits(read)
        } else {
            agrees = actual == predicted
        }
        guard agrees else {
            let expected = statistics.map { "\($0)" } ?? "\(predicted)"
            record(index, operation, "library \(actual), model \(expected)")
            return .failure(failure("the library and the model disagree"))
        }
        record(index, operation, "\(actual)")
        if Self.printsCalls { print("    → \(actual)") }
        return .success(actual)
    }

    private mutating func record(_ index: Int, _ operation: ModelOperation, _ outcome: String) {
        let slot = slots[index]
        trace.append("#\(steps) \(slot.type)\(index).\(slot.model.generation) \(operation) → \(outcome)")
    }

    private func failure(_ what: String) -> ModelRunFailure {
        ModelRunFailure(
            description:
                "\(what) at step \(steps) of seed \(seed) (\(worldName); replay with RINGMQ_SEED=\(seed)). Last calls:\n"
                + trace.suffix(Int(ProcessInfo.processInfo.environment["RINGMQ_TRACE"] ?? "24") ?? 24).joined(
                    separator: "\n"))
    }

    // MARK: - Random calls

    private enum Call: CaseIterable {
        case trySend, tryReceive, connect, bind, disconnect, unbind, close, reopen, setOption, subscribe
        case statistics, subscriptions

        /// How often each call is drawn: the data path most, calls a type cannot make rarely.
        func weight(for type: SocketType) -> Int {
            switch self {
            case .trySend: type.canSend ? 24 : 1
            case .tryReceive: type.canReceive ? 24 : 1
            case .connect: 12
            case .bind: 8
            case .disconnect: 4
            case .unbind: 2
            case .close: 2
            case .reopen: 2
            case .setOption: 8
            case .subscribe: type.isModelSubscriber ? 8 : 1
            case .statistics: 6
            case .subscriptions: 2
            }
        }
    }

    private mutating func randomOperation() -> ModelOperation {
        let slot = Int.random(in: 0..<slots.count, using: &random)
        let type = slots[slot].type
        // A closed socket answers every call with `.socketClosed`: reopen it soon.
        if !slots[slot].model.open, Int.random(in: 0..<4, using: &random) > 0 { return .reopen(slot: slot) }
        let weights = Call.allCases.map { $0.weight(for: type) }
        var pick = Int.random(in: 0..<weights.reduce(0, +), using: &random)
        var call = Call.statistics
        for (candidate, weight) in zip(Call.allCases, weights) {
            if pick < weight {
                call = candidate
                break
            }
            pick -= weight
        }
        switch call {
        case .trySend: return .trySend(slot: slot, makeMessage(for: type))
        case .tryReceive: return .tryReceive(slot: slot)
        case .connect: return .connect(slot: slot, randomEndpoint())
        case .bind: return .bind(slot: slot, randomEndpoint())
        case .disconnect: return .disconnect(slot: slot, randomEndpoint())
        case .unbind: return .unbind(slot: slot, randomEndpoint())
        case .close: return .close(slot: slot)
        case .reopen: return .reopen(slot: slot)
        case .setOption: return .setOption(slot: slot, makeOption(for: type))
        case .subscribe:
            let prefix = makePrefix()
            return .subscribe(slot: slot, prefix, Int.random(in: 0..<3, using: &random) > 0)
        case .statistics: return .statistics(slot: slot)
        case .subscriptions: return .subscriptions(slot: slot)
        }
    }

    private mutating func randomEndpoint() -> String {
        switch Int.random(in: 0..<40, using: &random) {
        case 0: "tcp://m0"
        case 1: "inproc://"
        default: Self.endpoints.randomElement(using: &random)!
        }
    }

    private static let prefixes: [[UInt8]] = [[], Array("a".utf8), Array("ab".utf8), Array("b".utf8)]

    private mutating func makePrefix() -> [UInt8] {
        Self.prefixes.randomElement(using: &random)!
    }

    private mutating func makeMessage(for type: SocketType) -> Message {
        nextMessage += 1
        let n = nextMessage
        let multipart = Int.random(in: 0..<6, using: &random) == 0
        switch type {
        case .pub:
            let topic = ["a", "ab", "b", "c", ""].randomElement(using: &random)!
            let first = Frame("\(topic)/\(n)")
            return multipart ? Message([first, "tail"]) : Message(first)
        case .xsub:
            if Bool.random(using: &random) {
                return ModelWorld.subscription(Int.random(in: 0..<3, using: &random) > 0, makePrefix())
            }
            return Message("up/\(n)")
        case .dealer:
            // Mostly with the delimiter a REP needs; without it a REP drops the message.
            let body = Frame("d/\(n)")
            return Int.random(in: 0..<5, using: &random) == 0 ? Message(body) : Message([Frame(), body])
        default:
            let first = Frame("m/\(n)")
            return multipart ? Message([first, "tail"]) : Message(first)
        }
    }

    private mutating func makeOption(for type: SocketType) -> ModelWorld.Option {
        switch Int.random(in: 0..<10, using: &random) {
        case 0..<4: .sendHighWaterMark([1, 1, 2, 0, 1000, -1].randomElement(using: &random)!)
        case 4..<8: .receiveHighWaterMark([1, 1, 0, 1000, -1].randomElement(using: &random)!)
        case 8:
            .redeliverUnread(Int.random(in: 0..<4, using: &random) == 0 ? !type.modelRedelivers : type.modelRedelivers)
        default: .lingerZero(Bool.random(using: &random))
        }
    }
}

/// A disagreement, with the seed, the step and the calls that led to it.
struct ModelRunFailure: Error, CustomStringConvertible {
    let description: String
}

extension SocketType {
    var modelRedelivers: Bool { self == .push || self == .dealer || self == .req }
}
