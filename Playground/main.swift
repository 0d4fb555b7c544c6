// `swift run Playground` runs every scenario; `swift run Playground NAME` runs one;
// `swift run Playground --list` lists them,
// `--help` (or `-h`) says all this. Exits non-zero if any scenario's check fails.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

exit(ScenarioRunner.run(arguments: Array(CommandLine.arguments.dropFirst())))
