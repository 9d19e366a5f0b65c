#!/usr/bin/env bash
# Makes Podman work on this kernel, changing only what must change (see host-notes.md).
#
# Each setting is written only when this machine needs it:
#   [containers] log_driver = "k8s-file"      no systemd/journald here: the journald log driver can't work
#   [containers] default_ulimits = []         runc can't raise RLIMIT_NOFILE/NPROC (no CAP_SYS_RESOURCE, low hard limit)
#   [engine] cgroup_manager = "cgroupfs"      no systemd as PID 1: the systemd cgroup manager can't work
#   [engine] events_logger = "file"           no systemd/journald
#   [engine] runtime = "runc"                 cgroups v1/hybrid (crun refuses hybrid mode) or crun not installed
#   [network] network_backend = "netavark"    pins netavark (name resolution on user networks) when it is installed
#                                             and nothing is left on CNI
# The settings go into a drop-in, /etc/containers/containers.conf.d/50-moodlectl.conf, when this Podman reads
# containers.conf.d/ (Podman 4.x does). An admin's /etc/containers/containers.conf is never overwritten.
# Idempotent: running it again rewrites nothing if nothing changed.
#
# Usage: podman-config.sh [--dry-run]
# Environment: MOODLECTL_CONTAINERS_DIR (default /etc/containers) — for tests.
set -euo pipefail

dry_run=false
case "${1:-}" in
  --dry-run) dry_run=true ;;
  "") ;;
  -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
  *) echo "podman-config: unknown option $1 (usage: podman-config.sh [--dry-run])" >&2; exit 2 ;;
esac

conf_dir=${MOODLECTL_CONTAINERS_DIR:-/etc/containers}
dropin_dir="$conf_dir/containers.conf.d"
dropin="$dropin_dir/50-moodlectl.conf"
main_conf="$conf_dir/containers.conf"

say() { echo "podman-config: $*" >&2; }

podman_bin=$(command -v podman || true)
if [ -z "$podman_bin" ]; then
  say "podman is not installed (apt-get install podman runc conmon netavark aardvark-dns iptables catatonit)"
  exit 12
fi

containers_keys=()
engine_keys=()
network_keys=()
reasons=()

# --- what this machine needs -------------------------------------------------------------------------
has_systemd=false
if [ -d /run/systemd/system ]; then has_systemd=true; fi
if ! $has_systemd; then
  engine_keys+=('cgroup_manager = "cgroupfs"');  reasons+=("cgroup_manager=cgroupfs: systemd is not PID 1 (no /run/systemd/system)")
  engine_keys+=('events_logger = "file"');       reasons+=("events_logger=file: no systemd journal")
  containers_keys+=('log_driver = "k8s-file"');  reasons+=("log_driver=k8s-file: no systemd journal")
fi

cgroup_fs=$(stat -fc %T /sys/fs/cgroup 2>/dev/null || echo unknown)
if [ "$cgroup_fs" != "cgroup2fs" ]; then
  if command -v runc >/dev/null 2>&1; then
    engine_keys+=('runtime = "runc"'); reasons+=("runtime=runc: cgroups v1/hybrid (/sys/fs/cgroup is $cgroup_fs); crun refuses hybrid mode")
  else
    say "cgroups v1/hybrid here and runc is not installed: apt-get install runc"
    exit 12
  fi
elif ! command -v crun >/dev/null 2>&1 && command -v runc >/dev/null 2>&1; then
  engine_keys+=('runtime = "runc"'); reasons+=("runtime=runc: crun is not installed, runc is")
fi

