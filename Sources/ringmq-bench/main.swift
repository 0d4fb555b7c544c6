#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

let arguments = Array(CommandLine.arguments.dropFirst())
let allowDebug = getenv("RINGMQ_BENCH_ALLOW_DEBUG") != nil
exit(
    BenchCommand.run(
        arguments, allowDebug: allowDebug, output: { print($0) },
        errors: { message in
            let line = message + "\n"
            _ = line.withCString { write(2, $0, strlen($0)) }
        }))
