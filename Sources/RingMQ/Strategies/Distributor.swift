import Synchronization

/// Fan-out to subscribers by subscription, dropping for a full one (ZeroMQ's `dist_t` with
/// its `mtrie_t`): PUB and XPUB.
///
/// Subscriptions live in a ``SubscriptionTrie`` keyed by subscriber id, so publishing costs
/// the topic's length plus the number of matching subscribers, not the number of
/// subscriptions. Every matching subscriber gets the same ``Message`` value: frames share
/// their storage, nothing is copied per subscriber.
///
/// Per-subscriber data sits in parallel arrays indexed by id, the hot ones trivial values, so
/// the publish loop touches no reference count but the message's.
struct Distributor {
    /// What reading a subscriber's upstream pipe did, for an XPUB to pass up.
    enum Upstream {
        /// A subscription; `isNew` when no subscriber held the prefix before.
        case subscribed(prefix: Frame, isNew: Bool)
        /// An unsubscription that removed a subscription; `wasLast` when no subscriber holds
        /// the prefix any more.
        case unsubscribed(prefix: Frame, wasLast: Bool)
        /// An unsubscription from a prefix the subscriber did not hold.
        case ignored
        /// Anything else an XSUB sent.
        case other
    }

    /// How an upstream subscription message is read (the XPUB's options, at the time).
    struct Reading {
        /// ``Socket/xpubManual``: record what the subscriber asked for without applying it.
        var manual = false
        /// ``Socket/onlyFirstSubscribe``: a multipart message starting with a subscription
        /// message is a batch of them (``SubscriptionMessage/batch(_:)``).
        var batches = false
    }

    /// Which prefixes of a departing subscriber an XPUB passes up as unsubscriptions.
    enum DepartureReport {
        /// Those no subscriber holds any more (the default).
        case emptied
        /// Every prefix it held (``Socket/xpubVerboser``).
        case held
        /// Every prefix it asked for in manual mode (``Socket/xpubManual``).
        case requested
    }

    private var writers: [PipeWriter?] = []
    private var readers: [PipeReader?] = []
    private var connections: [Connection?] = []
    private var inverted: [Bool] = []
    private var marks: [UInt32] = []
    private var freeIDs: [Int32] = []
    private var trie = SubscriptionTrie()
    /// Manual mode: what each subscriber asked for, applied only by the XPUB's owner; read
    /// when a subscriber leaves, to pass its unsubscriptions up.
    private var requested = SubscriptionTrie()
    private var epoch: UInt32 = 0
    /// Live subscribers that invert matching themselves.
    private var invertingCount = 0
    /// Scratch for the ids matched by one message, kept to avoid reallocating.
    private var matched: [Int32] = []

    /// Live subscribers.
    private(set) var count = 0

    // MARK: - Subscribers

    /// Adds a subscriber reached through `writer` (a conflating pipe, for a conflating PUB or
    /// SUB, always has room), whose subscriptions arrive through `reader`.
    mutating func add(_ connection: Connection, writer: PipeWriter?, reader: PipeReader?) {
        let id: Int
        if let free = freeIDs.popLast() {
            id = Int(free)
        } else {
            id = writers.count
            writers.append(nil)
            readers.append(nil)
            connections.append(nil)
            inverted.append(false)
            marks.append(0)
        }
        writers[id] = writer
        readers[id] = reader
        connections[id] = connection
        inverted[id] = false
        marks[id] = 0
        count += 1
        refreshInversion(id)
    }

    /// The id of the subscriber on `connection`.
    func id(of connection: Connection) -> Int32? {
        connections.firstIndex { $0 === connection }.map(Int32.init)
    }

    /// Removes the subscriber on `connection`; returns the prefixes `report` names (an XPUB
    /// passes them up as unsubscriptions), or `nil` if it was not here.
    mutating func remove(_ connection: Connection, report: DepartureReport = .emptied) -> [[UInt8]]? {
        guard let id = id(of: connection) else { return nil }
        let index = Int(id)
        if inverted[index] { invertingCount -= 1 }
        writers[index] = nil
        readers[index] = nil
        connections[index] = nil
        inverted[index] = false
        freeIDs.append(id)
        count -= 1
        let asked = requested.removeAll(member: id)
        let (held, emptied) = trie.removeAll(member: id)
        switch report {
        case .emptied: return emptied
        case .held: return held
        case .requested: return asked.held
        }
    }

    /// Forgets every subscriber (the socket is closing).
    mutating func removeAll() {
        self = Distributor()
    }

    /// Every subscription in force, as (prefix, subscriber connection) pairs.
    func subscriptions() -> [(prefix: [UInt8], connection: Connection)] {
        trie.entries().compactMap { entry in
            connections[Int(entry.member)].map { (entry.prefix, $0) }
        }
    }

