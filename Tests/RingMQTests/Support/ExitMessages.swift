import Testing

/// Checks that the crashed child's standard error contains each of `fragments`.
func expectMessage(
    _ result: ExitTest.Result?, contains fragments: [String], sourceLocation: SourceLocation = #_sourceLocation
) {
    guard let result else { return }  // #expect already recorded the failure
    let standardError = String(decoding: result.standardErrorContent, as: UTF8.self)
    for fragment in fragments {
        #expect(
            standardError.contains(fragment), "the trap message should mention \"\(fragment)\": \(standardError)",
            sourceLocation: sourceLocation)
    }
}
