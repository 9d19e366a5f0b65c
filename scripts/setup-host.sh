#!/usr/bin/env bash
# Sets up a fresh Debian 12 / Ubuntu machine for moodlectl, as root, and proves it works:
#   1. installs the missing Debian packages (checked with dpkg-query first: a ready machine runs no apt)
#   2. configures Podman for this kernel (scripts/podman-config.sh) and starts its API (scripts/podman-api.sh start)
#   3. builds moodlectl (mvn package)
#   4. moodlectl host init [options…]; moodlectl images build; moodlectl host status
#   5. scripts/demo.sh, if it exists and MOODLECTL_SETUP_SKIP_DEMO is not set
#
# Usage: bash scripts/setup-host.sh [--state-dir DIR] [--only-packages] [host init options…]
#   --state-dir DIR    moodlectl's state directory (default /var/lib/moodlectl)
#   --only-packages    stop after step 1
#   other options are passed to `moodlectl host init`
# Progress goes to stderr. Exit 0 when the host is ready; otherwise the step that failed says what to do.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
state_dir=/var/lib/moodlectl
only_packages=false
init_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --state-dir) [ $# -ge 2 ] || { echo "setup-host: --state-dir needs a folder" >&2; exit 2; }; state_dir=$2; shift 2 ;;
    --state-dir=*) state_dir=${1#--state-dir=}; shift ;;
    --only-packages) only_packages=true; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) init_args+=("$1"); shift ;;
  esac
done

started=$(date +%s)
step_started=$started
say() { echo "setup-host: $*" >&2; }
step() { step_started=$(date +%s); say "== $*"; }
done_step() { say "   done in $(( $(date +%s) - step_started )) s"; }
fail() { say "FAILED: $1"; [ -n "${2:-}" ] && say "next: $2"; exit "${3:-1}"; }
trap 'rc=$?; [ $rc -ne 0 ] && say "stopped with exit $rc after $(( $(date +%s) - started )) s"' EXIT

[ "$(id -u)" = 0 ] || fail "this script must run as root (it installs packages, configures Podman, mounts pools)" "sudo bash scripts/setup-host.sh $*" 2
command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 \
  || fail "this is not a Debian/Ubuntu machine (no dpkg/apt-get)" "install the packages listed in this script by hand" 12

# --- 1. packages --------------------------------------------------------------------------------------------
step "packages"
php_version=8.2
if ! dpkg-query -W -f='${Status}' "php${php_version}-cli" 2>/dev/null | grep -q 'install ok installed' \
   && ! apt-cache policy "php${php_version}-cli" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
  php_version=""   # not Debian 12: the distribution's default PHP (php-cli …)
fi
php_pkg() { if [ -n "$php_version" ]; then echo "php${php_version}-$1"; else echo "php-$1"; fi; }
packages=(
  openjdk-17-jdk-headless maven
  podman runc conmon netavark aardvark-dns iptables catatonit uidmap
  btrfs-progs xfsprogs mmdebstrap
  git curl socat restic wrk hyperfine rsync openssh-client openssh-server
  zstd xz-utils
  python3-nbformat jupyter-nbconvert python3-ipykernel
  "$(php_pkg cli)" "$(php_pkg mysql)" "$(php_pkg pgsql)" "$(php_pkg xml)" "$(php_pkg mbstring)"
)
installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${packages[@]}" 2>/dev/null | awk '/ install ok installed$/ {print $1}' || true)
missing=()
for p in "${packages[@]}"; do
  grep -qxF "$p" <<<"$installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  say "all ${#packages[@]} packages are installed: apt not run"
else
  say "installing ${#missing[@]} missing packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if printf '%s\n' "${missing[@]}" | grep -qx openssh-server; then
    # Only the sshd binary is wanted (tests start their own on loopback): a newly installed server must not start
    # listening on port 22 by itself. Debian's sshd honours this file; delete it to run the system sshd.
    mkdir -p /etc/ssh && touch /etc/ssh/sshd_not_to_be_run
    say "openssh-server is new here: /etc/ssh/sshd_not_to_be_run keeps the system sshd from starting"
  fi
  apt-get update -q >&2 || fail "apt-get update failed" "check the machine's Debian mirror (/etc/apt/sources.list*) and network"
  apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 \
    || fail "apt-get install failed for: ${missing[*]}" "run it by hand to see which package is unavailable on this release"
fi
done_step
$only_packages && { say "--only-packages: stopping here"; exit 0; }

# --- 2. Podman ----------------------------------------------------------------------------------------------
step "Podman configuration and API"
bash "$here/scripts/podman-config.sh" >&2 || fail "scripts/podman-config.sh failed" "read its message above"
mkdir -p "$state_dir"
MOODLECTL_STATE_DIR="$state_dir" bash "$here/scripts/podman-api.sh" start \
  || fail "Podman's API did not start" "read $state_dir/podman-api.log; try: podman info" 5
if [ -z "${DOCKER_HOST:-}" ]; then
  export DOCKER_HOST=unix:///run/podman/podman.sock
fi
say "DOCKER_HOST=$DOCKER_HOST"
done_step

# --- 3. build -----------------------------------------------------------------------------------------------
step "build moodlectl"
(cd "$here" && { mvn -B -q -o package -DskipTests >&2 2>/dev/null || mvn -B -q package -DskipTests >&2; }) \
  || fail "the build failed" "run: cd $here && mvn -B package -DskipTests"
done_step

mctl() { "$here/moodlectl" --state-dir "$state_dir" "$@"; }

# --- 4. host ------------------------------------------------------------------------------------------------
step "moodlectl host init ${init_args[*]:-}"
mctl host init "${init_args[@]+"${init_args[@]}"}" || fail "moodlectl host init failed" "read its message above"
done_step
step "moodlectl images build"
mctl images build || fail "moodlectl images build failed" "read its message above; the Debian mirror must be reachable"
done_step
step "moodlectl host status"
mctl host status || fail "moodlectl host status reports a problem" "read its message above"
done_step

# --- 5. demo ------------------------------------------------------------------------------------------------
if [ -f "$here/scripts/demo.sh" ] && [ -z "${MOODLECTL_SETUP_SKIP_DEMO:-}" ]; then
  step "demo (scripts/demo.sh; set MOODLECTL_SETUP_SKIP_DEMO=1 to skip)"
  MOODLECTL_STATE_DIR="$state_dir" bash "$here/scripts/demo.sh" || fail "the demo failed" "read its output above"
  done_step
fi

say "host ready in $(( $(date +%s) - started )) s (state: $state_dir; API: $DOCKER_HOST)"
