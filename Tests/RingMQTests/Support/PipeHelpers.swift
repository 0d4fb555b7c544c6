@testable import RingMQ

/// Direct use of a ``Pipe`` in the strategy and pipe tests: no socket, no thread, no signal
/// (a pipe nobody waits on wakes nobody).
extension Pipe {
    /// Writes `message` if it fits; `false` if the pipe is full.
    func tryWrite(_ message: Message) -> Bool {
        guard writer.hasRoom() else { return false }
        writer.write(message)
        return true
    }

    /// Every message waiting, read now.
    func readAll() -> [Message] {
        var messages: [Message] = []
        while let message = reader.read() { messages.append(message) }
        return messages
    }

    /// The numbers of every message waiting (``numbered(_:)``), read now.
    func readNumbers() -> [Int] {
        readAll().map(number)
    }

    /// How many more messages the writer can write now (counted up to `limit`), found by
    /// writing numbered messages from `first` until the pipe is full.
    func fill(upTo limit: Int = 100_000, from first: Int = 0) -> Int {
        var written = 0
        while written < limit, tryWrite(numbered(first + written)) { written += 1 }
        return written
    }
}
