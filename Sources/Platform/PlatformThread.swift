@preconcurrency import Glibc
import CLinux

/// A thread of our own (pthread), for work that must never run on an event loop: the history
/// writer. It blocks every signal, so a process-directed signal never lands on it. Join it
/// exactly once.
public struct PlatformThread: Sendable {
    private let id: pthread_t

    /// The closure a new thread runs, handed over through pthread_create's argument.
    private final class Body {
        let name: String
        let niceness: Int32
        let run: @Sendable () -> Void
        init(name: String, niceness: Int32, run: @escaping @Sendable () -> Void) {
            self.name = name
            self.niceness = niceness
            self.run = run
        }
    }

    /// Starts a thread named `name` (15 bytes are kept) running `body`, at the nice value
    /// `niceness` (0: as the process; higher: it gets the CPU only after the others).
    public static func start(
        name: String, niceness: Int32 = 0, _ body: @escaping @Sendable () -> Void
    ) throws(SystemError) -> PlatformThread {
        let argument = Unmanaged.passRetained(Body(name: name, niceness: niceness, run: body)).toOpaque()
        var id = pthread_t()
        let result = pthread_create(
            &id, nil,
            { raw in
                let body = Unmanaged<Body>.fromOpaque(raw!).takeRetainedValue()
                Posix.blockAllSignals()
                clinux_set_thread_name(body.name)
                if body.niceness != 0 { _ = clinux_set_thread_niceness(body.niceness) }
                body.run()
                return nil
            }, argument)
        guard result == 0 else {
            Unmanaged<Body>.fromOpaque(argument).release()
            throw SystemError("pthread_create", errno: result)
        }
        return PlatformThread(id: id)
    }

    private init(id: pthread_t) {
        self.id = id
    }

    /// Waits until the thread's body has returned.
    public func join() {
        _ = pthread_join(id, nil)
    }
}
