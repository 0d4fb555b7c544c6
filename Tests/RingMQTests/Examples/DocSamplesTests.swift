// swift-format-ignore-file
// (Kept as the docs show the samples, line for line: see everySampleOfTheDocsIsHere.)
import Foundation
import RingMQ
import Testing

/// Every Swift sample of `README.md` and `Docs/*.md`, compiled and run, and checked to do what
/// its page says.
///
/// The samples of each page are in `DocSamplesTests+<Page>.swift` beside this file. Each test
/// holds one sample verbatim (indentation aside), between scaffolding that bounds it in time
/// and checks its outcome; ``everySampleOfTheDocsIsHere()`` fails when a page's sample is not
/// found in those files, so the two cannot drift apart. Samples run on a thread of their own
/// (``Peer``, joined with a time limit) or, when async, under ``withTimeout(_:sourceLocation:_:)``,
/// so that a hang fails the test instead of the run. `print` in a sample is this suite's
/// ``print(_:separator:)``: it records the line, and the test checks what was printed.
@Suite(.runsAlone) struct DocSamplesTests {
    let transcript = DocTranscript()

    /// Records what a sample prints, as `Swift.print` would write it.
    func print(_ items: Any..., separator: String = " ") {
        transcript.record(items.map { "\($0)" }.joined(separator: separator))
    }

    var printed: [String] { transcript.lines }

    // MARK: - The docs and these files agree

    /// Every Swift code block of README.md and Docs/*.md appears in this file or its
    /// `DocSamplesTests+….swift` companions beside it, line for line (indentation, blank lines
    /// and imports aside), except package manifests.
    @Test func everySampleOfTheDocsIsHere() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let root = try #require(packageRoot(), "no Package.swift above \(folder.path)")
        let sampleFiles = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasPrefix("DocSamplesTests") && $0.hasSuffix(".swift") }.sorted()
        let here = try sampleFiles.flatMap { file in
            normalised(try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8))
        }
        let docs = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Docs").path)
            .filter { $0.hasSuffix(".md") }.sorted().map { "Docs/" + $0 }
        var checked = 0
        for page in ["README.md"] + docs {
            let text = try String(contentsOf: root.appendingPathComponent(page), encoding: .utf8)
            for (index, sample) in swiftBlocks(of: text).enumerated() where !sample.contains("import PackageDescription") {
                let lines = normalised(sample)
                guard !lines.isEmpty else { continue }
                checked += 1
                let found = (0...max(0, here.count - lines.count)).contains { start in
                    here.count >= lines.count && Array(here[start..<(start + lines.count)]) == lines
                }
                #expect(found, "sample \(index + 1) of \(page) is not in DocSamplesTests*.swift, verbatim")
            }
        }
        #expect(checked >= 26, "found only \(checked) samples: have the docs moved?")
    }
}

// MARK: - Helpers

/// The lines a sample printed, in order (from any thread).
final class DocTranscript: Sendable {
    private let recorded = Locked<[String]>([])

    func record(_ line: String) {
        recorded.withLock { $0.append(line) }
    }

    var lines: [String] { recorded.withLock { $0 } }
}

/// The first frames of every message queued on `socket` now, as text.
func drainTexts(_ socket: Socket) throws -> [String] {
    var texts: [String] = []
    while let message = try socket.tryReceive() { texts.append(message[0].string) }
    return texts
}

/// The bodies of the ```swift code blocks of a Markdown text.
private func swiftBlocks(of markdown: String) -> [String] {
    var blocks: [String] = []
    var current: [Substring]? = nil
    for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
        if current == nil {
            if line.trimmingCharacters(in: .whitespaces) == "```swift" { current = [] }
        } else if line.trimmingCharacters(in: .whitespaces) == "```" {
            blocks.append(current!.joined(separator: "\n"))
            current = nil
        } else {
            current!.append(line)
        }
    }
    return blocks
}

/// Lines without their indentation, dropping blank lines and imports.
private func normalised(_ text: String) -> [String] {
    text.split(separator: "\n", omittingEmptySubsequences: false)
        .map { $0.trimmingCharacters(in: .whitespaces) }
        .filter { !$0.isEmpty && !$0.hasPrefix("import ") }
}
