#!/usr/bin/env bash
# PID 1 of a lab node, before it becomes systemd. Runs inside the node's fresh mount and PID
# namespaces, within its UTS, IPC, cgroup and network namespaces (lab/node/boot.sh, started by
# lab/lib/nodes.sh; again after every reboot, so each step below is safe to repeat on the same
# disk) and turns them into a small
# "VM": its own /etc and /var (copy-on-write over the host's), private /root /home /tmp /run
# /dev, a node-local sysfs and cgroup2, its own hostname, network address, host key and admin
# user; then it execs systemd, which boots the node like a VM (sshd, journald, later etcd).
# Everything written here is the node's "image + cloud-init"; the AKS Engine provisioning
# (certificates, etcd) happens later in lab/node/cse.sh.
set -euo pipefail

node_dir=$1
# shellcheck source=/dev/null
source "${node_dir}/node.env"

# --- network: the host moves the peer end of our veth in as eth0; wait for it ----------------
for _ in $(seq 1 500); do
  ip link show eth0 >/dev/null 2>&1 && break
  sleep 0.02
done
ip link set lo up
ip addr replace "${NODE_IP}/${PREFIX_LEN}" dev eth0
ip link set eth0 up
# No default route on purpose: only the lab bridge's network (the cluster's /16) is reachable.

# --- filesystems ----------------------------------------------------------------------------
mount --make-rprivate /
# The node's own folder first, under a path nothing below shadows: the checkout (and so this
# folder) may live under /root, /home or /tmp, which the node gets private copies of just after.
# Everything of the node's "disk" is mounted or read through ${disk}, never through ${node_dir}.
disk=/mnt
mount --bind "${node_dir}" "${disk}"
mount -t overlay overlay -o "lowerdir=/etc,upperdir=${disk}/etc/upper,workdir=${disk}/etc/work" /etc
mount -t overlay overlay -o "lowerdir=/var,upperdir=${disk}/var/upper,workdir=${disk}/var/work" /var
for d in root home tmp; do mount --bind "${disk}/${d}" "/${d}"; done
chmod 1777 /tmp
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run

# A private /dev: assemble it on the new /run, then move it into place.
staging=/run/lab-dev
mkdir -p "${staging}"
mount -t tmpfs -o mode=0755,nosuid tmpfs "${staging}"
for dev in null zero full random urandom tty; do
  touch "${staging}/${dev}"
  mount --bind "/dev/${dev}" "${staging}/${dev}"
done
# systemd writes its console output to /dev/console; the node has no console.
touch "${staging}/console"
mount --bind /dev/null "${staging}/console"
mkdir -p "${staging}/pts" "${staging}/shm"
ln -s /proc/self/fd "${staging}/fd"
ln -s /proc/self/fd/0 "${staging}/stdin"
ln -s /proc/self/fd/1 "${staging}/stdout"
ln -s /proc/self/fd/2 "${staging}/stderr"
ln -s pts/ptmx "${staging}/ptmx"
mount --move "${staging}" /dev
rmdir "${staging}"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5,nosuid,noexec devpts /dev/pts
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm

# A sysfs of this network namespace, read-only (so udev and friends stay off), and a cgroup2
# rooted at this node's own cgroup (unshare --cgroup made it the namespace root).
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs /sys
mount -t cgroup2 -o rw,nosuid,nodev,noexec cgroup2 /sys/fs/cgroup

# The VM's provisioning payload (what the Azure VM agent downloads for the CSE extension).
cse_dir=/var/lib/waagent/custom-script/download/0
mkdir -p "${cse_dir}"
mount --bind "${disk}/cse" "${cse_dir}"
mount -o remount,bind,ro "${cse_dir}"
if [ "${NODE_ROLE}" = master ]; then
  # The etcd data disk AKS Engine attaches to every master (LABEL=etcd_disk).
  mkdir -p /var/lib/etcddisk
  mount --bind "${disk}/etcddisk" /var/lib/etcddisk
fi

# --- the node's identity ----------------------------------------------------------------------
hostname "${NODE_NAME}"
echo "${NODE_NAME}" >/etc/hostname
cp "${disk}/hosts" /etc/hosts
tr -d '-' </proc/sys/kernel/random/uuid >/etc/machine-id
: >/etc/fstab

# sshd shaped like an AKS Engine node's (its cloud-init sshd_config): rsa, ecdsa and ed25519
# host keys of this node only (the host's are hidden), PAM (so pam_nologin refuses logins while
# the node boots or shuts down, as on a VM), sftp, AcceptEnv, MaxAuthTries 4,
# ClientAliveInterval 120; listening on the node IP only.
rm -f /etc/ssh/ssh_host_*
for type in rsa ecdsa ed25519; do
  install -m 0600 "${disk}/ssh_host_${type}_key" "/etc/ssh/ssh_host_${type}_key"
  install -m 0644 "${disk}/ssh_host_${type}_key.pub" "/etc/ssh/ssh_host_${type}_key.pub"
