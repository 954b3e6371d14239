import ChatCore

/// Messages other threads post to this loop.
extension EventLoop {
    func drainInbox() {
        handle.takeAll(swappingWith: &inbox)
        for message in inbox {
            switch message {
            case .send(let id, let bytes):
                deliver(bytes, to: id)
            case .broadcast(let bytes, let except):
                broadcastLocally(bytes, except: except)
            case .close(let id, let error, let quitReason):
                if let target = openConnection(id) { requestClose(target, .error(error, quitReason: quitReason)) }
            case .snapshot(let reply):
                reply(connections.compactMap { $0?.isOpen == true ? $0!.info(now: context.now) : nil })
            case .shutdown:
                beginShutdown()
            }
            processCloseRequests()
        }
        inbox.removeAll(keepingCapacity: true)
    }
}
