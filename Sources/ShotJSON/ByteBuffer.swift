/// Where JSON text is appended: the writer's own ``ByteBuffer`` or a `[UInt8]`.
protocol JSONOutput {
    /// Appends one byte.
    mutating func appendByte(_ byte: UInt8)
    /// Appends the bytes of `bytes`.
    mutating func appendBytes(_ bytes: UnsafeBufferPointer<UInt8>)
    /// Appends the bytes of `bytes` between two `"`.
    mutating func appendQuoted(_ bytes: UnsafeBufferPointer<UInt8>)
}

extension Array: JSONOutput where Element == UInt8 {
    /// Appends one byte.
    mutating func appendByte(_ byte: UInt8) { append(byte) }
    /// Appends the bytes of `bytes`.
    mutating func appendBytes(_ bytes: UnsafeBufferPointer<UInt8>) { append(contentsOf: bytes) }
    /// Appends the bytes of `bytes` between two `"`.
    mutating func appendQuoted(_ bytes: UnsafeBufferPointer<UInt8>) {
        append(UInt8(ascii: "\""))
        append(contentsOf: bytes)
        append(UInt8(ascii: "\""))
    }
}

/// The growable bytes behind ``JSONWriter``.
///
/// Why not a `[UInt8]`: an array's append checks uniqueness and capacity and goes through a
/// generic copy on every call, and a request body is hundreds of small appends. Here an append
/// is one capacity check and a copy; uniqueness is checked once per writer event
/// (``makeUnique()``), which keeps a copied writer from writing into the other's memory.
struct ByteBuffer {
    /// Owns the memory; freed when the last buffer that refers to it goes.
    private final class Allocation {
        let start: UnsafeMutablePointer<UInt8>
        let capacity: Int

        init(capacity: Int) {
            self.capacity = Swift.max(capacity, 16)
            start = .allocate(capacity: self.capacity)
        }

        deinit { start.deallocate() }
    }

    private var allocation: Allocation
    /// How many bytes are written.
    private(set) var count = 0

    /// An empty buffer with room for `capacity` bytes.
    init(capacity: Int) { allocation = Allocation(capacity: capacity) }

    /// The bytes written, as an array.
    var array: [UInt8] {
        // One copy of the whole chunk (`Array(UnsafeBufferPointer)` copies byte by byte).
        [UInt8](unsafeUninitializedCapacity: count) { target, initialized in
            if let base = target.baseAddress { base.initialize(from: allocation.start, count: count) }
            initialized = count
        }
    }

    /// Forgets the bytes written, keeping the memory.
    mutating func removeAll() {
        makeUnique()
        count = 0
    }

    /// Makes the memory this buffer's own before writing (a copy of the writer shares it).
    @inline(__always)
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&allocation) { move(toCapacity: allocation.capacity) }
    }

    /// Moves the bytes into new memory of `capacity` bytes.
    private mutating func move(toCapacity capacity: Int) {
        let new = Allocation(capacity: capacity)
        new.start.initialize(from: allocation.start, count: count)
        allocation = new
    }

    /// Makes room for `extra` more bytes.
    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if allocation.capacity &- count < extra { move(toCapacity: Swift.max(allocation.capacity * 2, count + extra)) }
    }

    /// Appends one byte.
    @inline(__always)
    mutating func appendByte(_ byte: UInt8) {
        reserve(1)
        allocation.start[count] = byte
        count &+= 1
    }

    /// Appends the bytes of `bytes`.
    @inline(__always)
    mutating func appendBytes(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        reserve(bytes.count)
        (allocation.start + count).initialize(from: source, count: bytes.count)
        count &+= bytes.count
    }

    /// Appends the bytes of `bytes` between two `"`, with one capacity check.
    @inline(__always)
    mutating func appendQuoted(_ bytes: UnsafeBufferPointer<UInt8>) {
        reserve(bytes.count &+ 2)
        let start = allocation.start + count
        start.initialize(to: UInt8(ascii: "\""))
        if let source = bytes.baseAddress { (start + 1).initialize(from: source, count: bytes.count) }
        (start + 1 + bytes.count).initialize(to: UInt8(ascii: "\""))
        count &+= bytes.count &+ 2
    }

    /// Appends `byte` `repetitions` times (indentation), with one capacity check.
    ///
    /// Why it is fast: indentation is a few bytes, for which a call to `memset` costs more than
    /// the bytes; they are stored eight at a time instead. The last store may pass the end by up
    /// to seven bytes, into capacity reserved for it and not counted, so the text is the same.
    @inline(__always)
    mutating func appendByte(_ byte: UInt8, repeated repetitions: Int) {
        guard repetitions > 0 else { return }
        reserve(repetitions &+ 7)
        let word = UInt64(byte) &* 0x0101_0101_0101_0101
        let start = UnsafeMutableRawPointer(allocation.start + count)
        var offset = 0
        while offset < repetitions {
            start.storeBytes(of: word, toByteOffset: offset, as: UInt64.self)
            offset &+= 8
        }
        count &+= repetitions
    }
}

extension ByteBuffer: JSONOutput {}
