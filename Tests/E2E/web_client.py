#!/usr/bin/env python3
"""The web client in a real browser: headless Chromium driven through WebDriver (selenium).

Usage: web_client.py --url http://127.0.0.1:HTTP_PORT/ --chat-port PORT [--screenshot FILE]
                     [--kick-via-stdout]

An nc-style user (a plain TCP connection sending NICK alone, as nc does) talks with a browser
user on the page served at --url:

- the TCP user `ncuser` says something in #lobby before the browser arrives (history);
- the browser picks `ncuser` (taken: the 433 is shown), then `webby`; it lands in #lobby and shows
  the earlier message marked as history, and ncuser in the member list;
- the browser says hello, which the TCP user receives; the TCP user answers, which the page shows;
- the browser types /join #rust and is switched there; the TCP user joins too, and sends
  `<img src=x onerror=alert(1)>` inside a message: the page shows it as text (no img element,
  no alert); the browser sets the topic and sends a /me action, the TCP user one too, and IRC
  bold and colour codes (rendered as such); a message to #lobby shows as an unread count on
  #lobby, and a private message opens a private tab, where the browser answers;
- a screenshot of the page is saved (--screenshot);
- with --kick-via-stdout, the script prints `KICK webby` and the caller disconnects webby (the
  operator console's kick): the page must show the connection-lost banner, reconnect by itself,
  rejoin #rust, and show nothing twice;
- in a phone-sized window the room and member lists are folded away and open with the buttons;
- the browser's console must hold no error (a Content-Security-Policy violation would be one).

Prints one line per step on stdout for the Swift test (WebClientBrowserTests) to check, and
DONE at the end. Exits 0 after DONE, 1 on a failed step (with the reason on stderr).
"""
import argparse
import signal
import socket
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import (
    NoAlertPresentException,
    StaleElementReferenceException,
    TimeoutException,
    WebDriverException,
)
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

TIMEOUT = 20
XSS = "look <img src=x onerror=alert(1)> here"


def say(*words):
    print(" ".join(str(word) for word in words), flush=True)


class Failure(Exception):
    pass


class TCPUser:
    """A plain TCP user, as with nc: NICK alone registers, lines in the plain form."""

    def __init__(self, port, nick):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.buffer = b""
        self.nick = nick
        self.send(f"NICK {nick}")
        self.expect(f" 366 {nick} #lobby ")

    def send(self, line):
        self.sock.sendall(line.encode() + b"\r\n")

    def lines(self, deadline):
        while True:
            while b"\n" in self.buffer:
                line, self.buffer = self.buffer.split(b"\n", 1)
                yield line.decode().rstrip("\r")
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                return
            if not data:
                return
            self.buffer += data

    def expect(self, text):
        """Reads lines until one contains `text`; fails after TIMEOUT seconds."""
        seen = []
        for line in self.lines(time.monotonic() + TIMEOUT):
            if text in line:
                return line
            seen.append(line)
        raise Failure(f"the TCP user {self.nick} never got a line with {text!r}; got {seen[-10:]}")


def browser():
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1000,700", "--no-first-run", "--disable-extensions",
                     "--force-color-profile=srgb", "--lang=en-US"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def on_terminate(signum, frame):
    raise SystemExit(f"web_client.py: signal {signum}")


