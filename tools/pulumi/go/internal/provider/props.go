package provider

import (
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// Props reads typed values out of a PropertyMap; a missing or null key gives the zero value.
type Props resource.PropertyMap

func plain(v resource.PropertyValue) resource.PropertyValue {
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	return v
}

func (p Props) get(key string) (resource.PropertyValue, bool) {
	v, ok := p[resource.PropertyKey(key)]
	if !ok {
		return resource.PropertyValue{}, false
	}
	v = plain(v)
	return v, !v.IsNull()
}

func (p Props) Has(key string) bool { _, ok := p.get(key); return ok }

func (p Props) String(key string) string {
	if v, ok := p.get(key); ok && v.IsString() {
		return v.StringValue()
	}
	return ""
}

func (p Props) Bool(key string) bool {
	if v, ok := p.get(key); ok && v.IsBool() {
		return v.BoolValue()
	}
	return false
}

func (p Props) Int(key string, def int) int {
	if v, ok := p.get(key); ok && v.IsNumber() {
		return int(v.NumberValue())
	}
	return def
}

func (p Props) Strings(key string) []string {
	v, ok := p.get(key)
	if !ok || !v.IsArray() {
		return nil
	}
	var out []string
	for _, e := range v.ArrayValue() {
		if e = plain(e); e.IsString() {
			out = append(out, e.StringValue())
		}
	}
	return out
}

func (p Props) Object(key string) Props {
	if v, ok := p.get(key); ok && v.IsObject() {
		return Props(v.ObjectValue())
	}
	return Props{}
}

// Unknown reports whether the value at key, or anything inside it, is not known yet (preview).
func (p Props) Unknown(key string) bool {
	v, ok := p[resource.PropertyKey(key)]
	return ok && v.ContainsUnknowns()
}

// AnyUnknown reports whether any input is not known yet.
func AnyUnknown(m resource.PropertyMap) bool {
	return resource.NewObjectProperty(m).ContainsUnknowns()
}

// Default sets key to v when the input left it out.
func Default(m resource.PropertyMap, key string, v resource.PropertyValue) {
	if cur, ok := m[resource.PropertyKey(key)]; !ok || cur.IsNull() {
		m[resource.PropertyKey(key)] = v
	}
}

// DiffInputs compares old and new inputs key by key. A changed key forces a replacement unless
// inPlace lists it. Unknown new values count as changes.
func DiffInputs(olds, news resource.PropertyMap, inPlace map[string]bool) plugin.DiffResult {
	keys := map[resource.PropertyKey]bool{}
	for k := range olds {
		keys[k] = true
	}
	for k := range news {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, string(k))
	}
	sort.Strings(sorted)

	res := plugin.DiffResult{Changes: plugin.DiffNone, DetailedDiff: map[string]plugin.PropertyDiff{}}
	for _, k := range sorted {
		o, hasOld := olds[resource.PropertyKey(k)]
		n, hasNew := news[resource.PropertyKey(k)]
		if hasOld && o.IsNull() {
			hasOld = false
		}
		if hasNew && n.IsNull() {
			hasNew = false
		}
		var kind plugin.DiffKind
		switch {
		case !hasOld && !hasNew:
			continue
		case !hasOld:
			kind = plugin.DiffAdd
		case !hasNew:
			kind = plugin.DiffDelete
		case n.ContainsUnknowns() || !stripSecrets(o).DeepEquals(stripSecrets(n)):
			kind = plugin.DiffUpdate
		default:
			continue
		}
		if !inPlace[k] {
			kind = kind.AsReplace()
			res.ReplaceKeys = append(res.ReplaceKeys, resource.PropertyKey(k))
		}
		res.ChangedKeys = append(res.ChangedKeys, resource.PropertyKey(k))
		res.DetailedDiff[k] = plugin.PropertyDiff{Kind: kind, InputDiff: true}
		res.Changes = plugin.DiffSome
	}
	return res
}

// stripSecrets removes secret wrappers at any depth, for comparisons.
func stripSecrets(v resource.PropertyValue) resource.PropertyValue {
	v = plain(v)
	switch {
	case v.IsArray():
		arr := make([]resource.PropertyValue, len(v.ArrayValue()))
		for i, e := range v.ArrayValue() {
			arr[i] = stripSecrets(e)
		}
		return resource.NewArrayProperty(arr)
	case v.IsObject():
		m := resource.PropertyMap{}
		for k, e := range v.ObjectValue() {
			m[k] = stripSecrets(e)
		}
		return resource.NewObjectProperty(m)
	}
	return v
}
