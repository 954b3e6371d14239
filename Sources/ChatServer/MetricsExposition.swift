extension ServerState {
    /// The body of `GET /metrics`: every counter in the Prometheus text format 0.0.4.
    /// Placeholder until the metrics land.
    func metricsExposition() -> [UInt8] {
        Array("# linechat metrics\n".utf8)
    }
}
