/// Endpoint strings for bind, connect, unbind and disconnect.
///
/// Half of them come from a pool of four valid names, so that binds and connects meet and
/// connections actually form; the rest are malformed or unusual on purpose.
enum FuzzEndpoints {
    /// The valid names that sockets of one input share.
    static let pool = ["inproc://a", "inproc://b", "inproc://c", "inproc://d"]

    /// Other transports RingMQ must refuse with a clear error.
    static let transports = [
        "tcp://127.0.0.1:5555", "ipc:///tmp/ringmq-fuzz", "pgm://eth0;239.192.1.1:5555", "epgm://x", "udp://x:1",
        "ws://x:80", "wss://x:443", "tipc://{5560,0,0}", "norm://x", "vmci://1:2",
    ]

    static func decode(_ input: inout FuzzInput) -> String {
        let selector = input.byte()
        if selector < 128 { return pool[Int(selector) % pool.count] }
        switch (selector - 128) % 16 {
        case 0: return ""
        case 1: return "inproc://"
        case 2: return input.pick(transports)
        case 3: return "inproc://*"
        case 4: return "tcp://*:*"
        case 5: return "INPROC://a"
        case 6: return "://a"
        case 7: return "a"
        case 8: return "inproc:/a"
        case 9: return "inproc:///a"
        case 10: return "inproc://a\u{0}b"
        case 11:
            // Very long: up to 20 000 bytes of name.
            return "inproc://" + String(repeating: "x", count: 1 + Int(input.uint16()) % 20_000)
        case 12:
            // The same text in composed and decomposed form: distinct names byte for byte.
            return input.bool() ? "inproc://caf\u{E9}" : "inproc://cafe\u{301}"
        case 13:
            // Arbitrary bytes, invalid UTF-8 repaired by the decoding.
            return String(decoding: input.bytes(upTo: 48), as: UTF8.self)
        case 14:
            return "inproc://" + String(decoding: input.bytes(upTo: 48), as: UTF8.self)
        default:
            // A valid name outside the pool: binds and connects on it rarely meet.
            return "inproc://" + String(input.uint16(), radix: 16)
        }
    }
}
