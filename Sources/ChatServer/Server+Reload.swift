import ChatCore
import Dispatch
import TLS

/// Reloading the configuration while running (SIGHUP, the console's `reload`): what can change
/// without dropping anyone changes, what cannot is reported as needing a restart.
extension Server {
    /// What a reload did.
    public struct ReloadReport: Sendable, Equatable {
        /// Settings that changed and are now in force, as `name: old -> new`.
        public var applied: [String] = []
        /// Settings that differ from the running ones but only take effect at a restart.
        public var needsRestart: [String] = []
        /// What could not be applied although the rest was (a TLS certificate that cannot be
        /// used: the one in use is kept).
        public var problems: [String] = []
        /// The new TLS certificate's SHA-256 fingerprint, when one was read.
        public var tlsFingerprint: String?

        public init() {}
    }

    /// Puts `new`'s run-time settings in force: the message of the day, LIST addresses, join
    /// replay, connection limits, SendQ and the output budget, flood control, keepalive, the
    /// registration timeout; with TLS from certificate files, the files are read again (new
    /// connections get the new pair). Nobody is disconnected: connections already over a new
    /// limit stay. Listeners, event loops, the server name, the default room and the longest
    /// line (which clients were told in 005) only change at a restart: differences there are
    /// listed in `needsRestart` and the running values kept.
    ///
    /// Each loop takes the new settings between two inbox messages, so a loop never sees half
    /// of a reload; `reload` returns once every loop has (or after `timeout` seconds, when a
    /// loop is too busy to say so: it takes them all the same). Two reloads never interleave.
    public func reload(_ new: ServerConfiguration, timeout: Double = 5) throws(ReloadError) -> ReloadReport {
        guard let state = runningState else { throw .notRunning }
        return state.live.withLock { live in
            var report = ReloadReport()
            let old = live.configuration
            var merged = old
            func restart<T: Equatable>(_ name: String, _ running: T, _ wanted: T) {
                if running != wanted {
                    report.needsRestart.append("\(name): \(running) -> \(wanted) (needs a restart)")
                }
            }
            restart("host", old.host, new.host)
            restart("port", old.servesPlain ? String(old.port) : "none", new.servesPlain ? String(new.port) : "none")
            restart("server-name", old.serverName, new.serverName)
            restart("event-loops", old.eventLoops, new.eventLoops)
            restart("default-room", old.defaultRoom?.name ?? "none", new.defaultRoom?.name ?? "none")
            restart("max-line-bytes", old.maxLineBytes, new.maxLineBytes)
            restart("tls-port", old.tls.map { String($0.port) } ?? "off", new.tls.map { String($0.port) } ?? "off")
            restart("tls-host", old.tls?.host ?? "-", new.tls?.host ?? "-")

            func apply<T: Equatable>(_ name: String, _ path: WritableKeyPath<ServerConfiguration, T>) {
                guard old[keyPath: path] != new[keyPath: path] else { return }
                report.applied.append("\(name): \(old[keyPath: path]) -> \(new[keyPath: path])")
                merged[keyPath: path] = new[keyPath: path]
            }
            apply("max-clients", \.maxClients)
            apply("max-per-ip", \.maxPerIP)
            apply("sendq-bytes", \.sendQueueBytes)
            apply("max-output-bytes", \.maxOutputBytes)
            apply("flood-burst", \.floodBurst)
            apply("flood-rate", \.floodLinesPerSecond)
            apply("flood-backlog-bytes", \.floodBacklogBytes)
            apply("keepalive-idle", \.keepaliveIdleSeconds)
            apply("registration-timeout", \.registrationTimeoutSeconds)
            apply("list-addresses", \.listAddresses)
            apply("join-replay", \.joinReplay)
            apply("greeting-delay", \.greetingDelayMilliseconds)
            apply("last-line-timeout", \.lastLineTimeoutSeconds)
            let oldMOTD = live.chatConfig.motd
            let newMOTD = new.motd ?? ChatConfig.defaultMOTD
            if oldMOTD != newMOTD {
                report.applied.append("motd: \(oldMOTD.count) -> \(newMOTD.count) lines")
                merged.motd = new.motd
            }
            reloadCertificate(old: old.tls, new: new.tls, state: state, into: &merged, &report)

            var chatConfig = live.chatConfig
            chatConfig.motd = newMOTD
            chatConfig.listAddresses = merged.listAddresses
            chatConfig.joinReplay = merged.joinReplay
            live = LiveSettings(configuration: merged, chatConfig: chatConfig)
            state.admission.setLimits(maxClients: merged.maxClients, maxPerAddress: merged.maxPerIP)
            let applied = DispatchSemaphore(value: 0)
            for handle in state.handles {
                handle.post(.reconfigure(merged, chatConfig, applied: { applied.signal() }))
            }
            let deadline = DispatchTime.now() + timeout
            for _ in state.handles where applied.wait(timeout: deadline) == .timedOut { break }
            return report
        }
    }

    /// With TLS from files (at start and now), reads the new files; a pair that cannot be used
    /// is a problem reported, and the certificate in use stays.
    private func reloadCertificate(
        old: TLSSettings?, new: TLSSettings?, state: ServerState, into merged: inout ServerConfiguration,
        _ report: inout ReloadReport
    ) {
        guard let old, let current = state.tlsContext else {
            if new != nil { report.needsRestart.append("TLS: off -> on (needs a restart)") }
            return
        }
        guard let new else {
            report.needsRestart.append("TLS: on -> off (needs a restart)")
            return
        }
        guard case .files(let certificateFile, let keyFile) = new.certificate, case .files = old.certificate else {
            if old.certificate != new.certificate {
                report.needsRestart.append(
                    "TLS certificate: \(old.certificate) -> \(new.certificate) (needs a restart)")
            }
            return
        }
        do {
            let context = try TLSServerContext(certificateFile: certificateFile, keyFile: keyFile)
            current.withLock { $0 = context }
            merged.tls?.certificate = new.certificate
            report.tlsFingerprint = context.fingerprintSHA256
            report.applied.append(
                "reloaded the TLS certificate \(certificateFile) and key \(keyFile) (SHA-256 \(context.fingerprintSHA256))"
            )
        } catch {
            report.problems.append("cannot reload the TLS certificate: \(error); keeping the one in use")
        }
    }

    /// The configuration in force (the start one with what reloads changed); nil when the
    /// server is not running.
    public var currentConfiguration: ServerConfiguration? { runningState?.live.withLock { $0.configuration } }
}
