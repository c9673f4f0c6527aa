#!/usr/bin/env bash
# Makes the images the sandbox tests need on an engine that cannot reach any image registry:
# 1. the base image `debian:bookworm-slim` (the sandbox Dockerfile's FROM), from a debootstrap
#    minbase root and `docker import`; skipped when the engine has it;
# 2. the sandbox image bots-sandbox:<first 12 hex of sha256(Dockerfile)> (the tag that
#    ensureSandboxImage() of @bots/core looks for), built with --network host so apt works;
#    skipped when present.
# Needs DOCKER_HOST pointing at a running engine (see .ci/system.sh), root, debootstrap.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${work:-$root/.ci-work}"
base_tag="debian:bookworm-slim"
context="$root/packages/core/sandbox-image"
log() { printf '[images] %s\n' "$*" >&2; }

mirror="${BOTS_DEBIAN_MIRROR:-}"
if [ -z "$mirror" ]; then
  # The machine's own Debian mirror: first deb822 stanza whose Suites has plain `bookworm`,
  # else a one-line `deb` entry, else the default.
  mirror=$(awk '
    /^[[:space:]]*$/ { if (uri != "" && suites ~ /(^| )bookworm( |$)/) { print uri; exit } uri=""; suites="" }
    /^URIs:/ { uri=$2 }
    /^Suites:/ { $1=""; suites=$0 " " }
    END { if (uri != "" && suites ~ /(^| )bookworm( |$)/) print uri }
  ' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1 || true)
fi
if [ -z "$mirror" ]; then
  mirror=$(grep -hE '^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?https?://[^[:space:]]+[[:space:]]+bookworm[[:space:]]' \
    /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    sed -E 's/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?([^[:space:]]+).*/\2/' | head -n 1 || true)
fi
mirror="${mirror:-http://deb.debian.org/debian}"

if docker image inspect "$base_tag" >/dev/null 2>&1; then
  log "$base_tag present; skipping debootstrap"
else
  t0=$(date +%s)
  rootfs="$work/rootfs-bookworm"
  rm -rf "$rootfs"
  mkdir -p "$rootfs"
  log "debootstrap --variant=minbase bookworm from $mirror"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -n 30 "$work/debootstrap.log" >&2; exit 1; }
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' - "$base_tag" >/dev/null
  rm -rf "$rootfs"
  log "imported $base_tag ($(($(date +%s) - t0)) s)"
fi

digest=$(sha256sum "$context/Dockerfile" | cut -c1-12)
sandbox_tag="bots-sandbox:$digest"
if docker image inspect "$sandbox_tag" >/dev/null 2>&1; then
  log "$sandbox_tag present; skipping build"
else
  t0=$(date +%s)
  log "building $sandbox_tag"
  DOCKER_BUILDKIT=0 docker build --network host --label bots.sandbox.image=1 -t "$sandbox_tag" "$context" \
    >"$work/sandbox-image-build.log" 2>&1 || { tail -n 40 "$work/sandbox-image-build.log" >&2; exit 1; }
  log "built $sandbox_tag ($(($(date +%s) - t0)) s)"
fi
