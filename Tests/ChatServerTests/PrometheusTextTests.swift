import ChatServer
import TestSupport
import Testing

@Suite("Prometheus text")
struct PrometheusTextTests {
    @Test("a family is its HELP and TYPE lines, then its samples")
    func familyLines() {
        var text = PrometheusText()
        text.metric("linechat_rooms", .gauge, help: "Rooms that exist.", 3)
        text.metric(
            "linechat_disconnects_total", .counter, help: "Connections ended, by reason.", label: "reason",
            [("quit", 2), ("sendq", 0)])
        #expect(
            text.text == """
                # HELP linechat_rooms Rooms that exist.
                # TYPE linechat_rooms gauge
                linechat_rooms 3
                # HELP linechat_disconnects_total Connections ended, by reason.
                # TYPE linechat_disconnects_total counter
                linechat_disconnects_total{reason="quit"} 2
                linechat_disconnects_total{reason="sendq"} 0

                """)
    }

    @Test(
        "label values escape backslash, double quote and line feed, and nothing else",
        arguments: [
            ("plain", "plain"), (#"a\b"#, #"a\\b"#), (#"say "hi""#, #"say \"hi\""#), ("two\nlines", #"two\nlines"#),
            ("tab\there", "tab\there"), ("é ✓", "é ✓"), (#"\""#, #"\\\""#),
        ])
    func labelEscaping(value: String, escaped: String) throws {
        #expect(PrometheusText.escapeLabelValue(value) == escaped)
        var text = PrometheusText()
        text.family("x_total", .counter, help: "x")
        text.sample("x_total", [("v", value)], 1)
        let parsed = try PrometheusExposition(text.text)
        #expect(parsed.value("x_total", ["v": value]) == 1)
    }

    @Test(
        "HELP text escapes backslash and line feed; a double quote stays",
        arguments: [("plain", "plain"), (#"a\b"#, #"a\\b"#), ("two\nlines", #"two\nlines"#), (#"a "b""#, #"a "b""#)])
    func helpEscaping(help: String, escaped: String) throws {
        #expect(PrometheusText.escapeHelp(help) == escaped)
        var text = PrometheusText()
        text.metric("x", .gauge, help: help, 1)
        #expect(text.text.hasPrefix("# HELP x \(escaped)\n# TYPE x gauge\n"))
        _ = try PrometheusExposition(text.text)
    }

    @Test(
        "values are written as Prometheus reads them",
        arguments: [
            (0.25, "0.25"), (1e-05, "1e-05"), (3.0, "3.0"), (Double.infinity, "+Inf"), (-Double.infinity, "-Inf"),
            (Double.nan, "NaN"), (1_700_000_000.5, "1700000000.5"),
        ])
    func valueFormat(value: Double, written: String) {
        #expect(PrometheusText.format(value) == written)
    }

    @Test("a histogram's buckets are cumulative and end with +Inf equal to _count")
    func histogram() throws {
        var text = PrometheusText()
        text.histogram("w_seconds", help: "Wakeups.", bounds: [1e-05, 0.001, 1], counts: [4, 0, 3, 2], sum: 7.5)
        #expect(
            text.text == """
                # HELP w_seconds Wakeups.
                # TYPE w_seconds histogram
                w_seconds_bucket{le="1e-05"} 4
                w_seconds_bucket{le="0.001"} 4
                w_seconds_bucket{le="1.0"} 7
                w_seconds_bucket{le="+Inf"} 9
                w_seconds_sum 7.5
                w_seconds_count 9

                """)
        let parsed = try PrometheusExposition(text.text)
        #expect(parsed.value("w_seconds_bucket", ["le": "+Inf"]) == 9)
    }

    @Test(
        "names are checked",
        arguments: [("linechat_x", true), ("a:b_c9", true), ("9a", false), ("a-b", false), ("", false)])
    func names(name: String, valid: Bool) {
        #expect(PrometheusText.isValidName(name) == valid)
    }

    @Test(
        "the strict checker refuses what the format does not allow",
        arguments: [
            "x 1\n",  // a sample before any TYPE
            "# TYPE x gauge\nx 1",  // no final line feed
            "# TYPE x gauge\n\nx 1\n",  // a blank line
            "# TYPE x counter\nx 1\n",  // a counter not named _total
            "# TYPE x_total counter\nx_total -1\n",  // a negative counter
            "# TYPE x gauge\nx{a=\"1\",a=\"2\"} 1\n",  // a label twice
            "# TYPE x gauge\nx{a=\"\\t\"} 1\n",  // a bad escape
            "# TYPE x gauge\nx 1\nx 2\n",  // a series twice
            "# TYPE x gauge\nx 1 1700000000\n",  // a timestamp
            "# TYPE x gauge\nx inf\n",  // not Go's spelling
            "# TYPE x gauge\n# TYPE y gauge\nx 1\n",  // x's sample after y's TYPE
            "# TYPE x gauge\nx 1\n# HELP x late\n",  // HELP after the samples
            "# TYPE x gauge\n# a comment\nx 1\n",  // another comment
            "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",  // not cumulative
            "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n",  // +Inf != count
            "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n",  // no +Inf
            "# TYPE h histogram\nh_bucket{le=\"2\"} 1\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",
        ])
    func checkerRefuses(text: String) {
        #expect(throws: PrometheusExposition.Failure.self) { try PrometheusExposition(text) }
    }
}
