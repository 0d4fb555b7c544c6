import CRingMQShims
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The storage of signal words: 32-byte cells (the word; the watcher's word address; a
/// parked task, see ``ParkedTask``), recycled through a free list and never returned to the
/// allocator.
enum SignalCells {
    private static let cellSize = 32
    private static let free = Locked<[UnsafeMutableRawPointer]>([])

    static func take() -> UnsafeMutablePointer<Atomic<UInt32>> {
        let cell =
            free.withLock { $0.popLast() }
            ?? {
                let cell = UnsafeMutableRawPointer.allocate(byteCount: cellSize, alignment: cellSize)
                cell.initializeMemory(as: UInt8.self, repeating: 0, count: cellSize)
                return cell
            }()
        let word = cell.assumingMemoryBound(to: Atomic<UInt32>.self)
        watcher(of: word).pointee.store(0, ordering: .relaxed)
        return word
    }

    static func give(_ word: UnsafeMutablePointer<Atomic<UInt32>>) {
        watcher(of: word).pointee.store(0, ordering: .relaxed)
        ParkedTask.resume(word)
        free.withLock { $0.append(UnsafeMutableRawPointer(word)) }
    }

    /// The word to wake as well when `word` is notified (0: none).
    @inline(__always)
    static func watcher(of word: UnsafeMutablePointer<Atomic<UInt32>>) -> UnsafeMutablePointer<Atomic<UInt>> {
        (UnsafeMutableRawPointer(word) + 8).assumingMemoryBound(to: Atomic<UInt>.self)
    }

    /// The task parked on `word` (an `Unmanaged<ParkedTask>`, or 0).
    @inline(__always)
    static func parked(of word: UnsafeMutablePointer<Atomic<UInt32>>) -> UnsafeMutablePointer<Atomic<UInt>> {
        (UnsafeMutableRawPointer(word) + 16).assumingMemoryBound(to: Atomic<UInt>.self)
    }
}
