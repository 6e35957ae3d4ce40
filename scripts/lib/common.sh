# Shared by scripts/test, scripts/bench: install what is missing, configure, build.
# Sourced, not run. Idempotent: installs only packages that are not installed yet.

ALLOT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ALLOT_PACKAGES=(g++ cmake ninja-build pkg-config libgmp-dev libssl-dev nlohmann-json3-dev libgtest-dev libbenchmark-dev libsqlite3-dev libsqlitecpp-dev libboost1.81-dev)

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

# allot_build DIR [cmake args...]
allot_build() {
  local dir=$1
  shift
  cmake -S "$ALLOT_ROOT" -B "$dir" -G Ninja "$@" >/dev/null
  cmake --build "$dir" -j "$(nproc)"
}
