// The stand-in's routing tested in process: requests handed to the router directly, with no
// socket, process or clock (as SwiftNIO's EmbeddedChannel tests a pipeline). What needs a real
// connection (streams, drops, truncation, restarts) stays in the process tests.
import Foundation
import NIOHTTP1
import Testing

@testable import fal_standin

private let base = "http://127.0.0.1:9"
private let kling = "/fal-ai/kling-video/o1/standard/reference-to-video"

private func request(
    _ method: HTTPMethod, _ target: String, body: String = "", key: String? = "test-key"
) -> StandInRequest {
    let (path, query) = StandInRequest.splitTarget(target)
    var headers = HTTPHeaders()
    if let key { headers.add(name: "authorization", value: "Key \(key)") }
    return StandInRequest(
        method: method, path: path, query: query, headers: headers, body: Array(body.utf8), baseURL: base)
}

private func reply(_ response: StandInResponse) throws -> (status: Int, object: [String: Any], headers: HTTPHeaders) {
    guard case .reply(let reply) = response else {
        throw RouterTestError("expected a plain reply, got \(response)")
    }
    let object = (try? JSONSerialization.jsonObject(with: Data(reply.body))) as? [String: Any] ?? [:]
    return (reply.status, object, reply.headers)
}

private struct RouterTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

@Suite struct StandInRouterTests {
    private let router = StandInRouter(options: StandInOptions())

    @Test("a submit is accepted with absolute owner/alias URLs and its request id in the header")
    func submitAnswersAbsoluteURLs() throws {
        let answer = try reply(
            router.respond(to: request(.POST, kling, body: #"{"prompt":"a","duration":"5","aspect_ratio":"16:9"}"#)))
        #expect(answer.status == 200)
        let id = try #require(answer.object["request_id"] as? String)
        #expect(answer.headers.first(name: "x-fal-request-id") == id)
        #expect(answer.object["status_url"] as? String == "\(base)/fal-ai/kling-video/requests/\(id)/status")
        #expect(answer.object["response_url"] as? String == "\(base)/fal-ai/kling-video/requests/\(id)")
        let status = try reply(router.respond(to: request(.GET, "/fal-ai/kling-video/requests/\(id)/status?logs=1")))
        #expect(status.status == 202)
        #expect(status.object["status"] as? String == "IN_QUEUE")
    }

    @Test("a wrong key is 401 on fal routes; an unknown route is 404; a bad body is 422 with fal's loc")
    func refusals() throws {
        #expect(try reply(router.respond(to: request(.POST, kling, body: "{}", key: "wrong"))).status == 401)
        #expect(try reply(router.respond(to: request(.GET, "/nowhere"))).status == 404)
        let invalid = try reply(router.respond(to: request(.POST, kling, body: #"{"prompt":"a","duration":"11"}"#)))
        #expect(invalid.status == 422)
        let detail = try #require(invalid.object["detail"] as? [[String: Any]])
        #expect(detail.contains { ($0["loc"] as? [String]) == ["body", "duration"] })
    }

    @Test("a status fault answers in place of the route, then the route works again")
    func faultsAreTakenOnce() throws {
        let added = try reply(
            router.respond(
                to: request(.POST, "/_standin/faults", body: #"{"route":"submit","kind":"status","status":503}"#)))
        #expect(added.status == 200)
        let body = #"{"prompt":"a","duration":"5","aspect_ratio":"16:9"}"#
        #expect(try reply(router.respond(to: request(.POST, kling, body: body))).status == 503)
        #expect(try reply(router.respond(to: request(.POST, kling, body: body))).status == 200)
        let counts = try reply(router.respond(to: request(.GET, "/_standin/counts")))
        #expect(counts.object["submit"] as? Int == 2)
    }
}
