#!/usr/bin/env bash
# Idempotent test setup for @ubom/executor-ssh: a real OpenSSH server the tests start themselves.
#   1. installs Debian's openssh-server and openssh-client when missing (sshd, ssh-keygen, ssh-agent),
#   2. makes /run/sshd (sshd's privilege-separation directory),
#   3. creates the unprivileged login the tests connect as (UBOM_SSH_TEST_USER, default
#      ubom-ssh-test, shell /bin/sh) with a random password made on this machine, kept in a file only
#      root reads (UBOM_SSH_TEST_PASSWORD_FILE, default /var/lib/ubom-ssh-test/password): nothing
#      guessable is in the repository, and concurrent test runs share the same login and password.
# It starts no server: each test file runs its own sshd on a loopback port with keys made in a temp
# folder. Safe to call again and again: each step is skipped when already done.
set -euo pipefail

USER_NAME="${UBOM_SSH_TEST_USER:-ubom-ssh-test}"
PASSWORD_FILE="${UBOM_SSH_TEST_PASSWORD_FILE:-/var/lib/ubom-ssh-test/password}"
LOCK="${UBOM_SSH_SETUP_LOCK:-/tmp/ubom-setup-ssh.lock}"
log() { echo "[setup-ssh] $*" >&2; }

# Several test runs may call this at once: serialise the whole script.
if [ -z "${UBOM_SETUP_SSH_LOCKED:-}" ] && command -v flock >/dev/null 2>&1; then
  export UBOM_SETUP_SSH_LOCKED=1
  exec flock -o "$LOCK" "$0" "$@"
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

need_pkgs=()
[ -x /usr/sbin/sshd ] || need_pkgs+=(openssh-server)
for tool in ssh ssh-keygen ssh-agent ssh-add; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    need_pkgs+=(openssh-client)
    break
  fi
done
command -v ps >/dev/null 2>&1 || need_pkgs+=(procps)
if [ "${#need_pkgs[@]}" -gt 0 ]; then
  log "installing ${need_pkgs[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

$SUDO mkdir -p /run/sshd
$SUDO chmod 0755 /run/sshd

if ! id -u "$USER_NAME" >/dev/null 2>&1; then
  log "creating the test login $USER_NAME"
  $SUDO useradd --create-home --shell /bin/sh "$USER_NAME"
  $SUDO rm -f "$PASSWORD_FILE"
fi
if ! $SUDO test -s "$PASSWORD_FILE"; then
  log "setting a random password for $USER_NAME (kept in $PASSWORD_FILE)"
  $SUDO mkdir -p "$(dirname "$PASSWORD_FILE")"
  $SUDO chmod 0700 "$(dirname "$PASSWORD_FILE")"
  password="$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
  ( umask 077; echo "$password" | $SUDO tee "$PASSWORD_FILE" >/dev/null )
  echo "$USER_NAME:$password" | $SUDO chpasswd
fi
log "ready: $(/usr/sbin/sshd -V 2>&1 | head -n 1 || true), login $USER_NAME"
