/// A socket's role, chosen once from its type when the socket is created: the one place that
/// maps socket types to behaviour.
///
/// An enum of typed pointers rather than an existential or a subclass: switching over it costs
/// what a `switch` over the type costs, and every call after the switch is static and
/// inlinable, so the message path pays no witness-table call, no reference count and no
/// copy-on-write. The pointers are the socket's to free (``RoleHandle/free()``), as its core is.
enum Role {
    case push(UnsafeMutablePointer<PushRole>)
    case pull(UnsafeMutablePointer<PullRole>)
    /// DEALER and PAIR.
    case dealer(UnsafeMutablePointer<DealerRole>)
    case requester(UnsafeMutablePointer<RequesterRole>)
    case replier(UnsafeMutablePointer<ReplierRole>)
    case router(UnsafeMutablePointer<RouterRole>)
    /// PUB and XPUB.
    case publisher(UnsafeMutablePointer<PublisherRole>)
    /// SUB and XSUB.
    case subscriber(UnsafeMutablePointer<SubscriberRole>)

    init(_ type: SocketType) {
        switch type {
        case .push: self = .push(.make(PushRole()))
        case .pull: self = .pull(.make(PullRole()))
        case .pair, .dealer: self = .dealer(.make(DealerRole()))
        case .req: self = .requester(.make(RequesterRole()))
        case .rep: self = .replier(.make(ReplierRole()))
        case .router: self = .router(.make(RouterRole()))
        case .pub: self = .publisher(.make(PublisherRole(passesUp: false)))
        case .xpub: self = .publisher(.make(PublisherRole(passesUp: true)))
        case .sub: self = .subscriber(.make(SubscriberRole(filters: true)))
        case .xsub: self = .subscriber(.make(SubscriberRole(filters: false)))
        }
    }

    /// The role for the paths off the message path (topology, commands, readiness,
    /// statistics): one witness-table call there costs nothing that matters, and saves a
    /// switch per operation. The pointer fits the existential's inline buffer: no allocation.
    var handle: any RoleHandle {
        switch self {
        case .push(let role): role
        case .pull(let role): role
        case .dealer(let role): role
        case .requester(let role): role
        case .replier(let role): role
        case .router(let role): role
        case .publisher(let role): role
        case .subscriber(let role): role
        }
    }

    /// Whether messages reclaimed from departed peers wait to be resent: checked where a
    /// socket catches up, so that a role without any costs a switch, not a call.
    var hasReclaimed: Bool {
        switch self {
        case .push(let role): !role.pointee.balancing.reclaimed.isEmpty
        case .dealer(let role): !role.pointee.balancing.reclaimed.isEmpty
        case .requester(let role): !role.pointee.balancing.reclaimed.isEmpty
        case .pull, .replier, .router, .publisher, .subscriber: false
        }
    }

    /// SUB and XSUB: the role the subscription calls work on; `nil` for the other types.
    var subscriber: UnsafeMutablePointer<SubscriberRole>? {
        if case .subscriber(let role) = self { role } else { nil }
    }
}

extension Socket {
    /// Queues `message` by the socket's type, waiting up to `timeout` (`.zero`: not at all).
    /// `false` when the time ran out.
    @inline(__always)
    func deliver(_ message: consuming Message, timeout: Duration?) throws -> Bool {
        try checkSendable(message)
        if port.mailbox.hasCommands { applyPendingCommands() }
        switch role {
        case .push(let role): return try send(message, through: role, timeout: timeout)
        case .dealer(let role): return try send(message, through: role, timeout: timeout)
        case .requester(let role): return try send(message, through: role, timeout: timeout)
        case .replier(let role): return try send(message, through: role, timeout: timeout)
        case .router(let role): return try send(message, through: role, timeout: timeout)
        case .publisher(let role): return try send(message, through: role, timeout: timeout)
        case .subscriber(let role): return sendUpstream(message, through: role)
        case .pull(let role): return try send(message, through: role, timeout: timeout)
        }
    }

    /// Takes the next message by the socket's type, waiting up to `timeout` (`.zero`: not at
    /// all). `nil` when the time ran out.
    @inline(__always)
    func collect(timeout: Duration?) throws -> Message? {
        try checkReceivable()
        switch role {
        case .pull(let role): return try receive(through: role, timeout: timeout)
        case .dealer(let role): return try receive(through: role, timeout: timeout)
        case .requester(let role): return try receive(through: role, timeout: timeout)
        case .replier(let role): return try receive(through: role, timeout: timeout)
        case .router(let role): return try receive(through: role, timeout: timeout)
        case .subscriber(let role): return try receiveFiltered(through: role, timeout: timeout)
        case .publisher(let role): return try receive(through: role, timeout: timeout)
        case .push(let role): return try receive(through: role, timeout: timeout)
        }
    }

    /// SUB and XSUB's receive, kept out of line: inlined into ``collect(timeout:)`` beside the
    /// other types, its filtering made the whole switch spill more registers and gain a stack
    /// check, at +12 instructions per message for every type (callgrind, `thr 8`: 305, 293 out of
    /// line).
    @inline(never)
    private func receiveFiltered(through role: UnsafeMutablePointer<SubscriberRole>, timeout: Duration?) throws
        -> Message?
    {
        try receive(through: role, timeout: timeout)
    }
}

extension UnsafeMutablePointer {
    /// A new allocation holding `value`, on cache lines of its own (see ``LineAligned``).
    fileprivate static func make(_ value: Pointee) -> UnsafeMutablePointer {
        LineAligned.make(value)
    }
}
