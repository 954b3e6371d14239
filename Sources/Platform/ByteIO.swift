// Array-based reads and writes over the buffer-pointer calls in Posix, for programs that keep
// their bytes in arrays (the client, the terminal UI, the operator console). The closures
// return a Result rather than throwing: a typed-throws closure passed to a rethrowing
// withUnsafeBytes crashes the 6.3.1 compiler in IRGen.
public enum ByteIO {
    /// One read(2) into `buffer`.
    public static func read(_ fd: Int32, into buffer: inout [UInt8]) -> Result<IOResult<Int>, SystemError> {
        buffer.withUnsafeMutableBytes { raw in
            do throws(SystemError) {
                return .success(try Posix.read(fd, raw))
            } catch {
                return .failure(error)
            }
        }
    }

    /// One send(2) of `bytes[offset...]`.
    public static func send(_ fd: Int32, _ bytes: [UInt8], from offset: Int) -> Result<IOResult<Int>, SystemError> {
        bytes.withUnsafeBytes { raw in
            do throws(SystemError) {
                return .success(try Posix.send(fd, UnsafeRawBufferPointer(rebasing: raw[offset...])))
            } catch {
                return .failure(error)
            }
        }
    }

    /// write(2) until all of `bytes` is written.
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Result<Void, SystemError> {
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
