import CRingMQShims

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Recycles the heap buffers of frames, per thread, so that a steady stream of medium frames
/// costs no allocation.
///
/// Without it, a frame built on a sending thread and dropped on a receiving thread is
/// allocated by one thread and freed by another: glibc malloc's slowest path, which held
/// 64-byte and 1 KiB messages to about 3 M msg/s where one shared buffer went 3× faster.
///
/// Per size class (32 bytes to 4 KiB, powers of two) each thread keeps a FIFO of the buffers it
/// handed out. A receiver drops frames roughly in the order they were sent, so the oldest
/// buffer is the one most likely free again: it is reused when the pool holds the only
/// reference to it (`isKnownUniquelyReferenced`), that is when every frame that shared it is
/// gone and rewriting its bytes is invisible. Otherwise a new buffer is allocated and queued,
/// so the FIFO grows to the number of frames in flight at the peak, up to a budget of 512 KiB
/// per size class (at most 4,096 buffers: a default pipe holds 2,000 messages); beyond it the
/// oldest buffer is left to its holders.
///
/// Under the thread sanitizer the pool is off: the handoff it relies on (a release when the
/// last frame is dropped, an acquire in the uniqueness check) happens inside the Swift
/// runtime, which the sanitizer does not see, so it would report every reuse as a race.
package final class FrameBufferPool {
    static let smallestClass = 32
    static let largestClass = 4096
    static let classCount = classIndex(for: largestClass) + 1
    static let budgetPerClass = 512 * 1024
    static let maxSlots = 4096

    private let queues: UnsafeMutablePointer<BufferQueue>

    private init() {
        queues = .allocate(capacity: FrameBufferPool.classCount)
        for index in 0..<FrameBufferPool.classCount {
            let classBytes = FrameBufferPool.smallestClass << index
            let capacity = min(FrameBufferPool.maxSlots, FrameBufferPool.budgetPerClass / classBytes)
            (queues + index).initialize(to: BufferQueue(capacity: capacity))
        }
    }

    deinit {
        for index in 0..<FrameBufferPool.classCount { (queues + index).pointee.release() }
        queues.deinitialize(count: FrameBufferPool.classCount)
        queues.deallocate()
    }

    /// A buffer holding a copy of `source`: from the calling thread's pool when the size fits
    /// a class, otherwise freshly allocated.
    static func buffer(copying source: UnsafeRawBufferPointer) -> FrameBuffer {
        guard source.count <= largestClass, isEnabled, let pool = current else {
            return FrameBuffer.make(copying: source)
        }
        let index = classIndex(for: source.count)
        // Borrowed, not retained: the thread-local slot keeps the pool alive.
        return pool._withUnsafeGuaranteedRef { pool in
            pool.queues[index].take(copying: source, capacity: smallestClass << index)
        }
    }

    static func classIndex(for count: Int) -> Int {
        var index = 0
        var capacity = smallestClass
        while capacity < count {
            capacity <<= 1
            index += 1
        }
        return index
    }

    /// Off when the thread sanitizer's runtime is loaded in this process.
    static let isEnabled: Bool = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "__tsan_init") == nil

    // MARK: - Per-thread instance

    private static let key: pthread_key_t? = {
        var key = pthread_key_t()
        let created = pthread_key_create(&key) { raw in
            guard let raw else { return }
            Unmanaged<FrameBufferPool>.fromOpaque(raw).release()
        }
        return created == 0 ? key : nil
    }()

    /// The calling thread's pool, created on first use; `nil` if thread-local storage failed.
    private static var current: Unmanaged<FrameBufferPool>? {
        guard let key else { return nil }
        if let raw = pthread_getspecific(key) {
            return Unmanaged<FrameBufferPool>.fromOpaque(raw)
        }
        let pool = Unmanaged.passRetained(FrameBufferPool())
        guard pthread_setspecific(key, pool.toOpaque()) == 0 else {
            pool.release()
            return nil
        }
        return pool
    }
}

/// A bounded FIFO of handed-out buffers of one size class: slots `head ..< head + count`
/// (modulo `capacity`) hold buffers, oldest first. Raw memory: no exclusivity or
/// copy-on-write checks on the send path.
struct BufferQueue {
    private let capacity: Int
    private var slots: UnsafeMutablePointer<FrameBuffer>?
    private var head = 0
    private var count = 0

    init(capacity: Int) {
        self.capacity = capacity
    }

    mutating func take(copying source: UnsafeRawBufferPointer, capacity classCapacity: Int) -> FrameBuffer {
        let slots = self.slots ?? allocateSlots()
        if count > 0, isKnownUniquelyReferenced(&slots[head]) {
            // The oldest is free again: rewrite it and make it the newest.
            let buffer: FrameBuffer
            if count == capacity {
                buffer = slots[head]
            } else {
                buffer = (slots + head).move()
                (slots + (head + count) % capacity).initialize(to: buffer)
            }
            head = head + 1 == capacity ? 0 : head + 1
            buffer.overwrite(with: source)
            prefetchOldest(slots)
            return buffer
        }
        let buffer = FrameBuffer.make(copying: source, capacity: classCapacity)
        if count == capacity {
            // Full: the oldest, still in use, is left to its holders.
            slots[head] = buffer
            head = head + 1 == capacity ? 0 : head + 1
        } else {
            (slots + (head + count) % capacity).initialize(to: buffer)
            count += 1
        }
        return buffer
    }

    /// Pulls the next candidate's header (its reference count) towards this core now, so the
    /// next `take` does not stall on a line the receiving thread wrote last.
    @inline(__always)
    private func prefetchOldest(_ slots: UnsafeMutablePointer<FrameBuffer>) {
        guard count > 1 else { return }
        ringmq_prefetch_for_write(Unmanaged.passUnretained(slots[head]).toOpaque())
    }

    private mutating func allocateSlots() -> UnsafeMutablePointer<FrameBuffer> {
        let slots = UnsafeMutablePointer<FrameBuffer>.allocate(capacity: capacity)
        self.slots = slots
        return slots
    }

    func release() {
        guard let slots else { return }
        for offset in 0..<count {
            (slots + (head + offset) % capacity).deinitialize(count: 1)
        }
        slots.deallocate()
    }
}
