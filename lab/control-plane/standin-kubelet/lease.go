package main

import (
	"context"
	"net/url"
	"time"
)

// lease is the node's Lease in kube-node-lease, the heartbeat the node lifecycle controller
// watches: when it is not renewed within --node-monitor-grace-period, the node turns NotReady.
type lease struct {
	obj map[string]any // last object the API server returned, with its resourceVersion
}

const leaseNamespace = "kube-node-lease"

// renew updates renewTime, creating the Lease (owned by the Node, as the kubelet does) if absent.
func (l *lease) renew(ctx context.Context, c *apiClient, n *node, duration time.Duration) error {
	collection := "/apis/coordination.k8s.io/v1/namespaces/" + leaseNamespace + "/leases"
	path := collection + "/" + url.PathEscape(n.name)
	stamp := time.Now().UTC().Format(microTime)
	if l.obj == nil {
		var got map[string]any
		err := c.call(ctx, "GET", path, "", nil, &got)
		switch {
		case isStatus(err, 404):
			obj := map[string]any{
				"apiVersion": "coordination.k8s.io/v1",
				"kind":       "Lease",
				"metadata": map[string]any{
					"name":      n.name,
					"namespace": leaseNamespace,
					"ownerReferences": []map[string]any{{
						"apiVersion": "v1", "kind": "Node", "name": n.name, "uid": n.uid,
					}},
				},
				"spec": map[string]any{
					"holderIdentity":       n.name,
					"leaseDurationSeconds": int(duration.Seconds()),
					"renewTime":            stamp,
				},
			}
			var created map[string]any
			if err := c.call(ctx, "POST", collection, "", obj, &created); err != nil {
				return err
			}
			l.obj = created
			return nil
		case err != nil:
			return err
		}
		l.obj = got
	}
	spec, _ := l.obj["spec"].(map[string]any)
	if spec == nil {
		spec = map[string]any{}
		l.obj["spec"] = spec
	}
	spec["holderIdentity"] = n.name
	spec["leaseDurationSeconds"] = int(duration.Seconds())
	spec["renewTime"] = stamp
	var updated map[string]any
	if err := c.call(ctx, "PUT", path, "", l.obj, &updated); err != nil {
		l.obj = nil // reread on the next beat (conflict, deleted, or a lost connection)
		return err
	}
	l.obj = updated
	return nil
}
