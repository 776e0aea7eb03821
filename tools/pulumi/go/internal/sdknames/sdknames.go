// Package sdknames reads, from an installed Pulumi Node.js SDK (node_modules/@pulumi/<pkg>),
// the property names it sends and reads: per resource type the keys of `resourceInputs[...]`
// in the generated resource classes, and per input interface of types/input.d.ts its fields.
// The plugins' SDK tests compare them with the names the plugins know, so an SDK upgrade that
// adds a name fails a test instead of being ignored at run time.
package sdknames

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
)

var (
	typeToken   = regexp.MustCompile(`__pulumiType = '([^']+)'`)
	inputKey    = regexp.MustCompile(`resourceInputs\["(\w+)"\]`)
	iface       = regexp.MustCompile(`^\s*(?:export )?interface (\w+) \{`)
	ifaceField  = regexp.MustCompile(`^\s+(\w+)\??:`)
	ifaceClosed = regexp.MustCompile(`^\s*\}`)
)

// Dir is node_modules/@pulumi/<pkg> of the project that holds tools/pulumi/go.
func Dir(pkg string) string {
	_, here, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(here), "..", "..", "..", "..", "..", "node_modules", "@pulumi", pkg)
}

// Resources maps each resource type token of the SDK in dir to its sorted property names.
func Resources(dir string) (map[string][]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.js"))
	if err != nil {
		return nil, err
	}
	more, _ := filepath.Glob(filepath.Join(dir, "*", "*.js"))
	out := map[string][]string{}
	for _, f := range append(files, more...) {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		m := typeToken.FindSubmatch(b)
		if m == nil || !strings.Contains(string(m[1]), ":") {
			continue // not a resource class (or the provider resource)
		}
		seen := map[string]bool{}
		for _, k := range inputKey.FindAllSubmatch(b, -1) {
			seen[string(k[1])] = true
		}
		out[string(m[1])] = sorted(seen)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no resource classes under %s (is node_modules installed?)", dir)
	}
	return out, nil
}

// Interfaces maps each interface of types/input.d.ts under dir to its sorted field names.
func Interfaces(dir string) (map[string][]string, error) {
	f, err := os.Open(filepath.Join(dir, "types", "input.d.ts"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string][]string{}
	var name string
	fields := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case name == "":
			if m := iface.FindStringSubmatch(line); m != nil {
				name, fields = m[1], map[string]bool{}
			}
		case ifaceClosed.MatchString(line):
			out[name], name = sorted(fields), ""
		default:
			if m := ifaceField.FindStringSubmatch(line); m != nil {
				fields[m[1]] = true
			}
		}
	}
	return out, sc.Err()
}

func sorted(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Missing are the names of want that known lacks.
func Missing(want, known []string) []string {
	k := map[string]bool{}
	for _, n := range known {
		k[n] = true
	}
	var out []string
	for _, n := range want {
		if !k[n] {
			out = append(out, n)
		}
	}
	return out
}
