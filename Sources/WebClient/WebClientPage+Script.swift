extension WebClientPage {
    /// The page's JavaScript: the IRC connection over the WebSocket, the state of rooms and
    /// private conversations, and the rendering. Every piece of text from the network or the
    /// user is put into the page with `textContent` or `createTextNode`, never as HTML.
    /// It must not contain `</script`.
    public static let script = #"""
        "use strict";
        (function () {
        const WANTED_CAPS = ["server-time", "echo-message", "message-tags", "batch", "multi-prefix", "away-notify"];
        const SERVER = "*";
        const $ = (id) => document.getElementById(id);

        // ---- state --------------------------------------------------------------------------------
        let ws = null;
        let nick = "";
        let serverName = "";
        let registered = false;
        let quitting = false;          // the user asked to leave: no reconnect
        let everRegistered = false;    // registered once: reconnects pick the nick by themselves
        let caps = new Set();
        let lsCaps = [];
        let reconnectDelay = 1000;
        let reconnectTimer = null;
        let reconnectAt = 0;
        let countdownTimer = null;
        let lastInput = 0;
        let keepaliveTimer = null;
        let lastError = "";           // the server's ERROR line: why it closed the connection
        const batches = new Map();      // id -> {type, target, count}
        const buffers = new Map();      // fold(name) -> buffer
        let current = SERVER;
        let wantedRooms = [];           // rooms to be in (display names), re-joined after a reconnect
        let switchOnJoin = new Set();   // fold(room): switch to it when our JOIN comes
        const historyAsked = new Set(); // fold(room): a /history answer is coming (shown in full)
        const autoWho = new Set();      // fold(room): a WHO sent for away states, not shown
        const pendingNames = new Map(); // fold(room) -> [members] while 353s come
        const namesAsked = new Set();   // fold(room) or "*": the user asked /names
        const typed = [];
        let typedIndex = 0;

        const fold = (s) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
        const isRoom = (s) => s.startsWith("#");

        // ---- IRC lines ----------------------------------------------------------------------------
        function unescapeTag(v) {
          return v.replace(/\\(.)?/g, (m, c) => c === ":" ? ";" : c === "s" ? " " : c === "r" ? "\r"
            : c === "n" ? "\n" : c === undefined ? "" : c);
        }

        function parse(line) {
          const msg = {tags: {}, prefix: "", nick: "", command: "", params: []};
          let rest = line;
          if (rest.startsWith("@")) {
            const sp = rest.indexOf(" ");
            for (const t of rest.slice(1, sp < 0 ? undefined : sp).split(";")) {
              const eq = t.indexOf("=");
              if (eq < 0) msg.tags[t] = ""; else msg.tags[t.slice(0, eq)] = unescapeTag(t.slice(eq + 1));
            }
            rest = sp < 0 ? "" : rest.slice(sp + 1).replace(/^ +/, "");
          }
          if (rest.startsWith(":")) {
            const sp = rest.indexOf(" ");
            msg.prefix = rest.slice(1, sp < 0 ? undefined : sp);
            rest = sp < 0 ? "" : rest.slice(sp + 1).replace(/^ +/, "");
            const bang = msg.prefix.indexOf("!");
            msg.nick = bang < 0 ? msg.prefix : msg.prefix.slice(0, bang);
            msg.fromServer = bang < 0 && msg.prefix.indexOf("@") < 0;
          }
          while (rest.length) {
            if (rest.startsWith(":")) { msg.params.push(rest.slice(1)); break; }
            const sp = rest.indexOf(" ");
            if (sp < 0) { msg.params.push(rest); break; }
            msg.params.push(rest.slice(0, sp));
            rest = rest.slice(sp + 1).replace(/^ +/, "");
          }
          if (!msg.command && msg.params.length) msg.command = msg.params.shift().toUpperCase();
          return msg;
        }

        function send(line) {
          if (ws && ws.readyState === WebSocket.OPEN) {
            ws.send(line.replace(/[\r\n]+/g, " "));
            return true;
          }
          return false;
        }

        // ---- buffers ------------------------------------------------------------------------------
        function buffer(name, kind) {
          const key = name === SERVER ? SERVER : fold(name);
          let b = buffers.get(key);
          if (!b) {
            b = {key, name, kind: kind || (isRoom(name) ? "room" : "query"), lines: [], unread: 0,
              mention: false, members: new Map(), topic: "", joined: false, msgids: new Set()};
            buffers.set(key, b);
            renderRoomList();
          }
          return b;
        }

        function ensureServerBuffer() { buffer(SERVER, "server").name = "server"; }

        function switchTo(name) {
          const key = name === SERVER ? SERVER : fold(name);
          if (!buffers.has(key)) return;
          current = key;
          const b = buffers.get(key);
          b.unread = 0;
          b.mention = false;
          renderAll();
          closePanels();
          $("input").focus();
        }

        function closeBuffer(key) {
          if (key === SERVER) return;
          buffers.delete(key);
          wantedRooms = wantedRooms.filter((r) => fold(r) !== key);
          if (current === key) current = wantedRooms.length ? fold(wantedRooms[0]) : SERVER;
          if (!buffers.has(current)) current = SERVER;
          renderAll();
        }

        // ---- text rendering ---------------------------------------------------------------------
        // IRC formatting codes become spans with classes; nothing is ever parsed as HTML.
        function formatted(text) {
          const frag = document.createDocumentFragment();
          let st = {b: false, i: false, u: false, s: false, m: false, r: false, fg: -1, bg: -1};
          let run = "";
          const flush = () => {
            if (!run) return;
            const cls = [];
            if (st.b) cls.push("fb");
            if (st.i) cls.push("fi");
            if (st.u) cls.push("fu");
            if (st.s) cls.push("fs");
            if (st.m) cls.push("fm");
            let fg = st.fg, bg = st.bg;
            if (st.r) { cls.push("fr"); }
            if (fg >= 0) cls.push("c" + (fg % 16));
            if (bg >= 0) cls.push("g" + (bg % 16));
            if (cls.length) {
              const span = document.createElement("span");
              span.className = cls.join(" ");
              span.textContent = run;
              frag.appendChild(span);
            } else {
              frag.appendChild(document.createTextNode(run));
            }
            run = "";
          };
          for (let i = 0; i < text.length; i++) {
            const ch = text[i];
            const code = ch.charCodeAt(0);
            switch (code) {
              case 0x02: flush(); st.b = !st.b; break;
              case 0x1d: flush(); st.i = !st.i; break;
              case 0x1f: flush(); st.u = !st.u; break;
              case 0x1e: flush(); st.s = !st.s; break;
              case 0x11: flush(); st.m = !st.m; break;
              case 0x16: flush(); st.r = !st.r; break;
              case 0x0f: flush(); st = {b: false, i: false, u: false, s: false, m: false, r: false, fg: -1, bg: -1}; break;
              case 0x03: {
                flush();
                const m = /^(\d{1,2})(?:,(\d{1,2}))?/.exec(text.slice(i + 1));
                if (m) {
                  st.fg = parseInt(m[1], 10) >= 99 ? -1 : parseInt(m[1], 10);
                  if (m[2] !== undefined) st.bg = parseInt(m[2], 10) >= 99 ? -1 : parseInt(m[2], 10);
                  i += m[0].length;
                } else { st.fg = -1; st.bg = -1; }
                break;
              }
              case 0x04: {
                flush();
                const m = /^[0-9a-fA-F]{6}(?:,[0-9a-fA-F]{6})?/.exec(text.slice(i + 1));
                if (m) i += m[0].length;
                break;
              }
              default:
                // other control characters are shown as nothing (the server refuses most of them)
                if (code < 0x20 && code !== 0x09) break;
                run += ch;
            }
          }
          flush();
          return frag;
        }

        function plain(text) {
          return text.replace(/\x03(\d{1,2}(,\d{1,2})?)?|\x04([0-9a-fA-F]{6}(,[0-9a-fA-F]{6})?)?|[\x00-\x08\x0a-\x1f]/g, "");
        }

        function nickColour(n) {
          let h = 0;
          const f = fold(n);
          for (let i = 0; i < f.length; i++) h = (h * 31 + f.charCodeAt(i)) >>> 0;
          return "n" + (h % 12);
        }

        function timeOf(msg) {
          const t = msg && msg.tags && msg.tags.time ? new Date(msg.tags.time) : new Date();
          return isNaN(t.getTime()) ? new Date() : t;
        }

        function two(n) { return (n < 10 ? "0" : "") + n; }
        function clock(d) {
          const today = new Date();
          const hm = two(d.getHours()) + ":" + two(d.getMinutes());
          if (d.toDateString() === today.toDateString()) return hm;
          return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate()) + " " + hm;
        }

        // One line of a buffer: {kind, time, from, text, history, self, msgid}
        function addLine(b, line) {
          if (line.msgid) {
            if (b.msgids.has(line.msgid) && !line.forced) return;
            b.msgids.add(line.msgid);
          }
          b.lines.push(line);
          if (b.lines.length > 2000) b.lines.splice(0, b.lines.length - 2000);
          const counts = (line.kind === "msg" || line.kind === "action" || line.kind === "notice") && !line.self && !line.history;
          if (b.key === current) {
            appendLineElement(line);
          } else if (counts) {
            b.unread++;
            if (b.kind === "query" || (nick && fold(line.text).includes(fold(nick)))) b.mention = true;
            renderRoomList();
          }
          updateTitle();
        }

        function note(b, text, kind, msg) {
          addLine(b, {kind: kind || "event", time: timeOf(msg), text, history: msg && msg.history,
            msgid: msg && msg.tags && msg.tags.msgid});
        }

        function noteHere(text, kind) {
          const b = buffers.get(current) || buffer(SERVER, "server");
          note(b, text, kind);
        }

        function lineElement(line) {
          const row = document.createElement("div");
          const mentioned = !line.self && nick && (line.kind === "msg" || line.kind === "action") && fold(line.text).includes(fold(nick));
          row.className = "msg " + line.kind + (line.history ? " history" : "") + (line.self ? " self" : "") + (mentioned ? " mention" : "");
          row.dataset.kind = line.kind;
          if (line.from) row.dataset.from = line.from;
          if (line.msgid) row.dataset.msgid = line.msgid;
          const time = document.createElement("time");
          time.textContent = clock(line.time);
          time.dateTime = line.time.toISOString();
          time.title = line.time.toString() + (line.history ? " (earlier message)" : "");
          row.appendChild(time);
          if (line.kind === "msg" || line.kind === "notice") {
            const who = document.createElement("span");
            who.className = "from " + nickColour(line.from);
            who.textContent = line.kind === "notice" ? "-" + line.from + "-" : line.from;
            row.appendChild(who);
          } else if (line.kind === "action") {
            const who = document.createElement("span");
            who.className = "from " + nickColour(line.from);
            who.textContent = "* " + line.from;
            row.appendChild(who);
          }
          const text = document.createElement("span");
          text.className = "text";
          if (line.kind === "msg" || line.kind === "action" || line.kind === "notice") {
            text.appendChild(formatted(line.text));
          } else {
            text.textContent = plain(line.text);
          }
          row.appendChild(text);
          if (line.roomLinks) {
            for (const r of line.roomLinks) {
              const btn = document.createElement("button");
              btn.type = "button";
              btn.className = "join-link";
              btn.textContent = "join " + r;
              btn.addEventListener("click", () => joinRoom(r, ""));
              row.appendChild(btn);
            }
          }
          return row;
        }

        function appendLineElement(line) {
          const log = $("messages");
          const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
          log.appendChild(lineElement(line));
          while (log.childNodes.length > 2000) log.removeChild(log.firstChild);
          if (atBottom || line.self) log.scrollTop = log.scrollHeight;
        }

        // ---- rendering of the lists ---------------------------------------------------------------
        function sortedBuffers() {
          const list = [...buffers.values()];
          const order = {server: 0, room: 1, query: 2};
          return list.sort((a, b) => order[a.kind] - order[b.kind] || (fold(a.name) < fold(b.name) ? -1 : 1));
        }

        function renderRoomList() {
          const ul = $("rooms");
          ul.replaceChildren();
          for (const b of sortedBuffers()) {
            const li = document.createElement("li");
            li.dataset.target = b.name;
            li.className = b.kind + (b.key === current ? " current" : "") + (b.kind === "room" && !b.joined ? " parted" : "");
            const btn = document.createElement("button");
            btn.type = "button";
            btn.className = "buffer";
            const name = document.createElement("span");
            name.className = "name";
            name.textContent = b.kind === "server" ? "server messages" : b.name;
            btn.appendChild(name);
            if (b.unread > 0) {
              const badge = document.createElement("span");
              badge.className = "unread" + (b.mention ? " mention" : "");
              badge.textContent = String(b.unread);
              btn.appendChild(badge);
            }
            btn.addEventListener("click", () => switchTo(b.key));
            li.appendChild(btn);
            if (b.kind === "query" || (b.kind === "room" && !b.joined)) {
              const close = document.createElement("button");
              close.type = "button";
              close.className = "close";
              close.title = "Close " + b.name;
              close.textContent = "\u00d7";
              close.addEventListener("click", () => closeBuffer(b.key));
              li.appendChild(close);
            }
            ul.appendChild(li);
          }
          updateTitle();
        }

        function memberRank(m) { return m.modes.includes("@") ? 0 : m.modes.includes("+") ? 1 : 2; }

        function renderMembers() {
          const ul = $("members");
          ul.replaceChildren();
          const b = buffers.get(current);
          const heading = $("members-heading");
          if (!b || b.kind !== "room") {
            heading.textContent = b && b.kind === "query" ? "Private conversation" : "Members";
            return;
          }
          const list = [...b.members.values()].sort((x, y) =>
            memberRank(x) - memberRank(y) || (fold(x.nick) < fold(y.nick) ? -1 : 1));
          heading.textContent = "Members (" + list.length + ")";
          for (const m of list) {
            const li = document.createElement("li");
            li.dataset.nick = m.nick;
            const away = awayNicks.has(fold(m.nick));
            li.className = away ? "away" : "";
            const btn = document.createElement("button");
            btn.type = "button";
            const mark = document.createElement("span");
            mark.className = "mark";
            mark.textContent = m.modes;
            const who = document.createElement("span");
            who.className = "nick " + nickColour(m.nick);
            who.textContent = m.nick;
            btn.appendChild(mark);
            btn.appendChild(who);
            if (away) {
              const a = document.createElement("span");
              a.className = "away-mark";
              a.textContent = "away";
              btn.appendChild(a);
              btn.title = m.nick + " is away" + (awayNicks.get(fold(m.nick)) ? ": " + plain(awayNicks.get(fold(m.nick))) : "");
            } else {
              btn.title = "Talk privately with " + m.nick;
            }
            btn.addEventListener("click", () => { if (fold(m.nick) !== fold(nick)) { buffer(m.nick, "query"); switchTo(m.nick); } });
            li.appendChild(btn);
            ul.appendChild(li);
          }
        }

        function renderHeader() {
          const b = buffers.get(current);
          $("target").textContent = !b || b.kind === "server" ? "LineChat" : b.name;
          $("topic").textContent = b && b.kind === "room" ? plain(b.topic || "") : b && b.kind === "query" ? "private conversation" : "";
          $("me").textContent = nick ? nick + (selfAway ? " (away)" : "") : "";
          $("input").placeholder = !b || b.kind === "server" ? "/join #room, or /help"
            : "Message " + b.name + " (/help for commands)";
        }

        function renderMessages() {
          const log = $("messages");
          log.replaceChildren();
          const b = buffers.get(current);
          if (!b) return;
          for (const line of b.lines) log.appendChild(lineElement(line));
          log.scrollTop = log.scrollHeight;
        }

        function renderAll() {
          renderRoomList();
          renderMembers();
          renderHeader();
          renderMessages();
        }

        function updateTitle() {
          let total = 0;
          for (const b of buffers.values()) total += b.unread;
          document.title = (total ? "(" + total + ") " : "") + "LineChat";
        }

        // ---- away states ---------------------------------------------------------------------------
        const awayNicks = new Map();    // fold(nick) -> away text
        let selfAway = false;

        // ---- incoming -------------------------------------------------------------------------------
        function onLine(raw) {
          const msg = parse(raw);
          if (msg.tags.batch && batches.has(msg.tags.batch)) {
            const batch = batches.get(msg.tags.batch);
            if (batch.type === "chathistory") { msg.history = true; msg.batch = batch; batch.count++; }
          }
          const h = handlers[msg.command];
          if (h) h(msg);
          else if (/^\d{3}$/.test(msg.command)) numeric(msg);
        }

        function memberOf(b, n) { return b.members.get(fold(n)); }

        function setMember(b, n, modes) { b.members.set(fold(n), {nick: n, modes: modes || ""}); }

        function roomsWith(n) { return [...buffers.values()].filter((b) => b.kind === "room" && b.members.has(fold(n))); }

        function messageTarget(msg) {
          // The conversation a PRIVMSG or NOTICE belongs to.
          const target = msg.params[0] || "";
          if (msg.fromServer) return isRoom(target) && buffers.has(fold(target)) ? buffer(target) : buffer(SERVER, "server");
          if (isRoom(target)) return buffer(target);
          const other = fold(msg.nick) === fold(nick) ? target : msg.nick;
          return buffer(other, "query");
        }

        function onMessage(msg, isNotice) {
          let text = msg.params[1] || "";
          const b = messageTarget(msg);
          const self = fold(msg.nick) === fold(nick) && !msg.fromServer;
          let kind = isNotice ? "notice" : "msg";
          if (text.startsWith("\x01")) {
            const inner = text.replace(/^\x01/, "").replace(/\x01$/, "");
            const sp = inner.indexOf(" ");
            const verb = (sp < 0 ? inner : inner.slice(0, sp)).toUpperCase();
            if (verb !== "ACTION") {
              if (!isNotice && !msg.history && verb === "VERSION" && !self) {
                send("NOTICE " + msg.nick + " :\x01VERSION LineChat web client\x01");
              }
              return;
            }
            text = sp < 0 ? "" : inner.slice(sp + 1);
            kind = "action";
          }
          if (msg.fromServer && b.kind === "server") {
            // The server's announcements (to *) are shown where the user is looking.
            if (registered && msg.params[0] === "*") {
              addLine(buffers.get(current) || b, {kind: "notice", time: timeOf(msg), from: msg.nick || serverName, text});
            } else {
              note(b, text, "server", msg);
            }
            return;
          }
          addLine(b, {kind, time: timeOf(msg), from: msg.fromServer ? (msg.nick || serverName) : msg.nick, text, self,
            history: msg.history, msgid: msg.tags.msgid, forced: msg.batch && msg.batch.forced});
        }

        const handlers = {
          PING(msg) { send("PONG :" + (msg.params[0] || "")); },
          PONG() {},
          CAP(msg) {
            const sub = (msg.params[1] || "").toUpperCase();
            if (sub === "LS") {
              const more = msg.params[2] === "*";
              lsCaps = lsCaps.concat((more ? msg.params[3] : msg.params[2] || "").split(" ").filter(Boolean));
              if (more) return;
              const offered = new Set(lsCaps.map((c) => c.split("=")[0]));
              const req = WANTED_CAPS.filter((c) => offered.has(c));
              if (req.length) send("CAP REQ :" + req.join(" ")); else send("CAP END");
            } else if (sub === "ACK") {
              for (const c of (msg.params[2] || "").split(" ").filter(Boolean)) {
                if (c.startsWith("-")) caps.delete(c.slice(1)); else caps.add(c);
              }
              if (!registered) send("CAP END");
            } else if (sub === "NAK") {
              if (!registered) send("CAP END");
            }
          },
          BATCH(msg) {
            const ref = msg.params[0] || "";
            if (ref.startsWith("+")) {
              const type = msg.params[1] || "";
              const target = msg.params[2] || "";
              const batch = {type, target, count: 0, forced: historyAsked.has(fold(target))};
              historyAsked.delete(fold(target));
              batches.set(ref.slice(1), batch);
              if (type === "chathistory" && isRoom(target)) {
                note(buffer(target), "earlier messages", "history-start", msg);
              }
            } else if (ref.startsWith("-")) {
              const batch = batches.get(ref.slice(1));
              batches.delete(ref.slice(1));
              if (batch && batch.type === "chathistory" && isRoom(batch.target)) {
                const b = buffer(batch.target);
                const last = b.lines[b.lines.length - 1];
                if (last && last.kind === "history-start") {
                  b.lines.pop();
                  if (b.key === current) renderMessages();
                  if (batch.forced) note(b, "no earlier messages", "event");
                } else {
                  note(b, "end of earlier messages", "history-end");
                }
              }
            }
          },
          PRIVMSG(msg) { onMessage(msg, false); },
          NOTICE(msg) {
            if (!registered && msg.fromServer) return; // the nc users' welcome notice
            onMessage(msg, true);
          },
          JOIN(msg) {
            const room = msg.params[0];
            const b = buffer(room);
            if (fold(msg.nick) === fold(nick)) {
              b.name = room;
              b.joined = true;
              b.members.clear();
              if (!wantedRooms.some((r) => fold(r) === fold(room))) wantedRooms.push(room);
              note(b, "You joined " + room, "join", msg);
              if (switchOnJoin.has(fold(room)) || current === SERVER) { switchOnJoin.delete(fold(room)); switchTo(room); }
              renderRoomList();
            } else {
              setMember(b, msg.nick, "");
              note(b, msg.nick + " joined " + room, "join", msg);
              if (b.key === current) renderMembers();
            }
          },
          PART(msg) {
            const room = msg.params[0];
            const b = buffer(room);
            const reason = msg.params[1] ? " (" + msg.params[1] + ")" : "";
            if (fold(msg.nick) === fold(nick)) {
              leftRoom(b);
              note(b, "You left " + b.name + reason, "part", msg);
              // As in the linechat client: a room you are still in becomes current (the parted one
              // stays in the list, struck through, until closed).
              if (current === b.key && wantedRooms.length) switchTo(wantedRooms[wantedRooms.length - 1]);
            } else {
              b.members.delete(fold(msg.nick));
              note(b, msg.nick + " left " + b.name + reason, "part", msg);
              if (b.key === current) renderMembers();
            }
          },
          KICK(msg) {
            const room = msg.params[0], who = msg.params[1] || "";
            const b = buffer(room);
            const reason = msg.params[2] ? " (" + msg.params[2] + ")" : "";
            if (fold(who) === fold(nick)) {
              leftRoom(b);
              note(b, "You were kicked from " + b.name + " by " + msg.nick + reason, "kick", msg);
            } else {
              b.members.delete(fold(who));
              note(b, who + " was kicked by " + msg.nick + reason, "kick", msg);
              if (b.key === current) renderMembers();
            }
          },
          QUIT(msg) {
            const reason = msg.params[0] ? " (" + msg.params[0] + ")" : "";
            for (const b of roomsWith(msg.nick)) {
              b.members.delete(fold(msg.nick));
              note(b, msg.nick + " quit" + reason, "quit", msg);
            }
            const q = buffers.get(fold(msg.nick));
            if (q && q.kind === "query") note(q, msg.nick + " quit" + reason, "quit", msg);
            awayNicks.delete(fold(msg.nick));
            renderMembers();
          },
          NICK(msg) {
            const old = msg.nick, now = msg.params[0];
            const isSelf = fold(old) === fold(nick);
            if (isSelf) {
              nick = now;
              try { localStorage.setItem("linechat.nick", nick); } catch (e) { /* storage off */ }
            }
            const text = isSelf ? "You are now known as " + now : old + " is now known as " + now;
            for (const b of roomsWith(old)) {
              const m = memberOf(b, old);
              b.members.delete(fold(old));
              setMember(b, now, m ? m.modes : "");
              note(b, text, "nick", msg);
            }
            const q = buffers.get(fold(old));
            if (q && q.kind === "query" && !buffers.has(fold(now))) {
              buffers.delete(q.key);
              q.key = fold(now);
              q.name = now;
              buffers.set(q.key, q);
              if (current === fold(old)) current = q.key;
              note(q, text, "nick", msg);
            }
            if (awayNicks.has(fold(old))) { awayNicks.set(fold(now), awayNicks.get(fold(old))); awayNicks.delete(fold(old)); }
            if (isSelf && !roomsWith(now).length) noteHere(text, "nick");
            renderAll();
          },
          TOPIC(msg) {
            const b = buffer(msg.params[0]);
            b.topic = msg.params[1] || "";
            note(b, b.topic ? msg.nick + " set the topic: " + b.topic : msg.nick + " cleared the topic", "topic", msg);
            renderHeader();
          },
          MODE(msg) {
            const target = msg.params[0] || "";
            if (!isRoom(target)) { noteHere("Your modes: " + msg.params.slice(1).join(" "), "event"); return; }
            const b = buffer(target);
            const modes = msg.params[1] || "";
            const args = msg.params.slice(2);
            let sign = "+", ai = 0;
            for (const c of modes) {
              if (c === "+" || c === "-") { sign = c; continue; }
              if ("ov".includes(c)) {
                const who = args[ai++];
                const m = who && memberOf(b, who);
                if (m) {
                  const mark = c === "o" ? "@" : "+";
                  const set = new Set(m.modes.split(""));
                  if (sign === "+") set.add(mark); else set.delete(mark);
                  m.modes = ["@", "+"].filter((x) => set.has(x)).join("");
                }
              } else if ("kbl".includes(c)) {
                if (c !== "l" || sign === "+") ai++;
              }
            }
            note(b, msg.nick + " set mode " + msg.params.slice(1).join(" "), "mode", msg);
            if (b.key === current) renderMembers();
          },
          AWAY(msg) {
            const text = msg.params[0];
            if (text) awayNicks.set(fold(msg.nick), text); else awayNicks.delete(fold(msg.nick));
            renderMembers();
          },
          INVITE(msg) {
            const room = msg.params[1] || "";
            addLine(buffers.get(current) || buffer(SERVER, "server"),
              {kind: "event", time: timeOf(msg), text: msg.nick + " invites you to " + room, roomLinks: [room]});
          },
          ERROR(msg) {
            lastError = msg.params[0] || "";
            noteHere("Server: " + (msg.params[0] || "closing the connection"), "error");
          },
          FAIL(msg) {
            noteHere(msg.params[msg.params.length - 1] || "failed", "error");
          },
          TAGMSG() {},
        };

        function leftRoom(b) {
          b.joined = false;
          b.members.clear();
          wantedRooms = wantedRooms.filter((r) => fold(r) !== b.key);
          renderRoomList();
          if (b.key === current) renderMembers();
        }

        function numeric(msg) {
          const code = msg.command;
          const p = msg.params;
          const last = p.length > 1 ? p[p.length - 1] : "";
          switch (code) {
            case "001":
              registered = true;
              everRegistered = true;
              nick = p[0];
              serverName = msg.prefix;
              reconnectDelay = 1000;
              try { localStorage.setItem("linechat.nick", nick); } catch (e) { /* storage off */ }
              showLogin(false);
              hideBanner();
              ensureServerBuffer();
              note(buffer(SERVER), last, "server", msg);
              if (wantedRooms.length) {
                const rooms = wantedRooms;
                wantedRooms = [];
                for (const r of rooms) send("JOIN " + r);
              }
              renderHeader();
              return;
            case "002": case "003": case "004": case "005": case "375": case "372": case "376": case "251": case "422":
              if (code !== "004" && code !== "005") note(buffer(SERVER, "server"), last, "server", msg);
              return;
            case "331": { const b = buffer(p[1]); b.topic = ""; if (!b.joined || b.topicAsked) note(b, "No topic is set", "topic"); b.topicAsked = false; renderHeader(); return; }
            case "332": { const b = buffer(p[1]); b.topic = last; note(b, "Topic: " + last, "topic", msg); renderHeader(); return; }
            case "333": {
              const b = buffer(p[1]);
              const when = new Date(parseInt(p[3], 10) * 1000);
              note(b, "Topic set by " + p[2] + (isNaN(when.getTime()) ? "" : " on " + when.toLocaleString()), "topic", msg);
              return;
            }
            case "353": {
              const room = p[2];
              const list = pendingNames.get(fold(room)) || [];
              for (const entry of last.split(" ").filter(Boolean)) {
                const m = /^([@+]*)(.*)$/.exec(entry);
                list.push({nick: m[2].split("!")[0], modes: m[1]});
              }
              pendingNames.set(fold(room), list);
              return;
            }
            case "366": {
              const room = p[1];
              const list = pendingNames.get(fold(room)) || [];
              pendingNames.delete(fold(room));
              const b = buffers.get(fold(room));
              if (b && b.joined) {
                b.members.clear();
                for (const m of list) setMember(b, m.nick, m.modes);
                if (b.key === current) renderMembers();
                if (!b.whoDone) { b.whoDone = true; autoWho.add(b.key); send("WHO " + b.name); }
              }
              if (namesAsked.has(fold(room)) || (namesAsked.has("*") && room === "*")) {
                namesAsked.delete(fold(room));
                noteHere("Members of " + room + " (" + list.length + "): " + list.map((m) => m.modes + m.nick).join(" "), "info");
              }
              return;
            }
            case "352": {
              const room = p[1], who = p[5], flags = p[6] || "";
              if (flags.startsWith("G")) { if (!awayNicks.has(fold(who))) awayNicks.set(fold(who), ""); }
              else awayNicks.delete(fold(who));
              if (!autoWho.has(fold(room))) noteHere(who + " (" + p[2] + "@" + p[3] + ") " + (flags.startsWith("G") ? "away" : "here")
                + (flags.length > 1 ? ", " + flags.slice(1) + " in " + room : "") + ": " + last.replace(/^\d+ /, ""), "info");
              return;
            }
            case "315":
              if (autoWho.has(fold(p[1]))) { autoWho.delete(fold(p[1])); renderMembers(); }
              else noteHere("End of WHO " + p[1], "info");
              return;
            case "305": selfAway = false; awayNicks.delete(fold(nick)); noteHere(last, "info"); renderHeader(); renderMembers(); return;
            case "306": selfAway = true; awayNicks.set(fold(nick), ""); noteHere(last, "info"); renderHeader(); renderMembers(); return;
            case "301": {
              const q = buffers.get(fold(p[1]));
              note(q && q.kind === "query" ? q : buffers.get(current) || buffer(SERVER, "server"), p[1] + " is away: " + last, "info");
              return;
            }
            case "311": noteHere(p[1] + " is " + p[2] + "@" + p[3] + " (" + last + ")", "info"); return;
            case "319": noteHere(p[1] + " is in " + last, "info"); return;
            case "312": noteHere(p[1] + " is on " + p[2] + " (" + last + ")", "info"); return;
            case "317": noteHere(p[1] + " has been idle " + p[2] + " s, connected since " + new Date(parseInt(p[3], 10) * 1000).toLocaleString(), "info"); return;
            case "671": noteHere(p[1] + " " + last, "info"); return;
            case "318": return;
            case "321": noteHere("Rooms:", "info"); return;
            case "322": {
              const b = buffers.get(current) || buffer(SERVER, "server");
              addLine(b, {kind: "info", time: new Date(), text: p[1] + " (" + p[2] + ") " + last, roomLinks: isRoom(p[1]) && !(buffers.get(fold(p[1])) || {}).joined ? [p[1]] : null});
              return;
            }
            case "323": noteHere(last, "info"); return;
            case "324": noteHere(p[1] + " modes: " + p.slice(2).join(" "), "info"); return;
            case "329": return;
            case "341": noteHere("Invited " + p[1] + " to " + p[2], "info"); return;
            case "704": case "705": case "706": noteHere(last, "info"); return;
            case "432": case "433": case "431":
              if (!registered) {
                if (everRegistered && code === "433") { send("NICK " + (p[1] || nick) + "_"); return; }
                showLogin(true, last.startsWith(":") ? last : (p[1] ? p[1] + ": " : "") + last);
                return;
              }
              noteHere((p[1] && code !== "431" ? p[1] + ": " : "") + last, "error");
              return;
          }
          if (code >= "400" && code < "600") {
            const subject = p.slice(1, -1).join(" ");
            noteHere((subject ? subject + ": " : "") + last, "error");
          } else if (registered) {
            noteHere(p.slice(1).join(" "), "info");
          }
        }

        // ---- connection -----------------------------------------------------------------------------
        function socketURL() {
          return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws";
        }

        function connect() {
          clearTimeout(reconnectTimer);
          clearInterval(countdownTimer);
          registered = false;
          caps = new Set();
          lsCaps = [];
          batches.clear();
          quitting = false;
          lastError = "";
          setStatus("connecting");
          let socket;
          try {
            socket = new WebSocket(socketURL(), ["text.ircv3.net"]);
          } catch (e) {
            scheduleReconnect("could not open " + socketURL());
            return;
          }
          ws = socket;
          socket.binaryType = "arraybuffer";
          socket.onopen = () => {
            if (ws !== socket) return;
            setStatus("connected");
            lastInput = Date.now();
            send("CAP LS 302");
            send("NICK " + nick);
            send("USER " + (/^[A-Za-z][A-Za-z0-9_-]{0,9}$/.test(nick) ? nick : "web") + " 0 * :LineChat web client");
            clearInterval(keepaliveTimer);
            keepaliveTimer = setInterval(keepalive, 30000);
          };
          socket.onmessage = (event) => {
            if (ws !== socket) return;
            lastInput = Date.now();
            const data = typeof event.data === "string" ? event.data : new TextDecoder().decode(event.data);
            for (const line of data.split(/\r?\n/)) if (line) onLine(line);
          };
          socket.onclose = (event) => {
            if (ws !== socket) return;
            ws = null;
            clearInterval(keepaliveTimer);
            const wasRegistered = registered;
            registered = false;
            for (const b of buffers.values()) {
              if (b.kind === "room" && b.joined) {
                b.joined = false;
                b.members.clear();
                b.whoDone = false;
                note(b, "Disconnected", "error");
              }
            }
            renderAll();
            if (quitting) {
              setStatus("offline");
              showLogin(true, "You left the chat. Pick a nickname to come back.");
              return;
            }
            if (!wasRegistered && !everRegistered) {
              setStatus("offline");
              const why = lastError || event.reason;
              showLogin(true, "Could not reach the chat server" + (why ? ": " + why : "") + ". Try again.");
              return;
            }
            scheduleReconnect(lastError || event.reason || "the connection was closed");
          };
          socket.onerror = () => {};
        }

        function keepalive() {
          if (!ws) return;
          if (Date.now() - lastInput > 75000) { ws.close(); return; }
          if (Date.now() - lastInput > 25000) send("PING :keepalive");
        }

        function scheduleReconnect(why) {
          const delay = reconnectDelay;
          reconnectDelay = Math.min(reconnectDelay * 2, 60000);
          reconnectAt = Date.now() + delay * (0.8 + Math.random() * 0.4);
          setStatus("offline");
          const tick = () => {
            const left = Math.max(0, Math.ceil((reconnectAt - Date.now()) / 1000));
            showBanner("Connection lost (" + why + "). Reconnecting in " + left + " s\u2026");
          };
          tick();
          clearInterval(countdownTimer);
          countdownTimer = setInterval(tick, 1000);
          clearTimeout(reconnectTimer);
          reconnectTimer = setTimeout(() => { showBanner("Connection lost. Reconnecting\u2026"); connect(); }, reconnectAt - Date.now());
        }

        function setStatus(s) {
          const el = $("status");
          el.textContent = s;
          el.className = "status " + s;
          document.body.dataset.connection = s;
        }

        function showBanner(text) {
          $("banner-text").textContent = text;
          $("banner").hidden = false;
        }

        function hideBanner() {
          $("banner").hidden = true;
          clearInterval(countdownTimer);
        }

        function showLogin(show, error) {
          $("login").hidden = !show;
          $("login-error").textContent = error || "";
          $("login-error").hidden = !error;
          if (show) { $("nick-input").value = nick || $("nick-input").value; $("nick-input").focus(); $("nick-input").select(); }
        }

        // ---- commands ---------------------------------------------------------------------------------
        const HELP = [
          "Type a message and press Enter to send it to the current room or conversation. Commands:",
          "/join #room [key]  join a room (or switch to it)      /part [#room] [reason]  leave a room",
          "/msg <nick> <text>  a private message (own tab)     /query <nick>  open a private tab",
          "/me <action>  an action: /me waves                  /notice <target> <text>",
          "/topic [text]  show or set the topic                /names [#room]  /who [#room|nick]  /whois <nick>",
          "/list, /rooms  the rooms                            /history [n]  earlier messages",
          "/away [text]  away (no text: back)                  /nick <new>  change your nickname",
          "/invite <nick> [#room]  /kick <nick> [reason]  /mode [args]  (room operators)",
          "/close  close this tab   /clear  clear it   /raw <line>  a protocol line   /quit [reason]  leave",
          "//text sends text that starts with /. Tab completes nicknames; Up/Down recall what you typed.",
        ];

        function room(word) { return word.startsWith("#") ? word : "#" + word; }

        function joinRoom(r, key) {
          const b = buffers.get(fold(r));
          if (b && b.joined) { switchTo(r); return; }
          switchOnJoin.add(fold(r));
          send("JOIN " + r + (key ? " " + key : ""));
        }

        function say(text) {
          const b = buffers.get(current);
          if (!b || b.kind === "server") { noteHere("You are not in a room here: /join #room, or pick one on the left.", "error"); return; }
          sendMessage(b.name, text, "PRIVMSG");
        }

        function sendMessage(target, text, verb) {
          if (!send(verb + " " + target + " :" + text)) { noteHere("Not connected: the message was not sent.", "error"); return; }
          if (!caps.has("echo-message")) {
            const b = isRoom(target) ? buffer(target) : buffer(target, "query");
            const action = /^\x01ACTION (.*)\x01?$/.exec(text);
            addLine(b, {kind: action ? "action" : verb === "NOTICE" ? "notice" : "msg", time: new Date(), from: nick,
              text: action ? action[1].replace(/\x01$/, "") : text, self: true});
          }
        }

        function command(line) {
          if (!line.trim()) return;
          if (!line.startsWith("/") || line.startsWith("//")) { say(line.startsWith("//") ? line.slice(1) : line); return; }
          const m = /^\/(\S+)\s*(.*)$/.exec(line);
          const name = m[1].toLowerCase();
          const rest = m[2].replace(/\s+$/, "");
          const words = rest.split(/\s+/).filter(Boolean);
          const afterFirst = rest.replace(/^\S+\s*/, "");
          const b = buffers.get(current);
          const here = b && b.kind === "room" ? b.name : null;
          const needRoom = () => { if (!here) noteHere("This command works in a room: switch to one first.", "error"); return here; };
          switch (name) {
            case "join": case "j":
              if (!words.length || words.length > 2) return usage("/join #room [key]");
              joinRoom(room(words[0]), words[1]);
              return;
            case "switch": case "sw": case "go":
            {
              if (words.length !== 1) return usage("/switch #room");
              // a tab by its name (a private conversation's too), or a room without its #
              const tab = buffers.has(fold(words[0])) ? words[0] : room(words[0]);
              if (buffers.has(fold(tab))) switchTo(tab); else noteHere("You are not in " + tab + ": /join it first.", "error");
              return;
            }
            case "part": case "leave": {
              if (words[0] && words[0].startsWith("#")) { send("PART " + words[0] + (afterFirst ? " :" + afterFirst : "")); return; }
              if (b && b.kind === "query") { closeBuffer(b.key); return; }
              if (!needRoom()) return;
              send("PART " + here + (rest ? " :" + rest : ""));
              return;
            }
            case "close":
              if (b && b.kind === "room" && b.joined) send("PART " + b.name);
              if (b) closeBuffer(b.key);
              return;
            case "msg": case "query": {
              if (!words.length || (name === "msg" && !afterFirst)) return usage("/" + name + " <nick> " + (name === "msg" ? "<message>" : "[message]"));
              const target = words[0];
              if (!isRoom(target)) buffer(target, "query");
              if (name === "query" || !isRoom(target)) switchTo(target);
              if (afterFirst) sendMessage(target, afterFirst, "PRIVMSG");
              return;
            }
            case "notice":
              if (words.length < 2) return usage("/notice <nick|#room> <text>");
              sendMessage(words[0], afterFirst, "NOTICE");
              return;
            case "me":
              if (!rest) return usage("/me <action>");
              if (!b || b.kind === "server") { noteHere("/me works in a room or a private conversation.", "error"); return; }
              sendMessage(b.name, "\x01ACTION " + rest + "\x01", "PRIVMSG");
              return;
            case "topic":
              if (!needRoom()) return;
              if (rest) send("TOPIC " + here + " :" + rest); else { b.topicAsked = true; send("TOPIC " + here); }
              return;
            case "names": {
              const r = words[0] ? room(words[0]) : here;
              if (!r) return usage("/names [#room]");
              namesAsked.add(fold(r));
              send("NAMES " + r);
              return;
            }
            case "who": {
              const t = words[0] || here;
              if (!t) return usage("/who [#room|nick]");
              autoWho.delete(fold(t));
              send("WHO " + t);
              return;
            }
            case "whois":
              if (words.length !== 1) return usage("/whois <nick>");
              send("WHOIS " + words[0]);
              return;
            case "away": send(rest ? "AWAY :" + rest : "AWAY"); return;
            case "back": send("AWAY"); return;
            case "invite": {
              const r = words[1] ? room(words[1]) : here;
              if (!words[0] || !r) return usage("/invite <nick> [#room]");
              send("INVITE " + words[0] + " " + r);
              return;
            }
            case "kick":
              if (!words[0]) return usage("/kick <nick> [reason]");
              if (!needRoom()) return;
              send("KICK " + here + " " + words[0] + (afterFirst ? " :" + afterFirst : ""));
              return;
            case "mode":
              if (words[0] && (isRoom(words[0]) || fold(words[0]) === fold(nick))) send("MODE " + rest);
              else if (needRoom()) send("MODE " + here + (rest ? " " + rest : ""));
              return;
            case "list": case "rooms": send(words[0] ? "LIST " + words[0] : "LIST"); return;
            case "history": {
              if (!needRoom()) return;
              if (words.length > 1) return usage("/history [n]");
              historyAsked.add(fold(here));
              send("HISTORY " + here + (words[0] ? " " + words[0] : ""));
              return;
            }
            case "nick": if (words.length !== 1) return usage("/nick <new nick>"); send("NICK " + words[0]); return;
            case "clear": if (b) { b.lines = []; renderMessages(); } return;
            case "raw": case "quote": if (!rest) return usage("/raw <protocol line>"); send(rest); return;
            case "help": for (const h of HELP) noteHere(h, "info"); return;
            case "quit": case "exit":
              quitting = true;
              wantedRooms = [];
              if (!send("QUIT" + (rest ? " :" + rest : ""))) { hideBanner(); clearTimeout(reconnectTimer); showLogin(true, "You left the chat."); }
              return;
            default:
              noteHere("Unknown command /" + name + " (/help lists them)", "error");
          }
        }

        function usage(text) { noteHere("Usage: " + text, "error"); }

        // ---- the page's controls ----------------------------------------------------------------------
        function closePanels() { document.body.classList.remove("show-rooms", "show-members"); }

        $("login-form").addEventListener("submit", (e) => {
          e.preventDefault();
          const wanted = $("nick-input").value.trim();
          if (!wanted) { showLogin(true, "Pick a nickname first."); return; }
          $("login-error").hidden = true;
          nick = wanted;
          if (ws && ws.readyState === WebSocket.OPEN && !registered) { send("NICK " + wanted); return; }
          everRegistered = false;
          reconnectDelay = 1000;
          ensureServerBuffer();
          connect();
        });

        $("compose").addEventListener("submit", (e) => {
          e.preventDefault();
          const input = $("input");
          const line = input.value;
          if (!line) return;
          typed.push(line);
          if (typed.length > 100) typed.shift();
          typedIndex = typed.length;
          input.value = "";
          command(line);
        });

        $("input").addEventListener("keydown", (e) => {
          const input = $("input");
          if (e.key === "ArrowUp" && typedIndex > 0) { typedIndex--; input.value = typed[typedIndex]; e.preventDefault(); }
          else if (e.key === "ArrowDown" && typedIndex < typed.length) { typedIndex++; input.value = typed[typedIndex] || ""; e.preventDefault(); }
          else if (e.key === "Tab") {
            const b = buffers.get(current);
            const before = input.value.slice(0, input.selectionStart);
            const m = /(\S+)$/.exec(before);
            if (!b || !m) return;
            e.preventDefault();
            const found = [...b.members.values()].map((x) => x.nick).find((n) => fold(n).startsWith(fold(m[1])));
            if (!found) return;
            const suffix = before.length === m[1].length ? ": " : " ";
            input.value = before.slice(0, before.length - m[1].length) + found + suffix + input.value.slice(input.selectionStart);
          }
        });

        $("toggle-rooms").addEventListener("click", () => {
          document.body.classList.toggle("show-rooms");
          document.body.classList.remove("show-members");
        });
        $("toggle-members").addEventListener("click", () => {
          document.body.classList.toggle("show-members");
          document.body.classList.remove("show-rooms");
        });
        $("scrim").addEventListener("click", closePanels);
        document.addEventListener("keydown", (e) => { if (e.key === "Escape") closePanels(); });
        $("reconnect-now").addEventListener("click", () => { showBanner("Reconnecting\u2026"); reconnectDelay = 1000; connect(); });
        $("join-form").addEventListener("submit", (e) => {
          e.preventDefault();
          const v = $("join-input").value.trim();
          if (!v) return;
          $("join-input").value = "";
          if (!registered) { noteHere("Not connected yet.", "error"); return; }
          joinRoom(room(v), "");
        });

        try { const saved = localStorage.getItem("linechat.nick"); if (saved) $("nick-input").value = saved; } catch (e) { /* storage off */ }
        ensureServerBuffer();
        renderAll();
        showLogin(true);
        })();
        """#
}
