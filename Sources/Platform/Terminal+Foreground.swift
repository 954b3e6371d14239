@preconcurrency import Glibc

extension Terminal {
    /// Whether the terminal on `fd` is this process's controlling terminal and another process
    /// group has its foreground (the program was started with `&`, or put in the background).
    /// Such a process is stopped by SIGTTIN when it reads the terminal and by SIGTTOU when it
    /// changes its settings. False for a terminal that is not the controlling one.
    public static func isInBackground(_ fd: Int32) -> Bool {
        let group = tcgetpgrp(fd)
        return group >= 0 && group != getpgrp()
    }
}
