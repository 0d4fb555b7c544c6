/// The wire form of a subscription change, as XPUB receives it and XSUB sends it: one frame,
/// byte 1 then the prefix to subscribe, byte 0 then the prefix to unsubscribe.
enum SubscriptionMessage {
    /// The message that subscribes to (or unsubscribes from) `prefix`.
    static func make(subscribe: Bool, _ prefix: Frame) -> Message {
        make(subscribe: subscribe, prefix.bytes)
    }

    /// The message that subscribes to (or unsubscribes from) raw `prefix` bytes.
    static func make(subscribe: Bool, _ prefix: [UInt8]) -> Message {
        Message(Frame([subscribe ? 1 : 0] + prefix))
    }

    /// `(subscribe, prefix)` when `message` is a single frame starting with byte 0 or 1;
    /// `nil` for anything else (an XSUB passes such messages up unchanged).
    static func parse(_ message: Message) -> (subscribe: Bool, prefix: Frame)? {
        guard message.count == 1 else { return nil }
        return message[0].withUnsafeBytes { bytes in
            guard let kind = bytes.first, kind <= 1 else { return nil }
            return (kind == 1, Frame(copying: UnsafeRawBufferPointer(rebasing: bytes.dropFirst())))
        }
    }
}
