#!/usr/bin/env bash
# irctest's websocket tests against a LineChat server already running:
#   run-websocket.sh IRC_PORT WEBSOCKET_PORT [pytest args...]
# Same venv and settings as ../shared/irctest/run.sh, with linechat_websocket_controller.py
# (this directory) instead of the external_server controller, which refuses websocket tests.
set -u
PORT=${1:?usage: run-websocket.sh IRC_PORT WEBSOCKET_PORT}; WSPORT=${2:?usage: run-websocket.sh IRC_PORT WEBSOCKET_PORT}; shift 2
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
IRCTEST=${IRCTEST_DIR:-$(cd "$HERE/../../../shared/irctest" 2>/dev/null && pwd || echo /work/shared/irctest)}
VENV=${IRCTEST_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/linechat-irctest-venv}
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV" && "$VENV/bin/pip" install -q 'pytest!=9.0.0' pytest-timeout ecdsa filelock websockets cryptography || exit 2
fi
[ $# -eq 0 ] && set -- irctest/server_tests/websocket.py
cd "$IRCTEST/src" || exit 2
IRCTEST_SERVER_HOSTNAME=127.0.0.1 IRCTEST_SERVER_PORT=$PORT IRCTEST_WEBSOCKET_PORT=$WSPORT \
  PYTHONPATH="$IRCTEST:$HERE" PYTHONDONTWRITEBYTECODE=1 \
  "$VENV/bin/python" -m pytest -p no:cacheprovider -p linechat_settle \
  --controller linechat_websocket_controller --timeout=15 -q -rfEs -k 'not deprecated and not strict' "$@"
