# Shared helpers for the node-side rotation steps. Sourced, never run.
# shellcheck shell=bash
# shellcheck disable=SC2034 # constants and M_* / RESTARTED_AT are read by the sourcing scripts

# Where AKS Engine keeps the certificates, and where this rotation works beside them. The staging
# dir is the one AKS Engine's own rotate-certs uses; certs.bak is its node-side backup.
readonly CERTS_DIR=/etc/kubernetes/certs
readonly BACKUP_DIR=/etc/kubernetes/certs.bak
readonly ROTATE_DIR=/etc/kubernetes/rotate-certs
readonly STAGING_DIR=$ROTATE_DIR/certs
readonly MANIFEST=$ROTATE_DIR/manifest
readonly STATE_DIR=$ROTATE_DIR/state
readonly EXTRA_BACKUP_DIR=$ROTATE_DIR/backup
# The rotation id the backup (certs.bak and the extra backup) was taken for (backup.sh).
readonly BACKUP_ID=$ROTATE_DIR/backup-rotation-id
# The rotation id whose backup finalize removed (cleanup.sh backup): no rollback from here on.
readonly FINALIZED=$ROTATE_DIR/finalized-rotation-id
readonly ETCD_DEFAULTS=/etc/default/etcd
readonly NODE_KUBECONFIG=/var/lib/kubelet/kubeconfig

SCRIPT_NAME=$(basename "$0" .sh)

log() { printf '%s: %s\n' "$SCRIPT_NAME" "$*"; }
die() {
  printf '%s: error: %s\n' "$SCRIPT_NAME" "$*" >&2
  exit 1
}

require_root() {
  [ "$(id -u)" -eq 0 ] || die "must run as root (through sudo -n); running as $(id -un)"
}

# sha256 of a file's content, or "-" when it does not exist.
sha256_of() {
  if [ -f "$1" ]; then
    sha256sum <"$1" | cut -d' ' -f1
  else
    printf -- '-'
  fi
}

# Octal mode without leading zeros, so "0600" and "600" compare equal.
norm_mode() { printf '%o' "$((8#$1))"; }

# True when $1 exists with content sha256 $2, mode $3, owner $4 and group $5.
file_matches() {
  local path=$1 sha=$2 mode=$3 owner=$4 group=$5 actual
  [ -f "$path" ] || return 1
  actual=$(stat -c '%a %U %G' "$path")
  [ "$actual" = "$(norm_mode "$mode") $owner $group" ] || return 1
  [ "$(sha256_of "$path")" = "$sha" ]
}

# Looks a destination path up in the staging manifest; sets M_MODE M_OWNER M_GROUP M_SHA.
manifest_lookup() {
  local want=$1 path mode owner group sha
  [ -f "$MANIFEST" ] || die "nothing staged on this node ($MANIFEST missing): run stage.sh first"
  while read -r path mode owner group sha; do
    if [ "$path" = "$want" ]; then
      M_MODE=$mode M_OWNER=$owner M_GROUP=$group M_SHA=$sha
      return 0
    fi
  done <"$MANIFEST"
  die "$want is not in the staged bundle ($MANIFEST)"
}

# Every destination path listed in the staging manifest.
manifest_paths() { cut -d' ' -f1 "$MANIFEST"; }

# The staged copy of a destination path.
staged_path() { printf '%s%s' "$STAGING_DIR" "$1"; }

# Disk space. A node whose /etc/kubernetes filesystem is full must fail a writing step before it
# writes anything, with one line that says how much to free, rather than leave a half-written
# file behind (the issue "node disk full during staging").
#
# Margin on top of the files themselves: the directories a step creates (stage.sh's mirror of
# the destination paths, about six; backup.sh's two trees), the blocks a directory and the
# filesystem's own bookkeeping grow by, and the one-line state files beside. Each takes at most a
# block or two; 64 KiB covers them on a 4 KiB-block filesystem with room to spare.
readonly FREE_MARGIN_BYTES=65536

# Bytes free for writing on the filesystem holding $1. df's "avail" leaves out the blocks
# reserved for root (ext4's 5 %): root could use them, but a full node needs them more than a
# rotation does.
free_bytes() { df -B1 --output=avail -- "$1" | tail -n 1 | tr -d ' '; }

