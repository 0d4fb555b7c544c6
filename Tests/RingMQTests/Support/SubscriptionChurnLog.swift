import Testing

// What the two threads of `PubSubConcurrencyTests.subscribingAndUnsubscribingWhilePublishing`
// record, and the exact check made from it (the phases are explained at that test).

/// For each message the publisher sent (index = sequence number), the subscriber's phase it
/// saw just before and just after sending.
struct PublisherLog: Sendable {
    var before: [Int] = []
    var after: [Int] = []

    mutating func record(before: Int, after: Int) {
        self.before.append(before)
        self.after.append(after)
    }

    var count: Int { before.count }
}

/// What the subscriber received: sequence numbers by topic, and its own phase when it read each.
struct SubscriberLog: Sendable {
    var aSequences: [Int] = []
    var bSequences: [Int] = []
    /// The subscriber's phase when it read each B message.
    var bPhases: [Int] = []
    /// Per subscribed phase (4k+2): the highest sequence number read in it.
    var highestReadIn: [Int: Int] = [:]
    var malformed = 0
    var windowsCompleted = 0

    mutating func record(_ parts: (topic: String, sequence: Int, tag: Int), localPhase: Int) {
        switch parts.topic {
        case "A": aSequences.append(parts.sequence)
        case "B":
            bSequences.append(parts.sequence)
            bPhases.append(localPhase)
        default: malformed += 1
        }
        highestReadIn[localPhase] = max(highestReadIn[localPhase] ?? -1, parts.sequence)
    }

    func check(against published: PublisherLog, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(malformed == 0, sourceLocation: sourceLocation)
        // A: every one, once, in order.
        #expect(
            aSequences == Array(stride(from: 0, to: published.count, by: 2)),
            "A messages lost, duplicated or out of order", sourceLocation: sourceLocation)
        // B: in order, and only read while subscribed.
        #expect(zip(bSequences, bSequences.dropFirst()).allSatisfy { $0 < $1 }, sourceLocation: sourceLocation)
        #expect(
            bPhases.allSatisfy { $0 % 4 == 2 }, "a B message was read while unsubscribed",
            sourceLocation: sourceLocation)
        let receivedB = Set(bSequences)
        var mustArrive = 0
        var mustNotArrive = 0
        var missing: [Int] = []
        var leaked: [Int] = []
        for sequence in stride(from: 1, to: published.count, by: 2) {
            let before = published.before[sequence]
            guard before == published.after[sequence] else { continue }
            if before % 4 == 2, sequence < highestReadIn[before] ?? -1 {
                mustArrive += 1
                if !receivedB.contains(sequence) { missing.append(sequence) }
            } else if before % 4 == 0 {
                mustNotArrive += 1
                if receivedB.contains(sequence) { leaked.append(sequence) }
            }
        }
        #expect(
            missing.isEmpty, "B messages sent while subscribed did not arrive: \(missing.prefix(5))",
            sourceLocation: sourceLocation)
        #expect(
            leaked.isEmpty, "B messages sent while unsubscribed arrived: \(leaked.prefix(5))",
            sourceLocation: sourceLocation)
        // Each completed window contributes at least one of each (see the test's comment).
        #expect(
            mustArrive >= windowsCompleted && mustNotArrive >= windowsCompleted,
            "\(mustArrive) must arrive, \(mustNotArrive) must not, \(windowsCompleted) windows",
            sourceLocation: sourceLocation)
    }
}
