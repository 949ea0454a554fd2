import ArgumentParser
import ShotKit

/// `--allow-long-prompts` of `shotc run`: a prompt over Kling's documented cap is only a
/// warning at `check`, but `run` refuses to pay for a request the model may truncate unless
/// the writer says so.
struct LongPromptOptions: ParsableArguments {
    @Flag(name: .long, help: "Send prompts longer than Kling's 2,500-character cap (the model may cut them short).")
    var allowLongPrompts = false

    /// The refusal to print (exit 2, nothing sent) when one of `shots`, the shots this run
    /// would submit, has a prompt over the cap and long prompts are not allowed; nil otherwise.
    func refusal(for shots: [CompiledShot]) -> String? {
        guard !allowLongPrompts else { return nil }
        return Self.refusal(for: shots)
    }

    /// The refusal for the shots of `shots` whose prompt is over the cap, nil when none is.
    static func refusal(for shots: [CompiledShot]) -> String? {
        let cap = Analyzer.maxPromptLength
        let long = shots.compactMap { shot -> (String, Int)? in
            guard shot.prompt.utf8.count > cap else { return nil }
            let length = shot.prompt.count
            return length > cap ? (shot.name, length) : nil
        }
        guard !long.isEmpty else { return nil }
        let list = long.map { "'\($0.0)' (\($0.1) characters)" }.joined(separator: ", ")
        let subject = long.count == 1 ? "the prompt of shot \(list) is" : "the prompts of shots \(list) are"
        return "error: \(subject) over Kling's cap of \(cap) characters; nothing was sent\n"
            + "  = help: shorten the prose (the model may cut a long prompt short), "
            + "or pass --allow-long-prompts to send it as it is\n"
    }
}
