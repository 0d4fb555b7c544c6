import RingMQFuzzing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Replays inputs through the driver, without libFuzzer.
enum Replay {
    static let usage = """
        usage: ringmq-fuzz [--trace] FILE-OR-DIRECTORY...
          Runs each file (every file of each directory) through RingMQ's fuzz driver.
          --trace  print each step and the outcome of each call
        A libFuzzer build (see Docs/Reliability.md) takes libFuzzer's options instead.
        """

    /// Runs the inputs `arguments` name; the process exit code.
    static func run(_ arguments: [String]) -> CInt {
        let trace = arguments.contains("--trace")
        let paths = arguments.filter { $0 != "--trace" }
        if paths.isEmpty || paths.contains(where: { $0 == "-h" || $0 == "--help" }) {
            print(usage)
            return paths.isEmpty ? 64 : 0
        }
        var inputs = 0
        var steps = 0
        for path in paths {
            guard let files = InputFiles.list(path) else {
                print("ringmq-fuzz: cannot read \(path)")
                return 66
            }
            for file in files {
                guard let bytes = InputFiles.read(file) else {
                    print("ringmq-fuzz: cannot read \(file)")
                    return 66
                }
                if trace { print("== \(file) (\(bytes.count) bytes)") }
                steps += FuzzDriver.run(bytes, trace: trace).steps
                inputs += 1
            }
        }
        print("ringmq-fuzz: ran \(inputs) input\(inputs == 1 ? "" : "s") (\(steps) steps), no invariant broken")
        return 0
    }
}

/// Reading inputs with the C library (this executable needs nothing more).
enum InputFiles {
    /// `path` itself if it is a file; the regular files in it, sorted, if it is a directory;
    /// `nil` if it cannot be read.
    static func list(_ path: String) -> [String]? {
        guard let directory = opendir(path) else {
            return access(path, R_OK) == 0 ? [path] : nil
        }
        defer { closedir(directory) }
        var files: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard !name.hasPrefix(".") else { continue }
            let file = path.hasSuffix("/") ? path + name : path + "/" + name
            var status = stat()
            if stat(file, &status) == 0, status.st_mode & S_IFMT == S_IFREG { files.append(file) }
        }
        return files.sorted()
    }

    /// The bytes of the file at `path`.
    static func read(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            bytes += chunk[..<count]
            if count < chunk.count { return ferror(file) == 0 ? bytes : nil }
        }
    }
}
