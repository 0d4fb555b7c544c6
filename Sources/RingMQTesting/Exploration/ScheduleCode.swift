/// The choices of one run, as the compact text a failure report prints and
/// ``Schedule/replay(_:)`` reads: `rmq1:` + base64url (no padding) of varints + `:` + two hex
/// digits of checksum.
///
/// The varints are a header (bit 0: the run drew from its seed, which follows), then one or two
/// per stretch of equal choices: the choice, numbered by how many participants could run (so
/// that a replay sees a different count at once), times two, plus one if the stretch is longer
/// than one choice; then, if so, its length minus two. Stretches are common (a participant kept
/// at each of its points), so a run of hundreds of choices makes a code of a few dozen
/// characters, and a short one a code of a few.
struct ScheduleCode: Equatable {
    /// One choice: the index picked in the list of the `count` participants that could run,
    /// sorted by participant id.
    struct Step: Equatable {
        let choice: Int
        let count: Int
    }

    /// A stretch of equal choices.
    struct Stretch: Equatable {
        let step: Step
        var length: Int
    }

    static let prefix = "rmq1:"
    /// The seed RingMQ's own draws came from (a REQ's request id), if the run drew any.
    var seed: UInt64?
    private(set) var stretches: [Stretch] = []

    init(seed: UInt64? = nil) {
        self.seed = seed
    }

    /// How many choices the code holds.
    var count: Int {
        stretches.reduce(0) { $0 + $1.length }
    }

    mutating func append(_ step: Step) {
        if let last = stretches.indices.last, stretches[last].step == step {
            stretches[last].length += 1
        } else {
            stretches.append(Stretch(step: step, length: 1))
        }
    }

    /// Every choice, in order.
    var steps: [Step] {
        stretches.flatMap { Array(repeating: $0.step, count: $0.length) }
    }

    // MARK: - Text

    /// The code, "rmq1:AAEA:b9".
    var text: String {
        var bytes: [UInt8] = []
        Self.putVarint(seed == nil ? 0 : 1, into: &bytes)
        if let seed { Self.putVarint(seed, into: &bytes) }
        for stretch in stretches {
            let long: UInt64 = stretch.length > 1 ? 1 : 0
            Self.putVarint(Self.number(of: stretch.step) << 1 | long, into: &bytes)
            if long == 1 { Self.putVarint(UInt64(stretch.length - 2), into: &bytes) }
        }
        let sum = String(Self.checksum(bytes), radix: 16)
        return Self.prefix + Base64URL.encode(bytes) + ":" + (sum.count == 1 ? "0" + sum : sum)
    }

