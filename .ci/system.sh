# shellcheck shell=bash
# System packages and services for CI, sourced by .ci/run (with `set -euo pipefail` active) on a
# fresh Debian 12 machine with CI=true and no stdin. Idempotent: a second run reuses what is
# installed and a dockerd that already answers on our socket.
#
# - apt: docker.io (engine for DockerEnvironment), bubblewrap (LocalEnvironment), debootstrap
#   (local base image: no image registry is reachable here), python3 (the LocalEnvironment
#   resource-limit tests run it from the host's /usr), strace (the Copilot CLI network test traces
#   the CLI, a child process the loopback guard cannot reach).
# - dockerd on a private socket under .ci-work/, without touching the host's network rules
#   (--iptables=false --bridge=none: containers get loopback only).
# - a trap on EXIT stops the dockerd this script started (by the pid in its --pidfile) and
#   removes its runtime files. Set BOTS_KEEP_DOCKERD=1 to keep it running (local development).
# - then .ci/make-base-image.sh builds the base image and the sandbox image.

bots_ci_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bots_ci_work="${work:-$bots_ci_root/.ci-work}"
W="$bots_ci_work/dockerd"
mkdir -p "$W"

bots_ci_log() { printf '[system] %s\n' "$*" >&2; }
bots_ci_t0=$(date +%s)

bots_ci_missing=()
for bots_ci_pair in dockerd:docker.io bwrap:bubblewrap debootstrap:debootstrap /usr/bin/python3:python3 strace:strace; do
  command -v "${bots_ci_pair%%:*}" >/dev/null 2>&1 || bots_ci_missing+=("${bots_ci_pair#*:}")
done
if [ "${#bots_ci_missing[@]}" -gt 0 ]; then
  bots_ci_log "apt-get install ${bots_ci_missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo -n"
  $sudo_cmd apt-get update -qq </dev/null
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends \
    docker.io bubblewrap debootstrap python3 strace </dev/null >/dev/null
fi
bots_ci_log "packages ready ($(($(date +%s) - bots_ci_t0)) s)"

export DOCKER_HOST="unix://$W/docker.sock"
bots_ci_started_dockerd=""

bots_ci_docker_answers() {
  docker version --format '{{.Server.Version}}' >/dev/null 2>&1
}

bots_ci_stop_dockerd() {
  local pid=""
  [ -f "$W/dockerd.pid" ] && pid=$(cat "$W/dockerd.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    # Our sandboxes' containers first, so dockerd does not have to wait for them.
    docker ps -aq --filter label=bots.sandbox=1 2>/dev/null | xargs -r docker rm -f >/dev/null 2>&1 || true
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  # Mounts left under our folders (container netns, overlay volumes), deepest first.
  awk -v w="$W" '$2 ~ "^"w"/" {print $2}' /proc/self/mounts 2>/dev/null | sort -r |
    while read -r mountpoint; do umount -l "$mountpoint" 2>/dev/null || true; done
  rm -rf "$W/docker-exec" "$W/docker.sock" "$W/dockerd.pid"
}

bots_ci_on_exit() {
  local status=$?
  if [ -n "$bots_ci_started_dockerd" ] && [ "${BOTS_KEEP_DOCKERD:-}" != "1" ]; then
    bots_ci_log "stopping dockerd"
    bots_ci_stop_dockerd
  fi
  return "$status"
}

if bots_ci_docker_answers; then
  bots_ci_log "dockerd already answers on $DOCKER_HOST; reusing it"
else
  # A stale pidfile/socket from a killed run would stop dockerd from starting.
  bots_ci_stop_dockerd
  bots_ci_t1=$(date +%s)
  # setsid: dockerd gets its own session, so Ctrl-C in the terminal reaches it only via our trap.
  setsid dockerd --iptables=false --ip6tables=false --bridge=none \
    --data-root "$W/docker" --exec-root "$W/docker-exec" --pidfile "$W/dockerd.pid" \
    -H "unix://$W/docker.sock" </dev/null >"$W/dockerd.log" 2>&1 &
  bots_ci_started_dockerd=1
  trap bots_ci_on_exit EXIT
  for _ in $(seq 1 150); do
    bots_ci_docker_answers && break
    sleep 0.2
  done
  if ! bots_ci_docker_answers; then
    bots_ci_log "dockerd did not answer within 30 s; its log:"
    tail -n 40 "$W/dockerd.log" >&2 || true
    exit 1
  fi
  bots_ci_log "dockerd $(docker version --format '{{.Server.Version}}') answers on $DOCKER_HOST ($(($(date +%s) - bots_ci_t1)) s)"
fi

bash "$bots_ci_root/.ci/make-base-image.sh"
