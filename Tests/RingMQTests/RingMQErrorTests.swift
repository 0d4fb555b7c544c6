import RingMQ
import Testing

/// `RingMQError.code`: the payload-free kind users match errors by.
@Suite(.runsAlone) struct RingMQErrorTests {
    /// An error of the case named like `code`, built here by hand (not through `code`), so a
    /// wrong mapping in `RingMQError.code` makes the round trip fail. Both switches are
    /// exhaustive: a new case of either type that is not mapped does not compile.
    private static func error(namedLike code: RingMQError.Code) -> RingMQError {
        switch code {
        case .invalidEndpoint: .invalidEndpoint("e")
        case .addressInUse: .addressInUse("e")
        case .endpointNotFound: .endpointNotFound("e")
        case .incompatibleSocketTypes: .incompatibleSocketTypes(.push, .push)
        case .operationNotSupported: .operationNotSupported("e")
        case .invalidState: .invalidState("e")
        case .invalidOption: .invalidOption("e")
        case .hostUnreachable: .hostUnreachable
        case .timedOut: .timedOut
        case .socketClosed: .socketClosed
        case .terminated: .terminated
        }
    }

    @Test(arguments: RingMQError.Code.allCases)
    func everyCaseHasTheCodeOfTheSameName(code: RingMQError.Code) {
        let error = Self.error(namedLike: code)
        #expect(error.code == code, "\(error)")
        // The error's description starts with the case's name in words, as the code's does.
        let words = "\(code)".map { $0.isUppercase ? " \($0.lowercased())" : "\($0)" }.joined()
        #expect(error.description.hasPrefix(words), "\(error.description) for \(code)")
    }

    @Test func codesAreDistinctAndIgnoreTheMessage() {
        let codes = Set(RingMQError.Code.allCases.map { Self.error(namedLike: $0).code })
        #expect(codes.count == RingMQError.Code.allCases.count)

        let first = RingMQError.invalidEndpoint("no scheme")
        let second = RingMQError.invalidEndpoint("empty name")
        #expect(first != second)
        #expect(first.code == second.code)
        #expect(
            RingMQError.incompatibleSocketTypes(.push, .push).code
                == RingMQError.incompatibleSocketTypes(.pub, .pull).code)
    }

    @Test func aThrownErrorIsMatchedByItsCode() throws {
        let context = TestContext()
        let first = try context.socket(.pull)
        try first.bind("inproc://taken")
        let second = try context.socket(.pull)
        var matched: RingMQError.Code?
        do {
            try second.bind("inproc://taken")
        } catch let error as RingMQError where error.code == .addressInUse {
            matched = error.code
        }
        #expect(matched == .addressInUse)
    }
}
