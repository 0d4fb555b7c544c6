/// One part of a message: an immutable byte string.
///
/// Frames of up to ``Frame/inlineCapacity`` bytes are stored inside the value itself and never
/// touch the heap. Longer frames live in one immutable heap buffer that every copy shares, so
/// copying a frame, or publishing it to many subscribers, never copies its bytes. Buffers of
/// up to 4 KiB are recycled per thread once no frame refers to them any more, so a steady
/// stream of such frames makes no allocation either.
///
/// Equality and hashing are over the bytes.
public struct Frame: Sendable {
    /// The largest frame, in bytes, stored without a heap allocation.
    public static let inlineCapacity = 24

    @usableFromInline
    enum Storage: Sendable {
        /// Up to 24 bytes in three words, and the byte count.
        case inline(InlineBytes, UInt8)
        /// A shared immutable buffer.
        case shared(SharedBytes)
    }

    @usableFromInline
    typealias InlineBytes = (UInt64, UInt64, UInt64)

    @usableFromInline
    var storage: Storage

    /// An empty frame.
    @inlinable
    public init() {
        storage = .inline((0, 0, 0), 0)
    }

    /// A frame holding a copy of `bytes`.
    public init(_ bytes: some Sequence<UInt8>) {
        if let frame = bytes.withContiguousStorageIfAvailable({ Frame(copying: UnsafeRawBufferPointer($0)) }) {
            self = frame
        } else {
            let array = Array(bytes)
            self = array.withUnsafeBytes { Frame(copying: $0) }
        }
    }

    /// A frame holding the UTF-8 encoding of `string`.
    public init(_ string: String) {
        var string = string
        self = string.withUTF8 { Frame(copying: UnsafeRawBufferPointer($0)) }
    }

    /// A frame holding a copy of the bytes in `buffer`.
    public init(copying buffer: UnsafeRawBufferPointer) {
        if buffer.count <= Frame.inlineCapacity {
            var words: InlineBytes = (0, 0, 0)
            if buffer.count > 0, let source = buffer.baseAddress {
                withUnsafeMutableBytes(of: &words) { $0.baseAddress!.copyMemory(from: source, byteCount: buffer.count) }
            }
            storage = .inline(words, UInt8(truncatingIfNeeded: buffer.count))
        } else {
            storage = .shared(SharedBytes(buffer: FrameBufferPool.buffer(copying: buffer)))
        }
    }

    /// The number of bytes in the frame.
    @inlinable
    public var count: Int {
        switch storage {
        case .inline(_, let count): Int(count)
        case .shared(let shared): shared.buffer.header
        }
    }

    /// Whether the frame has no bytes.
    @inlinable
    public var isEmpty: Bool { count == 0 }

    /// A copy of the frame's bytes.
    public var bytes: [UInt8] {
        withUnsafeBytes { Array($0) }
    }

    /// The bytes decoded as UTF-8; invalid sequences are replaced by U+FFFD.
    public var string: String {
        withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with a read-only view of the frame's bytes, valid only during the call.
    @inlinable
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch storage {
        case .inline(var words, let count):
            return try Swift.withUnsafeBytes(of: &words) { all in
                try body(UnsafeRawBufferPointer(rebasing: all[..<Int(count)]))
            }
        case .shared(let shared):
            return try shared.buffer.withUnsafeMutablePointers { header, elements in
                try body(UnsafeRawBufferPointer(start: elements, count: header.pointee))
            }
        }
    }
}

extension Frame: Hashable {
    /// Byte equality.
    public static func == (lhs: Frame, rhs: Frame) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return lhs.withUnsafeBytes { left in
            rhs.withUnsafeBytes { right in left.elementsEqual(right) }
        }
    }

    /// Hashes the bytes.
    public func hash(into hasher: inout Hasher) {
        withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}

extension Frame: ExpressibleByStringLiteral {
    /// A frame holding the UTF-8 encoding of the literal.
    public init(stringLiteral value: String) {
        self.init(value)
    }
}

extension Frame: ExpressibleByStringInterpolation {
    /// A frame holding the UTF-8 encoding of the interpolated string, as in `"task \(n)"`.
    public init(stringInterpolation: DefaultStringInterpolation) {
        self.init(String(stringInterpolation: stringInterpolation))
    }
}

extension Frame: CustomStringConvertible {
    /// The bytes as text when they are printable UTF-8, otherwise as hex.
    public var description: String {
        let bytes = self.bytes
        let text = String(decoding: bytes, as: UTF8.self)
        let printable = !text.unicodeScalars.contains { $0.value < 0x20 || $0 == "\u{FFFD}" }
        if printable { return "\"\(text)\"" }
        return "0x"
            + bytes.map { byte in
                let digits = String(byte, radix: 16)
                return byte < 16 ? "0" + digits : digits
            }.joined()
    }
}

/// A ``FrameBuffer`` that may cross threads.
///
/// `@unchecked Sendable`: the buffer's bytes are written once, in `FrameBuffer.make(copying:)`,
/// before any other thread can see it, and only read afterwards.
@usableFromInline
struct SharedBytes: @unchecked Sendable {
    @usableFromInline
    let buffer: FrameBuffer

    @usableFromInline
    init(buffer: FrameBuffer) {
        self.buffer = buffer
    }
}

/// The heap storage of a frame longer than ``Frame/inlineCapacity``: the byte count in the
/// header, the bytes tail-allocated after it, never mutated after `make(copying:)`.
///
/// A buffer is rewritten only by ``FrameBufferPool``, and only while the pool holds the sole
/// reference to it, so no frame ever sees its bytes change.
@usableFromInline
final class FrameBuffer: ManagedBuffer<Int, UInt8> {
    static func make(copying source: UnsafeRawBufferPointer, capacity: Int? = nil) -> FrameBuffer {
        let buffer = FrameBuffer.create(minimumCapacity: capacity ?? source.count) { _ in source.count }
        let frameBuffer = unsafeDowncast(buffer, to: FrameBuffer.self)
        frameBuffer.overwrite(with: source)
        return frameBuffer
    }

    /// Replaces the bytes; only for a buffer nobody else references.
    func overwrite(with source: UnsafeRawBufferPointer) {
        withUnsafeMutablePointers { header, elements in
            header.pointee = source.count
            if let base = source.baseAddress {
                UnsafeMutableRawPointer(elements).copyMemory(from: base, byteCount: source.count)
            }
        }
    }
}

extension Frame {
    /// A frame holding the UTF-8 encoding of `string`, for any `StringProtocol` (a `Substring`
    /// sliced from a line, say): `Frame(line.prefix(while: { $0 != " " }))`. A `String` takes
    /// ``init(_:)-(String)``; a literal makes a frame through `ExpressibleByStringLiteral`.
    public init(_ string: some StringProtocol) {
        self.init(string.utf8)
    }
}
