import RingMQFuzzing

#if RINGMQ_LIBFUZZER
    import CLibFuzzer
#endif

/// The function libFuzzer calls with each input: hands it to the driver. Always returns 0
/// (libFuzzer reserves other values); a broken invariant traps instead.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzDriver.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

#if RINGMQ_LIBFUZZER
    /// Hands the process to libFuzzer.
    ///
    /// SwiftPM links an executable's entry point under the name `<module>_main` and points `main`
    /// at it, so libFuzzer's own `main` cannot take over: this program's `main` calls libFuzzer's
    /// driver instead, with the same command line.
    func runLibFuzzer() -> CInt {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        return LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzOneInput(data, size) }
    }
#endif
