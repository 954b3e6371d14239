import ChatCore

/// Messages other threads post to this loop.
extension EventLoop {
    func drainInbox() {
        handle.takeAll(swappingWith: &inbox)
        for message in inbox {
            switch message {
            case .send(let id, let line):
                deliver(line, to: id)
            case .toRoom(let key, let line, let except):
                fanOut(line, toRoom: key, except: except)
            case .toRooms(let keys, let line, let except):
                fanOut(line, toRooms: keys, except: except)
            case .toRoomsAwayNotify(let keys, let line, let except):
                fanOut(line, toRooms: keys, except: except, awayNotifyOnly: true)
            case .historyReply(let id, let bytes):
                if let connection = openConnection(id) {
                    bytes.withUnsafeBytes { enqueue($0, to: connection) }
                }
            case .broadcast(let line, let except):
                broadcastLocally(line, except: except)
            case .leftRoom(let key, let id):
                memberLeft(key, id: id)
            case .close(let id, let error, let quitReason):
                // Posted by the operator's kick.
                if let target = openConnection(id) {
                    requestClose(target, .error(error, quitReason: quitReason), reason: .kicked)
                }
            case .snapshot(let reply):
                reply(connections.compactMap { $0?.isOpen == true ? $0!.info(now: context.now) : nil })
            case .reconfigure(let configuration, let chatConfig, let applied):
                reconfigure(configuration, chatConfig)
                applied()
            case .shutdown:
                beginShutdown()
            }
            processCloseRequests()
        }
        inbox.removeAll(keepingCapacity: true)
    }
}
