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

    /// Nested empty and non-empty containers, deeper than the writer's 64-level flag word.
    @Test func nestedContainersPrettyAndCompact() {
        let nested = JSONValue.array([
            .array([]), .object([]), .array([.array([]), .object([("a", .object([]))])]),
            .object([("b", .array([.array([.int(1)])])), ("c", .object([("d", .null)]))]),
        ])
        #expect(nested.rendered(pretty: false) == #"[[],{},[[],{"a":{}}],{"b":[[1]],"c":{"d":null}}]"#)
        #expect(
            nested.rendered(pretty: true) == """
                [
                  [],
                  {},
                  [
                    [],
                    {
                      "a": {}
                    }
                  ],
                  {
                    "b": [
                      [
                        1
                      ]
                    ],
                    "c": {
                      "d": null
                    }
                  }
                ]
                """)
        var deep = JSONValue.array([.string("x"), .array([])])
        for level in 0..<70 { deep = level.isMultiple(of: 2) ? .array([deep, .int(level)]) : .object([("k", deep)]) }
        let compact = deep.rendered(pretty: false)
        #expect((try? JSONValue.parse(compact))?.rendered(pretty: false) == compact)
        let pretty = deep.rendered(pretty: true)
        #expect((try? JSONValue.parse(pretty))?.rendered(pretty: false) == compact)
        // "x" sits in the innermost array, 71 containers deep.
        let lines = pretty.split(separator: "\n")
        #expect(lines.contains { $0 == String(repeating: " ", count: 142) + "\"x\"," })
        #expect(lines.last == "]" || lines.last == "}")
    }

    /// Keys written as literals and prepared strings give the same text as plain ones.
    @Test func literalKeysAndPreparedStringsMatchPlainOnes() {
        for pretty in [false, true] {
            var plain = JSONWriter(pretty: pretty)
            var fast = JSONWriter(pretty: pretty)
            plain.beginObject()
            fast.beginObject()
            plain.key("path")
            fast.key(literal: "path")
            plain.string("a\"b\u{1}é")
            fast.string(PreparedJSONString("a\"b\u{1}é"))
            plain.key("q-1 x")
            fast.key(literal: "q-1 x")
            plain.beginArray()
            fast.beginArray()
            plain.endArray()
            fast.endArray()
            plain.endObject()
            fast.endObject()
            #expect(plain.bytes == fast.bytes)
            var builder = JSONValueBuilder()
            builder.beginObject()
            builder.key(literal: "path")
            builder.string(PreparedJSONString("v"))
            builder.endObject()
            #expect(builder.value == .object([("path", .string("v"))]))
        }
    }

    /// A copy of a writer writes into its own memory.
    @Test func copiedWritersStayApart() {
        var first = JSONWriter(pretty: false)
        first.beginArray()
        var second = first
        first.string("one")
        second.string("two")
        first.endArray()
        second.endArray()
        #expect(first.bytes == Array(#"["one"]"#.utf8))
        #expect(second.bytes == Array(#"["two"]"#.utf8))
    }
}