    /// Reads a code; throws a ``ScheduleCodeError`` that says what is wrong with it.
    init(_ text: String) throws(ScheduleCodeError) {
        guard text.hasPrefix(Self.prefix) else {
            throw ScheduleCodeError(text, "it does not start with \"\(Self.prefix)\"")
        }
        let parts = text.dropFirst(Self.prefix.count).split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw ScheduleCodeError(text, "it needs exactly one \":\" after \"\(Self.prefix)\", before the checksum")
        }
        guard parts[1].count == 2, let sum = UInt8(parts[1], radix: 16) else {
            throw ScheduleCodeError(text, "its checksum \"\(parts[1])\" is not two hex digits")
        }
        guard let bytes = Base64URL.decode(parts[0]) else {
            throw ScheduleCodeError(text, "\"\(parts[0])\" is not base64url (A–Z, a–z, 0–9, - and _)")
        }
        guard Self.checksum(bytes) == sum else {
            throw ScheduleCodeError(text, "the checksum does not match: the code was changed or cut short")
        }
        var reader = VarintReader(bytes: bytes)
        do throws(ScheduleCodeError) {
            let header = try reader.next()
            guard header <= 1 else { throw ScheduleCodeError(text, "its header \(header) is unknown") }
            if header == 1 { seed = try reader.next() }
            var total: UInt64 = 0
            while !reader.isAtEnd {
                let number = try reader.next()
                let step = try Self.step(numbered: number >> 1)
                var length: UInt64 = 0
                if number & 1 == 1 { length = try reader.next() }
                // More choices than a run may make (maxSteps) is no code a run printed; the cap
                // keeps a forged stretch from being expanded into gigabytes.
                total += min(length, Self.mostChoices) + 2
                guard total <= Self.mostChoices else {
                    throw ScheduleCodeError(
                        text, "it holds more than \(Self.mostChoices) choices, more than a run makes")
                }
                stretches.append(Stretch(step: step, length: Int(length) + (number & 1 == 1 ? 2 : 1)))
            }
        } catch {
            throw ScheduleCodeError(text, error.problem)
        }
    }

    /// The most choices a code may hold: far more than any run makes within its decision bound.
    static let mostChoices: UInt64 = 1 << 24

    /// Numbers the steps of count 2 first (0, 1), then of count 3 (2, 3, 4), and so on.
    private static func number(of step: Step) -> UInt64 {
        UInt64(firstNumber(ofCount: step.count) + step.choice)
    }

    private static func firstNumber(ofCount count: Int) -> Int {
        count * (count - 1) / 2 - 1
    }

    private static func step(numbered number: UInt64) throws(ScheduleCodeError) -> Step {
        guard number < 1 << 40 else { throw ScheduleCodeError("", "a choice numbered \(number)") }
        let value = Int(number)
        // The count c with firstNumber(c) ≤ value < firstNumber(c + 1), from the root, adjusted.
        var count = max(2, Int((Double(2 * value + 2)).squareRoot()))
        while count > 2, firstNumber(ofCount: count) > value { count -= 1 }
        while firstNumber(ofCount: count + 1) <= value { count += 1 }
        return Step(choice: value - firstNumber(ofCount: count), count: count)
    }

    private static func putVarint(_ value: UInt64, into bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// FNV-1a folded to a byte: catches a changed or dropped character.
    private static func checksum(_ bytes: [UInt8]) -> UInt8 {
        var hash: UInt32 = 0x811C_9DC5
        for byte in bytes { hash = (hash ^ UInt32(byte)) &* 0x0100_0193 }
        return UInt8(truncatingIfNeeded: hash ^ (hash >> 8) ^ (hash >> 16) ^ (hash >> 24))
    }
}

/// Why a schedule code cannot be read, with what a code looks like.
struct ScheduleCodeError: Error {
    let problem: String
    let code: String

    init(_ code: String, _ problem: String) {
        self.code = code
        self.problem = problem
    }

    var message: String {
        "cannot replay the schedule code \"\(code)\": \(problem). A schedule code is what a failed run's "
            + "report prints after \"Schedule:\": \"rmq1:\", the choices in base64url, \":\" and two hex "
            + "digits of checksum, such as \"rmq1:AAEA:b9\"; copy it whole"
    }
}

/// Reads the varints of a decoded code.
private struct VarintReader {
    let bytes: [UInt8]
    var offset = 0

    var isAtEnd: Bool { offset == bytes.count }

    mutating func next() throws(ScheduleCodeError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < bytes.count else { throw ScheduleCodeError("", "it ends inside a number") }
            guard shift < 64 else { throw ScheduleCodeError("", "a number is longer than 64 bits") }
            let byte = bytes[offset]
            offset += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }
}

/// Base64 with the URL-safe alphabet and no padding, so that a code is one word in a shell.
enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var value: UInt32 = 0
            for (place, byte) in chunk.enumerated() { value |= UInt32(byte) << (16 - 8 * place) }
            for place in 0...chunk.count { out.append(alphabet[Int((value >> (18 - 6 * place)) & 0x3F)]) }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `nil`: a character outside the alphabet, or a length no encoding has.
    static func decode(_ text: Substring) -> [UInt8]? {
        var sextets: [UInt8] = []
        for character in text.utf8 {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            sextets.append(UInt8(value))
        }
        guard sextets.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        var index = 0
        while index < sextets.count {
            let chunk = sextets[index..<min(index + 4, sextets.count)]
            var value: UInt32 = 0
            for (place, sextet) in chunk.enumerated() { value |= UInt32(sextet) << (18 - 6 * place) }
            for place in 0..<(chunk.count - 1) { out.append(UInt8((value >> (16 - 8 * place)) & 0xFF)) }
            index += 4
        }
        return out
    }
}
