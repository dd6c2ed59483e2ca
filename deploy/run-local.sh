#!/usr/bin/env bash
# The production stack on this machine, in the foreground: `make run-prod`.
#
# PostgreSQL, gunicorn (deploy/gunicorn.conf.py), TASK_WORKERS task workers and one
# scheduler, with JSON logs on this terminal and the metrics of every process added up in
# one folder: what the systemd units in deploy/systemd/ run, minus systemd. Not demo mode:
# no demo staff, no fake outbox page. Ctrl-C (or SIGTERM) stops them all; so does any one
# of them stopping. docs/deployment.md, "Trying the stack here".
#
# Needs a PostgreSQL database (DATABASE_URL, default the local tactful_local:
# `createdb -h 127.0.0.1 -U postgres tactful_local`). Keys that production would set
# (SECRET_KEY, PII_*, AUDIT_*, METRICS_TOKEN) are made once into
# $TACTFUL_VAR_DIR/run-local.env, unless the environment sets them.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-.venv/bin/python}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tactful_local}"
export TACTFUL_VAR_DIR="${TACTFUL_VAR_DIR:-var/run-local}"
export PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-$TACTFUL_VAR_DIR/metrics}"
export LOG_FORMAT="${LOG_FORMAT:-json}"
export WEB_HOST="${WEB_HOST:-127.0.0.1}"
export PORT="${PORT:-8000}"
export WEB_WORKERS="${WEB_WORKERS:-2}"
export TACTFUL_DEMO=false
export DJANGO_SETTINGS_MODULE=tactful.settings
export PYTHONUNBUFFERED=1
TASK_WORKERS="${TASK_WORKERS:-1}"
STOP_SECONDS=20

case "$DATABASE_URL" in
  postgres://* | postgresql://*) ;;
  *) echo "DATABASE_URL must name a PostgreSQL database (the production stack's)" >&2; exit 2 ;;
esac

make_keys() {
  "$PYTHON" - <<'PYTHON'
import base64
import secrets

from tactful.audit.signing import new_seed
from tactful.privacy.keys import new_key

print(f"SECRET_KEY={secrets.token_urlsafe(50)}")
print(f"PII_KEYS=k1:{new_key()}")
print(f"PII_INDEX_KEYS=i1:{new_key()}")
print(f"AUDIT_LINK_KEYS=k1:{base64.b64encode(secrets.token_bytes(32)).decode()}")
print(f"AUDIT_SIGNING_KEY=k1:{new_seed()}")
print(f"METRICS_TOKEN={secrets.token_hex(32)}")
PYTHON
}

# Each key from the file, unless the environment already has one.
load_keys() {
  local line name
  while read -r line; do
    name="${line%%=*}"
    if [[ -n "$name" && "$name" != \#* && -z "${!name:-}" ]]; then export "$line"; fi
  done <"$1"
}

mkdir -p "$TACTFUL_VAR_DIR"
KEYS="$TACTFUL_VAR_DIR/run-local.env"
if [[ ! -f "$KEYS" ]]; then
  (umask 077 && make_keys >"$KEYS")
fi
load_keys "$KEYS"

env -u PROMETHEUS_MULTIPROC_DIR "$PYTHON" manage.py migrate --noinput -v0
env -u PROMETHEUS_MULTIPROC_DIR "$PYTHON" manage.py collectstatic --noinput -v0

# Every process starts now: counts left by earlier ones go.
rm -rf "$PROMETHEUS_MULTIPROC_DIR"
mkdir -p "$PROMETHEUS_MULTIPROC_DIR"

children=()
# A session of its own for each: Ctrl-C reaches this script only, which stops each once.
start() {
  setsid "$@" &
  children+=("$!")
}

alive() {
  local pid
  for pid in "${children[@]}"; do
    if ! kill -0 "$pid" 2>/dev/null; then return 1; fi
  done
}

stop_all() {
  local pid tick
  for pid in "${children[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for tick in $(seq 1 $((STOP_SECONDS * 5))); do
    local running=0
    for pid in "${children[@]}"; do
      if kill -0 "$pid" 2>/dev/null; then running=1; fi
    done
    if (( ! running )); then return; fi
    sleep 0.2
  done
  for pid in "${children[@]}"; do kill -KILL "$pid" 2>/dev/null; done
}

# From here on every failure is handled: a child's, or a signal's.
set +e
stopping=0
trap 'stopping=1' INT TERM

start "$PYTHON" -m gunicorn tactful.wsgi -c deploy/gunicorn.conf.py
for number in $(seq 1 "$TASK_WORKERS"); do
  start "$PYTHON" manage.py db_worker --no-reload --worker-id "run-local-$number"
done
start "$PYTHON" manage.py scheduler

base="http://$WEB_HOST:$PORT"
for _ in $(seq 1 150); do
  if (( stopping )) || ! alive; then break; fi
  if "$PYTHON" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" \
    "$base/healthz" 2>/dev/null; then
    cat <<BANNER >&2

Tactful's production stack is running at $base/  (Ctrl-C stops it)
  web        gunicorn, $WEB_WORKERS workers x ${WEB_THREADS:-${DATABASE_POOL_SIZE:-8}} threads
  workers    $TASK_WORKERS db_worker
  scheduler  manage.py scheduler
  database   $DATABASE_URL
  probes     curl $base/healthz ; curl $base/readyz
  metrics    curl -H "Authorization: Bearer \$(sed -n 's/^METRICS_TOKEN=//p' $KEYS)" $base/metrics

BANNER
    break
  fi
  sleep 0.2
done

# Until Ctrl-C, or until any one of them stops: then all stop, with the first one's status.
status=0
if (( ! stopping )); then
  wait -n
  status=$?
  # A signal ends `wait` early (status above 128): that is a clean stop.
  if (( stopping )); then status=0; fi
fi
stop_all
wait
exit "$status"
