// Command standin-kubelet is the lab's stand-in for the kubelet. The lab has no container
// runtime and cannot pull images, so a real kubelet cannot run; this program does the part of
// the kubelet's job that the API server and a certificate rotation can observe:
//
//   - it authenticates with the node's real /var/lib/kubelet/kubeconfig (ca.crt, client.crt,
//     client.key, or /var/lib/kubelet/pki/kubelet-client-current.pem when present), read once at
//     start, so a rotated certificate takes effect only after `systemctl restart kubelet`;
//   - it registers the Node, posts its status and renews its Lease in kube-node-lease, so a
//     node whose certificate or CA no longer matches turns NotReady after the controller
//     manager's --node-monitor-grace-period;
//   - it reports pods bound to the node as running and confirms their deletion.
//
// Flags use the real kubelet's names where there is one.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

var bootID = randomID()

func main() {
	log.SetFlags(0) // journald stamps each line
	var (
		kubeconfigPath = flag.String("kubeconfig", "/var/lib/kubelet/kubeconfig", "kubeconfig with the node's client credentials")
		certDir        = flag.String("cert-dir", "/var/lib/kubelet/pki", "directory of kubelet-client-current.pem")
		hostname       = flag.String("hostname-override", "", "node name (default: the host name)")
		nodeIP         = flag.String("node-ip", "", "the node's InternalIP (required)")
		labels         = flag.String("node-labels", "", "labels to register the node with, k=v,k2=v2")
		taints         = flag.String("register-with-taints", "", "taints to register the node with, k=v:Effect,...")
		version        = flag.String("kubelet-version", "v0.0.0", "version to report in nodeInfo")
		statusEvery    = flag.Duration("node-status-update-frequency", 10*time.Second, "how often the node status is computed and the lease renewed")
		reportEvery    = flag.Duration("node-status-report-frequency", time.Minute, "how often an unchanged node status is posted anyway")
		leaseSeconds   = flag.Int("node-lease-duration-seconds", 40, "the lease's leaseDurationSeconds")
	)
	flag.Parse()
	if err := run(*kubeconfigPath, *certDir, *hostname, *nodeIP, *labels, *taints, *version,
		*statusEvery, *reportEvery, time.Duration(*leaseSeconds)*time.Second); err != nil {
		log.Fatalf("standin-kubelet: %v", err)
	}
}

func run(kubeconfigPath, certDir, hostname, nodeIP, labels, taints, version string,
	statusEvery, reportEvery, leaseDuration time.Duration) error {
	if nodeIP == "" {
		return fmt.Errorf("--node-ip is required")
	}
	if hostname == "" {
		h, err := os.Hostname()
		if err != nil {
			return err
		}
		hostname = h
	}
	n := &node{name: strings.ToLower(hostname), ip: nodeIP, version: version}
	var err error
	if n.labels, err = parseLabels(labels); err != nil {
		return err
	}
	if n.taints, err = parseTaints(taints); err != nil {
		return err
	}
	kc, err := readKubeconfig(kubeconfigPath)
	if err != nil {
		return err
	}
	tlsConfig, source, err := kc.tlsConfig(certDir)
	if err != nil {
		return err
	}
	log.Printf("node %s (%s): API server %s, client certificate %s (read once; restart to reload)", n.name, n.ip, kc.server, source)
	c := newAPIClient(kc.server, tlsConfig)

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	// Register first: the lease is owned by the Node, and pods need the node to exist.
	for last := ""; ; {
		err := n.register(ctx, c)
		if err == nil {
			break
		}
		if err.Error() != last { // one line per distinct failure, not one per retry
			log.Printf("register node: %v", err)
			last = err.Error()
		}
		if !sleep(ctx, statusEvery) {
			return nil
		}
	}
	log.Printf("node %s registered", n.name)

	pods := &podSync{c: c, n: n}
	pods.podCIDR.Store("")
	go pods.run(ctx, 5*time.Minute)

	l := &lease{}
	failing := false
	for {
		cidr, statusErr := n.updateStatus(ctx, c, reportEvery)
		if statusErr == nil {
			pods.podCIDR.Store(cidr)
		}
		leaseErr := l.renew(ctx, c, n, leaseDuration)
		// Log the first failure and the recovery, not every beat of a long outage.
		switch {
		case statusErr != nil || leaseErr != nil:
			if !failing {
				log.Printf("heartbeat failing: status: %v; lease: %v", statusErr, leaseErr)
			}
			failing = true
		case failing:
			log.Printf("heartbeat recovered")
			failing = false
		}
		if !sleep(ctx, statusEvery) {
			return nil
		}
	}
}

// sleep waits d or until ctx ends; it reports whether to go on.
func sleep(ctx context.Context, d time.Duration) bool {
	select {
	case <-ctx.Done():
		return false
	case <-time.After(d):
		return true
	}
}

func parseLabels(s string) (map[string]string, error) {
	out := map[string]string{}
	for _, kv := range strings.Split(s, ",") {
		if kv = strings.TrimSpace(kv); kv == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("--node-labels: %q is not key=value", kv)
		}
		out[k] = v
	}
	return out, nil
}

func parseTaints(s string) ([]map[string]string, error) {
	out := []map[string]string{}
	for _, t := range strings.Split(s, ",") {
		if t = strings.TrimSpace(t); t == "" {
			continue
		}
		kv, effect, ok := strings.Cut(t, ":")
		if !ok {
			return nil, fmt.Errorf("--register-with-taints: %q is not key[=value]:Effect", t)
		}
		k, v, _ := strings.Cut(kv, "=")
		out = append(out, map[string]string{"key": k, "value": v, "effect": effect})
	}
	return out, nil
}

func readSmallFile(path string) (string, error) {
	raw, err := os.ReadFile(path)
	return string(raw), err
}

func randomID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
