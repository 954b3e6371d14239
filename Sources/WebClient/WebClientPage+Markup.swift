extension WebClientPage {
    /// The document up to the style element.
    static let head = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="color-scheme" content="light dark">
        <title>LineChat</title>
        <link rel="icon" href="data:,">

        """#

    /// The body's markup, before the script. Static: the script fills the lists and the log.
    static let body = #"""
        <body data-connection="offline">
        <header id="bar">
          <button type="button" id="toggle-rooms" class="toggle" aria-label="Rooms" title="Rooms">&#9776;</button>
          <div id="title"><h1 id="target">LineChat</h1><span id="topic"></span></div>
          <span id="me"></span>
          <span id="status" class="status offline">offline</span>
          <button type="button" id="toggle-members" class="toggle" aria-label="Members" title="Members">Members</button>
        </header>
        <div id="banner" role="alert" hidden><span id="banner-text"></span> <button type="button" id="reconnect-now">Reconnect now</button></div>
        <main>
          <nav id="rooms-panel" aria-label="Rooms and conversations">
            <h2>Rooms</h2>
            <ul id="rooms"></ul>
            <form id="join-form" autocomplete="off"><input id="join-input" placeholder="#room" aria-label="Room to join" maxlength="50"><button type="submit">Join</button></form>
          </nav>
          <section id="chat">
            <div id="messages" role="log" aria-live="polite"></div>
            <form id="compose" autocomplete="off"><input id="input" aria-label="Message" enterkeyhint="send" autocomplete="off"><button type="submit" id="send">Send</button></form>
          </section>
          <aside id="members-panel" aria-label="Members">
            <h2 id="members-heading">Members</h2>
            <ul id="members"></ul>
          </aside>
          <div id="scrim"></div>
        </main>
        <div id="login">
          <form id="login-form" autocomplete="off">
            <h1>LineChat</h1>
            <p>Pick a nickname to join the chat.</p>
            <input id="nick-input" maxlength="30" aria-label="Nickname" placeholder="nickname" autocapitalize="off" spellcheck="false">
            <button type="submit" id="login-button">Join the chat</button>
            <p id="login-error" role="alert" hidden></p>
            <p class="hint">Letters, digits and - _ [ ] { } \ | ^ ` (not starting with a digit or -), up to 30.</p>
          </form>
        </div>

        """#
}
