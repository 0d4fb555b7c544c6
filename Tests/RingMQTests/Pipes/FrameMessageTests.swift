import Testing

@testable import RingMQ

/// Whether `frame` keeps its bytes inside the value (no heap buffer).
private func isInline(_ frame: Frame) -> Bool {
    if case .inline = frame.storage { return true }
    return false
}

/// A frame holding `bytes` in a heap buffer, whatever its length: the representation the
/// public initialisers only choose for long frames.
private func heapFrame(_ bytes: [UInt8]) -> Frame {
    var frame = Frame()
    frame.storage = bytes.withUnsafeBytes { .shared(SharedBytes(buffer: FrameBuffer.make(copying: $0))) }
    return frame
}

private func bytes(count: Int, seed: UInt8 = 0) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ Int(seed)) }
}

@Suite(.runsAlone) struct FrameTests {
    // MARK: - Storage

    @Test func inlineCapacityIsTwentyFourBytes() {
        #expect(Frame.inlineCapacity == 24)
    }

    @Test(arguments: [0, 1, 7, 8, 16, 23, 24])
    func framesUpToInlineCapacityAreStoredInline(count: Int) {
        let frame = Frame(bytes(count: count))
        #expect(isInline(frame))
        #expect(frame.count == count)
        #expect(frame.bytes == bytes(count: count))
    }

    @Test(arguments: [25, 26, 64, 1000, 100_000])
    func framesLongerThanInlineCapacityUseTheHeap(count: Int) {
        let frame = Frame(bytes(count: count))
        #expect(!isInline(frame))
        #expect(frame.count == count)
        #expect(frame.bytes == bytes(count: count))
    }

    @Test func copiesOfALargeFrameShareOneBuffer() {
        let frame = Frame(bytes(count: 100))
        let copy = frame
        let addresses = frame.withUnsafeBytes { a in copy.withUnsafeBytes { b in (a.baseAddress, b.baseAddress) } }
        #expect(addresses.0 == addresses.1)
    }

    @Test func emptyFrame() {
        let frame = Frame()
        #expect(frame.count == 0)
        #expect(frame.isEmpty)
        #expect(frame.bytes == [])
        #expect(frame.string == "")
        #expect(frame == Frame([UInt8]()))
        #expect(frame == "")
    }

    // MARK: - Initialisers

    @Test func stringInitialiserStoresUTF8() {
        let frame = Frame("héllo ✓")
        #expect(frame.bytes == Array("héllo ✓".utf8))
        #expect(frame.string == "héllo ✓")
        #expect(frame.count == "héllo ✓".utf8.count)
    }

    @Test func longStringRoundTrips() {
        let text = String(repeating: "ringmq ", count: 20)
        let frame = Frame(text)
        #expect(!isInline(frame))
        #expect(frame.string == text)
    }

    @Test(arguments: [10, 30])
    func sequenceWithoutContiguousStorage(count: Int) {
        let lazy = (0..<count).lazy.map { UInt8($0) }
        let frame = Frame(lazy)
        #expect(frame.bytes == Array(lazy))
    }

    @Test func copyingInitialiser() {
        let source = bytes(count: 40)
        let frame = source.withUnsafeBytes { Frame(copying: $0) }
        #expect(frame.bytes == source)
    }

    @Test func stringLiteral() {
        let frame: Frame = "literal"
        #expect(frame.bytes == Array("literal".utf8))
    }

    // MARK: - Equality and hashing

    @Test(arguments: [5, 24, 25, 300])
    func equalityAndHashAreByBytes(count: Int) {
        let a = Frame(bytes(count: count))
        let b = Frame(bytes(count: count))
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(Set([a, b]).count == 1)
    }

    @Test func equalityDoesNotDependOnStorage() {
        let short = bytes(count: 10)
        let inline = Frame(short)
        let heap = heapFrame(short)
        #expect(isInline(inline) && !isInline(heap))
        #expect(inline == heap)
        #expect(inline.hashValue == heap.hashValue)
        #expect(Set([inline, heap]).count == 1)
    }

    @Test func framesThatDifferAreNotEqual() {
        #expect(Frame("abc") != Frame("abd"))
        #expect(Frame("abc") != Frame("ab"))
        #expect(Frame("ab") != Frame("abc"))
        #expect(Frame([0]) != Frame())
        var last = bytes(count: 200)
        let a = Frame(last)
        last[199] &+= 1
        #expect(a != Frame(last))
        #expect(Frame(bytes(count: 24)) != Frame(bytes(count: 25)))
    }

    @Test func stringAndBytesInitialisersAgree() {
        #expect(Frame("abc") == Frame([97, 98, 99]))
    }

    // MARK: - Reading

