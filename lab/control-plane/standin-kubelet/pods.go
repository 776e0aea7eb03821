package main

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"log"
	"net"
	"net/url"
	"sync/atomic"
	"time"
)

// The stand-in has no container runtime, so it plays the two parts of the kubelet's pod
// lifecycle that the API depends on: it reports the pods bound to its node as running and
// ready (so rollouts and "wait for kube-system" finish), and it confirms the deletion of a
// terminating pod (the final delete with grace period 0 that the kubelet sends once the
// containers have stopped; without it a deleted pod stays Terminating forever).

type pod struct {
	Metadata struct {
		Name              string  `json:"name"`
		Namespace         string  `json:"namespace"`
		UID               string  `json:"uid"`
		DeletionTimestamp *string `json:"deletionTimestamp"`
	} `json:"metadata"`
	Spec struct {
		HostNetwork    bool        `json:"hostNetwork"`
		Containers     []container `json:"containers"`
		InitContainers []container `json:"initContainers"`
	} `json:"spec"`
	Status struct {
		Phase      string      `json:"phase"`
		Conditions []condition `json:"conditions"`
	} `json:"status"`
}

type container struct {
	Name  string `json:"name"`
	Image string `json:"image"`
}

type podList struct {
	Metadata struct {
		ResourceVersion string `json:"resourceVersion"`
	} `json:"metadata"`
	Items []pod `json:"items"`
}

type watchEvent struct {
	Type   string          `json:"type"`
	Object json.RawMessage `json:"object"`
}

// podSync keeps the pods bound to one node in the state a healthy kubelet would report.
type podSync struct {
	c       *apiClient
	n       *node
	podCIDR atomic.Value // string, set from the heartbeat loop
}

// run lists and watches the node's pods until ctx ends, relisting after any error and at least
// every resync (which also re-marks pods the node lifecycle controller set NotReady).
func (s *podSync) run(ctx context.Context, resync time.Duration) {
	selector := url.QueryEscape("spec.nodeName=" + s.n.name)
	last := ""
	for ctx.Err() == nil {
		err := s.listAndWatch(ctx, selector, resync)
		if err == nil || ctx.Err() != nil {
			last = ""
			continue
		}
		if err.Error() != last { // one line per distinct failure, not one per retry
			log.Printf("pods: %v", err)
			last = err.Error()
		}
		sleep(ctx, 5*time.Second)
	}
}

