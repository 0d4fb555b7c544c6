import Testing

/// The fuzz target's inputs kept in the repository, as bytes: the seed corpus (written by
/// hand, one area of the API each) and the crash inputs the fuzzer found. The files of
/// `Tests/FuzzCorpus` hold the same bytes, under the same names (``FuzzRegressionTests``
/// checks that they agree); CI starts the fuzzer from them.
///
/// How bytes decode (see `FuzzStep.decode` in RingMQFuzzing): the first byte picks the clock
/// (1: a ManualClock); each step is an opcode byte, a slot byte (0–5), then its operands.
/// Opcodes: 0 create (type: 0 PAIR, 1 PUSH, 2 PULL, 3 PUB, 4 SUB, 5 XPUB, 6 XSUB, 7 REQ, 8 REP,
/// 9 DEALER, 10 ROUTER), 2 bind, 3 connect, 4 unbind, 5 disconnect (endpoint: 0–3 is
/// inproc://a…d, 128 and up a malformed or unusual one), 6 setOption (option, value),
/// 7 send (frame count, frames, blocking), 8 receive, 9 fill, 10 drain, 11 subscribe,
/// 12 unsubscribe, 13 close, 14 drop, 15 inspect, 16 poll, 17 fault, 18 advance the clock,
/// 19 terminate (0), events (1) or inspect.
enum FuzzInputs {
    struct Input: CustomTestStringConvertible, Sendable {
        let name: String
        let bytes: [UInt8]
        /// The least messages a run of it receives (a seed that stopped forming connections
        /// would quietly test much less).
        let receivesAtLeast: Int

        var testDescription: String { name }
    }

    static let all: [Input] = seeds

