#!/usr/bin/env bash
# Makes a local Prometheus answer on 127.0.0.1:${PROMETHEUS_PORT:-9090} for the worker metrics test,
# scraping ${UBOM_METRICS_TARGET:-127.0.0.1:9464} (where that test's `ubom worker --metrics-port`
# listens) every second. Idempotent: installs Debian's prometheus when missing, writes the config,
# then starts Prometheus (in the background, no TSDB kept beyond its temp folder) only when nothing
# answers yet, else asks the running one to reload the config; then waits until it is ready.
set -euo pipefail

PORT="${PROMETHEUS_PORT:-9090}"
TARGET="${UBOM_METRICS_TARGET:-127.0.0.1:9464}"
DIR="${TMPDIR:-/tmp}/ubom-prometheus-$PORT"
URL="http://127.0.0.1:$PORT"

if ! command -v prometheus >/dev/null 2>&1 || ! command -v curl >/dev/null 2>&1; then
  echo "setup-prometheus: installing prometheus" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq >/dev/null
  # no service start by the package (no init system here): this script starts it
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends prometheus curl >/dev/null
fi

mkdir -p "$DIR/data"
cat >"$DIR/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: ubom-worker
    static_configs:
      - targets: ["$TARGET"]
EOF

ready() { curl -fsS -o /dev/null "$URL/-/ready" 2>/dev/null; }

if ready; then
  # one started by an earlier run: same file, maybe another target
  curl -fsS -X POST -o /dev/null "$URL/-/reload" || {
    echo "setup-prometheus: something answers on port $PORT but does not reload its config" >&2
    exit 1
  }
  exit 0
fi

echo "setup-prometheus: starting prometheus on 127.0.0.1:$PORT, scraping $TARGET" >&2
nohup prometheus \
  --config.file="$DIR/prometheus.yml" \
  --web.listen-address="127.0.0.1:$PORT" \
  --web.enable-lifecycle \
  --storage.tsdb.path="$DIR/data" \
  --storage.tsdb.retention.time=1h \
  >"$DIR/prometheus.log" 2>&1 </dev/null &

for _ in $(seq 1 150); do
  if ready; then exit 0; fi
  sleep 0.2
done
echo "setup-prometheus: prometheus did not become ready on port $PORT (log: $DIR/prometheus.log)" >&2
tail -n 20 "$DIR/prometheus.log" >&2 || true
exit 1
