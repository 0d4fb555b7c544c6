import RingMQ
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// With consumers that never read, resident memory stops growing once the high-water marks
/// are reached: the sender keeps going (a PUB, a ROUTER and an XPUB drop for the full peer; a
/// PUSH and a DEALER are refused by `trySend`), and everything past the marks costs nothing.
///
/// Measured, not timed: each workload runs in a child process of its own (an exit test), so
/// that the allocations of tests running in parallel do not count. The child reads its
/// resident set size (`/proc/self/statm`) once the marks are full and again after sending 100
/// times as many bytes as the marks hold, and prints both; the parent checks that the second
/// exceeds the first by less than ``allowedGrowth``, a small fraction of what was sent.
///
/// Not under the address sanitizer: its quarantine keeps hundreds of megabytes of freed
/// blocks resident on purpose, which is what this test would measure.
@Suite(.runsAlone, .disabled(if: Scale.isAddressSanitized, "ASan's quarantine keeps freed memory resident"))
struct MemoryBoundTests {
    /// Messages queued per peer at most: the sender's and the receiver's marks together.
    static let highWaterMark = 1_000
    static let messageSize = 1_024
    static let peers = 4
    /// Bytes the senders offer after the marks are full: 100 times what the queues can hold.
    static let offeredAfterFull = 100 * peers * 2 * highWaterMark * messageSize
    /// Growth tolerated after the marks are full: allocator slack, not queued messages (the
    /// queues hold at most 8 MB; the senders offer 800 MB more).
    static let allowedGrowth = 4 * 1024 * 1024

    #if os(Linux)
        @Test func aPublisherToSubscribersThatNeverReadStaysBounded() async {
            let report = await #expect(processExitsWith: .success, observing: [\.standardOutputContent]) {
                MemoryWorkload.run(.publish)
            }
            MemoryBoundTests.check(report?.standardOutputContent, workload: "PUB to 4 SUBs", sharedByPeers: true)
        }

        @Test func aPusherToPullersThatNeverReadStaysBounded() async {
            let report = await #expect(processExitsWith: .success, observing: [\.standardOutputContent]) {
                MemoryWorkload.run(.push)
            }
            MemoryBoundTests.check(report?.standardOutputContent, workload: "PUSH to 4 PULLs")
        }

        @Test func aRouterToDealersThatNeverReadStaysBounded() async {
            let report = await #expect(processExitsWith: .success, observing: [\.standardOutputContent]) {
                MemoryWorkload.run(.route)
            }
            MemoryBoundTests.check(report?.standardOutputContent, workload: "ROUTER to 4 DEALERs")
        }
    #endif

    /// Parses the child's `full=… after=… sent=…` line and checks the growth.
    static func check(
        _ output: [UInt8]?, workload: String, sharedByPeers: Bool = false,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let output else { return }  // the exit test recorded why
        let text = String(decoding: output, as: UTF8.self)
        guard let line = text.split(separator: "\n").last(where: { $0.hasPrefix("memory ") }) else {
            Issue.record("\(workload): no memory line in the child's output: \(text)", sourceLocation: sourceLocation)
            return
        }
        var fields: [String: Int] = [:]
        for word in line.split(separator: " ").dropFirst() {
            let parts = word.split(separator: "=")
            if parts.count == 2, let value = Int(parts[1]) { fields[String(parts[0])] = value }
        }
        guard let start = fields["start"], let full = fields["full"], let after = fields["after"],
            let sent = fields["sent"]
        else {
            Issue.record("\(workload): malformed line \(line)", sourceLocation: sourceLocation)
            return
        }
        // The measurement sees queued messages: filling the marks grew the resident set by at
        // least half of what the queues then hold (a PUB's subscribers share each message).
        let held = (sharedByPeers ? 1 : peers) * 2 * highWaterMark * messageSize
        #expect(
            full - start >= held / 2,
            "\(workload): filling the marks grew resident memory by only \(full - start) bytes; the queues hold \(held)",
            sourceLocation: sourceLocation)
        #expect(sent >= offeredAfterFull, "\(workload): sent only \(sent) bytes", sourceLocation: sourceLocation)
        #expect(
            after - full < allowedGrowth,
            "\(workload): resident memory grew by \(after - full) bytes (\(full) → \(after)) while \(sent) bytes were offered past the marks",
            sourceLocation: sourceLocation)
    }
}

/// The child process's side of ``MemoryBoundTests``.
enum MemoryWorkload {
    enum Kind {
        case publish, push, route
    }

    /// Fills the marks, measures, offers ``MemoryBoundTests/offeredAfterFull`` more bytes,
    /// measures again, prints the `memory` line, and exits (non-zero on an unexpected error).
    static func run(_ kind: Kind) {
        do {
            let context = Context()
            let mark = MemoryBoundTests.highWaterMark
            let senderType: SocketType =
                switch kind {
                case .publish: .pub
                case .push: .push
                case .route: .router
                }
            let receiverType: SocketType =
                switch kind {
                case .publish: .sub
                case .push: .pull
                case .route: .dealer
                }
            let sender = try context.socket(senderType)
            sender.sendHighWaterMark = mark
            try sender.bind("inproc://memory")
            let receivers = try (0..<MemoryBoundTests.peers).map { index in
                let receiver = try context.socket(receiverType)
                receiver.receiveHighWaterMark = mark
                if kind == .route { receiver.routingID = Frame("peer-\(index)") }
                if kind == .publish { try receiver.subscribe("") }
                try receiver.connect("inproc://memory")
                return receiver
            }
            // A fresh copy per message: frames share their bytes, and a shared payload would
            // make every queued message cost almost nothing.
            let bytes = [UInt8](repeating: 0x5A, count: MemoryBoundTests.messageSize)
            let ids = (0..<MemoryBoundTests.peers).map { Frame("peer-\($0)") }
            func offer(_ count: Int) throws {
                for index in 0..<count {
                    let payload = bytes.withUnsafeBytes { Frame(copying: $0) }
                    switch kind {
                    case .publish, .push:
                        _ = try sender.trySend(Message(payload))
                    case .route:
                        _ = try sender.trySend([ids[index % ids.count], payload])
                    }
                }
            }
            let start = residentBytes()
            // Twice the marks of every queue: full, whatever the order.
            try offer(4 * MemoryBoundTests.peers * mark)
            let full = residentBytes()
            let more = MemoryBoundTests.offeredAfterFull / MemoryBoundTests.messageSize
            try offer(more)
            let after = residentBytes()
            let queued = sender.statistics.queuedOut
            print(
                "memory start=\(start) full=\(full) after=\(after) sent=\(more * MemoryBoundTests.messageSize) queuedOut=\(queued)"
            )
            withExtendedLifetime(receivers) {}
            context.terminate()
            exit(0)
        } catch {
            print("memory workload failed: \(error)")
            exit(1)
        }
    }

    /// The resident set size, in bytes, from `/proc/self/statm` (0 where unavailable).
    static func residentBytes() -> Int {
        #if os(Linux)
            let fields = readSmallFile("/proc/self/statm")?.split(separator: " ") ?? []
            guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
            return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
        #else
            return 0
        #endif
    }
}
