import Platform

// Array-based reads and writes over Platform's buffer-pointer calls. The closures return a
// Result rather than throwing: a typed-throws closure passed to a rethrowing
// withUnsafeBytes crashes the 6.3.1 compiler in IRGen.
enum ByteIO {
    /// One read(2) into `buffer`.
    static func read(_ fd: Int32, into buffer: inout [UInt8]) -> Result<IOResult<Int>, SystemError> {
        buffer.withUnsafeMutableBytes { raw in
            do throws(SystemError) {
                return .success(try Posix.read(fd, raw))
            } catch {
                return .failure(error)
            }
        }
    }

    /// One send(2) of `bytes[offset...]`.
    static func send(_ fd: Int32, _ bytes: [UInt8], from offset: Int) -> Result<IOResult<Int>, SystemError> {
        bytes.withUnsafeBytes { raw in
            do throws(SystemError) {
                return .success(try Posix.send(fd, UnsafeRawBufferPointer(rebasing: raw[offset...])))
            } catch {
                return .failure(error)
            }
        }
    }

    /// write(2) until all of `bytes` is written.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Result<Void, SystemError> {
        bytes.withUnsafeBytes { raw in
            do throws(SystemError) {
                try Posix.writeAll(fd, raw)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
    }
}
