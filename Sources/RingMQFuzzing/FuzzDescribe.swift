import RingMQ

/// Short descriptions for traces: long frames by their length only.
enum FuzzDescribe {
    static func value(_ value: some Any) -> String {
        switch value {
        case let message as Message: return self.message(message)
        case let message as Message?: return message.map(self.message) ?? "nil"
        case is Socket: return "a socket"
        case let items as [Poller.Item]:
            return "\(items.count) ready, events " + items.map { "\($0.events.rawValue)" }.joined(separator: ", ")
        case is Void: return "done"
        default: return "\(value)"
        }
    }

    static func message(_ message: Message) -> String {
        "[" + message.map(frame).joined(separator: ", ") + "]"
    }

    static func frame(_ frame: Frame) -> String {
        frame.count > 32 ? "<\(frame.count) bytes>" : frame.description
    }
}
