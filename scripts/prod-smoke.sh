#!/usr/bin/env bash
# The README's production recipe, end to end, on a throw-away SQLite database: collectstatic with
# the manifest storage, gunicorn with DEBUG off on a free port, then GET /, one static file and
# /healthz — any answer but 200 fails. Also checks that an Open311 api_key in a request line never
# reaches gunicorn's access log. Run from the repository root: scripts/prod-smoke.sh
set -euo pipefail
cd "$(dirname "$0")/.."
VENV_BIN="${VENV_BIN:-$(pwd)/.venv/bin}"
[ -x "$VENV_BIN/zhenwu" ] || VENV_BIN="$(dirname "$(command -v zhenwu)")"

work="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

port="$("$VENV_BIN/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export PYTHONPATH="$(pwd)/src${PYTHONPATH:+:$PYTHONPATH}"
export ZHENWU_DEBUG=0 ZHENWU_MANIFEST_STATIC=1 ZHENWU_VAR_DIR="$work/var" ZHENWU_STATIC_ROOT="$work/static"
export DATABASE_URL="sqlite:///$work/zhenwu.sqlite3" ZHENWU_ALLOWED_HOSTS=127.0.0.1
export ZHENWU_SECRET_KEY="smoke-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export ZHENWU_SECURE_COOKIES=0
unset REDIS_URL
mkdir -p "$work/var"

echo "== prod-smoke: migrate, collectstatic (manifest)"
"$VENV_BIN/zhenwu" migrate --no-input -v 0
"$VENV_BIN/zhenwu" collectstatic --no-input -v 0

echo "== prod-smoke: gunicorn --preload on 127.0.0.1:$port (DEBUG off, warmed up once in the master)"
"$VENV_BIN/gunicorn" zhenwu.wsgi --preload -w 2 -k sync -b "127.0.0.1:$port" \
  --access-logfile "$work/access.log" --error-logfile "$work/error.log" &
pid=$!
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
  sleep 0.2
done

fail=0
fetch() {
  local path="$1" code
  code="$(curl -sS -o "$work/body" -w '%{http_code}' "http://127.0.0.1:$port$path" || echo 000)"
  echo "   $code $path"
  if [ "$code" != 200 ]; then
    fail=1
    head -c 600 "$work/body" 2>/dev/null || true
    echo
  fi
}
fetch /
static_path="$(grep -o '/static/vendor/tabler/tabler\.min\.[0-9a-f]*\.css' "$work/body" | head -1 || true)"
if [ -z "$static_path" ]; then
  echo "   the home page links no hashed static file (manifest storage not in use?)"
  fail=1
else
  fetch "$static_path"
fi
fetch /healthz
if grep -q "warm-up step" "$work/error.log"; then
  echo "   the warm-up failed in the gunicorn master:"; grep -A3 "warm-up step" "$work/error.log" | head -20
  fail=1
fi
grep -q 'data-check="database" data-status="ok"' "$work/body" || { echo "   /healthz does not report the database"; fail=1; }

# An oversized anonymous body is refused with 413 before it is read (issue 9, item 11).
big="$(head -c 40000000 /dev/zero | curl -sS -o "$work/body" -w '%{http_code}' -H 'Content-Type: application/octet-stream' \
  --data-binary @- "http://127.0.0.1:$port/public/h5/" 2>/dev/null || true)"
echo "   ${big:-000} POST /public/h5/ with a 40 MB body (want 413)"
[ "${big:0:3}" = 413 ] || fail=1

secret="smoke-key-$RANDOM$RANDOM"
curl -sS -o /dev/null -X POST "http://127.0.0.1:$port/open311/v2/requests.json?api_key=$secret" || true
sleep 0.3
if ! grep -q "/open311/v2/requests.json" "$work/access.log"; then
  echo "   no access log line for the Open311 request"
  fail=1
elif grep -q "$secret" "$work/access.log"; then
  echo "   the api_key was written to the access log"
  fail=1
fi

if [ "$fail" != 0 ]; then
  echo "== prod-smoke FAILED"; tail -n 30 "$work/error.log" || true
  exit 1
fi
echo "== prod-smoke passed"
