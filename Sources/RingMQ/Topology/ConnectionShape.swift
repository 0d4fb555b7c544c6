/// Which pipes a connection has, and which of them conflate, from the types and `conflate`
/// options at its two ends: part of the static type table, with ``SocketType``.
///
/// A pipe exists for a direction only when the writing side writes to peers (a PUSH → PULL
/// connection has one pipe; SUB → PUB carries subscriptions). A pipe conflates (holds only the
/// newest message, see ``LatestSlot``) when the socket at either end sets `conflate` and the
/// pipe carries messages: a subscriber's pipe to its publisher carries subscriptions, which are
/// never conflated. Before the bind the binder's side is not known: the connection is shaped
/// again when it forms (``Connection/form(with:options:)``).
struct ConnectionShape: Equatable {
    /// A direction of a connection.
    enum Direction: Equatable {
        case toBinder, toConnecter
    }

    let pipeToBinder: Bool
    let pipeToConnecter: Bool
    let conflatesToBinder: Bool
    let conflatesToConnecter: Bool

    init(connecter: SocketType, conflates: Bool, binder: SocketType?, binderConflates: Bool) {
        pipeToBinder = connecter.writesToPeers
        pipeToConnecter = connecter.readsFromPeers
        let binderConflatesOut = binder.map { binderConflates && $0.conflatesWhatItSends } ?? false
        let binderConflatesIn = binder.map { binderConflates && $0.conflatesWhatItReceives } ?? false
        conflatesToBinder =
            pipeToBinder
            && (conflates && connecter.conflatesWhatItSends || binderConflatesIn)
        conflatesToConnecter =
            pipeToConnecter
            && (conflates && connecter.conflatesWhatItReceives || binderConflatesOut)
    }

    /// The direction subscriptions travel on a connection made by `connecter`: from the
    /// subscriber to the publisher; `nil` between other types.
    static func subscriptions(from connecter: SocketType) -> Direction? {
        if connecter.isSubscriber { return .toBinder }
        if connecter.isPublisher { return .toConnecter }
        return nil
    }
}

extension SocketType {
    /// SUB and XSUB: a connection's pipe to the publisher is primed with the subscriptions in
    /// force before it is used (``Connection/prime(with:)``).
    var primesSubscriptions: Bool { isSubscriber }

    /// With `conflate`, whether the pipes this type writes conflate: not a subscriber's, which
    /// carry its subscriptions.
    var conflatesWhatItSends: Bool { !isSubscriber }

    /// With `conflate`, whether the pipes this type reads conflate: not a publisher's, which
    /// carry its subscribers' subscriptions.
    var conflatesWhatItReceives: Bool { !isPublisher }
}
