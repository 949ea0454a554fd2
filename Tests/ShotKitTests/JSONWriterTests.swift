import Testing
@testable import ShotKit

@Suite struct JSONWriterTests {
    private let sample = JSONValue.object([
        ("name", .string("a\"b")), ("empty", .array([])), ("nothing", .object([])),
        ("list", .array([.int(1), .bool(true), .null, .object([("x", .array([.string("y")]))])])),
    ])

    @Test func prettyMatchesTwoSpaceIndentation() {
        #expect(
            sample.rendered(pretty: true) == """
                {
                  "name": "a\\"b",
                  "empty": [],
                  "nothing": {},
                  "list": [
                    1,
                    true,
                    null,
                    {
                      "x": [
                        "y"
                      ]
                    }
                  ]
                }
                """)
        #expect(
            sample.rendered(pretty: false)
                == #"{"name":"a\"b","empty":[],"nothing":{},"list":[1,true,null,{"x":["y"]}]}"#)
    }

    @Test func chunkedOutputIsTheSameText() {
        var chunks: [[UInt8]] = []
        var writer = JSONWriter(pretty: true, chunkSize: 8) { chunk in
            chunks.append(chunk)
            chunk.removeAll()
        }
        for _ in 0..<3 { sample.emit(into: &writer) }
        writer.finish()
        #expect(chunks.count > 3)
        var whole = JSONWriter(pretty: true)
        for _ in 0..<3 { sample.emit(into: &whole) }
        #expect(chunks.flatMap { $0 } == whole.bytes)
    }

    @Test func builderRebuildsTheValue() {
        var builder = JSONValueBuilder()
        sample.emit(into: &builder)
        #expect(builder.value == sample)
        #expect(builder.value["list"] == sample["list"])
    }
}
