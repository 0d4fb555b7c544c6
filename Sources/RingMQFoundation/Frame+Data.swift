import Foundation
import RingMQ

// Frame ⇄ Data lives in its own module, RingMQFoundation, so that a program using only RingMQ
// does not link Foundation. Measured on Linux (release, a 20-line program sending one message):
// with this extension in the core, the binary also loads libFoundation and its ICU data, and
// starts in about ten times the time; see Docs/GettingStarted.md "Foundation's Data".

extension Frame {
    /// A frame holding a copy of `data`'s bytes.
    ///
    /// ```swift
    /// import RingMQFoundation
    /// try socket.send(Message(Frame(try Data(contentsOf: file))))
    /// ```
    public init(_ data: Data) {
        self = data.withUnsafeBytes { Frame(copying: $0) }
    }

    /// A copy of the frame's bytes as `Data`.
    public var data: Data {
        withUnsafeBytes { Data($0) }
    }
}
