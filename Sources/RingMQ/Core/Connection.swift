/// A connection between a connecting socket and a binding socket: up to two one-way pipes.
///
/// A pipe exists for a direction only when the writing side can send (a PUSH → PULL
/// connection has one pipe). Until the bind happens (connect before bind) the binder is
/// `nil`; the connecter may already write.
///
/// `@unchecked Sendable`: `binder`, `connecterClosed` and `lingerDeadline` change only under
/// the context's registry lock; everything else is immutable.
final class Connection: @unchecked Sendable {
    let endpoint: EndpointName
    let connecter: SocketPort
    let connecterOptions: PeerOptions
    /// connecter → binder
    let toBinder: Pipe?
    /// binder → connecter
    let toConnecter: Pipe?
    /// The bound socket, once the connection has formed.
    var binder: SocketPort?
    /// Set when the connecter closed before any bind; the pipe then only carries what it
    /// had already sent (kept while its linger lasts).
    var connecterClosed = false
    var lingerDeadline: Deadline?

    init(endpoint: EndpointName, connecter: SocketPort, options: PeerOptions, binder: SocketPort?,
         binderOptions: PeerOptions?) {
        self.endpoint = endpoint
        self.connecter = connecter
        self.connecterOptions = options
        self.binder = binder
        let type = connecter.type
        toBinder = type.canSend
            ? Pipe(limit: PeerOptions.pipeLimit(writerSend: options.sendHighWaterMark,
                                                readerReceive: binderOptions?.receiveHighWaterMark))
            : nil
        toConnecter = type.canReceive
            ? Pipe(limit: PeerOptions.pipeLimit(writerSend: binderOptions?.sendHighWaterMark,
                                                readerReceive: options.receiveHighWaterMark))
            : nil
        toBinder?.attachWriter(connecter.signal)
        toConnecter?.attachReader(connecter.signal)
        if let binder { wireBinder(binder) }
    }

    /// Connects the binder's side of the pipes: its signal, and the final limits.
    func form(with binder: SocketPort, options: PeerOptions) {
        self.binder = binder
        toBinder?.setLimit(PeerOptions.pipeLimit(writerSend: connecterOptions.sendHighWaterMark,
                                                 readerReceive: options.receiveHighWaterMark))
        toConnecter?.setLimit(PeerOptions.pipeLimit(writerSend: options.sendHighWaterMark,
                                                    readerReceive: connecterOptions.receiveHighWaterMark))
        wireBinder(binder)
    }

    private func wireBinder(_ binder: SocketPort) {
        toBinder?.attachReader(binder.signal)
        toConnecter?.attachWriter(binder.signal)
    }

    /// The connection as the connecting socket uses it.
    var connecterSide: Attachment {
        Attachment(connection: self, outbound: toBinder?.writer, inbound: toConnecter?.reader, asBinder: false)
    }

    /// The connection as the bound socket uses it.
    var binderSide: Attachment {
        Attachment(connection: self, outbound: toConnecter?.writer, inbound: toBinder?.reader, asBinder: true)
    }
}

/// One socket's view of a connection: where it writes, where it reads, and which side it is.
struct Attachment: Sendable {
    let connection: Connection
    let outbound: PipeWriter?
    let inbound: PipeReader?
    let asBinder: Bool
    /// The peer has closed or disconnected: nothing more will be written, nothing may be sent.
    var peerGone = false
}
