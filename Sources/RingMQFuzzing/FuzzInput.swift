/// The fuzzer's bytes, read front to back by the decoders of steps and values.
///
/// Reading past the end yields zeros, so every input decodes to something (libFuzzer
/// truncates and splices inputs freely); ``isExhausted`` tells the driver to stop.
struct FuzzInput {
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// Whether every byte has been read.
    var isExhausted: Bool { offset >= bytes.count }

    /// The next byte, or 0 past the end.
    mutating func byte() -> UInt8 {
        guard offset < bytes.count else { return 0 }
        defer { offset += 1 }
        return bytes[offset]
    }

    /// A number in `0..<count`, from one byte.
    mutating func below(_ count: Int) -> Int {
        Int(byte()) % count
    }

    /// One element of `choices`, picked by one byte.
    mutating func pick<Element>(_ choices: [Element]) -> Element {
        choices[below(choices.count)]
    }

    mutating func bool() -> Bool {
        byte() & 1 == 1
    }

    /// Two bytes, little-endian.
    mutating func uint16() -> UInt16 {
        UInt16(byte()) | UInt16(byte()) << 8
    }

    /// Eight bytes, little-endian.
    mutating func int64() -> Int64 {
        var value: UInt64 = 0
        for shift in stride(from: 0, to: 64, by: 8) { value |= UInt64(byte()) << UInt64(shift) }
        return Int64(bitPattern: value)
    }

    /// A length byte (at most `limit`), then that many bytes.
    mutating func bytes(upTo limit: Int) -> [UInt8] {
        let count = below(limit + 1)
        return (0..<count).map { _ in byte() }
    }
}
