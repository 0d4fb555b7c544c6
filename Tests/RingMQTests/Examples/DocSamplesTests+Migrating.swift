// swift-format-ignore-file
// (Kept as the docs show the samples, line for line: see everySampleOfTheDocsIsHere.)
import RingMQ
import Testing

// The samples of Docs/Migrating.md, verbatim (the suite, and the check that they match the page,
// are in DocSamplesTests.swift).

extension DocSamplesTests {
    @Test func migratingAPyzmqProgramPorted() throws {
        let clock = ContinuousClock()
        let started = clock.now
        try Peer {
            let context = Context()
            let sink = try context.socket(.pull)
            sink.receiveHighWaterMark = 100
            sink.receiveTimeout = .milliseconds(100)
            try sink.bind("inproc://results")
            let source = try context.socket(.push)
            try source.connect("inproc://results")

            try source.send(["job-1", "42"])                 // one Message, two frames
            let frames = try sink.receive().frames
            print(frames[0].string, frames[1].string)        // job-1 42
            if try sink.tryReceive() == nil {
                // nothing queued: nil instead of zmq.Again
            }
            do {
                _ = try sink.receive()
            } catch RingMQError.timedOut {
                print("timed out")                           // after 100 ms
            }
            context.terminate()                              // closing the sockets first is optional
        }.join().get()
        #expect(printed == ["job-1 42", "timed out"])
        #expect(clock.now - started >= .milliseconds(100))
    }
}
