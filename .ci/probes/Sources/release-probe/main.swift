// Run by CI from an optimised build, where a precondition's message is dropped: RingMQ's
// programming-error traps and its blocking-call warning must still say what was wrong.
//   release-probe invalid-option    traps with the option's message
//   release-probe blocking-in-task  warns once on standard error, then carries on
import RingMQ

/// A blocking receive reached from a task through a synchronous helper, as real programs do.
func receiveBlocking(_ socket: Socket) -> Message? {
    try? socket.receive()
}

@main
struct ReleaseProbe {
    static func main() async throws {
        let context = Context()
        defer { context.terminate() }
        switch CommandLine.arguments.dropFirst().first {
        case "invalid-option":
            let push = try context.socket(.push)
            push.sendHighWaterMark = -1
            print("not reached: the invalid option was accepted")
        case "blocking-in-task":
            let pull = try context.socket(.pull)
            pull.receiveTimeout = .milliseconds(20)
            let outcome = await Task { (receiveBlocking(pull), receiveBlocking(pull)) }.value
            print("carried on: \(outcome.0 == nil && outcome.1 == nil ? "both timed out" : "unexpected message")")
        default:
            print("usage: release-probe invalid-option | blocking-in-task")
        }
    }
}
