// swift-format-ignore-file
// (Kept as the docs show the samples, line for line: see everySampleOfTheDocsIsHere.)
import RingMQ
import Testing

// The samples of README.md, verbatim (the suite, and the check that they match the page, are in
// DocSamplesTests.swift).

extension DocSamplesTests {
    @Test func readmeFirstExample() throws {
        let next = try Peer { () throws -> Message? in
            let context = Context()
            let pull = try context.socket(.pull)
            try pull.bind("inproc://tasks")
            let push = try context.socket(.push)
            try push.connect("inproc://tasks")

            try push.send("task 1")                 // Message is ExpressibleByStringLiteral
            try push.send(["header", "body"])       // multipart: an array literal of frames
            let message = try pull.receive()        // blocks until a message arrives
            print(message[0].string)                // "task 1"
            return try pull.tryReceive()
        }.join().get()
        #expect(printed == ["task 1"])
        #expect(next == ["header", "body"])
    }
}
