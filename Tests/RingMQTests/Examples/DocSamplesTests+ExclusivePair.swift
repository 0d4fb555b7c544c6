// swift-format-ignore-file
// (Kept as the docs show the samples, line for line: see everySampleOfTheDocsIsHere.)
import Foundation
import RingMQ
import Testing

// The samples of Docs/ExclusivePair.md, verbatim (the suite, and the check that they match the
// page, are in DocSamplesTests.swift).

extension DocSamplesTests {
    @Test func exclusivePairTwoThreadsOneChannel() throws {
        try Peer {
            let context = Context()
            let foreground = try context.socket(.pair)
            try foreground.bind("inproc://background")

            let background = Thread {
                do {
                    let channel = try context.socket(.pair)
                    try channel.connect("inproc://background")
                    try channel.send("ready")
                    while true {
                        let job = try channel.receive()
                        if job[0].string == "stop" { return }
                        try channel.send("done: \(job[0].string)")
                    }
                } catch {
                    // RingMQError.terminated: context.terminate() stops the thread too.
                }
            }
            background.start()

            print(try foreground.receive()[0].string)    // ready
            try foreground.send("resize image")
            print(try foreground.receive()[0].string)    // done: resize image
            try foreground.send("stop")
        }.join().get()
        #expect(printed == ["ready", "done: resize image"])
    }

    @Test func exclusivePairExclusivityErrors() throws {
        let reply = try Peer { () throws -> Message? in
            let context = Context()
            let first = try context.socket(.pair)
            try first.bind("inproc://channel")
            let second = try context.socket(.pair)
            try second.connect("inproc://channel")

            let intruder = try context.socket(.pair)
            do {
                try intruder.connect("inproc://channel")
            } catch RingMQError.addressInUse(let reason) {
                print(reason)       // inproc://channel is bound by a PAIR socket that already has its peer; …
            }
            do {
                try second.connect("inproc://elsewhere")
            } catch RingMQError.invalidState(let reason) {
                print(reason)       // this PAIR socket already has its peer; …
            }

            second.close()                               // the slot is free again …
            try intruder.connect("inproc://channel")     // … so the intruder is now the peer

            try first.send("welcome")
            return try intruder.tryReceive()
        }.join().get()
        #expect(printed.count == 2)
        #expect(printed.first?.hasPrefix("inproc://channel is bound by a PAIR socket that already has its peer") == true)
        #expect(printed.last?.hasPrefix("this PAIR socket already has its peer") == true)
        #expect(reply == "welcome")
    }

    @Test func exclusivePairHighWaterMarks() throws {
        try Peer {
            let context = Context()
            let a = try context.socket(.pair)
            a.sendHighWaterMark = 1
            try a.bind("inproc://channel")
            let b = try context.socket(.pair)
            b.receiveHighWaterMark = 1
            try b.connect("inproc://channel")

            var aToB = 0
            while try a.trySend("ping") { aToB += 1 }
            var bToA = 0
            while try b.trySend("pong") { bToA += 1 }
            print(aToB, bToA)                            // 2 2000: 1 + 1 one way, 1000 + 1000 the other
        }.join().get()
        #expect(printed == ["2 2000"])
    }
}
