# Shared by scripts/test, scripts/bench: install what is missing, configure, build.
# Sourced, not run. Idempotent: installs only packages that are not installed yet.

ALLOT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ALLOT_PACKAGES=(g++ cmake ninja-build pkg-config libgmp-dev libssl-dev nlohmann-json3-dev libgtest-dev libbenchmark-dev libsqlite3-dev libsqlitecpp-dev libboost1.81-dev libjemalloc-dev clang-14 libclang-rt-14-dev llvm-14)

allot_log() { printf '==> %s\n' "$*"; }

allot_install_packages() {
  local missing=() p
  for p in "${ALLOT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  allot_log "installing: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# The browser tests' tools: Debian's chromium, Node.js with npm, and the pinned npm
# packages of tests/browser (playwright-core, axe-core) from its package-lock.json.
allot_install_browser_tools() {
  local missing=() p
  for p in chromium; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  command -v node >/dev/null || missing+=(nodejs)
  command -v npm >/dev/null || missing+=(npm)
  if [ ${#missing[@]} -gt 0 ]; then
    allot_log "installing: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
  local dir="$ALLOT_ROOT/tests/browser"
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    allot_log "installing the browser test packages (npm ci)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# allot_build DIR [cmake args...]: configures and builds every target.
# ALLOT_TARGETS="a b" limits the build to those targets.
allot_build() {
  local dir=$1
  shift
  cmake -S "$ALLOT_ROOT" -B "$dir" -G Ninja "$@" >/dev/null
  local targets=()
  [ -n "${ALLOT_TARGETS:-}" ] && targets=(--target $ALLOT_TARGETS)
  cmake --build "$dir" -j "$(nproc)" "${targets[@]}"
}
