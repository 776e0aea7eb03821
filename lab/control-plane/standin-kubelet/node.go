package main

import (
	"context"
	"net/url"
	"runtime"
	"strings"
	"time"
)

// node is what the stand-in reports about its machine.
type node struct {
	name, ip, version string
	labels            map[string]string
	taints            []map[string]string
	uid               string    // the Node object's uid, once registered (the lease's owner)
	lastPosted        time.Time // when this process last posted the node status
}

// register creates the Node object, or reconciles the labels of an existing one, as the real
// kubelet does on (re)start.
func (n *node) register(ctx context.Context, c *apiClient) error {
	labels := map[string]string{
		"kubernetes.io/hostname":  n.name,
		"kubernetes.io/os":        runtime.GOOS,
		"kubernetes.io/arch":      runtime.GOARCH,
		"beta.kubernetes.io/os":   runtime.GOOS,
		"beta.kubernetes.io/arch": runtime.GOARCH,
	}
	for k, v := range n.labels {
		labels[k] = v
	}
	obj := map[string]any{
		"apiVersion": "v1",
		"kind":       "Node",
		"metadata": map[string]any{
			"name":        n.name,
			"labels":      labels,
			"annotations": map[string]string{"node.alpha.kubernetes.io/ttl": "0"},
		},
		"spec": map[string]any{"taints": n.taints},
	}
	var out struct {
		Metadata struct{ UID string } `json:"metadata"`
	}
	err := c.call(ctx, "POST", "/api/v1/nodes", "", obj, &out)
	if isStatus(err, 409) {
		patch := map[string]any{"metadata": map[string]any{"labels": labels}}
		err = c.call(ctx, "PATCH", "/api/v1/nodes/"+url.PathEscape(n.name), mergePatch, patch, &out)
	}
	if err != nil {
		return err
	}
	n.uid = out.Metadata.UID
	return nil
}

// condition is one entry of the Node's status.conditions.
type condition struct {
	Type               string `json:"type"`
	Status             string `json:"status"`
	LastHeartbeatTime  string `json:"lastHeartbeatTime,omitempty"`
	LastTransitionTime string `json:"lastTransitionTime,omitempty"`
	Reason             string `json:"reason,omitempty"`
	Message            string `json:"message,omitempty"`
}

type nodeStatus struct {
	Spec struct {
		PodCIDR string `json:"podCIDR"`
	} `json:"spec"`
	Status struct {
		Conditions []condition `json:"conditions"`
	} `json:"status"`
}

// wanted is the condition the stand-in reports for each type: healthy, as a kubelet whose
// container runtime and disks are fine.
var wanted = []condition{
	{Type: "MemoryPressure", Status: "False", Reason: "KubeletHasSufficientMemory", Message: "kubelet has sufficient memory available"},
	{Type: "DiskPressure", Status: "False", Reason: "KubeletHasNoDiskPressure", Message: "kubelet has no disk pressure"},
	{Type: "PIDPressure", Status: "False", Reason: "KubeletHasSufficientPID", Message: "kubelet has sufficient PID available"},
	{Type: "Ready", Status: "True", Reason: "KubeletReady", Message: "stand-in kubelet is posting ready status (no container runtime in the lab)"},
}

// updateStatus posts the node status when this process has not posted it yet (so a restarted
// kubelet reports at once), when a condition differs from what the stand-in reports (for
// example Ready=Unknown set by the node lifecycle controller after missed heartbeats), or when
// its last post is older than reportEvery; between posts the lease is the heartbeat, as with
// the real kubelet. It returns the Node's podCIDR.
func (n *node) updateStatus(ctx context.Context, c *apiClient, reportEvery time.Duration) (string, error) {
	var cur nodeStatus
	path := "/api/v1/nodes/" + url.PathEscape(n.name)
	if err := c.call(ctx, "GET", path, "", nil, &cur); err != nil {
		return "", err
	}
	have := map[string]condition{}
	for _, cond := range cur.Status.Conditions {
		have[cond.Type] = cond
	}
	stamp := now()
	due := time.Since(n.lastPosted) >= reportEvery
	conditions := make([]condition, 0, len(wanted))
	for _, w := range wanted {
		old, ok := have[w.Type]
		w.LastHeartbeatTime = stamp
		w.LastTransitionTime = stamp
		if ok && old.Status == w.Status {
			w.LastTransitionTime = old.LastTransitionTime
		} else {
			due = true
		}
		conditions = append(conditions, w)
	}
	if !due {
		return cur.Spec.PodCIDR, nil
	}
	patch := map[string]any{"status": map[string]any{
		"conditions": conditions,
		"addresses": []map[string]string{
			{"type": "InternalIP", "address": n.ip},
			{"type": "Hostname", "address": n.name},
		},
		"capacity":        resources(),
		"allocatable":     resources(),
		"daemonEndpoints": map[string]any{"kubeletEndpoint": map[string]int{"Port": 10250}},
		"nodeInfo": map[string]string{
			"kubeletVersion":          n.version,
			"kubeProxyVersion":        n.version,
			"operatingSystem":         runtime.GOOS,
			"architecture":            runtime.GOARCH,
			"osImage":                 osImage(),
			"kernelVersion":           kernelVersion(),
			"containerRuntimeVersion": "standin://0",
			"machineID":               n.name,
			"systemUUID":              n.name,
			"bootID":                  bootID,
		},
	}}
	// A strategic merge patch merges conditions and addresses by type, as the kubelet's does.
	err := c.call(ctx, "PATCH", path+"/status", "application/strategic-merge-patch+json", patch, nil)
	if err == nil {
		n.lastPosted = time.Now()
	}
	return cur.Spec.PodCIDR, err
}

func resources() map[string]string {
	return map[string]string{"cpu": "2", "memory": "8Gi", "pods": "110", "ephemeral-storage": "30Gi"}
}

func osImage() string {
	if raw, err := readSmallFile("/etc/os-release"); err == nil {
		for _, line := range strings.Split(raw, "\n") {
			if v, ok := strings.CutPrefix(line, "PRETTY_NAME="); ok {
				return strings.Trim(v, `"`)
			}
		}
	}
	return "unknown"
}

func kernelVersion() string {
	raw, err := readSmallFile("/proc/sys/kernel/osrelease")
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(raw)
}
