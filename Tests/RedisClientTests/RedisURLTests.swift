import Foundation
import Platform
import RedisClient
import Testing

@Suite("RedisURL")
struct RedisURLTests {
    static let valid: [(String, RedisURL)] = [
        ("redis://localhost", RedisURL(host: "localhost")),
        ("redis://127.0.0.1:6380", RedisURL(host: "127.0.0.1", port: 6380)),
        ("redis://127.0.0.1:6380/", RedisURL(host: "127.0.0.1", port: 6380)),
        ("REDIS://cache.internal/3", RedisURL(host: "cache.internal", database: 3)),
        ("redis://:s3cret@10.0.0.5", RedisURL(host: "10.0.0.5", password: "s3cret")),
        (
            "redis://node:s3cret@h:7000/15",
            RedisURL(host: "h", port: 7000, user: "node", password: "s3cret", database: 15)
        ),
        ("redis://[::1]:6390/1", RedisURL(host: "::1", port: 6390, database: 1)),
        ("redis://[fe80::1]", RedisURL(host: "fe80::1")),
        ("redis://:p%40ss%3Aw%2Fo%25rd@h", RedisURL(host: "h", password: "p@ss:w/o%rd")),
        ("redis://:p@ss/w?rd#1@h/2", RedisURL(host: "h", password: "p@ss/w?rd#1", database: 2)),
        ("redis://us%65r:pa:ss@h", RedisURL(host: "h", user: "user", password: "pa:ss")),
        ("redis://:@h", RedisURL(host: "h")),
        ("redis://h:65535/0", RedisURL(host: "h", port: 65535, database: 0)),
    ]

    @Test("parses redis:// URLs", arguments: valid)
    func parses(text: String, expected: RedisURL) throws {
        #expect(try RedisURL(parsing: text) == expected)
    }

    static let invalid: [(String, RedisURLError)] = [
        ("localhost:6379", .missingScheme),
        ("rediss://h", .unsupportedScheme("rediss")),
        ("http://h", .unsupportedScheme("http")),
        ("redis://", .missingHost),
        ("redis://:6379", .missingHost),
        ("redis://:pw@/0", .missingHost),
        ("redis://user@h", .missingPassword),
        ("redis://:p%4@h", .invalidPercentEncoding),
        ("redis://:p%zz@h", .invalidPercentEncoding),
        ("redis://:%FF@h", .invalidPercentEncoding),
        ("redis://h:0", .invalidPort("0")),
        ("redis://h:65536", .invalidPort("65536")),
        ("redis://h:", .invalidPort("")),
        ("redis://h:-1", .invalidPort("-1")),
        ("redis://h:63x", .invalidPort("63x")),
        ("redis://h:99999999999999999999999", .invalidPort("99999999999999999999999")),
        ("redis://[::1", .invalidHost("[::1")),
        ("redis://[::1]x", .invalidHost("[::1]x")),
        ("redis://h/x", .invalidDatabase("x")),
        ("redis://h/-1", .invalidDatabase("-1")),
        ("redis://h/1/2", .invalidDatabase("1/2")),
        ("redis://h/99999999999", .invalidDatabase("99999999999")),
        ("redis://h/0?timeout=1", .unsupportedQuery),
        ("redis://h#x", .unsupportedQuery),
    ]

    @Test("refuses malformed URLs with a typed error", arguments: invalid)
    func refuses(text: String, expected: RedisURLError) {
        #expect(throws: expected) { try RedisURL(parsing: text) }
    }

    @Test("description hides the password")
    func description() throws {
        #expect(try RedisURL(parsing: "redis://node:s3cret@h:7000/2").description == "redis://node:***@h:7000/2")
        #expect(try RedisURL(parsing: "redis://:s3cret@h").description == "redis://:***@h")
        #expect(RedisURL(host: "::1", port: 6379).description == "redis://[::1]")
        #expect(RedisURLError.missingPassword.description.contains("redis://:password@host"))
    }

    @Test("a password file is read without its trailing line end")
    func passwordFile() throws {
        let directory = try Posix.makeTemporaryDirectory(prefix: "linechat-redis-url-")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cases: [(String, String)] = [
            ("plain", "s3cret"), ("lf", "s3cret\n"), ("crlf", "s3cret\r\n"), ("inner", "a b\tc\n\n"),
        ]
        for (name, contents) in cases {
            let path = "\(directory)/\(name)"
            try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
            let expected = name == "inner" ? "a b\tc" : "s3cret"
            #expect(try RedisURL.readPassword(fromFile: path) == expected, "\(name)")
        }
        try Data("\n".utf8).write(to: URL(fileURLWithPath: "\(directory)/empty"))
        #expect(throws: RedisURLError.emptyPasswordFile(path: "\(directory)/empty")) {
            try RedisURL.readPassword(fromFile: "\(directory)/empty")
        }
        try Data([0xFF, 0xFE]).write(to: URL(fileURLWithPath: "\(directory)/binary"))
        #expect(throws: RedisURLError.unreadablePasswordFile(path: "\(directory)/binary", reason: "not UTF-8")) {
            try RedisURL.readPassword(fromFile: "\(directory)/binary")
        }
        let missing = "\(directory)/missing"
        #expect(throws: RedisURLError.unreadablePasswordFile(path: missing, reason: "no such file or directory")) {
            try RedisURL.readPassword(fromFile: missing)
        }
        try Data(count: RedisURL.maxPasswordFileBytes + 1).write(to: URL(fileURLWithPath: "\(directory)/big"))
        #expect(throws: RedisURLError.self) { try RedisURL.readPassword(fromFile: "\(directory)/big") }
    }
}
