#if canImport(Glibc)
    import Glibc
#endif

/// `shotc build` and `shotc check` read by hand, without argument-parser: its first parse
/// reflects over the command's properties and looks up conformances at run time, which is two
/// thirds of the instructions of a one-shot `shotc build` (BENCHMARKS.md), and these two
/// commands run most (editors, scripts, builds of large scenes).
///
/// Only the plain forms are read here: each option once (`--shot` as often as wanted), values
/// as `--name value` or `--name=value`, `-o DIR`. Anything else (help, `--version`, a repeated
/// option, a value that looks like an option, `--`, a mistake) gives nil, and the caller
/// parses the arguments again with the whole command tree, so every message, help text and
/// exit status is argument-parser's own. `DirectCommandTests` checks that whatever is read
/// here is what argument-parser reads.
enum DirectCommand: Equatable {
    case build(BuildJob)
    case check(CheckJob)

    /// The command these arguments (without the program's name) ask for, or nil.
    static func parse(_ arguments: [String]) -> DirectCommand? {
        guard let name = arguments.first else { return nil }
        var reader = ArgumentReader(arguments.dropFirst())
        switch name {
        case "build": return reader.build().map(DirectCommand.build)
        case "check": return reader.check().map(DirectCommand.check)
        default: return nil
        }
    }

    /// The size in bytes of the files the command reads first (imports aside).
    var inputSize: Int {
        let files: [String]
        switch self {
        case .build(let job): files = [job.file]
        case .check(let job): files = job.files
        }
        return files.reduce(0) { total, file in
            var status = stat()
            return stat(file, &status) == 0 ? total + Int(status.st_size) : total
        }
    }

    func run() throws {
        switch self {
        case .build(let job): try job.run()
        case .check(let job): try job.run()
        }
    }
}

/// Reads the arguments of one command, giving up (nil) at the first thing it does not know.
private struct ArgumentReader {
    private var arguments: ArraySlice<String>
    /// Options and flags seen so far, so a repeated one is left to argument-parser.
    private var seen: Set<String> = []

    init(_ arguments: ArraySlice<String>) { self.arguments = arguments }

    mutating func build() -> BuildJob? {
        var file: String?
        var job = BuildJob(file: "")
        while let argument = arguments.popFirst() {
            guard argument.hasPrefix("-") else {
                guard file == nil else { return nil }
                file = argument
                continue
            }
            let (name, attached) = Self.split(argument)
            switch name {
            case "--shot":
                guard let value = value(attached) else { return nil }
                job.shotNames.append(value)
            case "-o", "--output":
                guard once("--output"), let value = value(attached) else { return nil }
                job.output = value
            case "--keep-paths":
                guard flag(name, attached) else { return nil }
                job.keepPaths = true
            case "--cost":
                guard flag(name, attached) else { return nil }
                job.cost = true
            default:
                guard diagnosticOption(name, attached, into: &job.diagnostics) else { return nil }
            }
        }
        guard let file else { return nil }
        job.file = file
        return job
    }

    mutating func check() -> CheckJob? {
        var job = CheckJob(files: [])
        while let argument = arguments.popFirst() {
            guard argument.hasPrefix("-") else {
                job.files.append(argument)
                continue
            }
            let (name, attached) = Self.split(argument)
            if name == "--fix" {
                guard flag(name, attached) else { return nil }
                job.fix = true
            } else {
                guard diagnosticOption(name, attached, into: &job.diagnostics) else { return nil }
            }
        }
        return job.files.isEmpty ? nil : job
    }

    /// `--diagnostics`, `--deny-warnings` and `--color`, shared by both commands.
    private mutating func diagnosticOption(
        _ name: String, _ attached: String?, into settings: inout DiagnosticSettings
    ) -> Bool {
        switch name {
        case "--diagnostics":
            guard once(name), let value = value(attached), let format = DiagnosticOptions.Format(rawValue: value)
            else { return false }
            settings.format = format
        case "--color":
            guard once(name), let value = value(attached), let color = DiagnosticOptions.ColorChoice(rawValue: value)
            else { return false }
            settings.color = color
        case "--deny-warnings":
            guard flag(name, attached) else { return false }
            settings.denyWarnings = true
        default:
            return false
        }
        return true
    }

    /// `--name=value` as name and value; anything else as itself and nil.
    private static func split(_ argument: String) -> (name: String, attached: String?) {
        guard argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") else { return (argument, nil) }
        return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
    }

    /// An option's value: attached (`--name=value`) or the next argument, which must not look
    /// like an option. Empty values are left to argument-parser.
    private mutating func value(_ attached: String?) -> String? {
        let value = attached ?? arguments.popFirst()
        guard let value, !value.isEmpty, !value.hasPrefix("-") else { return nil }
        return value
    }

    /// A flag, seen for the first time and without a value.
    private mutating func flag(_ name: String, _ attached: String?) -> Bool {
        attached == nil && once(name)
    }

    /// Whether `name` is seen for the first time (and notes it).
    private mutating func once(_ name: String) -> Bool { seen.insert(name).inserted }
}
