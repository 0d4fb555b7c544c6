#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A joinable OS thread running a closure: the peer of blocking calls in tests, benchmarks and
/// playground scenarios.
///
/// Lives in the library (with `package` visibility, not public API) because a closure handed to
/// `pthread_create` from top-level `main.swift` code is inferred main-actor isolated, and the
/// spawned thread then traps on Swift 6's isolation check; here the closure is nonisolated.
package final class PeerThread: @unchecked Sendable {
    // @unchecked Sendable: `handle` is written once in `init` before the thread is shared, and
    // read by `join()` or `detach()`, one of which is called at most once.

    private var handle: pthread_t? = nil
    private let box: Box

    private final class Box: @unchecked Sendable {
        // @unchecked Sendable: `body` is set before the thread starts and read only by it.
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    /// Starts a thread running `body`.
    package init(_ body: @escaping @Sendable () -> Void) {
        box = Box(body)
        let context = Unmanaged.passRetained(box).toOpaque()
        #if canImport(Glibc)
            var thread = pthread_t()
        #else
            var thread: pthread_t?
        #endif
        let result = pthread_create(
            &thread, nil,
            { raw in
                #if canImport(Glibc)
                    let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
                #else
                    let box = Unmanaged<Box>.fromOpaque(raw).takeRetainedValue()
                #endif
                box.body()
                return nil
            }, context)
        precondition(result == 0, "RingMQ: pthread_create failed with error \(result)")
        handle = thread
    }

    /// Lets the thread end on its own, never joined (a thread that resumes its starter itself,
    /// or one given up on).
    package func detach() {
        guard let thread = handle else { return }
        handle = nil
        pthread_detach(thread)
    }

    /// Waits for the thread to finish.
    package func join() {
        guard let thread = handle else { return }
        handle = nil
        pthread_join(thread, nil)
    }
}
