#!/usr/bin/env bash
# Runs a command with moto server listening on a free loopback port.
#
#   tests/with-moto.sh cargo test
#
# On first use (or when tests/requirements.txt changes) it installs moto into a
# venv under ~/.cache/driftwatch (override with DRIFTWATCH_VENV). It exports
# DRIFTWATCH_MOTO_ENDPOINT and DRIFTWATCH_PYTHON for the tests, and stops the
# server when the command ends, whatever its outcome.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
venv=${DRIFTWATCH_VENV:-$HOME/.cache/driftwatch/venv}
req=$here/requirements.txt
want=$(sha256sum "$req" | cut -d' ' -f1)
if [ ! -x "$venv/bin/moto_server" ] || [ "$(cat "$venv/.requirements.sha256" 2>/dev/null)" != "$want" ]; then
  echo "with-moto: installing $(grep -v '^#' "$req" | xargs) into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet -r "$req"
  echo "$want" >"$venv/.requirements.sha256"
fi

port=$("$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=${TMPDIR:-/tmp}/driftwatch-moto-$port.log
"$venv/bin/python" "$here/moto_plus.py" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
moto_pid=$!
cleanup() {
  kill "$moto_pid" 2>/dev/null || true
  wait "$moto_pid" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

for _ in $(seq 1 150); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    break
  fi
  if ! kill -0 "$moto_pid" 2>/dev/null; then
    echo "with-moto: moto server exited; its log:" >&2
    cat "$log" >&2
    exit 2
  fi
  sleep 0.2
done
echo "with-moto: moto server on 127.0.0.1:$port (log: $log)" >&2

export DRIFTWATCH_MOTO_ENDPOINT="http://127.0.0.1:$port"
export DRIFTWATCH_PYTHON="$venv/bin/python"
"$@"
