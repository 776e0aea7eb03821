// The lab's own programs (stand-in kubelet, internal load balancer): standard library only,
// built by tools/kubernetes/build.sh.
module aks-rotate-certs/lab/control-plane

go 1.24.0
