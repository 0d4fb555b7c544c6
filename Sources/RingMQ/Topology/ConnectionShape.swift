/// Which pipes a connection has, from the types at its two ends: part of the static type
/// table, with ``SocketType``.
///
/// A pipe exists for a direction only when the writing side writes to peers (a PUSH → PULL
/// connection has one pipe; SUB → PUB carries subscriptions). A SUB that conflates gets the
/// newest message through a ``LatestSlot`` instead of a pipe: known when the SUB connects, or
/// is bound already (a pending connection falls back to a pipe).
struct ConnectionShape: Equatable {
    /// A direction of a connection.
    enum Direction: Equatable {
        case toBinder, toConnecter
    }

    /// Where a conflating SUB's slot delivers, if the connection has one.
    let slot: Direction?
    let pipeToBinder: Bool
    let pipeToConnecter: Bool

    init(connecter: SocketType, conflates: Bool, binder: SocketType?, binderConflates: Bool) {
        if connecter == .sub, conflates {
            slot = .toConnecter
        } else if connecter.isPublisher, binder == .sub, binderConflates {
            slot = .toBinder
        } else {
            slot = nil
        }
        pipeToBinder = connecter.writesToPeers && slot != .toBinder
        pipeToConnecter = connecter.readsFromPeers && slot != .toConnecter
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
}