    @Test func stringRepairsInvalidUTF8() {
        #expect(Frame([0x61, 0xFF, 0x62]).string == "a\u{FFFD}b")
        #expect(Frame([0xE2, 0x82]).string == "\u{FFFD}")
        var long = Array(repeating: UInt8(ascii: "x"), count: 40)
        long[20] = 0xC0
        #expect(
            Frame(long).string == String(repeating: "x", count: 20) + "\u{FFFD}" + String(repeating: "x", count: 19))
    }

    @Test(arguments: [0, 3, 24, 25, 1000])
    func withUnsafeBytesSeesTheBytes(count: Int) {
        let expected = bytes(count: count, seed: 3)
        let frame = Frame(expected)
        let seen = frame.withUnsafeBytes { Array($0) }
        #expect(seen == expected)
        #expect(frame.withUnsafeBytes { $0.count } == count)
    }

    @Test func withUnsafeBytesRethrows() {
        struct Failure: Error, Equatable {}
        #expect(throws: Failure()) {
            try Frame("x").withUnsafeBytes { _ in throw Failure() }
        }
        #expect(throws: Failure()) {
            try Frame(bytes(count: 50)).withUnsafeBytes { _ in throw Failure() }
        }
    }

    @Test func descriptionShowsTextOrHex() {
        #expect(Frame("hi").description.contains("hi"))
        #expect(Frame([0x00, 0xAB]).description.lowercased().contains("00ab"))
    }
}

@Suite(.runsAlone) struct MessageTests {
    @Test func initialisers() {
        #expect(Message([Frame("a"), Frame("b")]).frames == ["a", "b"])
        #expect(Message(Frame("a")).frames == ["a"])
        #expect(Message("a").frames == ["a"])
        #expect(Message([UInt8]([1, 2, 3])).frames == [Frame([1, 2, 3])])
        #expect(Message([Frame]()).frames == [])
    }

    @Test func literals() {
        let single: Message = "one"
        #expect(single.count == 1)
        #expect(single[0] == "one")

        let multipart: Message = ["header", "body", ""]
        #expect(multipart.count == 3)
        #expect(multipart.frames == [Frame("header"), Frame("body"), Frame()])

        let none: Message = []
        #expect(none.isEmpty)
        #expect(none.frames.isEmpty)
    }

    @Test func randomAccessCollectionOfFrames() {
        let message: Message = ["a", "bb", "ccc", "dddd"]
        #expect(message.startIndex == 0)
        #expect(message.endIndex == 4)
        #expect(message.count == 4)
        #expect(Array(message.indices) == [0, 1, 2, 3])
        #expect(message.map(\.count) == [1, 2, 3, 4])
        #expect(message.first == "a")
        #expect(message.last == "dddd")
        #expect(message[2] == "ccc")
        #expect(message.index(after: 1) == 2)
        #expect(message.index(before: 3) == 2)
        #expect(message.index(message.startIndex, offsetBy: 3) == 3)
        #expect(message.distance(from: 0, to: 4) == 4)
        #expect(Array(message.reversed()) == ["dddd", "ccc", "bb", "a"])
        #expect(Array(message[1..<3]) == ["bb", "ccc"])

        let single: Message = "x"
        #expect(single.startIndex == 0 && single.endIndex == 1)
        #expect(Array(single) == ["x"])
    }

    @Test func equalityAndHashAreByFrames() {
        let a: Message = ["a", "b"]
        let b = Message([Frame("a"), Frame([98])])
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(Message("a") == Message([Frame("a")]))
        #expect(Message("a").hashValue == Message([Frame("a")]).hashValue)
        #expect(Message(["ab"]) != ["a", "b"])
        #expect(Message(["a", "b"]) != ["b", "a"])
        #expect(Message(["a", ""]) != ["a"])
        #expect(Set<Message>([a, b, "a", ["a"]]).count == 2)
    }

    @Test func messagesCarryLargeFrames() {
        let big = Frame(bytes(count: 5000))
        let message = Message([big, "tail"])
        #expect(message[0] == big)
        #expect(message[0].count == 5000)
    }
}

@Suite(.runsAlone) struct MessageTransferTests {
    @Test(arguments: [0, 1, 23, 24, 25, 1000, 1 << 20])
    func framesOfEverySizeArriveIntact(count: Int) throws {
        let context = TestContext()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://sizes")
        let push = try context.socket(.push)
        try push.connect("inproc://sizes")
        let frame = Frame(bytes(count: count, seed: 11))
        try push.send(Message(frame))
        try push.send([frame, "second", frame])
        let one = try #require(try pull.tryReceive())
        #expect(one.count == 1)
        #expect(one[0].bytes == bytes(count: count, seed: 11))
        #expect(try pull.tryReceive() == [frame, "second", frame])
    }

    @Test func emptyFramesAreMessages() throws {
        let context = TestContext()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://empty")
        let push = try context.socket(.push)
        try push.connect("inproc://empty")
        try push.send(Message(Frame()))
        try push.send(["", ""])
        #expect(try pull.tryReceive() == Message(Frame()))
        #expect(try pull.tryReceive() == ["", ""])
    }

    @Test func sendingAMessageWithoutFramesIsRefused() throws {
        let context = TestContext()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://none")
        let push = try context.socket(.push)
        try push.connect("inproc://none")
        let message = expectError(.operationNotSupported) { try push.send([]) }
        #expect(message?.contains("frame") == true, "the message should say a frame is needed: \(message ?? "")")
        expectError(.operationNotSupported) { try push.trySend(Message([Frame]())) }
        // Nothing was queued, and the socket still works.
        #expect(try pull.tryReceive() == nil)
        try push.send("after")
        #expect(try pull.tryReceive() == "after")
    }

    @Test func pairRefusesAMessageWithoutFramesToo() throws {
        let context = TestContext()
        let a = try context.socket(.pair)
        try a.bind("inproc://pair-none")
        let b = try context.socket(.pair)
        try b.connect("inproc://pair-none")
        expectError(.operationNotSupported) { try b.send([]) }
        #expect(try a.tryReceive() == nil)
    }
}
