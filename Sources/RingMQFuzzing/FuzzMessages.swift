import RingMQ

/// Messages and subscription prefixes.
///
/// First frames come mostly from small pools: the routing ids of ``FuzzOptions`` and the ids a
/// ROUTER generates (so that a ROUTER's sends reach its peers), the subscription messages an
/// XSUB understands, and the prefixes of ``prefix(_:)`` (so that subscribers match).
enum FuzzMessages {
    static func decode(_ input: inout FuzzInput) -> Message {
        let count = input.pick([1, 1, 2, 3, 0, 1, 2, 4])
        return Message((0..<count).map { _ in frame(&input) })
    }

    static func frame(_ input: inout FuzzInput) -> Frame {
        switch input.below(10) {
        case 0: Frame()
        case 1: "A"
        case 2: "B"
        case 3: Frame([0, 0, 0, 0, 1 + UInt8(input.below(3))])
        case 4: Frame([1] + Array("A".utf8))
        case 5: Frame([0] + Array("A".utf8))
        case 6, 7: Frame(input.bytes(upTo: 32))
        case 8:
            // Past the inline capacity, up to past the 4 KiB of the recycled buffers.
            Frame([UInt8](repeating: input.byte(), count: Frame.inlineCapacity + 1 + Int(input.uint16()) % 5000))
        default: "AB hello"
        }
    }

    /// A prefix for `subscribe` and `unsubscribe`.
    static func prefix(_ input: inout FuzzInput) -> Frame {
        switch input.below(6) {
        case 0: Frame()
        case 1: "A"
        case 2: "AB"
        case 3: "B"
        case 4: Frame([1])
        default: Frame(input.bytes(upTo: 16))
        }
    }
}
