#!/usr/bin/env python3
"""A real IRC client library (jaraco's `irc`, PyPI package `irc`) against LineChat.

Usage: irc_client.py HOST PORT

Registers as pyirc (NICK then USER, as the library does), joins #rust, says hello there,
waits for ncuser's answer, sends a CTCP ACTION, WHOISes ncuser, parts #rust and quits.
Prints one line per step on stdout for the Swift test (IRCClientEndToEndTests) to check:

    JOIN <room> <source>          its own JOIN, as the library parsed the source
    NAMES <room> <names...>       the member list (353) once 366 ends it
    PUBMSG <room> <source> <text> a room message from someone else
    WHOISUSER <nick> <user> <host> <realname>
    WHOISCHANNELS <nick> <rooms>
    WHOISSERVER <nick> <server>
    ENDOFWHOIS <nick>
    PART <room> <nick>
    ERRNUMERIC <code> <arguments>  any 4xx/5xx reply: the test fails on it
    DONE                          disconnected after QUIT

Exits 0 after DONE, 1 on an unexpected event, 2 on a timeout.
"""
import sys
import time

import irc.client
import irc.events

NICK = "pyirc"
ROOM = "#rust"
PEER = "ncuser"
TIMEOUT_SECONDS = 20


def say(*words):
    print(" ".join(str(word) for word in words), flush=True)


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    reactor = irc.client.Reactor()
    names = []
    finished = []
    codes = {name: int(code) for code, name in irc.events.numeric.items()}

    def on_welcome(connection, event):
        connection.join(ROOM)

    def on_join(connection, event):
        if event.source.nick == NICK and event.target == ROOM:
            say("JOIN", event.target, event.source)

    def on_namreply(connection, event):
        # arguments: the room type ("="), the room, the names
        if event.arguments[1] == ROOM:
            names.extend(event.arguments[2].split())

    def on_endofnames(connection, event):
        if event.arguments[0] == ROOM:
            say("NAMES", ROOM, *names)
            connection.privmsg(ROOM, "hello from  python")

    def on_pubmsg(connection, event):
        say("PUBMSG", event.target, event.source, event.arguments[0])
        if event.source.nick == PEER:
            connection.action(ROOM, "waves")
            connection.whois([PEER])

    def on_whoisuser(connection, event):
        nick, user, host_, _, realname = event.arguments
        say("WHOISUSER", nick, user, host_, realname)

    def on_whoischannels(connection, event):
        say("WHOISCHANNELS", *event.arguments)

    def on_whoisserver(connection, event):
        say("WHOISSERVER", event.arguments[0], event.arguments[1])

    def on_endofwhois(connection, event):
        say("ENDOFWHOIS", event.arguments[0])
        connection.part(ROOM, "bye now")

    def on_part(connection, event):
        if event.source.nick == NICK:
            say("PART", event.target, event.source.nick)
            connection.quit("done")

    def on_disconnect(connection, event):
        say("DONE")
        finished.append(True)

    def on_any(connection, event):
        code = codes.get(event.type)
        if code is not None and 400 <= code < 600:
            say("ERRNUMERIC", code, *event.arguments)

    handlers = {
        "welcome": on_welcome, "join": on_join, "namreply": on_namreply, "endofnames": on_endofnames,
        "pubmsg": on_pubmsg, "whoisuser": on_whoisuser, "whoischannels": on_whoischannels,
        "whoisserver": on_whoisserver, "endofwhois": on_endofwhois, "part": on_part,
        "disconnect": on_disconnect, "all_events": on_any,
    }
    for event_type, handler in handlers.items():
        reactor.add_global_handler(event_type, handler)

    try:
        reactor.server().connect(host, port, NICK, username="pyuser", ircname="Python IRC")
    except irc.client.ServerConnectionError as error:
        say("CONNECTFAILED", error)
        return 1
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while not finished:
        if time.monotonic() > deadline:
            say("TIMEOUT")
            return 2
        reactor.process_once(0.1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
