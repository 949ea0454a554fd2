import Testing
@testable import FalKit
