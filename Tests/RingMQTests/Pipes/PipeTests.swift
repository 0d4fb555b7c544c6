import Synchronization
import Testing

@testable import RingMQ

/// The chunk the writer is filling.
private func writerChunk(_ pipe: Pipe) -> UnsafeMutableRawPointer {
    (pipe.writer.base + PipeLayout.writerOffset).assumingMemoryBound(to: PipeWriterState.self).pointee.chunk
}

/// The chunk the reader is emptying.
private func readerChunk(_ pipe: Pipe) -> UnsafeMutableRawPointer {
    (pipe.reader.base + PipeLayout.readerOffset).assumingMemoryBound(to: PipeReaderState.self).pointee.chunk
}

/// The top of the stack of chunks the reader has finished and the writer has not taken yet.
private func freeStackTop(_ pipe: Pipe) -> UnsafeMutableRawPointer? {
    let shared = (pipe.writer.base + PipeLayout.sharedOffset).assumingMemoryBound(to: PipeSharedState.self)
    return UnsafeMutableRawPointer(bitPattern: shared.pointee.freeChunks.load(ordering: .relaxed))
}

/// The heap buffer of a frame longer than ``Frame/inlineCapacity``.
private func heapBuffer(of frame: Frame) -> FrameBuffer? {
    if case .shared(let shared) = frame.storage { return shared.buffer }
    return nil
}

/// ``Pipe`` on its own, one thread writing and reading in turn: what is written is read back
/// exactly, in order, across chunk boundaries; the limit counts whole messages, comes back as
/// the reader publishes its progress, and may grow; a chunk the reader has finished is reused
/// by the writer; and what nobody read is released with the pipe.
@Suite(.runsAlone) struct PipeTests {
    static let capacity = Chunk.capacity

    // MARK: - Reading back what was written

    @Test(arguments: [0, 1, capacity - 1, capacity, capacity + 1, 2 * capacity, 3 * capacity + 7])
    func readsBackExactlyWhatWasWritten(count: Int) {
        let pipe = Pipe(limit: Pipe.unbounded)
        #expect(pipe.reader.read() == nil)
        for index in 0..<count { pipe.writer.write(numbered(index)) }
        #expect(pipe.reader.queued == UInt64(count))
        #expect(pipe.readNumbers() == Array(0..<count))
        #expect(pipe.reader.read() == nil)
        #expect(pipe.reader.queued == 0)
    }

    /// The writer runs ahead of the reader by varying amounts, so that each side crosses chunk
    /// boundaries at different times and at every slot offset.
    @Test func interleavedWritesAndReadsKeepTheOrder() {
        let pipe = Pipe(limit: 300)
        var written = 0
        var read: [Int] = []
        for round in 0..<60 {
            written += pipe.fill(upTo: 1 + (round * 37) % 290, from: written)
            for _ in 0..<(1 + (round * 53) % 200) {
                guard let message = pipe.reader.read() else { break }
                read.append(number(message))
            }
        }
        read += pipe.readNumbers()
        #expect(written > 5 * Self.capacity, "the test crosses several chunks")
        #expect(read == Array(0..<written))
    }

