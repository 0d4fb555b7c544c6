/// An `inproc://` endpoint name, compared byte for byte (as ZeroMQ does), not by Unicode
/// canonical equivalence as `String` would.
struct EndpointName: Hashable, Sendable, CustomStringConvertible {
    let utf8: [UInt8]
    let name: String

    static func == (lhs: EndpointName, rhs: EndpointName) -> Bool { lhs.utf8 == rhs.utf8 }
    func hash(into hasher: inout Hasher) { hasher.combine(utf8) }

    /// The endpoint as written: `inproc://NAME`.
    var description: String { "inproc://" + name }

    /// Parses `inproc://NAME`, with a clear error for anything else.
    init(parsing endpoint: String) throws(RingMQError) {
        let utf8 = Array(endpoint.utf8)
        let marker = Array("://".utf8)
        guard let split = utf8.indices.first(where: { utf8[$0...].starts(with: marker) }) else {
            throw .invalidEndpoint(
                "'\(endpoint)' has no scheme; RingMQ endpoints are written inproc://NAME, for example inproc://tasks")
        }
        let scheme = String(decoding: utf8[..<split], as: UTF8.self)
        let name = String(decoding: utf8[(split + marker.count)...], as: UTF8.self)
        switch scheme {
        case "inproc":
            guard !name.isEmpty else {
                throw .invalidEndpoint(
                    "'\(endpoint)' has an empty name; write inproc://NAME, for example inproc://tasks")
            }
            self.name = name
            self.utf8 = Array(utf8[(split + marker.count)...])
        case "tcp", "ipc", "pgm", "epgm", "vmci", "udp", "ws", "wss", "tipc", "norm":
            throw .invalidEndpoint(
                "'\(scheme)://' is not supported: RingMQ is in-process only (inproc://NAME); use libzmq for networking")
        case "":
            throw .invalidEndpoint("'\(endpoint)' has an empty scheme; write inproc://NAME")
        default:
            throw .invalidEndpoint("unknown scheme '\(scheme)://' in '\(endpoint)'; RingMQ supports only inproc://NAME")
        }
    }
}