    static let seeds: [Input] = [
        Input(
            name: "push-pull",
            bytes: [
                0,
                0, 0, 1, 0, 1, 2, 2, 1, 0, 3, 0, 0,  // PUSH 0, PULL 1 bound at a, 0 connects
                7, 0, 0, 9, 0,  // trySend ["AB hello"]
                7, 0, 2, 1, 6, 3, 1, 2, 3, 0,  // trySend ["A", 0x010203]
                8, 1, 0,  // tryReceive
                6, 1, 1, 2, 6, 0, 0, 2,  // receive HWM 1, send HWM 1 (later connections)
                9, 0, 10, 10, 1,  // fill 11, drain
                15, 0, 15, 1, 13, 0, 8, 1, 0,  // inspect both, close the PUSH, tryReceive
            ], receivesAtLeast: 13),
        Input(
            name: "pub-sub",
            bytes: [
                0,
                0, 0, 3, 0, 1, 4, 0, 2, 6,  // PUB 0, SUB 1, XSUB 2
                2, 0, 1, 3, 1, 1, 3, 2, 1,  // PUB binds b, both connect
                11, 1, 1, 11, 2, 2,  // SUB subscribes "A", XSUB "AB"
                7, 0, 0, 9, 0, 7, 0, 0, 2, 0,  // publish "AB hello", "B"
                8, 1, 0, 8, 2, 0,  // each receives "AB hello"
                12, 1, 1, 6, 1, 10, 1,  // SUB unsubscribes, inverts matching
                7, 0, 0, 2, 0, 10, 1,  // publish "B": the SUB gets it
                0, 3, 5, 2, 3, 2, 3, 2, 2,  // XPUB 3 binds c, the XSUB connects
                7, 2, 0, 4, 0, 10, 3,  // XSUB sends a subscribe message, XPUB drains
                6, 1, 7, 1, 15, 0, 15, 3,  // SUB conflates; inspect PUB and XPUB
            ], receivesAtLeast: 5),
        Input(
            name: "request-reply",
            bytes: [
                0,
                0, 0, 10, 2, 0, 2, 0, 1, 7, 3, 1, 2,  // ROUTER 0 binds c, REQ 1 connects
                7, 1, 0, 9, 0, 8, 0, 0,  // request; the ROUTER receives it
                7, 0, 3, 3, 0, 0, 9, 0, 8, 1, 0,  // reply to the generated id 0x0000000001
                0, 2, 8, 2, 2, 3, 0, 3, 9, 3, 3, 3,  // REP 2 binds d, DEALER 3 connects
                7, 3, 2, 0, 9, 0, 8, 2, 0,  // DEALER sends ["", "AB hello"], REP gets it
                7, 2, 0, 1, 0, 8, 3, 0,  // REP replies "A", the DEALER receives it
                6, 0, 6, 1, 7, 0, 2, 2, 9, 0,  // routerMandatory, send to unknown "B"
            ], receivesAtLeast: 4),
        Input(
            name: "bad-input",
            bytes: [
                0,
                0, 0, 2,  // PULL 0
                2, 0, 128, 2, 0, 129, 2, 0, 130, 0,  // bind "", "inproc://", tcp
                2, 0, 131, 3, 0, 133, 3, 0, 134,  // "inproc://*", "INPROC://a", "://a"
                3, 0, 139, 0x10, 0x27,  // a 10 010-byte name
                2, 0, 141, 4, 0xFF, 0xFE, 0x80, 0x41,  // invalid UTF-8, no scheme
                2, 0, 142, 2, 0xC3, 0x28,  // inproc:// and invalid UTF-8
                2, 0, 140, 0, 3, 0, 140, 1,  // composed and decomposed "café"
                6, 0, 0, 0, 6, 0, 1, 8, 6, 0, 0, 7,  // HWMs -1, Int.min, Int.max
                6, 0, 2, 6, 6, 0, 3, 8, 6, 0, 4, 9,  // timeouts -1 ns, Int64.max s, linger Int64.min s
                6, 0, 5, 1, 6, 0, 5, 7, 6, 0, 5, 4,  // routing ids: empty, 256 bytes, leading zero
                6, 0, 7, 1, 6, 0, 6, 1,  // conflate, routerMandatory on a PULL
                7, 0, 0, 9, 0, 11, 0, 0,  // send and subscribe on a PULL
                4, 0, 3, 5, 0, 3,  // unbind, disconnect of names never used
            ], receivesAtLeast: 0),
        Input(
            name: "linger-manual-clock",
            bytes: [
                1,
                0, 0, 1, 6, 0, 4, 3, 3, 0, 0,  // PUSH 0, linger 1 ms, connects to a (no bind)
                7, 0, 0, 9, 0, 13, 0,  // sends, closes: the message lingers
                18, 0, 5, 0, 1,  // the clock moves 5 ms: the linger passes
                0, 1, 2, 2, 1, 0, 8, 1, 0,  // PULL 1 binds a: nothing arrives
                0, 2, 1, 3, 2, 1, 7, 2, 0, 9, 0,  // PUSH 2 connects to b, sends
                14, 2, 2, 1, 1, 8, 1, 0,  // dropped (linger nil); the bind of b delivers
                0, 3, 9, 3, 3, 2, 2, 3, 2, 15, 3,  // DEALER connects to c, then binds c itself
            ], receivesAtLeast: 1),
        Input(
            name: "routing-ids",
            bytes: [
                0,
                0, 0, 10, 6, 0, 6, 1,  // ROUTER 0, routerMandatory
                0, 1, 9, 6, 1, 5, 2, 2, 1, 0, 3, 0, 0,  // DEALER 1 "A" binds a, the ROUTER connects
                7, 1, 0, 9, 0, 13, 1,  // DEALER 1 sends, closes
                0, 2, 9, 6, 2, 5, 2, 2, 2, 1, 3, 0, 1,  // DEALER 2 "A" binds b, the ROUTER connects
                5, 0, 0,  // the ROUTER disconnects a
                7, 0, 2, 1, 9, 0, 8, 2, 0,  // the ROUTER sends to "A": DEALER 2 gets it
                0, 3, 9, 6, 3, 5, 2, 3, 3, 2,  // DEALER 3 "A" connects to c
                2, 0, 2, 8, 0, 0, 10, 0,  // the ROUTER binds c: refused, "A" is taken
            ], receivesAtLeast: 1),
        Input(
            name: "terminate",
            bytes: [
                0,
                0, 0, 0, 0, 1, 0, 2, 0, 3, 3, 1, 3,  // PAIR 0 binds d, PAIR 1 connects
                7, 0, 0, 9, 0, 19, 0, 0,  // send, terminate
                8, 1, 0, 7, 1, 0, 9, 0, 0, 2, 4,  // receive, send, create: .terminated
                13, 0, 8, 0, 0, 16, 0, 3, 3,  // close 0, receive on it, poll both
            ], receivesAtLeast: 0),
        Input(
            name: "faults-poll-events",
            bytes: [
                0,
                0, 0, 1, 0, 1, 2, 0, 2, 2, 19, 0, 1,  // PUSH 0, PULL 1 and 2; the PUSH's events
                2, 1, 0, 2, 2, 1, 3, 0, 0, 3, 0, 1,  // PULLs bind a and b, the PUSH connects to both
                17, 0, 0, 0, 7, 0, 0, 9, 0,  // peers look full: trySend refused
                17, 0, 1, 0, 9, 0, 8,  // room restored, fill 9
                16, 0, 7, 3, 8, 1, 0,  // poll all three, receive
                17, 1, 2, 0, 17, 0, 2, 1, 1,  // PULL 1 detaches its peers; the PUSH detaches b
                9, 0, 4, 10, 2, 16, 0, 7, 1,  // fill (nobody left), drain 2, poll
            ], receivesAtLeast: 5),
    ]
}