def main():
    # A test runner may have started this with SIGTERM and SIGINT blocked (an XCTest process
    # does): unblock them, so that terminating the script works, and turn SIGTERM into an exit
    # that still closes the browser (the finally below), so no Chromium outlives the test.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, on_terminate)
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--chat-port", type=int, required=True)
    parser.add_argument("--screenshot")
    parser.add_argument("--kick-via-stdout", action="store_true")
    args = parser.parse_args()

    nc = TCPUser(args.chat_port, "ncuser")
    nc.send("BROADCAST said before you came")
    nc.expect("PRIVMSG #lobby :said before you came")

    # The HTTP listener starts with the server; wait until it accepts (bounded).
    host_port = args.url.split("//", 1)[1].split("/", 1)[0]
    deadline = time.monotonic() + TIMEOUT
    while True:
        try:
            socket.create_connection((host_port.rsplit(":", 1)[0], int(host_port.rsplit(":", 1)[1])), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                print(f"web_client.py: nothing listens at {args.url}", file=sys.stderr)
                return 1
            time.sleep(0.1)

    driver = browser()
    wait = WebDriverWait(driver, TIMEOUT)

    def until(what, condition):
        try:
            return wait.until(lambda d: condition())
        except TimeoutException:
            raise Failure(f"the page never showed {what}") from None

    def js(script, *arguments):
        return driver.execute_script(script, *arguments)

    def messages():
        """The visible log: (kind, from, text, history) for each line."""
        return js("""return [...document.querySelectorAll('#messages .msg')].map(m =>
            [m.dataset.kind, m.dataset.from || '', m.querySelector('.text').textContent,
             m.classList.contains('history')]);""")

    def has_message(kind, sender, text, history=None):
        return any(m[0] == kind and m[1] == sender and m[2] == text and (history is None or m[3] == history)
                   for m in messages())

    def type_line(text):
        box = driver.find_element(By.ID, "input")
        box.send_keys(text)
        box.send_keys(Keys.ENTER)

    def current_target():
        return driver.find_element(By.ID, "target").text

    def room_entry(name):
        return js("""const li = [...document.querySelectorAll('#rooms li')].find(l => l.dataset.target === arguments[0]);
            if (!li) return null;
            const u = li.querySelector('.unread');
            return {current: li.classList.contains('current'), parted: li.classList.contains('parted'),
                    unread: u ? u.textContent : ''};""", name)

    def click_tab(name):
        """Clicks a tab in the room list (re-rendered as messages come: retried if it went stale)."""
        def attempt():
            try:
                for item in driver.find_elements(By.CSS_SELECTOR, "#rooms li"):
                    if item.get_attribute("data-target") == name:
                        item.find_element(By.CSS_SELECTOR, "button.buffer").click()
                        return True
            except StaleElementReferenceException:
                pass
            return False
        until(f"the tab {name} to click", attempt)

    def members():
        return js("""return [...document.querySelectorAll('#members li')].map(l =>
            l.querySelector('.mark').textContent + l.dataset.nick);""")

    try:
        driver.get(args.url)
        until("the nickname form", lambda: driver.find_element(By.ID, "nick-input").is_displayed())
        if driver.title != "LineChat":
            raise Failure(f"the page's title is {driver.title!r}")

        # A nickname that is taken: the server's 433 is shown, the form stays.
        field = driver.find_element(By.ID, "nick-input")
        field.clear()
        field.send_keys("ncuser", Keys.ENTER)
        until("the 433 error", lambda: "already in use" in driver.find_element(By.ID, "login-error").text)
        say("NICK_TAKEN", driver.find_element(By.ID, "login-error").text)

        field.clear()
        field.send_keys("webby", Keys.ENTER)
        until("the chat after registering", lambda: not driver.find_element(By.ID, "login").is_displayed()
              and current_target() == "#lobby")
        nc.expect(":webby JOIN #lobby")
        say("REGISTERED", current_target(), driver.find_element(By.ID, "status").text)

        until("the earlier message as history",
              lambda: has_message("msg", "ncuser", "said before you came", history=True))
        say("HISTORY ncuser said before you came")
        until("ncuser in the member list", lambda: "ncuser" in members() and "webby" in members())
        say("MEMBERS", *sorted(members()))

        # Browser -> TCP user, and back.
        type_line("hello from the browser")
        nc.expect(":webby PRIVMSG #lobby :hello from the browser")
        say("NC_GOT hello from the browser")
        until("its own message (echo-message)", lambda: has_message("msg", "webby", "hello from the browser"))
        nc.send("PRIVMSG #lobby :hi webby, welcome")
        until("ncuser's answer", lambda: has_message("msg", "ncuser", "hi webby, welcome", history=False))
        say("PAGE_GOT hi webby, welcome")

        # Another room: /join switches to it; the TCP user follows.
        type_line("/join #rust")
        until("#rust as the current room", lambda: current_target() == "#rust"
              and (room_entry("#rust") or {}).get("current"))
        nc.send("JOIN #rust")
        until("ncuser joining #rust", lambda: has_message("join", "", "ncuser joined #rust"))
        until("both in #rust's member list", lambda: sorted(members()) == ["@webby", "ncuser"])
        say("SWITCHED", current_target(), *sorted(members()))
        type_line("/topic Rust talk")
        nc.expect(":webby TOPIC #rust :Rust talk")
        until("the topic in the header", lambda: driver.find_element(By.ID, "topic").text == "Rust talk")
        type_line("anyone tried 1.80?")
        nc.expect(":webby PRIVMSG #rust :anyone tried 1.80?")
        say("TOPIC #rust Rust talk")

        # Markup from another user is text: no element made, no script run.
        nc.send(f"PRIVMSG #rust :{XSS}")
        until("the markup as text", lambda: has_message("msg", "ncuser", XSS))
        images = js("return document.querySelectorAll('img').length")
        try:
            alert = driver.switch_to.alert.text
        except NoAlertPresentException:
            alert = None
        if images or alert is not None:
            raise Failure(f"the message made {images} img elements, alert {alert!r}")
        say("XSS_AS_TEXT", XSS)

        nc.send("PRIVMSG #rust :\x01ACTION waves\x01")
        until("the action", lambda: has_message("action", "ncuser", "waves"))
        type_line("/me waves back")
        nc.expect(":webby PRIVMSG #rust :\x01ACTION waves back\x01")
        until("its own action", lambda: has_message("action", "webby", "waves back"))
        say("ACTION * ncuser waves")

        # IRC formatting codes are rendered (bold, a colour), never shown as control characters.
        nc.send("PRIVMSG #rust :\x02bold\x02 and \x0304red\x03 text")
        until("the formatted message", lambda: has_message("msg", "ncuser", "bold and red text"))
        styled = js("""const t = [...document.querySelectorAll('#messages .msg .text')].pop();
            return [...t.querySelectorAll('span')].map(s => s.className + ':' + s.textContent);""")
        if styled != ["fb:bold", "c4:red"]:
            raise Failure(f"the formatting was rendered as {styled}")
        say("FORMATTING", *styled)

        nc.send("PRIVMSG #lobby :meanwhile in the lobby")
        until("an unread count on #lobby", lambda: (room_entry("#lobby") or {}).get("unread") == "1")
        say("UNREAD #lobby 1")

        nc.send("PRIVMSG webby :psst, a private word")
        until("a private tab with an unread message", lambda: (room_entry("ncuser") or {}).get("unread") == "1")
        say("PRIVATE_TAB ncuser 1")

        if args.screenshot:
            driver.save_screenshot(args.screenshot)
            say("SCREENSHOT")

        # The private tab shows the message; answering there sends a private message.
        click_tab("ncuser")
        until("the private message", lambda: current_target() == "ncuser"
              and has_message("msg", "ncuser", "psst, a private word"))
        type_line("a private answer")
        nc.expect(":webby PRIVMSG ncuser :a private answer")
        say("PRIVATE_ANSWER")

        if args.kick_via_stdout:
            say("KICK webby")
            until("the connection-lost banner", lambda: driver.find_element(By.ID, "banner").is_displayed()
                  and "Connection lost" in driver.find_element(By.ID, "banner-text").text)
            say("BANNER", driver.find_element(By.ID, "banner-text").text.split(".")[0])
            nc.expect(":webby JOIN #rust")
            until("the reconnected page", lambda: not driver.find_element(By.ID, "banner").is_displayed()
                  and not (room_entry("#rust") or {}).get("parted", True))
            nc.send("PRIVMSG #rust :welcome back")
            click_tab("#rust")
            until("a message after the reconnect", lambda: has_message("msg", "ncuser", "welcome back"))
            ids = js("return [...document.querySelectorAll('#messages .msg[data-msgid]')].map(m => m.dataset.msgid)")
            if len(ids) != len(set(ids)) or sum(1 for m in messages() if m[2] == XSS and not m[3]) != 1:
                raise Failure(f"after the reconnect #rust shows a message twice: {messages()}")
            say("RECONNECTED #rust")

        # A phone-sized window: the lists fold away behind the buttons at the top.
        driver.set_window_size(390, 844)
        def panel_shown(panel):
            return js("const r = document.getElementById(arguments[0]).getBoundingClientRect();"
                      "return r.right > 1 && r.left < window.innerWidth - 1;", panel)
        until("the lists folded away", lambda: not panel_shown("rooms-panel") and not panel_shown("members-panel")
              and driver.find_element(By.ID, "input").is_displayed())
        driver.find_element(By.ID, "toggle-rooms").click()
        until("the room list over the chat", lambda: panel_shown("rooms-panel")
              and js("const r = document.getElementById('rooms-panel').getBoundingClientRect(); return r.left >= 0;"))
        click_tab("#lobby")
        until("#lobby, the list folded again", lambda: current_target() == "#lobby" and not panel_shown("rooms-panel"))
        driver.find_element(By.ID, "toggle-members").click()
        until("the member list over the chat", lambda: panel_shown("members-panel"))
        say("PHONE")

        errors = [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
        if errors:
            raise Failure(f"the browser's console has errors: {errors}")
        say("CONSOLE_CLEAN")
    except (Failure, WebDriverException) as failure:
        print(f"web_client.py: {failure}", file=sys.stderr, flush=True)
        try:
            print("last page lines: " + repr(messages()[-12:]), file=sys.stderr, flush=True)
        except WebDriverException:
            pass
        return 1
    finally:
        driver.quit()
    nc.send("QUIT")
    say("DONE")
    return 0


if __name__ == "__main__":
    sys.exit(main())
