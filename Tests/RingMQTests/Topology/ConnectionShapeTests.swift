@testable import RingMQ
import Testing

/// ``ConnectionShape`` as the table it is: which pipes (and which conflation slot) a
/// connection between two socket types has, whichever of them binds.
@Suite(.runsAlone) struct ConnectionShapeTests {
    /// One row: the connecter's type and conflate, the binder's; the expected shape.
    struct Row: CustomTestStringConvertible, Sendable {
        let connecter: SocketType
        let conflates: Bool
        let binder: SocketType?
        let binderConflates: Bool
        let slot: ConnectionShape.Direction?
        let toBinder: Bool
        let toConnecter: Bool

        var testDescription: String {
            "\(connecter)\(conflates ? " (conflate)" : "") → \(binder.map(\.description) ?? "not bound yet")"
                + (binderConflates ? " (conflate)" : "")
        }
    }

    static let rows: [Row] = [
        Row(connecter: .push, conflates: false, binder: .pull, binderConflates: false, slot: nil, toBinder: true, toConnecter: false),
        Row(connecter: .pull, conflates: false, binder: .push, binderConflates: false, slot: nil, toBinder: false, toConnecter: true),
        Row(connecter: .pair, conflates: false, binder: .pair, binderConflates: false, slot: nil, toBinder: true, toConnecter: true),
        Row(connecter: .dealer, conflates: false, binder: .router, binderConflates: false, slot: nil, toBinder: true, toConnecter: true),
        // A SUB's pipe to its publisher carries subscriptions; the publisher's pipe, messages.
        Row(connecter: .sub, conflates: false, binder: .pub, binderConflates: false, slot: nil, toBinder: true, toConnecter: true),
        Row(connecter: .pub, conflates: false, binder: .sub, binderConflates: false, slot: nil, toBinder: true, toConnecter: true),
        Row(connecter: .xsub, conflates: false, binder: .xpub, binderConflates: false, slot: nil, toBinder: true, toConnecter: true),
        // A conflating SUB gets the newest message through a slot instead of a pipe.
        Row(connecter: .sub, conflates: true, binder: .pub, binderConflates: false, slot: .toConnecter, toBinder: true, toConnecter: false),
        Row(connecter: .pub, conflates: false, binder: .sub, binderConflates: true, slot: .toBinder, toBinder: false, toConnecter: true),
        // Before the bind the binder's conflate is unknown: a pipe, as for any subscriber.
        Row(connecter: .pub, conflates: false, binder: nil, binderConflates: false, slot: nil, toBinder: true, toConnecter: true),
    ]

    @Test(arguments: rows)
    func pipesFollowTheTypesAtBothEnds(_ row: Row) {
        let shape = ConnectionShape(connecter: row.connecter, conflates: row.conflates, binder: row.binder,
                                    binderConflates: row.binderConflates)
        #expect(shape.slot == row.slot)
        #expect(shape.pipeToBinder == row.toBinder)
        #expect(shape.pipeToConnecter == row.toConnecter)
    }

    @Test func subscriptionsTravelFromTheSubscriberToThePublisher() {
        for type in SocketType.allCases {
            let expected: ConnectionShape.Direction? = switch type {
            case .sub, .xsub: .toBinder
            case .pub, .xpub: .toConnecter
            default: nil
            }
            #expect(ConnectionShape.subscriptions(from: type) == expected, "connecter \(type)")
        }
    }
}
