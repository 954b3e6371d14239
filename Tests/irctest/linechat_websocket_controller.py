"""irctest controller for a LineChat server already running, with its WebSocket port.

irctest's external_server controller refuses websocket tests (NotImplementedByController). A
websocket test's setUp asks the controller for an address twice before run(): first the IRC
port, then the WebSocket one (ws://host:port, no path: LineChat upgrades on "/" as on "/ws").
This controller answers the first with IRCTEST_SERVER_PORT and the second with
IRCTEST_WEBSOCKET_PORT; it changes no assertion.
"""

import os
from typing import Optional, Tuple, Type

from irctest.controllers.external_server import ExternalServerController


class LineChatWebSocketController(ExternalServerController):
    software_name = "LineChat (external, with WebSocket)"
    _asked = 0

    def get_hostname_and_port(self) -> Tuple[str, int]:
        hostname, port = super().get_hostname_and_port()
        self._asked += 1
        if self._asked == 2:
            return (hostname, int(os.environ["IRCTEST_WEBSOCKET_PORT"]))
        return (hostname, port)

    def run(self, hostname: str, port: int, *, password: Optional[str], ssl: bool, run_services: bool,
            faketime: Optional[str], websocket_hostname: Optional[str], websocket_port: Optional[int]) -> None:
        self._asked = 0


def get_irctest_controller_class() -> Type[ExternalServerController]:
    return LineChatWebSocketController
