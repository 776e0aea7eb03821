#!/usr/bin/env bash
# Stages the new files for this node beside the live ones, touching nothing in use.
#
# stdin (key material travels only here): one line per file,
#   <destination path> <mode> <owner>:<group> <sha256> <base64 content>
# Every line is checked (path, mode, owner, sha256 of the decoded content), and the free space
# under the staging dir against what this run writes, before anything is written. Staged copies
# are root-only; the manifest records where each goes and how.
# A second run with the same bundle changes nothing.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

require_root
umask 077
# Written before the free-space check below, which needs it to name the filesystem the staged
# files go to: an empty dir (an entry in its parent's directory block), harmless on a full disk.
mkdir -p "$ROTATE_DIR"
chmod 700 "$ROTATE_DIR"
# Decode in memory (/dev/shm) where there is one: key material then touches the disk only in the
# root-only staging dir, and a second run does not even change that dir's mtime.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
  work=$(mktemp -d /dev/shm/rotate-stage.XXXXXX)
else
  # Decoded here, the files take their space before the check below measures the free space,
  # which stays right: the check counts the copies still to be made.
  work=$(mktemp -d "$ROTATE_DIR/.stage.XXXXXX")
fi
trap 'rm -rf "$work"' EXIT

entries=()
declare -A seen=()
n=0
while IFS=' ' read -r path mode owner sha b64 extra || [ -n "${path:-}" ]; do
  [ -n "${path:-}" ] || continue
  n=$((n + 1))
  where="bundle line $n"
  if [ -n "${extra:-}" ] || [ -z "${b64:-}" ]; then
    die "$where: expected 5 fields: path mode owner:group sha256 base64"
  fi
  if [[ ! $path =~ ^/[A-Za-z0-9._/-]+$ ]] || [[ $path =~ (^|/)\.\.?(/|$) ]]; then
    die "$where: bad path (not printed: a malformed line may hold key material)"
  fi
  case $path in
    /etc/kubernetes/* | /var/lib/kubelet/* | /home/*/.kube/* | /root/.kube/*) ;;
    *) die "$where: $path is outside the paths a rotation may write" ;;
  esac
  [ -z "${seen[$path]:-}" ] || die "$where: $path appears twice"
  seen[$path]=1
  [[ $mode =~ ^0?[0-7]{3}$ ]] || die "$where ($path): bad mode"
  [[ $owner =~ ^[a-z_][a-z0-9_-]*:[a-z_][a-z0-9_-]*$ ]] || die "$where ($path): bad owner:group"
  getent passwd "${owner%%:*}" >/dev/null || die "$where ($path): no user '${owner%%:*}' on this node"
  getent group "${owner#*:}" >/dev/null || die "$where ($path): no group '${owner#*:}' on this node"
  [[ $sha =~ ^[0-9a-f]{64}$ ]] || die "$where ($path): bad sha256"
  printf '%s' "$b64" | base64 -d >"$work/$n" 2>/dev/null || die "$where ($path): content is not valid base64"
  actual=$(sha256_of "$work/$n")
  [ "$actual" = "$sha" ] || die "$where ($path): content sha256 is $actual, expected $sha"
  entries+=("$n $path $mode ${owner%%:*} ${owner#*:} $sha")
done
[ "$n" -gt 0 ] || die "empty bundle on stdin"

# What this run writes: the files whose staged copy differs, and the manifest when it changes.
# Decided before writing anything, so a node without the room for it fails with nothing changed.
pending=() unchanged=0
for e in "${entries[@]}"; do
  read -r i path _ _ _ sha <<<"$e"
  if [ "$(sha256_of "$(staged_path "$path")")" = "$sha" ]; then
    unchanged=$((unchanged + 1))
  else
    pending+=("$e")
  fi
done
printf '%s\n' "${entries[@]}" | cut -d' ' -f2- | sort >"$work/manifest"
manifest_state=unchanged
cmp -s "$work/manifest" "$MANIFEST" || manifest_state=written

writes=()
for e in "${pending[@]}"; do writes+=("$work/${e%% *}"); done
[ "$manifest_state" = unchanged ] || writes+=("$work/manifest")
need=0
if [ "${#writes[@]}" -gt 0 ]; then
  # Checked where the staged copies go (a node may have it on a filesystem of its own); the
  # manifest beside it is a few hundred bytes, inside the margin.
  mkdir -p "$STAGING_DIR"
  need=$(bytes_to_write "$STAGING_DIR" "${writes[@]}")
  require_free_bytes "$STAGING_DIR" "$need" staging
fi

# Copies $1 to $2 through $2.tmp: a half-written file never carries the final name, and a failed
# copy (the disk filled since the check) leaves no .tmp behind. Files copied before it are whole
# and checked; the manifest still names the previous bundle, so install.sh refuses them until a
# stage run completes.
copy_in() {
  local err
  if ! err=$({ mkdir -p "$(dirname "$2")" && cp "$1" "$2.tmp" && mv -f "$2.tmp" "$2"; } 2>&1); then
    rm -f "$2.tmp"
    die_write_failed "$STAGING_DIR" "$need" staging "$2" "$err"
  fi
}

for e in "${pending[@]}"; do
  read -r i path _ <<<"$e"
  copy_in "$work/$i" "$(staged_path "$path")"
done
[ "$manifest_state" = unchanged ] || copy_in "$work/manifest" "$MANIFEST"
log "${#pending[@]} staged, $unchanged unchanged, manifest $manifest_state ($n files)"
