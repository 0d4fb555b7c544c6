// swift-format-ignore-file
// (Kept as the docs show the samples, line for line: see everySampleOfTheDocsIsHere.)
import Foundation
import RingMQ
import RingMQFoundation
import Testing

// The samples of Docs/GettingStarted.md, verbatim (the suite, and the check that they match the
// page, are in DocSamplesTests.swift).

extension DocSamplesTests {
    @Test func gettingStartedFirstPushPull() throws {
        try Peer {
            let context = Context()
            let pull = try context.socket(.pull)          // the worker end
            try pull.bind("inproc://tasks")
            let push = try context.socket(.push)          // the producer end
            try push.connect("inproc://tasks")

            for n in 1...3 { try push.send("task \(n)") } // a Message from a string
            for _ in 1...3 { print(try pull.receive()[0].string) }
        }.join().get()
        #expect(printed == ["task 1", "task 2", "task 3"])
    }

    @Test func gettingStartedWorkerOnItsOwnThread() throws {
        try Peer {
            let context = Context()
            let tasks = try context.socket(.push)
            try tasks.bind("inproc://tasks")
            let results = try context.socket(.pull)
            try results.bind("inproc://results")

            let worker = SocketThread(name: "worker") {
                let input = try context.socket(.pull)
                try input.connect("inproc://tasks")
                let output = try context.socket(.push)
                try output.connect("inproc://results")
                while true {
                    let task = try input.receive()
                    try output.send("done: \(task[0].string)")
                }
            }

            for n in 1...3 { try tasks.send("task \(n)") }
            for _ in 1...3 { print(try results.receive()[0].string) }   // done: task 1, …
            context.terminate()                   // the worker's receive throws .terminated,
            try? worker.join()                    // which join rethrows: the worker has ended
        }.join().get()
        #expect(printed == ["done: task 1", "done: task 2", "done: task 3"])
    }

    @Test func gettingStartedStoppingOneWorker() throws {
        try Peer {
            let context = Context()
            let jobs = try context.socket(.push)
            try jobs.bind("inproc://jobs")
            let input = try context.socket(.pull)
            try input.connect("inproc://jobs")

            let worker = SocketThread(name: "worker") {
                do {
                    while true { print(try input.receive()[0].string) }
                } catch RingMQError.socketClosed {}   // closed by another thread: this worker ends
            }
            input.close()        // from this thread: the worker's receive throws .socketClosed
            try worker.join()    // the worker has ended; the context and its other sockets go on
        }.join().get()
        #expect(printed.isEmpty)
    }

    @Test func gettingStartedFramesAndData() throws {
        let received = try Peer { () throws -> Data in
            let context = Context()
            let pull = try context.socket(.pull)
            try pull.bind("inproc://files")
            let push = try context.socket(.push)
            try push.connect("inproc://files")

            try push.send(Message(Frame(Data("contents".utf8))))   // Data → Frame: the bytes are copied
            let contents: Data = try pull.receive()[0].data         // Frame → Data: copied again
            context.terminate()
            return contents
        }.join().get()
        #expect(received == Data("contents".utf8))
    }
}
