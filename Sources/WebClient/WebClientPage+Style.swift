extension WebClientPage {
    /// The page's CSS. It must not contain `</style`.
    public static let style = #"""
        :root {
          --bg: #ffffff; --fg: #1d2025; --muted: #6b7280; --line: #e3e6ea; --panel: #f5f6f8;
          --accent: #2563eb; --accent-fg: #ffffff; --error: #b42318; --history: #f3f4f6; --mention: #dc2626;
          --banner: #fff4e5; --banner-fg: #7a3e00;
          color-scheme: light dark;
        }
        @media (prefers-color-scheme: dark) {
          :root {
            --bg: #16181c; --fg: #e6e8eb; --muted: #9aa1ab; --line: #2b2f36; --panel: #1d2025;
            --accent: #4f8cff; --accent-fg: #0b0d10; --error: #ff6b60; --history: #1f2329; --mention: #ff5c5c;
            --banner: #3a2a12; --banner-fg: #ffd9a0;
          }
        }
        * { box-sizing: border-box; }
        html, body { height: 100%; margin: 0; }
        body {
          font: 15px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif;
          background: var(--bg); color: var(--fg); display: flex; flex-direction: column; overflow: hidden;
        }
        button, input { font: inherit; color: inherit; }
        button { cursor: pointer; }
        #bar {
          display: flex; align-items: center; gap: 10px; padding: 6px 10px; border-bottom: 1px solid var(--line);
          background: var(--panel); min-height: 46px;
        }
        #title { flex: 1; min-width: 0; display: flex; align-items: baseline; gap: 10px; overflow: hidden; }
        #target { font-size: 17px; margin: 0; white-space: nowrap; }
        #topic { color: var(--muted); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; font-size: 14px; }
        #me { color: var(--muted); font-size: 13px; white-space: nowrap; }
        .status { font-size: 12px; padding: 2px 8px; border-radius: 10px; background: var(--line); white-space: nowrap; }
        .status.connected { background: #16a34a; color: #fff; }
        .status.connecting { background: #ca8a04; color: #fff; }
        .status.offline { background: var(--error); color: #fff; }
        .toggle { display: none; background: none; border: 1px solid var(--line); border-radius: 6px; padding: 2px 8px; font-size: 16px; }
        #toggle-members { font-size: 13px; padding: 4px 8px; }
        #banner {
          background: var(--banner); color: var(--banner-fg); padding: 8px 12px; border-bottom: 1px solid var(--line);
          font-weight: 600;
        }
        #banner[hidden] { display: none; }
        #banner button { margin-left: 8px; font-weight: normal; border: 1px solid currentColor; background: none; border-radius: 6px; padding: 1px 8px; }
        main { flex: 1; display: flex; min-height: 0; position: relative; }
        #rooms-panel, #members-panel {
          width: 200px; flex: none; background: var(--panel); overflow-y: auto; padding: 8px 0;
        }
        #rooms-panel { border-right: 1px solid var(--line); }
        #members-panel { border-left: 1px solid var(--line); width: 180px; }
        h2 { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 4px 12px 6px; }
        ul { list-style: none; margin: 0; padding: 0; }
        #rooms li { display: flex; align-items: center; }
        #rooms li button.buffer {
          flex: 1; display: flex; align-items: center; gap: 6px; text-align: left; background: none; border: 0;
          padding: 5px 12px; min-width: 0;
        }
        #rooms li .name { flex: 1; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
        #rooms li.server .name { color: var(--muted); font-style: italic; }
        #rooms li.query .name::before { content: "\2194  "; color: var(--muted); }
        #rooms li.parted .name { color: var(--muted); text-decoration: line-through; }
        #rooms li.current { background: var(--accent); }
        #rooms li.current button { color: var(--accent-fg); }
        #rooms li.current .name { color: var(--accent-fg); }
        #rooms li:not(.current):hover { background: var(--line); }
        #rooms .close { background: none; border: 0; padding: 2px 10px; color: var(--muted); }
        .unread { background: var(--muted); color: var(--bg); border-radius: 9px; padding: 0 7px; font-size: 12px; font-weight: 700; }
        .unread.mention { background: var(--mention); color: #fff; }
        #join-form { display: flex; gap: 4px; margin: 10px 10px 0; }
        #join-form input { flex: 1; min-width: 0; padding: 4px 6px; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); }
        #join-form button, #compose button, #login-form button {
          border: 0; background: var(--accent); color: var(--accent-fg); border-radius: 6px; padding: 4px 10px;
        }
        #members li button { display: flex; gap: 4px; align-items: baseline; width: 100%; text-align: left; background: none; border: 0; padding: 3px 12px; }
        #members li button:hover { background: var(--line); }
        #members .mark { width: 1.3em; color: var(--muted); font-weight: 700; flex: none; }
        #members li.away .nick { opacity: .55; font-style: italic; }
        #members .away-mark { font-size: 11px; color: var(--muted); margin-left: auto; }
        #chat { flex: 1; display: flex; flex-direction: column; min-width: 0; }
        #messages { flex: 1; overflow-y: auto; padding: 8px 0; overflow-wrap: anywhere; }
        .msg { padding: 2px 12px; display: flex; gap: 8px; align-items: baseline; }
        .msg time { color: var(--muted); font-size: 12px; flex: none; font-variant-numeric: tabular-nums; min-width: 3em; }
        .msg .from { font-weight: 700; flex: none; }
        .msg .text { white-space: pre-wrap; min-width: 0; }
        .msg.event .text, .msg.join .text, .msg.part .text, .msg.quit .text, .msg.nick .text, .msg.kick .text,
        .msg.mode .text, .msg.topic .text { color: var(--muted); font-style: italic; }
        .msg.join .text::before { content: "\2192  "; font-style: normal; }
        .msg.part .text::before, .msg.quit .text::before, .msg.kick .text::before { content: "\2190  "; font-style: normal; }
        .msg.action .from, .msg.action .text { font-style: italic; }
        .msg.notice .text { color: var(--muted); }
        .msg.error .text { color: var(--error); }
        .msg.info .text, .msg.server .text { color: var(--fg); font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13px; }
        .msg.mention { box-shadow: inset 3px 0 0 var(--mention); }
        .msg.history { background: var(--history); opacity: .8; }
        .msg.history time::after { content: " \21BA"; }
        .msg.history-start, .msg.history-end { justify-content: center; color: var(--muted); font-size: 12px; }
        .msg.history-start time, .msg.history-end time { display: none; }
        .msg.history-start .text::before, .msg.history-end .text::before { content: "\2500\2500  "; }
        .msg.history-start .text::after, .msg.history-end .text::after { content: "  \2500\2500"; }
        .join-link { margin-left: 6px; font-size: 12px; border: 1px solid var(--line); background: none; border-radius: 6px; padding: 0 6px; }
        #compose { display: flex; gap: 6px; padding: 8px; border-top: 1px solid var(--line); }
        #compose input { flex: 1; min-width: 0; padding: 8px 10px; border: 1px solid var(--line); border-radius: 8px; background: var(--bg); }
        #login {
          position: fixed; inset: 0; display: flex; align-items: center; justify-content: center; z-index: 20;
          background: rgba(15, 18, 22, .55); padding: 16px;
        }
        #login[hidden] { display: none; }
        #login-form { background: var(--bg); border-radius: 12px; padding: 24px; width: 100%; max-width: 360px; display: flex; flex-direction: column; gap: 10px; box-shadow: 0 10px 40px rgba(0,0,0,.3); }
        #login-form h1 { margin: 0; font-size: 22px; }
        #login-form p { margin: 0; }
        #login-form input { padding: 8px 10px; border: 1px solid var(--line); border-radius: 8px; background: var(--bg); font-size: 16px; }
        #login-form button { padding: 8px; font-size: 16px; }
        #login-error { color: var(--error); font-weight: 600; }
        #login-error[hidden] { display: none; }
        .hint { color: var(--muted); font-size: 12px; }
        #scrim { display: none; }
        /* nick colours: readable on light and dark backgrounds */
        .n0 { color: #c2410c; } .n1 { color: #15803d; } .n2 { color: #1d4ed8; } .n3 { color: #a21caf; }
        .n4 { color: #0e7490; } .n5 { color: #b45309; } .n6 { color: #7c3aed; } .n7 { color: #be123c; }
        .n8 { color: #4d7c0f; } .n9 { color: #0369a1; } .n10 { color: #9333ea; } .n11 { color: #047857; }
        @media (prefers-color-scheme: dark) {
          .n0 { color: #fb923c; } .n1 { color: #4ade80; } .n2 { color: #60a5fa; } .n3 { color: #e879f9; }
          .n4 { color: #22d3ee; } .n5 { color: #fbbf24; } .n6 { color: #a78bfa; } .n7 { color: #fb7185; }
          .n8 { color: #a3e635; } .n9 { color: #38bdf8; } .n10 { color: #c084fc; } .n11 { color: #34d399; }
        }
        /* IRC formatting */
        .fb { font-weight: 700; } .fi { font-style: italic; } .fu { text-decoration: underline; }
        .fs { text-decoration: line-through; } .fm { font-family: ui-monospace, monospace; }
        .fr { filter: invert(1); }
        .c0 { color: #fff; } .c1 { color: #000; } .c2 { color: #00007f; } .c3 { color: #009300; }
        .c4 { color: #f00; } .c5 { color: #7f0000; } .c6 { color: #9c009c; } .c7 { color: #fc7f00; }
        .c8 { color: #ff0; } .c9 { color: #00fc00; } .c10 { color: #009393; } .c11 { color: #0ff; }
        .c12 { color: #0000fc; } .c13 { color: #f0f; } .c14 { color: #7f7f7f; } .c15 { color: #d2d2d2; }
        .g0 { background: #fff; } .g1 { background: #000; } .g2 { background: #00007f; } .g3 { background: #009300; }
        .g4 { background: #f00; } .g5 { background: #7f0000; } .g6 { background: #9c009c; } .g7 { background: #fc7f00; }
        .g8 { background: #ff0; } .g9 { background: #00fc00; } .g10 { background: #009393; } .g11 { background: #0ff; }
        .g12 { background: #0000fc; } .g13 { background: #f0f; } .g14 { background: #7f7f7f; } .g15 { background: #d2d2d2; }
        /* phones and narrow windows: the lists slide in over the chat */
        @media (max-width: 760px) {
          .toggle { display: inline-block; }
          #me { display: none; }
          #topic { display: none; }
          #rooms-panel, #members-panel {
            position: absolute; top: 0; bottom: 0; z-index: 10; width: min(80vw, 280px);
            transition: transform .15s ease-out; box-shadow: 0 0 20px rgba(0,0,0,.25);
          }
          #rooms-panel { left: 0; transform: translateX(-105%); }
          #members-panel { right: 0; transform: translateX(105%); }
          body.show-rooms #rooms-panel, body.show-members #members-panel { transform: none; }
          body.show-rooms #scrim, body.show-members #scrim { display: block; position: absolute; inset: 0; z-index: 5; background: rgba(0,0,0,.3); }
          #rooms li button.buffer, #members li button { padding-top: 9px; padding-bottom: 9px; }
          .msg { display: block; }
          .msg time, .msg .from { margin-right: 6px; }
        }
        """#
}
