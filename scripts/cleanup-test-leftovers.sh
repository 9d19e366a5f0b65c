#!/usr/bin/env bash
# Removes what interrupted tests may have left behind, and only that: everything tests create carries a name
# starting with "mctl-" (the test prefix; real sites never use it).
#   - Podman containers, pods and networks named mctl-*          (images are kept: they are shared and costly to build)
#   - mounts under /tmp and /var/tmp whose path has a mctl-* folder (deepest first)
#   - loop devices whose backing file has a mctl-* path component
# Safe to run at any time when no test is running; with a narrower --prefix (e.g. mctl-m-) it touches only one
# engineer's or one run's leftovers.
#
# Usage: cleanup-test-leftovers.sh [--dry-run] [--prefix mctl-xyz-]
set -euo pipefail

prefix=mctl-
dry_run=false
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) dry_run=true; shift ;;
    --prefix) [ $# -ge 2 ] || { echo "cleanup: --prefix needs a value" >&2; exit 2; }; prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "cleanup: unknown option $1" >&2; exit 2 ;;
  esac
done
case "$prefix" in
  mctl-*) ;;
  *) echo "cleanup: the prefix must start with mctl- (got '$prefix'): this script never touches anything else" >&2; exit 2 ;;
esac
[[ "$prefix" =~ ^[A-Za-z0-9_.-]+$ ]] || { echo "cleanup: prefix '$prefix' has characters other than letters, digits, . _ -" >&2; exit 2; }

say() { echo "cleanup: $*" >&2; }
run() {
  if $dry_run; then say "would run: $*"; return 0; fi
  say "$*"
  "$@"
}
removed=0
problems=0

if command -v podman >/dev/null 2>&1; then
  # One at a time: `podman rm -f a b` with one missing leaves the other.
  while read -r name; do
    [ -n "$name" ] || continue
    run podman rm -f -t 0 "$name" >/dev/null && removed=$((removed + 1)) || problems=$((problems + 1))
  done < <(podman ps -a --format '{{.Names}}' 2>/dev/null | grep -E "^${prefix//./\\.}" || true)
  while read -r name; do
    [ -n "$name" ] || continue
    run podman pod rm -f "$name" >/dev/null && removed=$((removed + 1)) || problems=$((problems + 1))
  done < <(podman pod ps --format '{{.Name}}' 2>/dev/null | grep -E "^${prefix//./\\.}" || true)
  while read -r name; do
    [ -n "$name" ] || continue
    run podman network rm -f "$name" >/dev/null && removed=$((removed + 1)) || problems=$((problems + 1))
  done < <(podman network ls --format '{{.Name}}' 2>/dev/null | grep -E "^${prefix//./\\.}" || true)
fi

# Mounts: /proc/self/mounts escapes spaces as \040; deepest first so nested mounts go before their parents.
while read -r target; do
  [ -n "$target" ] || continue
  if $dry_run; then
    say "would run: umount $target"
  elif { say "umount $target"; umount "$target" 2>/dev/null; } || { say "busy: umount -l $target"; umount -l "$target"; }; then
    removed=$((removed + 1))
  else
    problems=$((problems + 1))
  fi
done < <(awk '{print $2}' /proc/self/mounts | sed 's/\\040/ /g' \
          | grep -E "^(/var)?/tmp/(.*/)?${prefix//./\\.}[^/]*(/|$)" | awk '{print length, $0}' | sort -rn | cut -d' ' -f2- || true)

if command -v losetup >/dev/null 2>&1; then
  while read -r dev file; do
    [ -n "$dev" ] || continue
    if run losetup -d "$dev"; then removed=$((removed + 1)); else problems=$((problems + 1)); fi
  done < <(losetup -l -n -O NAME,BACK-FILE 2>/dev/null | awk -v p="$prefix" '{
             n = split($2, parts, "/"); for (i = 1; i <= n; i++) if (index(parts[i], p) == 1) { print $1, $2; break } }' || true)
fi

if $dry_run; then
  say "dry run: nothing changed"
elif [ "$problems" -gt 0 ]; then
  say "removed $removed leftovers; $problems could not be removed (see above)"
  exit 1
else
  say "removed $removed leftovers (prefix $prefix)"
fi
