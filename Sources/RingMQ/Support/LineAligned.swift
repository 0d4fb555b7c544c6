/// Allocations of a socket's owner-thread state that share no cache line with anything else.
///
/// A socket's core (with its one-thread guard) and role are written on every message
/// (counters, the guard, turns) by the thread using the socket. Allocated plainly, two sockets' small structs land next to each other, and
/// a PUSH's counter and its PULL's fair queue then share a line that the two threads pull back
/// and forth: measured at about 20% of PUSH → PULL throughput at 8 B. Whole 128-byte pairs of
/// lines (the adjacent-line prefetcher fetches in pairs) avoid it, as ``PipeLayout`` does.
enum LineAligned {
    static let alignment = 128

    /// A new allocation holding `value`, starting and ending on a 128-byte boundary, with
    /// `trailing` bytes after the value (at ``trailingOffset(of:)``) for the caller.
    static func make<Value>(_ value: Value, trailing: Int = 0) -> UnsafeMutablePointer<Value> {
        let needed = trailingOffset(of: Value.self) + trailing
        let size = (needed + alignment - 1) / alignment * alignment
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(size, alignment), alignment: alignment)
        let pointer = raw.bindMemory(to: Value.self, capacity: 1)
        pointer.initialize(to: value)
        return pointer
    }

    /// Where the trailing bytes of a ``make(_:trailing:)`` allocation of `Value` start.
    static func trailingOffset<Value>(of type: Value.Type) -> Int {
        (MemoryLayout<Value>.stride + 7) / 8 * 8
    }

    /// Ends the life of what ``make(_:trailing:)`` allocated (the caller ends its trailing
    /// bytes' own uses first).
    static func free<Value>(_ pointer: UnsafeMutablePointer<Value>) {
        pointer.deinitialize(count: 1)
        UnsafeMutableRawPointer(pointer).deallocate()
    }
}
