import RingMQ
import Synchronization
import Testing

/// `statistics` may be read from any thread: exact from an idle socket, answered by the
/// socket's own thread while a call is in progress, and never disturbing that call.
@Suite struct StatisticsFromAnyThreadTests {
    @Test func anIdleSocketReadFromAnotherThreadIsExact() throws {
        // Blocking calls in a test run as a task: the waits here are short and bounded.
        try withBlockingCallsAllowed {
            let context = Context()
            let pull = try context.socket(.pull)
            try pull.bind("inproc://stats-idle")
            let push = try context.socket(.push)
            try push.connect("inproc://stats-idle")
            for value in 0..<3 { try push.send(numbered(value)) }
            _ = try pull.receive()

            let seen = Peer { (pull.statistics, push.statistics) }.join()
            let (pulled, pushed) = try seen.get()
            #expect(pulled == SocketStatistics(messagesReceived: 1, queuedIn: 2, peers: 1))
            #expect(pushed.messagesSent == 3 && pushed.peers == 1)
        }
    }

    @Test func aBlockedReceiveAnswersAndGoesOnWaiting() throws {
        // Blocking calls in a test run as a task: the waits here are short and bounded.
        try withBlockingCallsAllowed {
            let context = Context()
            let pull = try context.socket(.pull)
            try pull.bind("inproc://stats-blocked")
            let push = try context.socket(.push)
            try push.connect("inproc://stats-blocked")
            try push.send("first")
            #expect(try pull.receive() == "first")
            let blocked = Peer { try pull.receive() }
            blocked.waitUntilBlocked()

            let seen = try Peer { pull.statistics }.join().get()
            #expect(seen == SocketStatistics(messagesReceived: 1, peers: 1))
            #expect(!blocked.isFinished, "the receive ended when it was asked for statistics")
            try push.send("second")
            #expect(try blocked.join().get() == "second")
            #expect(pull.statistics.messagesReceived == 2)
        }
    }

    @Test func aRunningProxysSocketsReportTheirCountsAndCloseStopsIt() throws {
        // Blocking calls in a test run as a task: the waits here are short and bounded.
        try withBlockingCallsAllowed {
            let context = Context()
            let frontend = try context.socket(.pull)
            try frontend.bind("inproc://stats-front")
            let backend = try context.socket(.push)
            try backend.bind("inproc://stats-back")
            let source = try context.socket(.push)
            try source.connect("inproc://stats-front")
            let sink = try context.socket(.pull)
            try sink.connect("inproc://stats-back")
            let running = Peer { try proxy(frontend: frontend, backend: backend) }

            let count = 100
            for value in 0..<count { try source.send(numbered(value)) }
            for value in 0..<count { #expect(number(try sink.receive()) == value) }
            let (received, sent) = try Peer { (frontend.statistics, backend.statistics) }.join().get()
            #expect(received.messagesReceived == count && received.peers == 1)
            #expect(sent.messagesSent == count && sent.peers == 1)
            #expect(!running.isFinished, "the proxy stopped when it was asked for statistics")

            Peer { frontend.close() }.join().ignore()
            #expect(throws: RingMQError.socketClosed) { try running.join().get() }
            #expect(backend.statistics.messagesSent == count, "the backend stays open")
        }
    }

    /// A reader polls the counters of a socket another thread keeps busy: every count it sees
    /// is one the socket reached (never more than was sent, never going back), and the last
    /// one is exact.
    @Test func readsRacingASendingThreadAreMonotonicAndEndExact() throws {
        // Blocking calls in a test run as a task: the waits here are short and bounded.
        try withBlockingCallsAllowed {
            let total = Scale.count(normal: 20_000, stress: 200_000, sanitized: 2_000)
            let context = Context()
            let pull = try context.socket(.pull)
            pull.receiveHighWaterMark = 100
            try pull.bind("inproc://stats-race")
            let push = try context.socket(.push)
            push.sendHighWaterMark = 100
            try push.connect("inproc://stats-race")
            let sender = Peer {
                for value in 0..<total { try push.send(numbered(value)) }
            }
            let receiver = Peer { try (0..<total).map { _ in number(try pull.receive()) } }

            var last = 0
            var reads = 0
            var wrong: [String] = []
            while !sender.isFinished || reads == 0 {
                let sent = push.statistics.messagesSent
                if sent < last || sent > total { wrong.append("read \(reads): \(sent) after \(last)") }
                last = sent
                reads += 1
            }
            try sender.join().get()
            #expect(try receiver.join().get() == Array(0..<total))
            #expect(wrong.isEmpty, "\(wrong.prefix(5))")
            #expect(push.statistics.messagesSent == total)
            #expect(pull.statistics.messagesReceived == total)
        }
    }
}
