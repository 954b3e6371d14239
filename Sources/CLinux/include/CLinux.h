// The parts of Linux that Swift's Glibc module does not export. Our code, not a package.
#ifndef CLINUX_H
#define CLINUX_H

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

/// accept4(2), which needs _GNU_SOURCE.
int clinux_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);

/// How many CPUs this process may run on (sched_getaffinity), at least 1.
int clinux_cpu_count(void);

/// Returns freed heap memory to the system (malloc_trim(0)); 1 if any was released.
int clinux_release_free_memory(void);
/// Bytes the allocator has handed out and not had back (mallinfo2: arena in use + mapped).
size_t clinux_heap_in_use(void);

/// Heap tuning: freed memory at the top of the heap stays mapped for reuse (M_TRIM_THRESHOLD;
/// malloc_trim gives it back when idle), and blocks of 128 KiB or more are mapped on their own
/// (M_MMAP_THRESHOLD, fixed), so a big short-lived array leaves no hole in the heap for
/// long-lived allocations to scatter into.
void clinux_keep_freed_memory(void);

/// Sets the calling thread's nice value (Linux schedules threads on their own), or -1 with errno.
int clinux_set_thread_niceness(int niceness);

/// Names the calling thread (at most 15 bytes are kept), as ps and gdb show it.
void clinux_set_thread_name(const char *name);

/// `bytes` of private anonymous memory (mmap), or NULL.
void *clinux_map(size_t bytes);
/// Resizes a mapping from `clinux_map`, moving it if need be (mremap), or NULL.
void *clinux_remap(void *address, size_t old_bytes, size_t new_bytes);
/// Unmaps memory from `clinux_map` (munmap).
void clinux_unmap(void *address, size_t bytes);

/// The bytes waiting in a socket's receive queue (FIONREAD), or -1 with errno set.
int clinux_bytes_readable(int fd);

static const int CLINUX_SOCK_NONBLOCK = SOCK_NONBLOCK;
static const int CLINUX_SOCK_CLOEXEC = SOCK_CLOEXEC;
static const int CLINUX_SOCK_STREAM = SOCK_STREAM;
static const unsigned int CLINUX_EPOLLIN = EPOLLIN;
static const unsigned int CLINUX_EPOLLOUT = EPOLLOUT;
static const unsigned int CLINUX_EPOLLERR = EPOLLERR;
static const unsigned int CLINUX_EPOLLHUP = EPOLLHUP;
static const unsigned int CLINUX_EPOLLRDHUP = EPOLLRDHUP;
static const unsigned int CLINUX_EPOLLEXCLUSIVE = EPOLLEXCLUSIVE;

#endif
