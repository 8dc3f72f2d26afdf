#!/usr/bin/env bash
# Everything the test suite needs beyond Node itself, installed where it is missing; `npm test` runs
# this first, and CI (.ci/run) is `CI=true npm test` on a fresh Debian bookworm machine as root.
#
#   - node_modules as package-lock.json pins it (npm ci when missing or stale)
#   - Debian's Chromium at /usr/bin/chromium (the Playwright tests drive it; never `playwright install`)
#   - Debian's python3-torch, python3-onnx, python3-sklearn for /usr/bin/python3 (reference tests)
#   - a Vulkan adapter for ONNX Runtime's WebGPU provider: libvulkan1 and mesa-vulkan-drivers >= 25
#     (lavapipe, software Vulkan) from bookworm-backports; bookworm's own Mesa 22 is refused by Dawn
#
# Idempotent, and quick when everything is present (no apt, no network). It uses apt-get only for
# something missing and only as root or with password-less sudo; otherwise it prints the commands.
# Off CI a missing system package is a warning (its tests skip and say why); with CI=true it is an
# error. NETWRIGHT_SKIP_SETUP=1 skips all of this.
set -uo pipefail
cd "$(dirname "$0")/.."

[ "${NETWRIGHT_SKIP_SETUP:-}" = 1 ] && exit 0
case "${CI:-}" in true | TRUE | True | 1) ON_CI=1 ;; *) ON_CI=0 ;; esac
say() { echo "setup: $*"; }

# --- Node and node_modules -------------------------------------------------------------------------
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  say "Node.js 20 or newer is needed (found: $(node --version 2>/dev/null || echo none)); see https://nodejs.org."
  exit 1
fi
if ! why=$(node scripts/node-modules-fresh.mjs); then
  say "npm ci ($why)"
  # onnxruntime-node ships its CPU and WebGPU binaries in the package (no CUDA download); Electron's
  # binary is not needed for the tests.
  ONNXRUNTIME_NODE_INSTALL=skip ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund || exit 1
fi

# --- System packages ---------------------------------------------------------------------------------
codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
has_deb() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }
deb_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null; }

missing=() # Debian packages to install
backports=0
[ -x /usr/bin/chromium ] || missing+=(chromium)
# Found without importing them (torch takes seconds to import); prints the packages whose module is
# absent. A directory left behind by a removed package is a namespace package without an origin.
if [ -x /usr/bin/python3 ]; then
  read -ra absent <<<"$(/usr/bin/python3 -c '
import importlib.util
def found(m):
    spec = importlib.util.find_spec(m)
    return spec is not None and spec.origin not in (None, "namespace")
print(*[p for m, p in [("torch", "python3-torch"), ("onnx", "python3-onnx"), ("sklearn", "python3-sklearn")]
        if not found(m)])')"
  missing+=("${absent[@]}")
else
  missing+=(python3-torch python3-onnx python3-sklearn)
fi
if command -v dpkg-query >/dev/null; then
  has_deb libvulkan1 || missing+=(libvulkan1)
  mesa=$(deb_version mesa-vulkan-drivers)
  if [ "$codename" = bookworm ]; then
    if [ -z "$mesa" ] || ! dpkg --compare-versions "$mesa" ge 25; then
      missing+=(mesa-vulkan-drivers)
      backports=1
    fi
  elif [ -z "$mesa" ]; then
    missing+=(mesa-vulkan-drivers)
  fi
elif ! ls /usr/lib*/libvulkan.so.1 /usr/lib/*/libvulkan.so.1 >/dev/null 2>&1; then
  say "no libvulkan.so.1: install your system's Vulkan loader and a Vulkan driver for the WebGPU tests."
fi

[ ${#missing[@]} -eq 0 ] && exit 0

backports_source=/etc/apt/sources.list.d/bookworm-backports.sources
install_commands() {
  if [ $backports = 1 ] && ! grep -rqs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d/; then
    printf '%s\n' "printf 'Types: deb\\nURIs: http://deb.debian.org/debian\\nSuites: bookworm-backports\\nComponents: main\\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\\n' > $backports_source"
  fi
  echo "apt-get update"
  local plain=() vulkan=()
  for p in "${missing[@]}"; do
    case $p in libvulkan1 | mesa-vulkan-drivers) vulkan+=("$p") ;; *) plain+=("$p") ;; esac
  done
  [ ${#plain[@]} -gt 0 ] && echo "DEBIAN_FRONTEND=noninteractive apt-get install -y ${plain[*]}"
  if [ ${#vulkan[@]} -gt 0 ]; then
    if [ $backports = 1 ]; then
      # Both from backports: the Mesa 25 drivers need the matching Mesa libraries and libdrm.
      echo "DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -t bookworm-backports libvulkan1 mesa-vulkan-drivers"
    else
      echo "DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${vulkan[*]}"
    fi
  fi
}

sudo=""
can_install=0
if command -v apt-get >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    can_install=1
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo="sudo"
    can_install=1
  fi
fi

if [ $can_install = 1 ]; then
  say "installing ${missing[*]}"
  ok=1
  log=$(mktemp)
  while IFS= read -r cmd; do
    say "+ $cmd"
    if ! $sudo bash -c "$cmd" >"$log" 2>&1; then
      tail -20 "$log"
      ok=0
      break
    fi
  done < <(install_commands)
  rm -f "$log"
  [ $ok = 1 ] && exit 0
  say "installing failed (log above)."
fi

say "missing: ${missing[*]}. As root, run:"
install_commands | sed 's/^/  /'
if [ $ON_CI = 1 ]; then
  say "CI=true: the tests that need them must run, so this is an error."
  exit 1
fi
say "continuing: the tests that need them skip and say why."
exit 0
