import Synchronization

/// Waiting on several signals at once (the proxy, a poller): the waiter sleeps on one signal
/// ("home") and registers on the others naming home as their watcher, so whatever wakes any of
/// them wakes the sleeper (see ``Signal``).
extension Signal {
    /// Registers as a waiter on each of `signals`, naming `home` as the word to wake. Follow
    /// with ``fenceAfterRegistering()``, and undo with ``unregisterWatchers(_:keys:)``.
    static func registerWatchers(_ signals: [Signal], home: UnsafeMutablePointer<Atomic<UInt32>>) -> [UInt32] {
        signals.map { signal in
            SignalCells.watcher(of: signal.word).pointee.store(UInt(bitPattern: home), ordering: .releasing)
            return Signal.register(signal.word)
        }
    }

    /// Withdraws what ``registerWatchers(_:home:)`` did.
    static func unregisterWatchers(_ signals: [Signal], keys: [UInt32]) {
        for (signal, key) in zip(signals, keys) {
            Signal.cancelWait(signal.word, key: key)
            SignalCells.watcher(of: signal.word).pointee.store(0, ordering: .releasing)
        }
    }
}
