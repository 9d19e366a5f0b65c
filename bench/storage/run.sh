#!/usr/bin/env bash
# Storage benchmark: snapshot vs copy of a ~1 GiB environment volume, side by side in one run.
#
# Runs the same commands as moodlectl's storage drivers (directly, not through the Java code):
#   BtrfsDriver.snapshot(src, t, true)  -> btrfs subvolume snapshot -r SRC T
#   BtrfsDriver.clone(src, t)           -> btrfs subvolume snapshot SRC T
#   ReflinkDriver.snapshot/clone        -> cp -a --reflink=always -- SRC T        (on XFS, reflink=1)
#   CopyDriver.snapshot/clone           -> cp -a --reflink=never -- SRC T         (the baseline)
# Every measurement ends with `sync -f` on its filesystem, so a copy is timed until its data is on disk.
#
# Needs root, btrfs-progs, xfsprogs, two free loop devices and ~5 GB free under $BENCH_DIR (sparse images).
# Usage: sudo bash bench/storage/run.sh
# Environment: BENCH_DIR (/var/tmp), BENCH_PREFIX (moodlectl-bench), RUNS (3), BIG_FILES (180, 5 MiB each),
#              SMALL_FILES (2000, 50 KiB each), DROP_CACHES (0; 1 drops the page cache before each measurement:
#              machine-wide, don't on a shared host).
set -euo pipefail

BENCH_DIR=${BENCH_DIR:-/var/tmp}
BENCH_PREFIX=${BENCH_PREFIX:-moodlectl-bench}
RUNS=${RUNS:-3}
BIG_FILES=${BIG_FILES:-180}
SMALL_FILES=${SMALL_FILES:-2000}
DROP_CACHES=${DROP_CACHES:-0}
IMAGE_SIZE=${IMAGE_SIZE:-5G}

ID="$BENCH_PREFIX-$$"
BTRFS_IMG="$BENCH_DIR/$ID-btrfs.img"
XFS_IMG="$BENCH_DIR/$ID-xfs.img"
BTRFS="$BENCH_DIR/$ID-btrfs"
XFS="$BENCH_DIR/$ID-xfs"
RESULTS=$(mktemp "${TMPDIR:-/tmp}/$ID-results.XXXXXX")

log() { printf '%s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (loop devices, mount)"
for tool in mkfs.btrfs btrfs mkfs.xfs losetup truncate awk; do
    command -v "$tool" >/dev/null || die "$tool is missing (apt-get install btrfs-progs xfsprogs)"
done

cleanup() {
    set +e
    for mp in "$BTRFS" "$XFS"; do
        if mountpoint -q "$mp" 2>/dev/null; then
            umount "$mp" || umount -l "$mp"
        fi
        rmdir "$mp" 2>/dev/null
    done
    for img in "$BTRFS_IMG" "$XFS_IMG"; do
        for dev in $(losetup -j "$img" 2>/dev/null | cut -d: -f1); do
            losetup -d "$dev"
        done
        rm -f "$img"
    done
    rm -f "$RESULTS"
}
trap cleanup EXIT INT TERM

now() { date +%s.%N; }

# measure LABEL FS_DIR COMMAND...: runs the command, then sync -f, and appends "LABEL seconds" to the results
measure() {
    local label=$1 fs=$2; shift 2
    sync -f "$fs"
    if [ "$DROP_CACHES" = 1 ]; then echo 3 > /proc/sys/vm/drop_caches; fi
    local t0 t1
    t0=$(now)
    "$@" >/dev/null
    sync -f "$fs"
    t1=$(now)
    awk -v l="$label" -v a="$t0" -v b="$t1" 'BEGIN { printf "%s %.4f\n", l, b - a }' >> "$RESULTS"
    log "  $label: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f s", b - a }')"
}

log "== making a btrfs pool and an XFS (reflink=1) pool, $IMAGE_SIZE sparse images in $BENCH_DIR"
[ "$(losetup -f 2>/dev/null)" ] || die "no free loop device (losetup -a shows which are taken)"
truncate -s "$IMAGE_SIZE" "$BTRFS_IMG" "$XFS_IMG"
mkfs.btrfs -q "$BTRFS_IMG" >/dev/null 2>&1
mkfs.xfs -q -m reflink=1 "$XFS_IMG"
mkdir -p "$BTRFS" "$XFS"
mount -o loop "$BTRFS_IMG" "$BTRFS"
mount -o loop "$XFS_IMG" "$XFS"

