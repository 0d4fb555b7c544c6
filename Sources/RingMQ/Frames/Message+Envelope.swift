/// Envelopes and frame access that never trap.
///
/// An *envelope* is every frame in front of the first empty frame (the *delimiter*): the routing
/// ids that ROUTERs put in front of a request on its way in, and that a reply must carry back
/// (czmq's `zmsg_unwrap` and `zmsg_wrap`). See "Envelopes" in Docs/RequestReply.md.
extension Message {
    /// The frame at `index`, or `nil` when the message has no such frame.
    ///
    /// Unlike the subscript, an index out of range does not trap: use it on messages from
    /// peers you do not control.
    ///
    /// ```swift
    /// guard let body = request.frame(at: 2) else { return }   // too short: drop it
    /// ```
    public func frame(at index: Int) -> Frame? {
        indices.contains(index) ? self[index] : nil
    }

    /// Takes the envelope off the front of the message: removes every frame up to and
    /// including the first empty frame (the delimiter), and returns the frames in front of the
    /// delimiter, which is not included.
    ///
    /// Returns `nil`, and leaves the message as it was, when the message has no empty frame:
    /// it carries no envelope (a REP drops such a request). A message that starts with the
    /// delimiter has an empty envelope, `[]`.
    ///
    /// ```swift
    /// var request = try router.receive()            // [id, "", "hello"]
    /// let envelope = request.popEnvelope()          // [id]; request is now ["hello"]
    /// ```
    ///
    /// - Returns: The envelope's frames, in order, or `nil` when there is no delimiter.
    public mutating func popEnvelope() -> [Frame]? {
        guard let delimiter = firstIndex(where: \.isEmpty) else { return nil }
        let all = frames
        self = Message(Array(all[(delimiter + 1)...]))
        return Array(all[..<delimiter])
    }

    /// Puts `envelope` and an empty delimiter in front of the message: the inverse of
    /// ``popEnvelope()``.
    ///
    /// ```swift
    /// var reply: Message = "hi"
    /// reply.pushEnvelope(envelope)                  // [id, "", "hi"]
    /// try router.send(reply)
    /// ```
    ///
    /// - Parameter envelope: The frames to put in front, in order (routing ids, usually as
    ///   ``popEnvelope()`` returned them). An empty envelope adds only the delimiter.
    public mutating func pushEnvelope(_ envelope: [Frame]) {
        self = Message(envelope + [Frame()] + frames)
    }
}
