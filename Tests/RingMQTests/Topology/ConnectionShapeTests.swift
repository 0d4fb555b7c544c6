import Testing

@testable import RingMQ

/// ``ConnectionShape`` as the table it is: which pipes a connection between two socket types
/// has, and which of them conflate, whichever of them binds.
@Suite(.runsAlone) struct ConnectionShapeTests {
    /// What a connection has in one direction.
    enum Way: Sendable {
        /// No pipe.
        case none
        /// A pipe that queues messages up to its limit.
        case queue
        /// A pipe that holds only the newest message (`conflate`).
        case newest
    }

    /// One row: the connecter's type and conflate, the binder's; the expected shape.
    struct Row: CustomTestStringConvertible, Sendable {
        let connecter: SocketType
        let conflates: Bool
        let binder: SocketType?
        let binderConflates: Bool
        let toBinder: Way
        let toConnecter: Way

        init(
            _ connecter: SocketType, _ conflates: Bool, _ binder: SocketType?, _ binderConflates: Bool,
            toBinder: Way, toConnecter: Way
        ) {
            (self.connecter, self.conflates, self.binder, self.binderConflates) = (
                connecter, conflates, binder, binderConflates
            )
            (self.toBinder, self.toConnecter) = (toBinder, toConnecter)
        }

        var testDescription: String {
            "\(connecter)\(conflates ? " (conflate)" : "") → \(binder.map(\.description) ?? "not bound yet")"
                + (binderConflates ? " (conflate)" : "")
        }
    }

    static let rows: [Row] = [
        Row(.push, false, .pull, false, toBinder: .queue, toConnecter: .none),
        Row(.pull, false, .push, false, toBinder: .none, toConnecter: .queue),
        Row(.pair, false, .pair, false, toBinder: .queue, toConnecter: .queue),
        Row(.dealer, false, .router, false, toBinder: .queue, toConnecter: .queue),
        Row(.dealer, false, .rep, false, toBinder: .queue, toConnecter: .queue),
        // A SUB's pipe to its publisher carries subscriptions; the publisher's pipe, messages.
        Row(.sub, false, .pub, false, toBinder: .queue, toConnecter: .queue),
        Row(.pub, false, .sub, false, toBinder: .queue, toConnecter: .queue),
        Row(.xsub, false, .xpub, false, toBinder: .queue, toConnecter: .queue),
        // Conflate on either end makes every pipe that carries messages conflate, both ways...
        Row(.push, true, .pull, false, toBinder: .newest, toConnecter: .none),
        Row(.push, false, .pull, true, toBinder: .newest, toConnecter: .none),
        Row(.pull, true, .push, false, toBinder: .none, toConnecter: .newest),
        Row(.pull, false, .push, true, toBinder: .none, toConnecter: .newest),
        Row(.dealer, true, .router, false, toBinder: .newest, toConnecter: .newest),
        Row(.router, false, .dealer, true, toBinder: .newest, toConnecter: .newest),
        Row(.dealer, true, .dealer, true, toBinder: .newest, toConnecter: .newest),
        // ...but never a subscriber's subscriptions, whichever end conflates.
        Row(.sub, true, .pub, false, toBinder: .queue, toConnecter: .newest),
        Row(.pub, false, .sub, true, toBinder: .newest, toConnecter: .queue),
        Row(.pub, true, .sub, false, toBinder: .newest, toConnecter: .queue),
        Row(.sub, false, .pub, true, toBinder: .queue, toConnecter: .newest),
        Row(.pub, true, .xsub, false, toBinder: .newest, toConnecter: .queue),
        Row(.sub, true, .xpub, false, toBinder: .queue, toConnecter: .newest),
        // Before the bind the binder's conflate is unknown: the connecter's alone decides, and
        // the bind shapes the connection again (``Connection/form(with:options:)``).
        Row(.pub, false, nil, false, toBinder: .queue, toConnecter: .queue),
        Row(.push, false, nil, false, toBinder: .queue, toConnecter: .none),
        Row(.push, true, nil, false, toBinder: .newest, toConnecter: .none),
        Row(.sub, true, nil, false, toBinder: .queue, toConnecter: .newest),
    ]

    @Test(arguments: rows)
    func pipesFollowTheTypesAtBothEnds(_ row: Row) {
        let shape = ConnectionShape(
            connecter: row.connecter, conflates: row.conflates, binder: row.binder,
            binderConflates: row.binderConflates)
        #expect(Self.way(pipe: shape.pipeToBinder, conflating: shape.conflatesToBinder) == row.toBinder)
        #expect(Self.way(pipe: shape.pipeToConnecter, conflating: shape.conflatesToConnecter) == row.toConnecter)
    }

    private static func way(pipe: Bool, conflating: Bool) -> Way {
        pipe ? (conflating ? .newest : .queue) : (conflating ? .newest : .none)
    }

    @Test func subscriptionsTravelFromTheSubscriberToThePublisher() {
        for type in SocketType.allCases {
            let expected: ConnectionShape.Direction? =
                switch type {
                case .sub, .xsub: .toBinder
                case .pub, .xpub: .toConnecter
                default: nil
                }
            #expect(ConnectionShape.subscriptions(from: type) == expected, "connecter \(type)")
        }
    }
}
