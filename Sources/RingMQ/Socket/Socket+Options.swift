/// Options, as properties (setters trap on an invalid value) and as ``Socket/setOption(_:)``
/// (throws instead). High-water marks apply to connections made after they are set; the
/// other options take effect at once.
extension Socket {
    /// Sets an option, checking its value.
    ///
    /// - Throws: ``RingMQError/invalidOption(_:)`` for a value the option cannot take, or an
    ///   option that does not apply to this socket's type; ``RingMQError/socketClosed``;
    ///   ``RingMQError/terminated``.
    public func setOption(_ option: SocketOption) throws {
        try withExclusiveUse(.setOption) {
            try checkUsable()
            let options = try validated(option)
            catchUpIfOpen()
            store(option, options)
        }
    }

    /// Sets ``sendHighWaterMark``, throwing instead of trapping on a negative value; the same
    /// as `setOption(.sendHighWaterMark(_:))`, the one throwing form every option has.
    @available(*, deprecated, message: "use setOption(.sendHighWaterMark(_:)), the throwing form every option has")
    public func set(sendHighWaterMark: Int) throws { try setOption(.sendHighWaterMark(sendHighWaterMark)) }

    /// Sets ``receiveHighWaterMark``, throwing instead of trapping on a negative value; the
    /// same as `setOption(.receiveHighWaterMark(_:))`, the one throwing form every option has.
    @available(*, deprecated, message: "use setOption(.receiveHighWaterMark(_:)), the throwing form every option has")
    public func set(receiveHighWaterMark: Int) throws { try setOption(.receiveHighWaterMark(receiveHighWaterMark)) }

    /// Messages queued per outbound connection before `send` waits; 0 for no limit; default 1000.
    /// ZMQ_SNDHWM. Setting a negative value traps; use ``setOption(_:)`` to get an error.
    public var sendHighWaterMark: Int {
        get { read(\.sendHighWaterMark) }
        set { assign(.sendHighWaterMark(newValue)) }
    }

    /// Messages queued per inbound connection; 0 for no limit; default 1000. ZMQ_RCVHWM.
    /// Setting a negative value traps; use ``setOption(_:)`` to get an error.
    public var receiveHighWaterMark: Int {
        get { read(\.receiveHighWaterMark) }
        set { assign(.receiveHighWaterMark(newValue)) }
    }

    /// How long ``send(_:)-4ss4q`` waits: `nil` (default) forever, `.zero` never. ZMQ_SNDTIMEO.
    public var sendTimeout: Duration? {
        get { read(\.sendTimeout) }
        set { assign(.sendTimeout(newValue)) }
    }

    /// How long ``receive()-96ywn`` waits: `nil` (default) forever, `.zero` never. ZMQ_RCVTIMEO.
    public var receiveTimeout: Duration? {
        get { read(\.receiveTimeout) }
        set { assign(.receiveTimeout(newValue)) }
    }

    /// How long messages queued on a connection still waiting for its bind outlive
    /// ``close()``: `nil` (default) until the bind, `.zero` not at all. ZMQ_LINGER.
    public var linger: Duration? {
        get { read(\.linger) }
        set { assign(.linger(newValue)) }
    }

    /// The identity a ROUTER peer sees for this socket: 1 to 255 bytes, not starting with a
    /// zero byte; `nil` (default) lets the ROUTER generate one. ZMQ_ROUTING_ID.
    public var routingID: Frame? {
        get { read(\.routingID) }
        set { assign(.routingID(newValue)) }
    }

    func read<Value>(_ keyPath: KeyPath<SocketOptions, Value>) -> Value {
        withExclusiveUse(.readOption) {
            catchUpIfOpen()
            return core.pointee.options[keyPath: keyPath]
        }
    }

    /// Every call applies what peers posted (so redelivery happens at the next call of any
    /// kind, as Docs/Pipeline.md says), except on a closed socket, which has no peers.
    func catchUpIfOpen() {
        if !core.pointee.isClosed { catchUp() }
    }

    /// The property setters' path: an invalid value is a programming error.
    func assign(_ option: SocketOption) {
        withExclusiveUse(.writeOption) {
            let options: SocketOptions
            do {
                options = try validated(option)
            } catch {
                // fatalError (in controlledTrap), not preconditionFailure: an optimised build drops
                // the message of a precondition and prints only "precondition failure".
                controlledTrap("RingMQ: \(error); use setOption(_:) to handle this as an error", context: context)
            }
            catchUpIfOpen()
            store(option, options)
        }
    }

    /// The options with `option` set, if its value is valid for this type; checked before the
    /// call applies peers' commands, so an invalid option changes nothing.
    private func validated(_ option: SocketOption) throws(RingMQError) -> SocketOptions {
        var options = core.pointee.options
        try option.apply(to: &options, for: type)
        return options
    }

    private func store(_ option: SocketOption, _ options: SocketOptions) {
        core.pointee.options = options
        switch option {
        case .conflate(let on):
            port.currentPeerOptions = core.pointee.options.peerOptions
            // At once, on the connections made already; turning it off applies to those made
            // afterwards (a pipe conflates for good: its peer may have asked for it too).
            if on { for attachment in core.pointee.attachments { attachment.startConflating() } }
        case .sendHighWaterMark, .receiveHighWaterMark, .routingID, .routerHandover, .probeRouter:
            port.currentPeerOptions = core.pointee.options.peerOptions
        case .invertMatching(let inverted) where role.subscriber != nil:
            propagateInversion(inverted)
        case .immediate:
            role.handle.admitPeers(&core.pointee)
        default:
            break
        }
    }
}
