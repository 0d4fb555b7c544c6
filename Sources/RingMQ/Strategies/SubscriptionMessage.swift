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
        return parse(frame: message[0])
    }

    /// `(subscribe, prefix)` when `frame` starts with byte 0 or 1.
    static func parse(frame: Frame) -> (subscribe: Bool, prefix: Frame)? {
        frame.withUnsafeBytes { bytes in
            guard let kind = bytes.first, kind <= 1 else { return nil }
            return (kind == 1, Frame(copying: UnsafeRawBufferPointer(rebasing: bytes.dropFirst())))
        }
    }

    /// With ``Socket/onlyFirstSubscribe``: a multipart message whose first frame is a
    /// subscription message is a batch (libzmq's reading of such a message). Each frame that
    /// is a subscription message is one change, in order; the other frames, if any, are data,
    /// kept together in one message. `nil` when `message` is not such a batch.
    static func batch(_ message: Message) -> (changes: [(subscribe: Bool, prefix: Frame)], data: Message?)? {
        guard message.count > 1, parse(frame: message[0]) != nil else { return nil }
        var changes: [(subscribe: Bool, prefix: Frame)] = []
        var data: [Frame] = []
        for frame in message.frames {
            if let change = parse(frame: frame) {
                changes.append(change)
            } else {
                data.append(frame)
            }
        }
        return (changes, data.isEmpty ? nil : Message(data))
    }
}
