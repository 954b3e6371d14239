#!/usr/bin/env python3
"""Counts the rounds in which a PONG overtakes a line sent before its PING (Tests/irctest/README.md).

    delivery-order.py PORT [ROUNDS]

Against a LineChat server on 127.0.0.1:PORT (start it with --default-room none and raised
--max-per-ip / --flood-* limits), 8 pairs of clients take turns: A sends `PRIVMSG B :hello<i>`,
then B sends `PING tok<i>`; a round counts as inverted when B reads `PONG tok<i>` before the
hello. The hello must still arrive afterwards (the script waits for it).
"""
import socket
import sys


def register(port: int, nick: str) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.sendall(f"NICK {nick}\r\nUSER u * * :r\r\n".encode())
    received = b""
    while b" 376 " not in received and b" 422 " not in received:
        received += s.recv(65536)
    return s


def read_until(s: socket.socket, received: bytes, token: bytes) -> bytes:
    while token not in received:
        received += s.recv(65536)
    return received


def main() -> None:
    port = int(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
    pairs = [(register(port, f"order{k}a"), register(port, f"order{k}b"), k) for k in range(8)]
    inverted = 0
    for i in range(rounds):
        a, b, k = pairs[i % len(pairs)]
        a.sendall(f"PRIVMSG order{k}b :hello{i}\r\n".encode())
        b.sendall(f"PING tok{i}\r\n".encode())
        received = read_until(b, b"", f"tok{i}\r\n".encode())
        if f"hello{i}\r\n".encode() not in received:
            inverted += 1
            read_until(b, received, f"hello{i}\r\n".encode())
    print(f"inverted: {inverted} of {rounds} rounds")
    for a, b, _ in pairs:
        a.sendall(b"QUIT\r\n")
        b.sendall(b"QUIT\r\n")


if __name__ == "__main__":
    main()
