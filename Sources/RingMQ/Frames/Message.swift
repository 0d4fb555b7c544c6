/// A message: one or more frames, delivered whole or not at all.
///
/// A one-frame message stores its frame inline, so building, sending and receiving a
/// message with one short frame makes no heap allocation.
///
/// ```swift
/// try socket.send("hello")                 // one frame
/// try socket.send(["topic", "payload"])    // two frames
/// let reply = try socket.receive()
/// print(reply[0].string)
/// ```
public struct Message: Sendable {
    @usableFromInline
    enum Storage: Sendable {
        case single(Frame)
        case multipart([Frame])
    }

    @usableFromInline
    var storage: Storage

    /// A message made of `frames`, in order.
    ///
    /// A message must have at least one frame to be sent; sending one without frames throws
    /// ``RingMQError/operationNotSupported(_:)``.
    @inlinable
    public init(_ frames: [Frame]) {
        storage = frames.count == 1 ? .single(frames[0]) : .multipart(frames)
    }

    /// A one-frame message.
    @inlinable
    public init(_ frame: Frame) {
        storage = .single(frame)
    }

    /// A one-frame message holding the UTF-8 encoding of `string`.
    public init(_ string: String) {
        storage = .single(Frame(string))
    }

    /// A one-frame message holding a copy of `bytes`.
    public init(_ bytes: [UInt8]) {
        storage = .single(Frame(bytes))
    }

    /// The message's frames, in order.
    public var frames: [Frame] {
        switch storage {
        case .single(let frame): [frame]
        case .multipart(let frames): frames
        }
    }
}

extension Message: RandomAccessCollection {
    /// The position of the first frame (always 0).
    @inlinable
    public var startIndex: Int { 0 }

    /// One past the position of the last frame.
    @inlinable
    public var endIndex: Int {
        switch storage {
        case .single: 1
        case .multipart(let frames): frames.count
        }
    }

    /// The frame at `position`.
    @inlinable
    public subscript(position: Int) -> Frame {
        switch storage {
        case .single(let frame):
            precondition(position == 0, "Message frame index \(position) out of range 0..<1")
            return frame
        case .multipart(let frames):
            return frames[position]
        }
    }
}

extension Message: Hashable {
    /// Two messages are equal when they have the same frames, byte for byte.
    public static func == (lhs: Message, rhs: Message) -> Bool {
        lhs.elementsEqual(rhs)
    }

    /// Hashes the frames.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for frame in self { hasher.combine(frame) }
    }
}

extension Message: ExpressibleByStringLiteral {
    /// A one-frame message holding the UTF-8 encoding of the literal.
    public init(stringLiteral value: String) {
        self.init(value)
    }
}

extension Message: ExpressibleByStringInterpolation {
    /// A one-frame message holding the UTF-8 encoding of the interpolated string.
    public init(stringInterpolation: DefaultStringInterpolation) {
        self.init(String(stringInterpolation: stringInterpolation))
    }
}

extension Message: ExpressibleByArrayLiteral {
    /// A multipart message from a list of frames.
    public init(arrayLiteral elements: Frame...) {
        self.init(elements)
    }
}

extension Message: CustomStringConvertible {
    /// The frames, as in `["topic", "payload"]`.
    public var description: String {
        "[" + map(\.description).joined(separator: ", ") + "]"
    }
}
