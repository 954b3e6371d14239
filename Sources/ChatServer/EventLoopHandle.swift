import Locking
import ChatCore
import Platform

/// The part of an event loop other threads may touch: its inbox and the eventfd that wakes it.
final class EventLoopHandle: Sendable {
    let index: Int
    let wakeup: Wakeup
    private let inbox = Locked<[LoopMessage]>([])

    init(index: Int) throws(SystemError) {
        self.index = index
        wakeup = try Wakeup()
    }

    /// Queues a message and wakes the loop.
    func post(_ message: LoopMessage) {
        inbox.withLock { $0.append(message) }
        wakeup.signal()
    }

    /// Drops the inbox's storage if it is empty and holds room for more than `keeping` messages
    /// (a burst's worth, kept by the swap in `takeAll` while the loop is idle).
    func releaseInboxCapacity(keeping: Int) {
        inbox.withLock { if $0.isEmpty && $0.capacity > keeping { $0 = [] } }
    }

    /// Takes every queued message, swapping in `spare` (emptied) so its storage is reused.
    func takeAll(swappingWith spare: inout [LoopMessage]) {
        spare.removeAll(keepingCapacity: true)
        inbox.withLock { swap(&$0, &spare) }
    }
}