cap_eff=$(awk '/^CapEff:/ {print $2}' /proc/self/status)
cap_sys_resource=$(( (16#${cap_eff:-0} >> 24) & 1 ))
hard_nofile=$(ulimit -Hn)
if [ "$cap_sys_resource" = 0 ] || { [ "$hard_nofile" != unlimited ] && [ "$hard_nofile" -lt 1048576 ]; }; then
  containers_keys+=('default_ulimits = []')
  reasons+=("default_ulimits=[]: runc can't raise NOFILE/NPROC here (CAP_SYS_RESOURCE=$cap_sys_resource, hard nofile=$hard_nofile)")
fi

netavark_bin=""
for p in /usr/lib/podman/netavark /usr/libexec/podman/netavark /usr/local/libexec/podman/netavark; do
  [ -x "$p" ] && netavark_bin=$p && break
done
if [ -n "$netavark_bin" ]; then
  current_backend=$(podman info --format '{{.Host.NetworkBackend}}' 2>/dev/null || echo unknown)
  if [ "$current_backend" = netavark ] || [ -z "$(podman ps -aq 2>/dev/null)" ]; then
    network_keys+=('network_backend = "netavark"'); reasons+=("network_backend=netavark: installed; pinned so user networks resolve names")
  else
    say "warning: network backend is '$current_backend' and containers exist: left as it is (netavark is needed for name resolution on user networks)"
  fi
else
  say "warning: netavark is not installed (apt-get install netavark aardvark-dns): network_backend left as it is"
fi

# --- the file ---------------------------------------------------------------------------------------------
content="# Written by moodlectl's scripts/podman-config.sh: only what this machine needs (see the reasons below).
# Delete this file to undo. An admin's containers.conf is left untouched; files after 50- in this folder win.
"
for r in "${reasons[@]}"; do content+="#   $r
"; done
section() {
  local name=$1; shift
  [ $# -eq 0 ] && return 0
  content+="[$name]
"
  for k in "$@"; do content+="$k
"; done
}
section containers "${containers_keys[@]+"${containers_keys[@]}"}"
section engine "${engine_keys[@]+"${engine_keys[@]}"}"
section network "${network_keys[@]+"${network_keys[@]}"}"

if [ ${#reasons[@]} -eq 0 ]; then
  say "this machine needs no change to Podman's configuration"
  exit 0
fi

reads_dropins=false
if grep -q 'containers.conf.d' "$podman_bin" 2>/dev/null; then reads_dropins=true; fi

if $reads_dropins; then
  target=$dropin
else
  if [ -e "$main_conf" ]; then
    say "this Podman does not read containers.conf.d/ and $main_conf exists: not overwriting an admin's file."
    say "add these settings to it by hand:"
    printf '%s' "$content" >&2
    exit 1
  fi
  target=$main_conf
fi

if [ -f "$target" ] && [ "$(cat "$target")" = "$(printf '%s' "$content")" ]; then
  say "$target is already up to date; nothing changed"
  printf '%s' "$content"
  exit 0
fi
if $dry_run; then
  say "would write $target (dry run):"
  printf '%s' "$content"
  exit 0
fi
mkdir -p "$(dirname "$target")"
tmp="$target.tmp.$$"
printf '%s' "$content" > "$tmp"
mv -f "$tmp" "$target"
say "wrote $target:"
printf '%s' "$content"

# --- check that it took effect (a later drop-in of the admin's may override it) -------------------------
if [ "$conf_dir" = /etc/containers ]; then
  info=$(podman info --format '{{.Host.OCIRuntime.Name}} {{.Host.CgroupManager}} {{.Host.EventLogger}}' 2>/dev/null || true)
  for want in "runtime = \"runc\":runc:1" "cgroup_manager = \"cgroupfs\":cgroupfs:2" "events_logger = \"file\":file:3"; do
    key=${want%%:*}; rest=${want#*:}; value=${rest%%:*}; field=${rest##*:}
    if printf '%s' "$content" | grep -qxF "$key"; then
      got=$(echo "$info" | awk -v f="$field" '{print $f}')
      if [ "$got" != "$value" ]; then
        say "warning: podman info reports '$got' instead of '$value': another file in $dropin_dir overrides ${key%% *}"
      fi
    fi
  done
fi
