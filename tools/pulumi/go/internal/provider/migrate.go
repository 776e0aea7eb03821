package provider

import "github.com/pulumi/pulumi/sdk/v3/go/common/resource"

// WithoutFormerDefault returns olds without key when olds holds exactly the value v that an
// earlier build of these plugins injected as a default, and news does not set key. Stacks made
// by that build then see no change where upstream would see none either (the value meant the
// same as its absence), instead of an update or, worse, a replacement on the first `up` after
// the upgrade.
func WithoutFormerDefault(olds, news resource.PropertyMap, key string, v resource.PropertyValue) resource.PropertyMap {
	k := resource.PropertyKey(key)
	old, had := olds[k]
	if n, set := news[k]; (set && !n.IsNull()) || !had || !stripSecrets(old).DeepEquals(v) {
		return olds
	}
	out := olds.Copy()
	delete(out, k)
	return out
}