log "== a volume of $BIG_FILES x 5 MiB + $SMALL_FILES x 50 KiB random files"
btrfs subvolume create "$BTRFS/live" >/dev/null
mkdir -p "$BTRFS/live/moodledata/big" "$BTRFS/live/moodledata/small"
head -c "$((BIG_FILES * 5))M" /dev/urandom | (cd "$BTRFS/live/moodledata/big" && split -a 4 -b 5M - f)
head -c "$((SMALL_FILES * 50))K" /dev/urandom | (cd "$BTRFS/live/moodledata/small" && split -a 4 -b 50K - f)
mkdir "$XFS/live"
cp -a --reflink=never "$BTRFS/live/." "$XFS/live/"
sync -f "$BTRFS"; sync -f "$XFS"
VOLUME_BYTES=$(du -sb --apparent-size "$BTRFS/live" | cut -f1)
FILE_COUNT=$(find "$BTRFS/live" -type f | wc -l)
log "   $FILE_COUNT files, $VOLUME_BYTES bytes"

for run in $(seq 1 "$RUNS"); do
    log "== run $run of $RUNS"
    measure btrfs-snapshot-ro "$BTRFS" btrfs subvolume snapshot -r "$BTRFS/live" "$BTRFS/snap"
    measure btrfs-snapshot-rw "$BTRFS" btrfs subvolume snapshot "$BTRFS/live" "$BTRFS/clone"
    measure btrfs-cp-reflink "$BTRFS" cp -a --reflink=always -- "$BTRFS/live" "$BTRFS/rl"
    measure btrfs-cp-real "$BTRFS" cp -a --reflink=never -- "$BTRFS/live" "$BTRFS/copy"
    measure xfs-cp-reflink "$XFS" cp -a --reflink=always -- "$XFS/live" "$XFS/rl"
    measure xfs-cp-real "$XFS" cp -a --reflink=never -- "$XFS/live" "$XFS/copy"
    btrfs subvolume delete -c "$BTRFS/snap" "$BTRFS/clone" >/dev/null
    rm -rf "$BTRFS/rl" "$BTRFS/copy" "$XFS/rl" "$XFS/copy"
    sync -f "$BTRFS"; sync -f "$XFS"
done

CPU=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)
echo "# Storage: snapshot vs copy"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); host: $(uname -r), $(nproc) cores ($CPU), images in $BENCH_DIR ($(stat -f -c %T "$BENCH_DIR"))"
echo "volume: $FILE_COUNT files, $(awk -v b="$VOLUME_BYTES" 'BEGIN { printf "%.2f GiB", b / 2^30 }'); $RUNS runs; every time includes sync -f; page cache $( [ "$DROP_CACHES" = 1 ] && echo dropped || echo warm)"
echo
awk -v runs="$RUNS" '
    { t[$1] = t[$1] (t[$1] == "" ? "" : " ") $2; order[$1] = order[$1] == "" ? ++n : order[$1] }
    function median(list,   a, k, i, j, x) {
        k = split(list, a, " ")
        for (i = 2; i <= k; i++) { x = a[i]; for (j = i - 1; j > 0 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
        return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
    }
    END {
        desc["btrfs-snapshot-ro"] = "btrfs | btrfs subvolume snapshot -r (BtrfsDriver.snapshot ro)"
        desc["btrfs-snapshot-rw"] = "btrfs | btrfs subvolume snapshot (BtrfsDriver.clone)"
        desc["btrfs-cp-reflink"] = "btrfs | cp -a --reflink=always (ReflinkDriver)"
        desc["btrfs-cp-real"] = "btrfs | cp -a --reflink=never (CopyDriver)"
        desc["xfs-cp-reflink"] = "XFS | cp -a --reflink=always (ReflinkDriver)"
        desc["xfs-cp-real"] = "XFS | cp -a --reflink=never (CopyDriver)"
        copy["btrfs"] = median(t["btrfs-cp-real"]); copy["xfs"] = median(t["xfs-cp-real"])
        printf "| fs | operation | runs (s) | median (s) | time / real copy | real copy is N x slower |\n"
        printf "|---|---|---|---|---|---|\n"
        for (i = 1; i <= n; i++) for (k in order) if (order[k] == i) {
            m = median(t[k]); fs = substr(k, 1, index(k, "-") - 1)
            ratio = copy[fs] > 0 ? m / copy[fs] : 0
            speedup = (m > 0) ? copy[fs] / m : 0
            shown = t[k]; gsub(/ /, ", ", shown)
            printf "| %s | %s | %.3f | %.4f | %.0f |\n", desc[k], shown, m, ratio, speedup
        }
    }' "$RESULTS"