done
# The whole file, not a drop-in: the host's own sshd_config (under the /etc overlay) must not
# shape the node's.
rm -f /etc/ssh/sshd_config.d/50-aks-lab.conf
cat >/etc/ssh/sshd_config <<CONF
ListenAddress ${NODE_IP}
HostKey /etc/ssh/ssh_host_rsa_key
HostKey /etc/ssh/ssh_host_ecdsa_key
HostKey /etc/ssh/ssh_host_ed25519_key
SyslogFacility AUTH
LogLevel INFO
LoginGraceTime 60
PermitRootLogin no
StrictModes yes
PubkeyAuthentication yes
IgnoreRhosts yes
HostbasedAuthentication no
PermitEmptyPasswords no
PasswordAuthentication no
KbdInteractiveAuthentication no
X11Forwarding no
PrintMotd no
PrintLastLog yes
TCPKeepAlive yes
AcceptEnv LANG LC_*
Subsystem sftp /usr/lib/openssh/sftp-server
UsePAM yes
UseDNS no
GSSAPIAuthentication no
MaxAuthTries 4
ClientAliveInterval 120
CONF

# The admin user as cloud-init makes it: key-only login, passwordless sudo.
id -u "${ADMIN_USER}" >/dev/null 2>&1 || useradd --create-home --user-group --shell /bin/bash "${ADMIN_USER}"
usermod --password '*' "${ADMIN_USER}"
install -d -m 0700 -o "${ADMIN_USER}" -g "${ADMIN_USER}" "/home/${ADMIN_USER}/.ssh"
install -m 0600 -o "${ADMIN_USER}" -g "${ADMIN_USER}" "${disk}/authorized_keys" \
  "/home/${ADMIN_USER}/.ssh/authorized_keys"
echo "${ADMIN_USER} ALL=(ALL) NOPASSWD:ALL" >/etc/sudoers.d/90-cloud-init-users
chmod 0440 /etc/sudoers.d/90-cloud-init-users

# --- systemd units ------------------------------------------------------------------------------
# First boot only (a reboot keeps what the CSE and the control plane enabled since): drop every
# unit the host enabled (postgresql, timers, gettys, etcd...) and enable sshd only.
if [ ! -e /etc/aks-lab-first-boot-done ]; then
  find /etc/systemd/system -mindepth 2 -maxdepth 2 \( -path '*.wants/*' -o -path '*.requires/*' \) -delete
  rm -f /etc/systemd/system/etcd2.service
  mkdir -p /etc/systemd/system/multi-user.target.wants
  ln -sf /lib/systemd/system/ssh.service /etc/systemd/system/multi-user.target.wants/ssh.service
  ln -sf /lib/systemd/system/multi-user.target /etc/systemd/system/default.target
  touch /etc/aks-lab-first-boot-done
fi
# lab/node/boot.sh starts the node again after a reboot: say so to the rotation's reboot steps
# (scripts/remote/lib.sh, reboot_blocker), which refuse to reboot a container node otherwise.
mkdir -p /etc/kubernetes
touch /etc/kubernetes/container-reboot-ok
# Units that would touch the shared kernel or hardware, or only cost memory in a lab node.
# (dbus stays: unprivileged `systemctl status` needs it, as on a VM; logind is not needed.)
for unit in getty.target console-getty.service container-getty@.service getty@.service \
  serial-getty@.service systemd-logind.service \
  systemd-ask-password-wall.path systemd-ask-password-console.path \
  dev-hugepages.mount sys-fs-fuse-connections.mount sys-kernel-config.mount \
  sys-kernel-debug.mount sys-kernel-tracing.mount proc-sys-fs-binfmt_misc.automount \
  systemd-binfmt.service kmod-static-nodes.service systemd-modules-load.service \
  systemd-sysctl.service systemd-firstboot.service systemd-machine-id-commit.service \
  systemd-pcrphase.service systemd-pcrphase-sysinit.service systemd-repart.service \
  systemd-remount-fs.service systemd-journald-audit.socket systemd-udevd.service \
  systemd-udevd-control.socket systemd-udevd-kernel.socket systemd-hwdb-update.service \
  ldconfig.service systemd-timesyncd.service e2scrub_reap.service postgresql.service; do
  ln -sf /dev/null "/etc/systemd/system/${unit}"
done
if [ "${NODE_ROLE}" = master ]; then
  # AKS Engine ships its own etcd unit (enabled later by the CSE), not Debian's.
  install -m 0644 "${disk}/cse/etcd.service" /etc/systemd/system/etcd.service
else
  # Agents run no etcd; AKS Engine scripts treat /etc/default/etcd as "this is a master".
  ln -sf /dev/null /etc/systemd/system/etcd.service
  rm -f /etc/default/etcd
fi

# Hide the operator's secrets (every lab cluster's state, _output) from the node, as a VM could
# not see them. Under /root, /home or /tmp they are hidden already (the node's private copies
# shadow them).
for d in "${STATE_DIR}" "${STATE_ROOTS[@]}" "${OUTPUT_ROOT}"; do
  if [ -d "${d}" ]; then mount -t tmpfs -o ro,mode=0755 tmpfs "${d}"; fi
done
umount "${disk}"

cd /
exec env -i container=akslab PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  /lib/systemd/systemd
