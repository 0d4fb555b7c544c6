/// A fixed block of message slots; a pipe is a singly linked list of chunks.
///
/// Layout: the pointer to the next chunk in the first word, slots from `slotsOffset` on (a
/// cache line further, so the link never shares a line with the first slots).
enum Chunk {
    /// Messages per chunk. 256 × 32 bytes = 8 KiB: big enough that crossing into the next chunk
    /// is rare, small enough that an idle pipe costs little.
    static let capacity = 256
    static let slotsOffset = 64
    static let byteCount = slotsOffset + capacity * MemoryLayout<Message>.stride

    static func allocate() -> UnsafeMutableRawPointer {
        let chunk = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64)
        chunk.storeBytes(of: nil, as: UnsafeMutableRawPointer?.self)
        (chunk + slotsOffset).bindMemory(to: Message.self, capacity: capacity)
        return chunk
    }

    static func deallocate(_ chunk: UnsafeMutableRawPointer) {
        chunk.deallocate()
    }

    /// Frees every chunk of a list linked through `next`.
    static func deallocateList(_ first: UnsafeMutableRawPointer?) {
        var chunk = first
        while let current = chunk {
            chunk = next(current)
            current.deallocate()
        }
    }

    @inline(__always)
    static func slots(_ chunk: UnsafeMutableRawPointer) -> UnsafeMutablePointer<Message> {
        (chunk + slotsOffset).assumingMemoryBound(to: Message.self)
    }

    @inline(__always)
    static func next(_ chunk: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer? {
        chunk.load(as: UnsafeMutableRawPointer?.self)
    }

    @inline(__always)
    static func setNext(_ chunk: UnsafeMutableRawPointer, _ next: UnsafeMutableRawPointer?) {
        chunk.storeBytes(of: next, as: UnsafeMutableRawPointer?.self)
    }
}
