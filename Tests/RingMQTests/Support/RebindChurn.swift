import RingMQ

/// A churn party's own endpoint, unbound now and then and bound again a few of the party's
/// steps later (connects made meanwhile wait for the bind).
struct RebindChurn {
    let endpoint: String
    /// The chance per step of unbinding: one in this.
    let oneIn: UInt64
    /// The most steps the endpoint stays unbound.
    let longestGap: Int
    /// 0: bound; else the steps left before binding again.
    private var unboundFor = 0
    private(set) var rebinds = 0

    init(_ endpoint: String, oneIn: UInt64, longestGap: Int = 8) {
        self.endpoint = endpoint
        self.oneIn = oneIn
        self.longestGap = longestGap
    }

    /// One step: binds `socket` again once the gap is over, or unbinds it by chance. `true`
    /// when the step went to the endpoint (unbound, or unbinding now), so that a party can
    /// chain other churn after it.
    mutating func step(_ socket: Socket, using random: inout SplitMix64) throws -> Bool {
        if unboundFor > 0 {
            unboundFor -= 1
            if unboundFor == 0 {
                try socket.bind(endpoint)
                rebinds += 1
            }
            return true
        }
        guard random.oneIn(oneIn) else { return false }
        try socket.unbind(endpoint)
        unboundFor = Int.random(in: 1...longestGap, using: &random)
        return true
    }

    /// Binds `socket` again if it is unbound (at the end of a run).
    mutating func bindIfUnbound(_ socket: Socket) throws {
        guard unboundFor > 0 else { return }
        try socket.bind(endpoint)
        unboundFor = 0
        rebinds += 1
    }
}