    @Test func aMultipartMessageComesBackWholeAndTakesOneSlot() {
        let long = Frame((0..<100).map { UInt8($0) })
        let messages: [Message] = [["a", "b", "c"], Message([Frame(), long, "tail"]), Message(long)]
        let pipe = Pipe(limit: 3)
        for message in messages { #expect(pipe.tryWrite(message)) }
        #expect(pipe.tryWrite("one more") == false, "three messages fill a pipe of limit 3")
        let read = pipe.readAll()
        #expect(read == messages)
        #expect(read.map(\.count) == [3, 3, 1])
    }

    // MARK: - The limit

    @Test(arguments: [1, 2, 5, 1000])
    func theLimitCountsMessages(limit: Int) {
        let pipe = Pipe(limit: UInt64(limit))
        #expect(pipe.fill() == limit)
        #expect(pipe.writer.hasRoom() == false)
        #expect(pipe.writer.queuedEstimate == UInt64(limit))
        #expect(pipe.readNumbers() == Array(0..<limit))
        #expect(pipe.fill(from: limit) == limit, "all the room back once the reader has emptied the pipe")
        #expect(pipe.readNumbers() == Array(limit..<(2 * limit)))
    }

    @Test func anUnboundedPipeNeverRefuses() {
        let pipe = Pipe(limit: Pipe.unbounded)
        #expect(pipe.fill(upTo: 10 * Self.capacity) == 10 * Self.capacity)
        #expect(pipe.writer.hasRoom())
    }

    /// The reader publishes its progress at least every half limit (at most 64 messages), and
    /// whenever it finds the pipe empty; the writer sees the room then.
    @Test func theReaderHandsRoomBackEveryHalfLimitAndWhenEmpty() {
        let pipe = Pipe(limit: 8)
        #expect(pipe.fill() == 8)
        for expected in 0..<4 { #expect(pipe.reader.read().map(number) == expected) }
        #expect(pipe.fill(from: 8) == 4, "four read of eight: the reader has published them")
        #expect(pipe.readNumbers() == Array(4..<12))
        #expect(pipe.fill(from: 12) == 8)

        let large = Pipe(limit: 1000)
        #expect(large.fill(upTo: 3) == 3)
        #expect(large.readNumbers() == [0, 1, 2])
        #expect(large.writer.queuedEstimate == 0, "published on finding the pipe empty, not after 64")
    }

    @Test func raisingTheLimitGivesTheWriterRoom() {
        let pipe = Pipe(limit: 2)
        #expect(pipe.fill() == 2)
        pipe.setLimit(5)
        #expect(pipe.fill(from: 2) == 3, "the writer reloads the limit when it looks full")
        pipe.setLimit(Pipe.unbounded)
        #expect(pipe.fill(upTo: 1000, from: 5) == 1000)
        #expect(pipe.readNumbers() == Array(0..<1005))
    }

    @Test func aReplacedLimitTakesEffectAtOnceAndCanBeRestored() {
        let pipe = Pipe(limit: 4)
        #expect(pipe.tryWrite(numbered(0)))
        let previous = pipe.writer.replaceLimit(with: 0)
        #expect(previous == 4)
        #expect(pipe.writer.hasRoom() == false)
        #expect(pipe.readNumbers() == [0], "what the pipe holds stays readable")
        #expect(pipe.writer.hasRoom() == false, "still no room as the reader drains it")
        #expect(pipe.writer.replaceLimit(with: previous) == 0)
        #expect(pipe.fill(from: 1) == 4)
    }

    // MARK: - Chunks

    /// Two chunks serve a pipe whose reader keeps up: each chunk the reader finishes goes onto
    /// the free stack, and the writer takes it from there instead of allocating.
    @Test func aFinishedChunkIsReusedByTheWriter() {
        let pipe = Pipe(limit: Pipe.unbounded)
        let first = writerChunk(pipe)
        var written = 0
        var read: [Int] = []
        var chunksWritten: Set<UnsafeMutableRawPointer> = [first]
        for round in 0..<10 {
            written += pipe.fill(upTo: Self.capacity, from: written)
            chunksWritten.insert(writerChunk(pipe))
            let filled = writerChunk(pipe)
            #expect(freeStackTop(pipe) == nil, "round \(round): the writer took the finished chunk")
            for _ in 0..<Self.capacity { read.append(pipe.reader.read().map(number) ?? -1) }
            #expect(readerChunk(pipe) == filled, "round \(round)")
            #expect(freeStackTop(pipe) != nil, "round \(round): the reader gave its finished chunk back")
        }
        #expect(read == Array(0..<written))
        #expect(chunksWritten.count == 2, "two chunks in turn, not one per round")
    }

    @Test func aChunkIsNotReusedBeforeTheReaderHasFinishedIt() {
        let pipe = Pipe(limit: Pipe.unbounded)
        var chunks = [writerChunk(pipe)]
        for _ in 0..<3 {
            #expect(pipe.fill(upTo: Self.capacity, from: (chunks.count - 1) * Self.capacity) == Self.capacity)
            chunks.append(writerChunk(pipe))
        }
        #expect(Set(chunks).count == 4, "the writer allocated while the reader held every chunk")
        #expect(freeStackTop(pipe) == nil)
        #expect(pipe.readNumbers() == Array(0..<(3 * Self.capacity)))
        #expect(readerChunk(pipe) == chunks[3])
        #expect(freeStackTop(pipe) != nil)
    }

    /// Messages nobody read, over two chunks and from the middle of the first, are destroyed
    /// with the pipe: the frame buffer they shared is freed (5,000 bytes: beyond the frame
    /// buffer pool, which would keep it).
    @Test func unreadMessagesAreReleasedWithThePipe() throws {
        weak var buffer: FrameBuffer?
        do {
            let frame = Frame((0..<5_000).map { UInt8(truncatingIfNeeded: $0) })
            let shared = try #require(heapBuffer(of: frame))
            buffer = shared
            let pipe = Pipe(limit: Pipe.unbounded)
            for _ in 0..<(Self.capacity + 10) { pipe.writer.write(Message(frame)) }
            for _ in 0..<5 { #expect(pipe.reader.read()?[0] == frame) }
        }
        #expect(buffer == nil, "a message left in the pipe still holds the frame")
    }
}
