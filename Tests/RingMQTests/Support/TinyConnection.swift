import RingMQ

/// A PUSH → PULL connection of capacity two (both high-water marks 1) on
/// `inproc://<name>`: the PULL binds, then the PUSH connects. Two sends fill it.
func tinyConnection(_ test: TestContext, _ name: String) throws -> (push: Socket, pull: Socket) {
    let pull = try test.socket(.pull)
    pull.receiveHighWaterMark = 1
    try pull.bind("inproc://\(name)")
    let push = try test.socket(.push)
    push.sendHighWaterMark = 1
    try push.connect("inproc://\(name)")
    return (push, pull)
}
