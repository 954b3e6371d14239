import LineProtocol
// TEMPORARY until the framer branch merges.
extension LineFramer { var discardedByteCount: Int { 0 } }
