#!/usr/bin/env bash
# What the control plane left outside the nodes: the internal load balancer. lab/lab.sh down
# calls this before it removes the bridge (everything else lives and dies inside the nodes).
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/ilb.sh" stop