func (s *podSync) listAndWatch(ctx context.Context, selector string, resync time.Duration) error {
	var list podList
	if err := s.c.call(ctx, "GET", "/api/v1/pods?fieldSelector="+selector, "", nil, &list); err != nil {
		return err
	}
	for i := range list.Items {
		s.handle(ctx, &list.Items[i])
	}
	wctx, cancel := context.WithTimeout(ctx, resync)
	defer cancel()
	path := fmt.Sprintf("/api/v1/pods?watch=true&fieldSelector=%s&resourceVersion=%s&timeoutSeconds=%d",
		selector, url.QueryEscape(list.Metadata.ResourceVersion), int(resync.Seconds()))
	resp, err := s.c.open(wctx, "GET", path, "", nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	dec := json.NewDecoder(resp.Body)
	for {
		var ev watchEvent
		if err := dec.Decode(&ev); err != nil {
			if wctx.Err() != nil {
				return nil // resync time: relist
			}
			return fmt.Errorf("watch: %w", err)
		}
		switch ev.Type {
		case "ADDED", "MODIFIED":
			var p pod
			if err := json.Unmarshal(ev.Object, &p); err == nil {
				s.handle(ctx, &p)
			}
		case "ERROR": // typically 410 Gone: the resourceVersion is too old; relist
			return nil
		}
	}
}

func (s *podSync) handle(ctx context.Context, p *pod) {
	path := "/api/v1/namespaces/" + url.PathEscape(p.Metadata.Namespace) + "/pods/" + url.PathEscape(p.Metadata.Name)
	if p.Metadata.DeletionTimestamp != nil {
		opts := map[string]any{"gracePeriodSeconds": 0, "preconditions": map[string]string{"uid": p.Metadata.UID}}
		if err := s.c.call(ctx, "DELETE", path, "", opts, nil); err != nil && !isStatus(err, 404) && !isStatus(err, 409) {
			log.Printf("pods: delete %s/%s: %v", p.Metadata.Namespace, p.Metadata.Name, err)
		}
		return
	}
	if p.Status.Phase == "Running" && ready(p.Status.Conditions) {
		return
	}
	if cidr, _ := s.podCIDR.Load().(string); cidr == "" && !p.Spec.HostNetwork {
		// The controller-manager allocates the node's podCIDR shortly after registration;
		// read it now rather than give the first pods the node's address.
		var n nodeStatus
		if err := s.c.call(ctx, "GET", "/api/v1/nodes/"+url.PathEscape(s.n.name), "", nil, &n); err == nil {
			s.podCIDR.Store(n.Spec.PodCIDR)
		}
	}
	if err := s.c.call(ctx, "PATCH", path+"/status", mergePatch, s.runningStatus(p), nil); err != nil && !isStatus(err, 404) {
		log.Printf("pods: status %s/%s: %v", p.Metadata.Namespace, p.Metadata.Name, err)
	}
}

func ready(conds []condition) bool {
	for _, c := range conds {
		if c.Type == "Ready" {
			return c.Status == "True"
		}
	}
	return false
}

// runningStatus is the status of a pod whose containers all started and passed readiness.
func (s *podSync) runningStatus(p *pod) map[string]any {
	stamp := now()
	ip := s.n.ip
	if !p.Spec.HostNetwork {
		ip = podIP(s.podCIDR.Load(), p.Metadata.UID, ip)
	}
	conds := []condition{}
	for _, t := range []string{"PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"} {
		conds = append(conds, condition{Type: t, Status: "True", LastTransitionTime: stamp})
	}
	statuses := func(cs []container, running bool) []map[string]any {
		out := []map[string]any{}
		for _, c := range cs {
			state := map[string]any{"running": map[string]string{"startedAt": stamp}}
			if !running {
				state = map[string]any{"terminated": map[string]any{
					"exitCode": 0, "reason": "Completed", "startedAt": stamp, "finishedAt": stamp,
				}}
			}
			out = append(out, map[string]any{
				"name": c.Name, "image": c.Image, "imageID": c.Image, "ready": running, "started": running,
				"restartCount": 0, "containerID": "standin://" + p.Metadata.UID + "/" + c.Name, "state": state,
			})
		}
		return out
	}
	return map[string]any{"status": map[string]any{
		"phase":                 "Running",
		"conditions":            conds,
		"hostIP":                s.n.ip,
		"hostIPs":               []map[string]string{{"ip": s.n.ip}},
		"podIP":                 ip,
		"podIPs":                []map[string]string{{"ip": ip}},
		"startTime":             stamp,
		"containerStatuses":     statuses(p.Spec.Containers, true),
		"initContainerStatuses": statuses(p.Spec.InitContainers, false),
	}}
}

// podIP picks a stable address in the node's podCIDR (allocated by the controller-manager)
// for a pod; nothing routes to it, it only fills status.podIP and the endpoints.
func podIP(cidr any, uid, fallback string) string {
	s, _ := cidr.(string)
	_, network, err := net.ParseCIDR(s)
	if err != nil || network.IP.To4() == nil {
		return fallback
	}
	ones, _ := network.Mask.Size()
	size := uint32(1) << (32 - ones)
	if size < 4 {
		return fallback
	}
	h := fnv.New32a()
	h.Write([]byte(uid))
	base := network.IP.To4()
	offset := 2 + h.Sum32()%(size-3) // skip the network, gateway and broadcast addresses
	v := uint32(base[0])<<24 | uint32(base[1])<<16 | uint32(base[2])<<8 | uint32(base[3])
	v += offset
	return net.IPv4(byte(v>>24), byte(v>>16), byte(v>>8), byte(v)).String()
}
