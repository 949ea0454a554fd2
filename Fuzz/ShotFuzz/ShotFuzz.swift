#if canImport(Glibc)
    import Glibc
#endif

/// libFuzzer's entry point for the `.shot` front end: compiles the input as `scene.shot` and
/// aborts (a crash libFuzzer records) when an invariant of ``FuzzInvariants`` breaks.
@_cdecl("LLVMFuzzerTestOneInput")
public func shotFuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let problems = FuzzInvariants.violations(compiling: input, as: "scene.shot")
    if !problems.isEmpty {
        fputs("invariants broken:\n" + problems.joined(separator: "\n") + "\n", stderr)
        abort()
    }
    return 0
}
