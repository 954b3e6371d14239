import Foundation

/// Finds transcript files: each path is a file, or a directory whose `*.txt` files are taken
/// (not recursively). The result is in the order given, each directory's files sorted by name.
public enum TranscriptFiles {
    /// The transcript paths named by `paths`; throws for a path that does not exist.
    public static func find(_ paths: [String]) throws(TranscriptError) -> [String] {
        var result: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw TranscriptError(file: path, line: nil, message: "no such file or directory")
            }
            guard isDirectory.boolValue else {
                result.append(path)
                continue
            }
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: path)
            } catch {
                throw TranscriptError(file: path, line: nil, message: "cannot list the directory")
            }
            let directory = path.hasSuffix("/") ? path : path + "/"
            result += names.filter { $0.hasSuffix(".txt") }.sorted().map { directory + $0 }
        }
        return result
    }
}
