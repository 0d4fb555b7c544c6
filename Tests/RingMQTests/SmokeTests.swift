import RingMQ
import Testing

@Suite struct SmokeTests {
    @Test func pushPullRoundTrip() throws {
        let context = Context()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://tasks")
        let push = try context.socket(.push)
        try push.connect("inproc://tasks")
        try push.send("task 1")
        try push.send(["header", "body"])
        #expect(try pull.receive()[0].string == "task 1")
        #expect(try pull.receive() == ["header", "body"])
    }
}
