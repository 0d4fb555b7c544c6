// swift-format-ignore-file
// (Kept as the docs show the samples, line for line: see everySampleOfTheDocsIsHere.)
import Foundation
import RingMQ
import Testing

// The samples of Docs/Pipeline.md, verbatim (the suite, and the check that they match the page,
// are in DocSamplesTests.swift).

extension DocSamplesTests {
    @Test func pipelineRoundRobin() throws {
        try Peer {
            let context = Context()
            let ventilator = try context.socket(.push)
            try ventilator.bind("inproc://tasks")
            let workers = try (0..<3).map { _ in
                let worker = try context.socket(.pull)
                try worker.connect("inproc://tasks")
                return worker
            }

            for n in 0..<6 { try ventilator.send("task \(n)") }
            for (index, worker) in workers.enumerated() {
                while let task = try worker.tryReceive() {
                    print("worker \(index): \(task[0].string)")
                }
            }
            // worker 0: task 0, worker 0: task 3, worker 1: task 1, worker 1: task 4, worker 2: …
        }.join().get()
        #expect(printed == [
            "worker 0: task 0", "worker 0: task 3",
            "worker 1: task 1", "worker 1: task 4",
            "worker 2: task 2", "worker 2: task 5",
        ])
    }

    @Test func pipelineFairQueueing() throws {
        try Peer {
            let context = Context()
            let sink = try context.socket(.pull)
            try sink.bind("inproc://results")
            let first = try context.socket(.push)
            try first.connect("inproc://results")
            let second = try context.socket(.push)
            try second.connect("inproc://results")

            for n in 1...3 { try first.send("a\(n)") }
            for n in 1...3 { try second.send("b\(n)") }
            var order: [String] = []
            while let result = try sink.tryReceive() { order.append(result[0].string) }
            print(order)                                  // ["a1", "b1", "a2", "b2", "a3", "b3"]
        }.join().get()
        #expect(printed == [#"["a1", "b1", "a2", "b2", "a3", "b3"]"#])
    }

    @Test func pipelineBackpressure() throws {
        try Peer {
            let context = Context()
            let worker = try context.socket(.pull)
            worker.receiveHighWaterMark = 2               // set before the connection forms
            try worker.bind("inproc://slow")
            let producer = try context.socket(.push)
            producer.sendHighWaterMark = 2
            try producer.connect("inproc://slow")

            var accepted = 0
            while try producer.trySend("task \(accepted)") { accepted += 1 }
            print(accepted)                               // 4: the queue holds 2 + 2

            producer.sendTimeout = .milliseconds(10)
            do {
                try producer.send("one more")
            } catch RingMQError.timedOut {
                print("the worker is behind")             // send waited 10 ms for room
            }

            while try worker.tryReceive() != nil {}       // the worker catches up …
            print(try producer.trySend("one more"))       // … and there is room at once: true
        }.join().get()
        #expect(printed == ["4", "the worker is behind", "true"])
    }

    @Test func pipelineConflate() throws {
        try Peer {
            let context = Context()
            let display = try context.socket(.pull)
            display.conflate = true                       // keep only the newest reading
            try display.bind("inproc://readings")
            let sensor = try context.socket(.push)
            try sensor.connect("inproc://readings")

            for reading in 1...100 { try sensor.send("reading \(reading)") }   // never waits
            print(try display.receive()[0].string)        // reading 100
            print(try display.tryReceive() == nil)        // true: the 99 before it were replaced
        }.join().get()
        #expect(printed == ["reading 100", "true"])
    }

    @Test func pipelineWorkersJoiningAndLeaving() throws {
        let (steady, newcomer) = try Peer { () throws -> ([String], [String]) in
            let context = Context()
            let ventilator = try context.socket(.push)
            try ventilator.bind("inproc://tasks")
            let steady = try context.socket(.pull)
            try steady.connect("inproc://tasks")
            let leaving = try context.socket(.pull)
            try leaving.connect("inproc://tasks")

            for n in 0..<4 { try ventilator.send("task \(n)") }   // 0, 2 to steady; 1, 3 to leaving
            print(try leaving.receive()[0].string)                // leaving does task 1 …
            print(leaving.statistics.queuedIn)                    // … with 1 task still queued …
            leaving.close()                                       // … and leaves: task 3 goes back
            for n in 4..<6 { try ventilator.send("task \(n)") }   // task 3 first, then 4, 5, to steady
            print(ventilator.statistics.messagesRedelivered)      // 1

            let newcomer = try context.socket(.pull)
            try newcomer.connect("inproc://tasks")                // joins the rotation at once
            for n in 6..<10 { try ventilator.send("task \(n)") }  // shared by steady and newcomer

            return (try drainTexts(steady), try drainTexts(newcomer))
        }.join().get()
        #expect(printed == ["task 1", "1", "1"])
        #expect(steady == ["task 0", "task 2", "task 3", "task 4", "task 5", "task 6", "task 8"])
        #expect(newcomer == ["task 7", "task 9"])
    }

    @Test func pipelineMultiStage() throws {
        try Peer {
            let context = Context()
            let source = try context.socket(.push)
            try source.bind("inproc://numbers")
            let sink = try context.socket(.pull)
            try sink.bind("inproc://squares")

            let stage = Thread {                          // one stage: PULL in, PUSH out
                do {
                    let input = try context.socket(.pull)
                    try input.connect("inproc://numbers")
                    let output = try context.socket(.push)
                    try output.connect("inproc://squares")
                    while true {
                        let message = try input.receive()
                        guard let n = Int(message[0].string) else {
                            try output.send(message)          // "END": pass it on and stop
                            return
                        }
                        try output.send("\(n * n)")
                    }
                } catch {
                    // RingMQError.terminated: context.terminate() stops the stage.
                }
            }
            stage.start()

            for n in 1...4 { try source.send("\(n)") }
            try source.send("END")
            var squares: [Int] = []
            while let square = Int(try sink.receive()[0].string) { squares.append(square) }
            print(squares)                                // [1, 4, 9, 16]
            context.terminate()
        }.join().get()
        #expect(printed == ["[1, 4, 9, 16]"])
    }
}