# Bytes the given files and dirs (trees included) need once copied to the filesystem holding
# $1: a file takes whole blocks of that filesystem (a 100-byte key takes one), a dir or link one
# block; plus FREE_MARGIN_BYTES.
bytes_to_write() {
  local dir=$1 block
  shift
  block=$(stat -f -c %S -- "$dir")
  { [ $# -eq 0 ] || find "$@" -printf '%y %s\n'; } | awk -v b="$block" -v m="$FREE_MARGIN_BYTES" '
    { n += ($1 == "f") ? int(($2 + b - 1) / b) * b : b }
    END { printf "%.0f\n", n + m }'
}

# Dies with one line unless the filesystem holding dir has need bytes free for what (a phrase:
# "staging", "the backup"), naming the node and how much to free.
require_free_bytes() {
  local dir=$1 need=$2 what=$3 free host
  free=$(free_bytes "$dir")
  [ "$free" -lt "$need" ] || return 0
  host=$(hostname)
  die "$host: $dir has $free bytes free, $what needs $need: free at least $((need - free)) bytes under /etc/kubernetes on $host and run pulumi up again"
}

# Dies with one line after a write under dir failed despite require_free_bytes (the disk
# filled meanwhile, or ran out of inodes): what failed and why (the command's own message), the
# free bytes now, and the same advice. The caller has removed its partial file first.
die_write_failed() {
  local dir=$1 need=$2 what=$3 path=$4 reason=$5 host
  host=$(hostname)
  reason=$(printf '%s' "$reason" | tr '\n' ' ' | sed 's/ *$//')
  die "$host: writing $path failed (${reason:-no message}); $dir has $(free_bytes "$dir") bytes free, $what needs $need: free space under /etc/kubernetes on $host and run pulumi up again"
}

# One digest over the content of a set of files (missing files count as "-"): the identity of
# "what a service was started with", so a restart can tell whether it already happened.
files_digest() {
  local f
  for f in "$@"; do
    printf '%s %s\n' "$f" "$(sha256_of "$f")"
  done | sort | sha256sum | cut -d' ' -f1
}

# A flag's value from /etc/default/etcd (DAEMON_ARGS="... --flag=value ..."), or empty.
etcd_flag() {
  [ -f "$ETCD_DEFAULTS" ] || die "$ETCD_DEFAULTS missing: this node does not run etcd"
  # AKS Engine quotes some values (--listen-client-urls "https://…,https://127.0.0.1:2379").
  grep -oE -- "--$1[= ][\"']?[^ \"']+" "$ETCD_DEFAULTS" | head -n1 | sed -E "s/^--$1[= ][\"']?//" || true
}

# The client endpoint on this node: the loopback URL when etcd listens there, else the first.
etcd_local_endpoint() {
  local urls url
  urls=$(etcd_flag listen-client-urls)
  [ -n "$urls" ] || die "no --listen-client-urls in $ETCD_DEFAULTS"
  for url in ${urls//,/ }; do
    case $url in *//127.0.0.1:*)
      printf '%s' "$url"
      return 0
      ;;
    esac
  done
  printf '%s' "${urls%%,*}"
}

# etcdctl (v3) with the trust and identity etcd itself uses, passed explicitly: etcdctl 3.4
# ignores the v2-style ETCDCTL_*_FILE variables AKS Engine puts in /etc/environment.
etcdctl_local() {
  local ca cert key
  ca=$(etcd_flag trusted-ca-file)
  cert=$(etcd_flag cert-file)
  key=$(etcd_flag key-file)
  if [ -z "$ca" ] || [ -z "$cert" ] || [ -z "$key" ]; then
    die "$ETCD_DEFAULTS lacks --trusted-ca-file, --cert-file or --key-file"
  fi
  ETCDCTL_API=3 etcdctl --command-timeout=10s --dial-timeout=5s \
    --cacert="$ca" --cert="$cert" --key="$key" --endpoints="$(etcd_local_endpoint)" "$@"
}

# Files etcd reads at start, from its own flags.
etcd_files() {
  local flag value
  for flag in trusted-ca-file cert-file key-file peer-trusted-ca-file peer-cert-file peer-key-file; do
    value=$(etcd_flag "$flag")
    [ -z "$value" ] || printf '%s\n' "$value"
  done
}

has_systemd_unit() {
  systemctl list-unit-files --no-legend --no-pager "$1.service" 2>/dev/null | grep -q "^$1.service"
}

# Restarts a systemd unit unless it is running and was already restarted for the same files
# (digest recorded in the state dir), so a second run changes nothing. Prints the restart time
# (epoch seconds) recorded for this digest.
restart_unit_for() {
  local unit=$1 digest=$2 block=${3:-block} state recorded at state_now
  state=$STATE_DIR/restart-$unit
  mkdir -p "$STATE_DIR"
  recorded=$(cut -d' ' -f1 "$state" 2>/dev/null || true)
  state_now=$(systemctl is-active "$unit" 2>/dev/null || true)
  if [ "$recorded" = "$digest" ] && [[ $state_now =~ ^(active|activating|reloading)$ ]]; then
    at=$(cut -d' ' -f2 "$state")
    log "$unit already restarted for these files at $at; nothing to do"
    RESTARTED_AT=$at
    return 0
  fi
  at=$(date +%s)
  if [ "$block" = "no-block" ]; then
    systemctl restart --no-block "$unit"
  else
    systemctl restart "$unit"
  fi
  printf '%s %s\n' "$digest" "$at" >"$state.tmp"
  mv -f "$state.tmp" "$state"
  log "restarted $unit at $at"
  RESTARTED_AT=$at
}

# Polls "$@" until it succeeds or timeout seconds pass; returns its last status.
poll() {
  local timeout=$1 interval=$2 deadline
  shift 2
  deadline=$(($(date +%s) + timeout))
  until "$@"; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      return 1
    fi
    sleep "$interval"
  done
}

# kubectl as this node's kubelet: /var/lib/kubelet/kubeconfig holds file references to ca.crt and
# client.crt (O=system:masters), so it follows the rotation without being rewritten.
kubectl_node() { kubectl --kubeconfig "$NODE_KUBECONFIG" --request-timeout=10s "$@"; }

# The identity of this boot: the kernel's boot id and the start time of PID 1 (clock ticks since
# the kernel booted). On a VM the boot id changes with every boot; a node that is a container or
# namespace on a shared kernel (the lab's) keeps the kernel's boot id, and only its PID 1 is new.
boot_identity() {
  printf '%s/%s' "$(cat /proc/sys/kernel/random/boot_id)" "$(sed 's/^.*) //' /proc/1/stat | cut -d' ' -f20)"
}

# When this node's PID 1 started, in epoch seconds: the kernel's boot time plus PID 1's start.
booted_at() {
  local btime start
  btime=$(awk '/^btime/ {print $2}' /proc/stat)
  start=$(sed 's/^.*) //' /proc/1/stat | cut -d' ' -f20)
  printf '%s' "$((btime + start / $(getconf CLK_TCK)))"
}

# The certificates whose expiry stops etcd or the API server from working with them: the cluster
# CA, the API server's, the client pair (kubelet, admin) and etcd's (server, client, peer), those
# this node has. The front-proxy pair is left out: master-0 generates it apart from the rest, so
# it can expire alone (aks-engine #4450), which breaks only aggregated APIs; no gate of the
# rotation waits for those, and the rotation renews the pair.
expiry_checked_certs() {
  local f
  for f in "$CERTS_DIR"/ca.crt "$CERTS_DIR"/apiserver.crt "$CERTS_DIR"/client.crt "$CERTS_DIR"/etcd*.crt; do
    [ ! -s "$f" ] || printf '%s\n' "$f"
  done
}

# One line when a certificate among the given files has expired by this node's clock, or
# nothing: the first expired file (expiry_checked_certs lists ca.crt first, the cause of the rest
# when it expired), its end date, the node's clock (one that runs ahead makes valid certificates
# look expired), how many more expired, and what to do instead. The rotation starts only on a
# cluster that works with its current certificates (its pre-flight asks etcd with them), so an
# expired one is renewed by hand first. A file openssl cannot read is left to the other checks;
# only a file's first certificate counts.
expired_certs_problem() {
  local f end first="" first_end="" more=0 now renew
  for f in "$@"; do
    end=$(openssl x509 -enddate -noout -in "$f" 2>/dev/null) || continue
    ! openssl x509 -checkend 0 -noout -in "$f" >/dev/null 2>&1 || continue
    if [ -z "$first" ]; then
      first=$f first_end=${end#notAfter=}
    else
      more=$((more + 1))
    fi
  done
  [ -n "$first" ] || return 0
  now=$(date -u '+%b %e %H:%M:%S %Y GMT')
  # An expired CA verifies nothing it signed: it is renewed first, with its own key.
  renew="renew the expired certificates by hand with the cluster's CA, each keeping its key"
  [ "${first##*/}" != ca.crt ] || renew="renew ca.crt by hand with its own key, then every certificate it signed, each keeping its key"
  printf '%s expired on %s (this node'"'"'s clock: %s)%s: the rotation starts only on a cluster that works with its current certificates; if the clock is right, %s (docs/rotation.md, "Expired certificates"), then run pulumi up again' \
    "$first" "$first_end" "$now" "$([ "$more" -eq 0 ] || printf '; %s more expired' "$more")" "$renew"
}

# Marker a container node's manager writes when it starts the node again after a reboot.
readonly CONTAINER_REBOOT_OK=/etc/kubernetes/container-reboot-ok

# Why a reboot of this node would not come back, or nothing. On a container (or a namespace node
# like the lab's), `systemctl reboot` ends PID 1 for good unless the manager restarts it
# (the kernel reports the reboot to the parent as SIGHUP); the manager says it does with
# $CONTAINER_REBOOT_OK.
reboot_blocker() {
  local virt
  virt=$(systemd-detect-virt --container 2>/dev/null || true)
  if [ -n "$virt" ] && [ "$virt" != none ] && [ ! -e "$CONTAINER_REBOOT_OK" ]; then
    printf 'this node is a container (%s) whose manager does not restart it after a reboot (no %s): set rebootStrategy to none' \
      "$virt" "$CONTAINER_REBOOT_OK"
  fi
}
