#!/usr/bin/env bash
# Makes a local Redis answer on 127.0.0.1:${REDIS_PORT:-6379} for the queue tests. Idempotent:
# installs Debian's redis-server when missing, starts it (no persistence, daemonized) only when
# nothing answers yet, then waits until it does.
set -euo pipefail

PORT="${REDIS_PORT:-6379}"

if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
  echo "setup-redis: installing redis-server" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null
fi

if [ "$(redis-cli -p "$PORT" ping 2>/dev/null || true)" = "PONG" ]; then
  exit 0
fi

echo "setup-redis: starting redis-server on port $PORT" >&2
redis-server --port "$PORT" --save "" --appendonly no --daemonize yes >/dev/null

for _ in $(seq 1 100); do
  if [ "$(redis-cli -p "$PORT" ping 2>/dev/null || true)" = "PONG" ]; then
    exit 0
  fi
  sleep 0.1
done
echo "setup-redis: redis-server did not answer on port $PORT" >&2
exit 1
