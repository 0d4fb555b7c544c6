import RingMQ
import Testing

// The samples of Async.md added for the no-loss issue; the rest are in DocSamplesTests.swift.

extension DocSamplesTests {
    @Test func asyncStageKeepsWhatItCouldNotHandOn() async throws {
        try await withTimeout {
            /// Doubles every number from `input` onto `output` until cancelled; returns the result it held
            /// and could not hand on because `output` was full, if any.
            func doublingStage(input: Socket, output: Socket) async throws -> Message? {
                do {
                    for try await message in input.messages {
                        let result = Message("\(2 * Int(message[0].string)!)")
                        do {
                            try await output.send(result)          // delivers even when cancelled, if there is room
                        } catch is CancellationError {
                            return result                          // downstream full: keep it
                        }
                    }
                } catch is CancellationError {}                    // cancelled between messages: nothing in hand
                return nil
            }

            let context = Context()
            let numbers = try context.socket(.push)
            try numbers.bind("inproc://numbers")
            let results = try context.socket(.pull)
            results.receiveHighWaterMark = 1
            try results.bind("inproc://doubled")
            let input = try context.socket(.pull)
            try input.connect("inproc://numbers")
            let output = try context.socket(.push)
            output.sendHighWaterMark = 1
            try output.connect("inproc://doubled")

            for n in 1...3 { try await numbers.send(Message("\(n)")) }
            let stage = Task { try await doublingStage(input: input, output: output) }
            // Wait until the stage has taken all three numbers and 2 and 4 fill the pipe to `results`.
            while numbers.statistics.queuedOut > 0 || results.statistics.queuedIn < 2 { await Task.yield() }
            stage.cancel()
            let held = try await stage.value                       // 6: received, not handed on
            print(try await results.receive()[0].string, try await results.receive()[0].string)
            if let held { try await output.send(held) }            // room again: hand it on
            print(try await results.receive()[0].string)
        }
        #expect(printed == ["2 4", "6"])
    }
}
