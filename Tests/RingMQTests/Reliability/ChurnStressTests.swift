import Testing

/// Churn stress: producers and consumers of every pattern connect, disconnect, close and
/// re-bind at random while traffic flows, each on a thread of its own, and the invariants of
/// the pattern are checked at the end from what every thread recorded.
///
/// Seeded: every thread draws its choices from a SplitMix64 of its own, derived from the run's
/// seed (`RINGMQ_SEED`, else the test's fixed default), and every failure message starts with
/// "seed 0x…; replay with RINGMQ_SEED=0x…". The threads' interleaving is the machine's, so a
/// replay repeats each thread's choices, not the timing. With `RINGMQ_SOAK=<seconds>` each
/// test loops over fresh seeds (printed) until that much time has passed.
///
/// Bounded: counts from ``Scale``; every blocking call has a timeout (short ones in the loops
/// that must notice the end of a run, ``Scale/safety`` elsewhere); peers are joined with a
/// bounded wait; a run whose progress stalls for ``ProgressWatch/stallLimit`` fails instead of
/// waiting longer. No sleep stands in for a synchronisation: the ends of runs are counts and
/// gates, and the pattern checks rest on happens-before facts the threads record.
///
/// One test per pattern family, each in a file of its own: `ChurnStressTests+Pipeline.swift`,
/// `+RequestReply`, `+PubSub`, `+Pair`. Serialized: a test starts up to nine threads, and the
/// machine has two cores.
@Suite(.serialized, .runsAlone) struct ChurnStressTests {
    /// How many times each message (sender, sequence) was seen in `tags`, and how many tags
    /// name no message that was sent.
    static func count(_ tags: [(Int, Int)], senders: Int, perSender: Int) -> (seen: [[UInt8]], unknown: Int) {
        var seen = Array(repeating: [UInt8](repeating: 0, count: perSender), count: senders)
        var unknown = 0
        for (sender, sequence) in tags {
            guard seen.indices.contains(sender), seen[sender].indices.contains(sequence) else {
                unknown += 1
                continue
            }
            seen[sender][sequence] &+= 1
        }
        return (seen, unknown)
    }

    /// "(sender, sequence)" of the messages whose receive count satisfies `condition`.
    static func messages(in seen: [[UInt8]], where condition: (UInt8) -> Bool) -> [String] {
        seen.enumerated().flatMap { sender, counts in
            counts.indices.filter { condition(counts[$0]) }.map { "(\(sender), #\($0))" }
        }
    }
}
