#!/usr/bin/env bash
# The lab's network: one bridge of its own with the host at 10.240.0.1/16, so the host reaches
# every node directly; one veth per node whose peer end lives in the node's network namespace
# (created by the node's own `unshare --net`, so the host gets no netns mounts).
# ip_forward is left as it is and nodes get no default route: nothing a node sends can leave.

net_up() {
  if ! ip link show "${LAB_BRIDGE}" >/dev/null 2>&1; then
    ip link add "${LAB_BRIDGE}" type bridge
    ip addr add "${LAB_BRIDGE_IP}/${LAB_PREFIX_LEN}" dev "${LAB_BRIDGE}"
  fi
  ip link set "${LAB_BRIDGE}" up
}

# net_attach VETH PID: a veth whose peer, named eth0, goes into the namespace of PID.
net_attach() {
  ip link add "$1" type veth peer name eth0 netns "$2"
  ip link set "$1" master "${LAB_BRIDGE}" up
}

# net_down: every link the lab made (node veths vanish with their namespaces; this catches
# leftovers of a failed start), then the bridge.
net_down() {
  local link
  while read -r link; do
    ip link del "${link}" 2>/dev/null || true
  done < <(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -E "^${LAB_PREFIX}-" || true)
  ip link del "${LAB_BRIDGE}" 2>/dev/null || true
}
