/// The settings of a scene (`model`, `duration`, `aspect`) and the checks of their values, as
/// pure functions of the text written: a value, or the diagnostic that explains it.
public struct SceneSettings: Sendable {
    /// The durations Kling renders, in seconds.
    public static let durations = 3...10

    /// The model tier.
    public var model = ModelTier.standard
    /// Where it was set; nil for the default.
    public var modelSpan: SourceSpan?
    /// The duration of a shot that sets none.
    public var duration = 5
    /// Where it was set; nil for the default.
    public var durationSpan: SourceSpan?
    /// The aspect ratio of a shot that sets none.
    public var aspect = AspectRatio.landscape
    /// Where it was set; nil for the default.
    public var aspectSpan: SourceSpan?

    /// The defaults.
    public init() {}

    /// The settings of the scene file `root`; invalid values are reported and leave the
    /// default. (The front ends report a setting given twice and keep the first.)
    public static func check(_ root: SceneSyntax, diagnostics: inout DiagnosticBag) -> SceneSettings {
        var settings = SceneSettings()
        /// Keeps a valid value and where it is written; reports an invalid one.
        func take<Value>(
            _ result: Result<Value, Problem>, into value: inout Value, _ span: inout SourceSpan?,
            from setting: SettingSyntax
        ) {
            switch result {
            case .success(let valid):
                value = valid
                span = setting.value.span
            case .failure(let problem):
                diagnostics.report(problem.diagnostic)
            }
        }
        for setting in root.settings {
            switch setting.key.value {
            case .model: take(model(setting.value), into: &settings.model, &settings.modelSpan, from: setting)
            case .duration:
                take(duration(setting.value), into: &settings.duration, &settings.durationSpan, from: setting)
            case .aspect: take(aspect(setting.value), into: &settings.aspect, &settings.aspectSpan, from: setting)
            }
        }
        return settings
    }

    /// An invalid setting value, with the diagnostic that says why.
    public struct Problem: Error, Sendable {
        /// What to report.
        public var diagnostic: Diagnostic
    }

    /// The model tier `value` names.
    public static func model(_ value: Located<String>) -> Result<ModelTier, Problem> {
        if let model = ModelTier(rawValue: value.value) { return .success(model) }
        return .failure(Problem(diagnostic: .unknownModel(value)))
    }

    /// The seconds of `value`: `5` or `5s`, from 3 to 10.
    public static func duration(_ value: Located<String>) -> Result<Int, Problem> {
        // Read from the bytes, through a pointer: it runs for every shot.
        var text = value.value
        let seconds: Int? = text.withUTF8 { bytes in
            var count = bytes.count
            if count > 0, bytes[count - 1] == UInt8(ascii: "s") { count -= 1 }
            guard count >= 1, count <= 2 else { return nil }
            var seconds = 0
            for index in 0..<count {
                let byte = bytes[index]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                seconds = seconds * 10 + Int(byte - 0x30)
            }
            return seconds
        }
        if let seconds, durations.contains(seconds) { return .success(seconds) }
        return .failure(Problem(diagnostic: .invalidDuration(value)))
    }

    /// The aspect ratio `value` names.
    public static func aspect(_ value: Located<String>) -> Result<AspectRatio, Problem> {
        if let aspect = AspectRatio(rawValue: value.value) { return .success(aspect) }
        return .failure(Problem(diagnostic: .invalidAspect(value)))
    }
}
