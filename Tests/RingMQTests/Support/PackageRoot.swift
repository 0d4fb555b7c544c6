import Foundation

/// The package's root folder: the nearest folder above `filePath` (the calling test file by
/// default) that holds `Package.swift`. For tests that read files of the repository — the
/// docs, the fuzz corpus — wherever in `Tests/` the test file sits; `nil` if there is none.
func packageRoot(of filePath: String = #filePath) -> URL? {
    var folder = URL(fileURLWithPath: filePath).deletingLastPathComponent()
    while folder.path != "/" {
        if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
            return folder
        }
        folder = folder.deletingLastPathComponent()
    }
    return nil
}
