#!/usr/bin/env bash
# Idempotent test setup for @ubom/executor-docker (and anything else that needs a Docker Engine):
#   1. installs Debian's docker.io and busybox-static when missing,
#   2. starts dockerd in the background when no engine answers, and waits until it does,
#   3. builds the offline test image(s) (no registry needed): a busybox rootfs -> `docker import`,
#   4. warms the engine up with one run (the first run after a daemon start is slow).
# Safe to call again and again: each step is skipped when already done.
# Env: UBOM_TEST_IMAGE (default ubom-test/busybox:latest), UBOM_DOCKERD_LOG (default /tmp/ubom-dockerd.log).
set -euo pipefail

IMAGE="${UBOM_TEST_IMAGE:-ubom-test/busybox:latest}"
DOCKERD_LOG="${UBOM_DOCKERD_LOG:-/tmp/ubom-dockerd.log}"
LOCK="${UBOM_DOCKER_SETUP_LOCK:-/tmp/ubom-setup-docker.lock}"
log() { echo "[setup-docker] $*" >&2; }

# Several test runs may call this at once: serialise the whole script.
if [ -z "${UBOM_SETUP_DOCKER_LOCKED:-}" ] && command -v flock >/dev/null 2>&1; then
  export UBOM_SETUP_DOCKER_LOCKED=1
  exec flock -o "$LOCK" "$0" "$@"
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

need_pkgs=()
command -v dockerd >/dev/null 2>&1 || need_pkgs+=(docker.io)
# the test image copies /bin/busybox into a rootfs: it must be the static build
dpkg -s busybox-static >/dev/null 2>&1 || need_pkgs+=(busybox-static)
if [ "${#need_pkgs[@]}" -gt 0 ]; then
  log "installing ${need_pkgs[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

# Pick a client that talks to the daemon: /usr/local/bin/docker may be newer than Debian's daemon.
pick_client() {
  for c in docker /usr/bin/docker; do
    if command -v "$c" >/dev/null 2>&1 && "$c" info >/dev/null 2>&1; then
      echo "$c"
      return 0
    fi
  done
  return 1
}

if ! DOCKER="$(pick_client)"; then
  log "no engine answers: starting dockerd (log: $DOCKERD_LOG)"
  # setsid + nohup: the daemon is shared infrastructure and must outlive this script. Every inherited
  # descriptor above 2 is closed first: a pipe held open by the daemon would keep whoever started this
  # script (turbo, vitest, CI) waiting for end-of-file forever.
  (
    for fd in /proc/self/fd/*; do
      n="${fd##*/}"
      if [ "$n" -gt 2 ]; then eval "exec $n>&-" 2>/dev/null || true; fi
    done
    exec $SUDO setsid nohup dockerd >"$DOCKERD_LOG" 2>&1 </dev/null
  ) &
  for _ in $(seq 1 120); do
    if DOCKER="$(pick_client)"; then break; fi
    sleep 0.5
  done
  if ! DOCKER="$(pick_client)"; then
    log "dockerd did not answer within 60s; last log lines:"
    tail -n 30 "$DOCKERD_LOG" >&2 || true
    exit 1
  fi
fi
log "engine answers ($DOCKER, server $("$DOCKER" version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"

if "$DOCKER" image inspect "$IMAGE" >/dev/null 2>&1; then
  log "image $IMAGE present"
else
  log "building $IMAGE from busybox-static"
  root="$(mktemp -d)"
  trap 'rm -rf "$root"' EXIT
  mkdir -p "$root"/bin "$root"/etc "$root"/tmp "$root"/work "$root"/data "$root"/proc "$root"/sys "$root"/dev
  chmod 1777 "$root"/tmp
  cp /bin/busybox "$root"/bin/busybox
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root"/etc/passwd
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root"/etc/group
  tar -C "$root" -c . | "$DOCKER" import \
    -c 'ENV PATH=/bin' -c 'WORKDIR /' -c 'LABEL org.ubom.test=true' - "$IMAGE" >/dev/null
  rm -rf "$root"
  trap - EXIT
fi

# Warm-up: the first container after a daemon start takes seconds; later ones do not.
"$DOCKER" run --rm "$IMAGE" true >/dev/null
log "ready: $IMAGE"
