import RingMQ

/// A connection in the model: up to two pipes, as in the library (a direction has a pipe when
/// the connecting type writes to or reads from peers).
final class ModelConnection {
    let endpoint: String
    let connecter: ModelSocket
    /// `nil` until the bind (connect before bind).
    var binder: ModelSocket?
    let toBinder: ModelPipe?
    let toConnecter: ModelPipe?
    /// The connecter closed before any bind; the connection only delivers what it holds.
    var connecterClosed = false
    /// The connecter's marks when it connected (HWMs apply to connections made after they are set).
    let connecterSend: Int
    let connecterReceive: Int

    init(endpoint: String, connecter: ModelSocket, binder: ModelSocket?, newPipe: (Int?) -> ModelPipe) {
        self.endpoint = endpoint
        self.connecter = connecter
        self.binder = binder
        connecterSend = connecter.options.sendHighWaterMark
        connecterReceive = connecter.options.receiveHighWaterMark
        let type = connecter.type
        toBinder =
            type.modelWritesToPeers
            ? newPipe(
                ModelPipe.limit(
                    writerSend: connecter.options.sendHighWaterMark,
                    readerReceive: binder?.options.receiveHighWaterMark))
            : nil
        toConnecter =
            type.modelReadsFromPeers
            ? newPipe(
                ModelPipe.limit(
                    writerSend: binder?.options.sendHighWaterMark,
                    readerReceive: connecter.options.receiveHighWaterMark))
            : nil
    }

    /// The bind happened: the binder's high-water marks (as they were when it bound) join.
    func form(with binder: ModelSocket, options: ModelOptions) {
        self.binder = binder
        toBinder?.limit = ModelPipe.limit(writerSend: connecterSend, readerReceive: options.receiveHighWaterMark)
        toConnecter?.limit = ModelPipe.limit(writerSend: options.sendHighWaterMark, readerReceive: connecterReceive)
    }

    /// The pipe a subscriber's subscriptions travel up, if this joins a subscriber to a publisher.
    var upstream: ModelPipe? {
        if connecter.type.isModelSubscriber { return toBinder }
        if connecter.type.isModelPublisher { return toConnecter }
        return nil
    }

    var connecterSide: ModelAttachment {
        ModelAttachment(connection: self, outbound: toBinder, inbound: toConnecter, asBinder: false)
    }

    var binderSide: ModelAttachment {
        ModelAttachment(connection: self, outbound: toConnecter, inbound: toBinder, asBinder: true)
    }
}

/// One socket's view of a connection.
struct ModelAttachment {
    let connection: ModelConnection
    let outbound: ModelPipe?
    let inbound: ModelPipe?
    let asBinder: Bool
    var peerGone = false

    /// The peer at the other end (`nil` while a connect waits for its bind).
    var peer: ModelSocket? { asBinder ? connection.connecter : connection.binder }
}

/// A topology change a peer posted; applied at the socket's next call.
enum ModelCommand {
    case attach(ModelAttachment)
    case detach(ModelConnection, stoppedReading: Bool)
    case subscriptionsArrived
}

/// The options the model follows.
struct ModelOptions {
    var sendHighWaterMark = 1000
    var receiveHighWaterMark = 1000
    var redeliverUnread: Bool
    var lingerZero = false

    init(type: SocketType) {
        redeliverUnread = type == .push || type == .dealer || type == .req
    }
}

/// A PUB's view of one subscriber: the prefixes it holds (once each, as the publisher's trie
/// keeps them) and the pipe to it.
struct ModelSubscriber {
    let connection: ModelConnection
    let writer: ModelPipe?
    let reader: ModelPipe?
    var prefixes: Set<[UInt8]> = []

    func matches(_ topic: [UInt8]) -> Bool {
        prefixes.contains { topic.starts(with: $0) }
    }
}

/// The model of one socket: what the library keeps per socket, in plain values.
final class ModelSocket {
    let type: SocketType
    /// Which socket of its slot this is (a slot reopens with a new socket), for traces.
    let generation: Int
    var open = true
    var options: ModelOptions
    var bound: Set<String> = []
    var connected: Set<String> = []
    var attachments: [ModelAttachment] = []
    var outbound = ModelLoadBalancer()
    var inbound = ModelFairQueue()
    var mailbox: [ModelCommand] = []
    /// Messages taken back from a departed peer, to send before newer ones.
    var returned: [Message] = []

    var sent = 0
    var received = 0
    var redelivered = 0
    /// Taken back and dropped at close.
    var returnedDropped = 0
    /// PUB: dropped for a full subscriber.
    var publishDropped = 0

    /// SUB, XSUB: counted subscriptions.
    var subscriptionCounts: [[UInt8]: Int] = [:]
    /// PUB: subscribers.
    var subscribers: [ModelSubscriber] = []

    /// REQ: a request is out; the pipe its reply must come from.
    var awaitingReply = false
    var replySource: ModelPipe?
    /// REP: the envelope of the request being answered, and the pipe it came from.
    var envelope: [Frame]?
    var requester: ModelPipe?

    init(type: SocketType, generation: Int) {
        self.type = type
        self.generation = generation
        options = ModelOptions(type: type)
    }

    func post(_ command: ModelCommand) {
        guard open else { return }  // a closed socket's mailbox refuses posts
        if case .subscriptionsArrived = command,
            mailbox.contains(where: { if case .subscriptionsArrived = $0 { true } else { false } })
        {
            return  // one notice queued is enough
        }
        mailbox.append(command)
    }
}

extension SocketType {
    var modelWritesToPeers: Bool { canSend || self == .sub }
    var modelReadsFromPeers: Bool { canReceive || self == .pub }
    var isModelPublisher: Bool { self == .pub || self == .xpub }
    var isModelSubscriber: Bool { self == .sub || self == .xsub }
}
