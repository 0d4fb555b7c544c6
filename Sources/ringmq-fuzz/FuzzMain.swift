#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `ringmq-fuzz`: RingMQ's fuzz target (see Docs/Reliability.md, "Fuzzing").
///
/// Built normally, it replays inputs: `ringmq-fuzz [--trace] FILE-OR-DIRECTORY…` runs each
/// file (each file of a directory) through ``FuzzDriver`` and prints how many ran; a crash
/// input found by the fuzzer can so be replayed, and traced, without the fuzzer.
/// Built with `-sanitize=fuzzer -DRINGMQ_LIBFUZZER`, it is a libFuzzer binary and takes
/// libFuzzer's command line.
@main
struct FuzzMain {
    static func main() {
        #if RINGMQ_LIBFUZZER
            exit(runLibFuzzer())
        #else
            exit(Replay.run(Array(CommandLine.arguments.dropFirst())))
        #endif
    }
}
