#!/usr/bin/env bash
# What the @bots/browser-tool tests need on a CI machine (called by .ci/run after .ci/system.sh,
# with DOCKER_HOST pointing at the engine that system.sh started). CI=true, no stdin, idempotent:
#
# 1. Debian's `chromium` on the host (/usr/bin/chromium) for the local runner (no Docker). Never a
#    browser download step (`playwright install`): only apt.
# 2. The base image of packages/browser-tool/Dockerfile, `node:20-bookworm-slim`, made locally
#    because no image registry is reachable here: the debootstrap root that
#    .ci/make-base-image.sh imported as `debian:bookworm-slim`, plus this machine's own `node`
#    binary (Node 20+) copied to /usr/local/bin. On a user's machine the same Dockerfile pulls the
#    real `node:20-bookworm-slim`. Skipped when the engine has the tag.
#
# The browser image itself (bots-browser:<hash>) is built by the tests through
# ensureBrowserImage() (it needs the package's built agent bundle), with --network host for apt.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${work:-$root/.ci-work}"
mkdir -p "$work"
base_tag="node:20-bookworm-slim"
log() { printf '[browser] %s\n' "$*" >&2; }
t0=$(date +%s)

sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo -n"
if [ ! -x /usr/bin/chromium ]; then
  log "apt-get install chromium"
  $sudo_cmd apt-get update -qq </dev/null
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends \
    chromium fonts-liberation </dev/null >/dev/null
fi
log "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo missing) ($(($(date +%s) - t0)) s)"

if [ -z "${DOCKER_HOST:-}" ] && [ -S "$work/dockerd/docker.sock" ]; then
  export DOCKER_HOST="unix://$work/dockerd/docker.sock"
fi
if ! docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
  log "no Docker engine answers (DOCKER_HOST=${DOCKER_HOST:-unset}); run .ci/system.sh first"
  exit 1
fi

if docker image inspect "$base_tag" >/dev/null 2>&1; then
  log "$base_tag present; skipping"
else
  t1=$(date +%s)
  node_bin="$(command -v node)"
  node_major="$("$node_bin" -p 'process.versions.node.split(".")[0]')"
  if [ "$node_major" -lt 20 ]; then
    log "the host's node is $("$node_bin" -v); the browser image needs Node 20+"
    exit 1
  fi
  docker image inspect debian:bookworm-slim >/dev/null 2>&1 || bash "$root/.ci/make-base-image.sh"
  ctx="$work/node-base-context"
  rm -rf "$ctx"
  mkdir -p "$ctx"
  cp "$(readlink -f "$node_bin")" "$ctx/node"
  cat >"$ctx/Dockerfile" <<'DOCKERFILE'
FROM debian:bookworm-slim
COPY node /usr/local/bin/node
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
CMD ["node"]
DOCKERFILE
  DOCKER_BUILDKIT=0 docker build --label bots.ci.base=1 -t "$base_tag" "$ctx" \
    >"$work/node-base-build.log" 2>&1 || { tail -n 30 "$work/node-base-build.log" >&2; exit 1; }
  rm -rf "$ctx"
  docker run --rm --network none "$base_tag" node -e 'process.exit(0)' ||
    { log "$base_tag does not run node"; exit 1; }
  log "made $base_tag from debian:bookworm-slim + node $("$node_bin" -v) ($(($(date +%s) - t1)) s)"
fi
log "ready ($(($(date +%s) - t0)) s)"
