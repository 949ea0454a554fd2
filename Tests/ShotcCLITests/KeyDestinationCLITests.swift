// The fal key goes only to the configured hosts, end to end: a run record whose URLs were changed
// to name another host is refused, and nothing is sent there (issue 7, point 8).
import Foundation
import ShotcTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite struct KeyDestinationCLITests {
    @Test(
        "a run record whose URLs name another host: the key is not sent, the host is named, nothing is submitted again")
    func tamperedRecord() throws {
        let standIn = try StandInProcess(arguments: ["--queue-ms", "50", "--progress-ms", "3000"])
        let control = StandInControl(standIn)
        let scratch = try Scratch(example: "greenhouse", file: "greenhouse.shot")
        defer {
            standIn.stop()
            scratch.remove()
        }
        let environment = ShotcProcess.environment(standIn: standIn)
        let process = try scratch.start(
            ["run", "greenhouse.shot", "-j", "1", "--shot", "opening"], environment: environment)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, scratch.record("opening")?["state"] as? String != "submitted" { usleep(10_000) }
        process.send(SIGKILL)
        _ = process.wait(timeout: 10)
        var record = try #require(scratch.record("opening"), "no record was written")
        try #require(record["state"] as? String == "submitted", "\(record)")

        // localhost reaches the same stand-in, but it is not the host FAL_QUEUE_URL names.
        let other = "http://localhost:\(standIn.port)"
        for field in ["status_url", "response_url", "cancel_url"] {
            let url = try #require(record[field] as? String)
            record[field] = url.replacingOccurrences(of: standIn.baseURL, with: other)
        }
        let path = "\(scratch.renders)/opening.run.json"
        try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]).write(to: URL(fileURLWithPath: path))
        let before = try control.counts()

        let again = try scratch.run(
            ["run", "greenhouse.shot", "-j", "1", "--shot", "opening"], environment: environment)
        #expect(again.status == 4, "\(again)")
        #expect(again.stderr.contains("restore the record"), "\(again)")
        #expect(again.stderr.contains("the fal key was not sent to localhost:\(standIn.port)"), "\(again)")
        #expect(!(again.stdout + again.stderr).contains("test-key"))
        let after = try control.counts()
        for route in ["submit", "status", "stream", "result", "cancel"] {
            #expect(after[route] == before[route], "\(route): \(before) -> \(after)")
        }
        #expect(scratch.record("opening")?["request_id"] as? String == record["request_id"] as? String)
    }
}
