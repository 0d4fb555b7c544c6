import RingMQ

/// What the driver demands of each call's outcome. A violated demand traps, which is how
/// libFuzzer sees it: as a crash, with the input saved.
///
/// The demands are the contract's, and only those the driver can know without a model of
/// the sockets: every error is a ``RingMQError`` with a message; a closed socket refuses
/// everything with ``RingMQError/socketClosed``; after ``Context/terminate()`` every call on
/// an open socket throws ``RingMQError/terminated``; a type refuses what it cannot do with
/// ``RingMQError/operationNotSupported(_:)``.
enum FuzzExpectation {
    /// Any result, or any ``RingMQError``.
    case anything
    /// Must return without throwing.
    case returns
    /// Must throw this kind of error.
    case fails(FuzzErrorKind)
}

/// The errors whose kind the driver can predict.
enum FuzzErrorKind: CustomStringConvertible {
    case socketClosed, terminated, operationNotSupported

    func matches(_ error: RingMQError) -> Bool {
        switch (self, error) {
        case (.socketClosed, .socketClosed), (.terminated, .terminated),
            (.operationNotSupported, .operationNotSupported):
            true
        default:
            false
        }
    }

    /// The message of the cases that carry one: what was wrong, and what to do instead.
    static func text(of error: RingMQError) -> String? {
        switch error {
        case .invalidEndpoint(let text), .addressInUse(let text), .endpointNotFound(let text),
            .operationNotSupported(let text), .invalidState(let text), .invalidOption(let text):
            text
        case .incompatibleSocketTypes, .hostUnreachable, .timedOut, .socketClosed, .terminated:
            nil
        }
    }

    var description: String {
        switch self {
        case .socketClosed: "socketClosed"
        case .terminated: "terminated"
        case .operationNotSupported: "operationNotSupported"
        }
    }
}

/// A broken invariant: ends the process with `message` and the steps that led to it.
func fuzzViolation(_ message: String, trail: @autoclosure () -> [String]) -> Never {
    let steps = trail().enumerated().map { "  \($0.offset): \($0.element)" }
    fatalError("RingMQ fuzz invariant violated: \(message)\nsteps:\n" + steps.joined(separator: "\n"))
}

extension FuzzExpectation {
    /// Checks the outcome of a call that returned `value`.
    func checkReturned(
        _ value: @autoclosure () -> String, call: @autoclosure () -> String,
        trail: @autoclosure () -> [String]
    ) {
        if case .fails(let kind) = self {
            fuzzViolation("\(call()) returned \(value()) where it must throw \(kind)", trail: trail())
        }
    }

    /// Checks the outcome of a call that threw `error`.
    func checkThrown(_ error: any Error, call: @autoclosure () -> String, trail: @autoclosure () -> [String]) {
        guard let error = error as? RingMQError else {
            fuzzViolation("\(call()) threw \(type(of: error)) (\(error)), not a RingMQError", trail: trail())
        }
        if error.description.isEmpty || FuzzErrorKind.text(of: error)?.isEmpty == true {
            fuzzViolation("\(call()) threw a RingMQError with an empty message: \(error)", trail: trail())
        }
        switch self {
        case .anything:
            break
        case .returns:
            fuzzViolation("\(call()) threw \(error) where it must succeed", trail: trail())
        case .fails(let kind):
            if !kind.matches(error) {
                fuzzViolation("\(call()) threw \(error) where it must throw \(kind)", trail: trail())
            }
        }
    }
}
