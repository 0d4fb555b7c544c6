import Testing

@testable import RingMQ

/// A conflating ``Pipe`` on its own, one thread writing and reading in turn: the writer always
/// has room and each write replaces the message not read yet; a pipe made to conflate while in
/// use gives the newest of what it queued and never goes back to an older message; replaced
/// messages are released at once.
@Suite(.runsAlone) struct ConflatingPipeTests {
    @Test func theWriterAlwaysHasRoomAndTheReaderGetsTheNewest() {
        let pipe = Pipe(limit: 2, conflating: true)
        for index in 0..<1_000 { #expect(pipe.tryWrite(numbered(index)), "write \(index) found no room") }
        #expect(pipe.reader.queued == 1)
        #expect(pipe.writer.queuedEstimate == 1)
        #expect(pipe.readNumbers() == [999])
        #expect(pipe.reader.queued == 0)
        #expect(pipe.writer.queuedEstimate == 0)
        // And again, after a read.
        for index in 1_000..<1_010 { #expect(pipe.tryWrite(numbered(index))) }
        #expect(pipe.readNumbers() == [1_009])
    }

    @Test func aMultipartMessageIsKeptWhole() {
        let pipe = Pipe(limit: 1, conflating: true)
        _ = pipe.tryWrite(["a", "1"])
        _ = pipe.tryWrite(["b", "2", "x"])
        #expect(pipe.readAll() == [["b", "2", "x"]])
    }

    @Test func madeConflatingWhileFullTheWriterHasRoomAgain() {
        let pipe = Pipe(limit: 4)
        #expect(pipe.fill() == 4)
        pipe.reader.startConflating()
        // The writer switches when it finds the queue full; the reader drops what was queued.
        for index in 4..<10 { #expect(pipe.tryWrite(numbered(index))) }
        #expect(pipe.readNumbers() == [9])
    }

    @Test func whatWasQueuedBeforeConflatingDrainsToItsNewest() {
        let pipe = Pipe(limit: 100)
        #expect(pipe.fill(upTo: 3) == 3)
        pipe.reader.startConflating()
        #expect(pipe.readNumbers() == [2])
        // The writer has not switched yet (never full): the queue still gives the newest.
        #expect(pipe.fill(upTo: 5, from: 3) == 5)
        #expect(pipe.readNumbers() == [7])
    }

    @Test func theReaderNeverGoesBackToAnOlderMessage() {
        let pipe = Pipe(limit: 2)
        #expect(pipe.fill() == 2)
        pipe.reader.startConflating()
        #expect(pipe.tryWrite(numbered(2)), "full, the writer switches to the slot")
        // The slot's message is newer than the queue's: the queue is dropped with it.
        #expect(pipe.reader.read().map(number) == 2)
        #expect(pipe.reader.read() == nil)
        #expect(pipe.reader.queued == 0)
    }

    @Test func theReadersOwnSwitchDrainsWhatItAlreadyKnewOf() {
        let pipe = Pipe(limit: 100)
        #expect(pipe.fill(upTo: 5) == 5)
        #expect(pipe.reader.read().map(number) == 0, "the reader now knows of 4 more")
        pipe.reader.startConflating()
        #expect(pipe.readNumbers() == [4])
    }

    @Test func theWritersOwnSwitchReplacesFromItsNextWrite() {
        let pipe = Pipe(limit: 1)
        #expect(pipe.fill() == 1)
        pipe.writer.startConflating()
        #expect(pipe.fill(upTo: 3, from: 1) == 3)
        #expect(pipe.readNumbers() == [3])
    }

    @Test func replacedAndUnreadMessagesAreReleased() throws {
        weak var replaced: FrameBuffer?
        weak var unread: FrameBuffer?
        var pipe: Pipe? = Pipe(limit: 1, conflating: true)
        do {
            let first = Frame([UInt8](repeating: 1, count: 5_000))
            let second = Frame([UInt8](repeating: 2, count: 5_000))
            let (firstBuffer, secondBuffer) = (
                try #require(heapBuffer(of: first)), try #require(heapBuffer(of: second))
            )
            (replaced, unread) = (firstBuffer, secondBuffer)
            pipe?.writer.write(Message(first))
            pipe?.writer.write(Message(second))
        }
        #expect(replaced == nil, "the replaced message still holds its frame")
        #expect(unread != nil, "the newest message is kept")
        pipe = nil
        #expect(unread == nil, "the message nobody read still holds its frame after the pipe went")
    }
}

/// The heap buffer of a frame longer than ``Frame/inlineCapacity``.
private func heapBuffer(of frame: Frame) -> FrameBuffer? {
    if case .shared(let shared) = frame.storage { return shared.buffer }
    return nil
}
