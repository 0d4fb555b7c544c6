import Foundation
import RingMQ
import RingMQFoundation
import Testing

/// `Frame` ⇄ `Data` (module RingMQFoundation), and the core staying free of Foundation.
@Suite(.runsAlone) struct FrameDataTests {
    @Test(arguments: [0, 1, 24, 25, 5000])
    func dataRoundTrips(count: Int) {
        let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let frame = Frame(Data(bytes))
        #expect(frame.bytes == bytes)
        #expect(frame.data == Data(bytes))
    }

    @Test func aSliceOfDataKeepsOnlyItsBytes() {
        let whole = Data(Array(0...99) as [UInt8])
        let slice = whole[40..<70]  // indices start at 40, not 0
        #expect(Frame(slice).bytes == Array(40..<70))
        #expect(Frame(slice).data == slice)
    }

    /// The interop lives in RingMQFoundation so that programs using only RingMQ never load
    /// Foundation: no file of the core may import it (or its parts).
    @Test func theCoreNeverImportsFoundation() throws {
        let root = try #require(packageRoot())
        let core = root.appendingPathComponent("Sources/RingMQ")
        let files = try #require(FileManager.default.enumerator(atPath: core.path))
            .compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        #expect(files.count > 50)
        for file in files {
            let text = try String(contentsOf: core.appendingPathComponent(file), encoding: .utf8)
            let imports = text.split(separator: "\n").filter { $0.hasPrefix("import Foundation") }
            #expect(imports.isEmpty, "Sources/RingMQ/\(file) imports Foundation")
        }
    }
}
