import RingMQ

// What the threads of `ChurnStressTests.pubSubDeliversOnlyWhatMatchesOnceAndInOrder` record,
// and the check made from it. The happens-before reasoning is at ``SubscriptionWitness``.

/// The topics published (a message's first frame is exactly one of them) and the prefixes
/// subscribed, chosen so that prefixes nest ("" ⊂ "a" ⊂ "ab") and some topic matches none but "".
enum PubSubChurnTopics {
    static let topics = ["a", "ab", "abc", "b", "bc", "c", "d"]
    static let prefixes = ["", "a", "ab", "b", "bc", "c"]

    /// For each topic, the bit set of the prefixes that match it.
    static let matching: [UInt8] = topics.map { topic in
        prefixes.indices.reduce(0) { mask, index in
            topic.hasPrefix(prefixes[index]) ? mask | 1 << UInt8(index) : mask
        }
    }
}

/// One publisher thread's messages, by sequence number (across its sockets, each of which is
/// a generation): the topic, the generation, and each subscriber's witness word if it read the
/// same before and after the send (else ``SubscriptionWitness/unstable``).
struct PublisherChurnLog: Sendable {
    let subscribers: Int
    var topics: [UInt8] = []
    var generations: [Int] = []
    var words: [UInt64] = []

    var count: Int { topics.count }

    mutating func record(topic: Int, generation: Int, before: [UInt64], after: [UInt64]) {
        topics.append(UInt8(topic))
        generations.append(generation)
        for (b, a) in zip(before, after) { words.append(b == a ? b : SubscriptionWitness.unstable) }
    }

    func word(sequence: Int, subscriber: Int) -> UInt64 {
        words[sequence * subscribers + subscriber]
    }
}

/// One subscriber thread's messages, in the order it read them.
struct SubscriberChurnLog: Sendable {
    struct Received: Sendable {
        let publisher: Int
        let generation: Int
        let sequence: Int
        let topic: Int
        /// The socket (stint) and, within it, the connection to that publisher it came through.
        let stint: Int
        let connection: Int
        /// The prefixes this socket had subscribed to so far, and the witness word, at the read.
        let everSubscribed: UInt8
        let word: UInt64
    }

    var received: [Received] = []
    var malformed = 0
    var stints = 0
    var subscriptionChanges = 0

    /// The message's parts (topic frame, then publisher << 16 | generation and sequence, as
    /// ``tagged(sender:sequence:)``), or `nil` if it is none of ours.
    static func parts(_ message: Message) -> (topic: Int, publisher: Int, generation: Int, sequence: Int)? {
        guard message.count == 2, let topic = PubSubChurnTopics.topics.firstIndex(of: message[0].string),
            let tag = tag(of: Message(message[1]))
        else { return nil }
        return (topic, tag.sender >> 16, tag.sender & 0xFFFF, tag.sequence)
    }
}

/// Checks every subscriber's log against the publishers' logs:
///
/// - each message is one a publisher sent (same topic and generation);
/// - from each publisher generation, sequence numbers only increase (so no message twice, and
///   per-publisher order);
/// - the topic matches a prefix the receiving socket had subscribed to before the read;
/// - no message arrives that was published while no matching subscription could be in force
///   (the witness word was stable over the send and had no matching "may" prefix);
/// - no message is missing between two that arrived through the same connection, if it was
///   published while a matching subscription was surely in force and nothing changed in the
///   subscriber until it read the later one (high-water marks are 0, so nothing is dropped).
///
/// Returns how many (message, subscriber) pairs each of the last two rules decided: published
/// while it must not arrive; due between two that arrived through one connection.
func checkPubSubChurn(
    publishers: [PublisherChurnLog], subscribers: [SubscriberChurnLog], into findings: inout ChurnFindings
) -> (mustNot: Int, must: Int) {
    let matching = PubSubChurnTopics.matching
    var mustNot = 0
    for log in publishers {
        for sequence in 0..<log.count {
            for j in 0..<log.subscribers {
                let word = log.word(sequence: sequence, subscriber: j)
                if word != SubscriptionWitness.unstable,
                    !SubscriptionWitness.mayMatch(word, matching[Int(log.topics[sequence])])
                {
                    mustNot += 1
                }
            }
        }
    }
    var must = 0
    for (j, log) in subscribers.enumerated() {
        var problems: [String] = []
        var lastPerGeneration: [[Int]: Int] = [:]
        var lastPerConnection: [[Int]: Int] = [:]
        findings.expect(log.malformed == 0, "subscriber \(j) received \(log.malformed) malformed messages")
        for r in log.received {
            let topic = PubSubChurnTopics.topics[r.topic]
            let what = "subscriber \(j) got \(topic) #\(r.sequence) of publisher \(r.publisher)"
            guard publishers.indices.contains(r.publisher), r.sequence < publishers[r.publisher].count,
                publishers[r.publisher].generations[r.sequence] == r.generation,
                Int(publishers[r.publisher].topics[r.sequence]) == r.topic
            else {
                problems.append("\(what): never sent")
                continue
            }
            let publisher = publishers[r.publisher]
            if let last = lastPerGeneration[[r.publisher, r.generation]], last >= r.sequence {
                problems.append("\(what) after #\(last): twice or out of order")
            }
            lastPerGeneration[[r.publisher, r.generation]] = r.sequence
            if r.everSubscribed & matching[r.topic] == 0 {
                problems.append("\(what): its socket never subscribed to a matching prefix")
            }
            let word = publisher.word(sequence: r.sequence, subscriber: j)
            if word != SubscriptionWitness.unstable, !SubscriptionWitness.mayMatch(word, matching[r.topic]) {
                problems.append("\(what): published while it held no matching subscription")
            }
            let connection = [r.stint, r.publisher, r.generation, r.connection]
            if let previous = lastPerConnection[connection], previous < r.sequence {
                // This one was due, and arrived.
                if word == r.word, SubscriptionWitness.surelyMatches(word, matching[r.topic]) { must += 1 }
                for sequence in (previous + 1)..<r.sequence {
                    let sent = publisher.word(sequence: sequence, subscriber: j)
                    guard sent != SubscriptionWitness.unstable, sent == r.word,
                        SubscriptionWitness.surelyMatches(sent, matching[Int(publisher.topics[sequence])])
                    else { continue }
                    must += 1
                    problems.append(
                        "subscriber \(j) missed #\(sequence) of publisher \(r.publisher) "
                            + "(between #\(previous) and #\(r.sequence), surely subscribed)")
                }
            }
            lastPerConnection[connection] = r.sequence
        }
        findings.expect(problems.isEmpty, "\(problems.count) problems, first \(problems.prefix(5))")
    }
    return (mustNot, must)
}