    // MARK: - Subscriptions

    /// Reads what every subscriber sent upstream and applies the subscriptions (records
    /// them, in manual mode); `body` sees each message, what it did, and who sent it. Also
    /// picks up changes of the subscribers' inversion.
    mutating func readUpstream(_ reading: Reading, _ body: (Message, Upstream, Connection) -> Void) {
        for index in readers.indices {
            guard let connection = connections[index] else { continue }
            refreshInversion(index)
            guard let reader = readers[index] else { continue }
            let id = Int32(index)
            while let message = reader.read() {
                if reading.batches, let (changes, data) = SubscriptionMessage.batch(message) {
                    for (subscribe, prefix) in changes {
                        let effect = apply(subscribe, prefix, from: id, manual: reading.manual)
                        body(SubscriptionMessage.make(subscribe: subscribe, prefix), effect, connection)
                    }
                    if let data { body(data, .other, connection) }
                } else if let (subscribe, prefix) = SubscriptionMessage.parse(message) {
                    body(message, apply(subscribe, prefix, from: id, manual: reading.manual), connection)
                } else {
                    body(message, .other, connection)
                }
            }
        }
    }

    private mutating func apply(_ subscribe: Bool, _ prefix: Frame, from id: Int32, manual: Bool) -> Upstream {
        prefix.withUnsafeBytes { bytes in
            if subscribe {
                let (_, first) = manual ? requested.insert(bytes, member: id) : trie.insert(bytes, member: id)
                return .subscribed(prefix: prefix, isNew: first)
            }
            let (removed, last) = manual ? requested.remove(bytes, member: id) : trie.remove(bytes, member: id)
            return removed ? .unsubscribed(prefix: prefix, wasLast: last) : .ignored
        }
    }

    /// Manual mode: subscribes (or unsubscribes) the subscriber on `connection` to `prefix`,
    /// as the XPUB's owner decided; nothing if that subscriber has gone.
    mutating func change(subscribe: Bool, _ prefix: Frame, for connection: Connection) {
        guard let id = id(of: connection) else { return }
        prefix.withUnsafeBytes { bytes in
            if subscribe {
                trie.insert(bytes, member: id)
            } else {
                trie.remove(bytes, member: id)
            }
        }
    }

    private mutating func refreshInversion(_ index: Int) {
        guard let connection = connections[index] else { return }
        let now = connection.subscriberInverts.load(ordering: .acquiring)
        if now != inverted[index] {
            inverted[index] = now
            invertingCount += now ? 1 : -1
        }
    }

    // MARK: - Publishing

    /// Queues `message` to every matching subscriber with room. Returns how many matching
    /// subscribers were full, so did not get it. `invertAll`: the publisher inverts matching
    /// (the `invertMatching` option).
    @inline(__always)
    mutating func publish(_ message: Message, invertAll: Bool) -> Int {
        guard count > 0 else { return 0 }
        collectMatches(message, invertAll: invertAll)
        var dropped = 0
        for id in matched {
            let index = Int(id)
            if let writer = writers[index] {
                if writer.hasRoom() {
                    writer.write(message)
                } else {
                    dropped &+= 1
                }
            }
        }
        return dropped
    }

    /// Whether every subscriber that `message` matches has room for it (XPUB with
    /// the `xpubNoDrop` option).
    mutating func matchingHaveRoom(_ message: Message, invertAll: Bool) -> Bool {
        guard count > 0 else { return true }
        collectMatches(message, invertAll: invertAll)
        return matched.allSatisfy { writers[Int($0)]?.hasRoom() ?? true }
    }

    /// Fills `matched` with each subscriber `message` goes to, once: those holding a prefix of
    /// its first frame, or, for a subscriber that inverts, those holding none.
    private mutating func collectMatches(_ message: Message, invertAll: Bool) {
        var found = matched
        matched = []
        found.removeAll(keepingCapacity: true)
        epoch &+= 1
        if epoch == 0 {
            for index in marks.indices { marks[index] = 0 }
            epoch = 1
        }
        let epoch = self.epoch
        let anyInverting = invertAll || invertingCount > 0
        let topic = message[0]
        marks.withUnsafeMutableBufferPointer { marks in
            inverted.withUnsafeBufferPointer { inverted in
                topic.withUnsafeBytes { topic in
                    trie.forEachMatch(topic) { id in
                        let index = Int(id)
                        guard marks[index] != epoch else { return }
                        marks[index] = epoch
                        if !anyInverting || !(invertAll || inverted[index]) { found.append(id) }
                    }
                }
                guard anyInverting else { return }
                for index in connections.indices where connections[index] != nil {
                    if (invertAll || inverted[index]) && marks[index] != epoch { found.append(Int32(index)) }
                }
            }
        }
        matched = found
    }
}
