package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// packageJSON holds the fields of a package.json that plugin discovery reads.
type packageJSON struct {
	Name         string            `json:"name"`
	Version      string            `json:"version"`
	Dependencies map[string]string `json:"dependencies"`
	Pulumi       struct {
		Resource bool   `json:"resource"`
		Name     string `json:"name"`
		Version  string `json:"version"`
		Server   string `json:"server"`
	} `json:"pulumi"`
}

// resourcePackage is a provider plugin that an installed SDK package asks for.
type resourcePackage struct {
	Name, Version, Server string
}

// dependency is one installed direct dependency of the program.
type dependency struct {
	Name, Version string
}

func readPackageJSON(path string) (*packageJSON, error) {
	data, err := os.ReadFile(path) // #nosec G304 -- paths come from node module resolution
	if err != nil {
		return nil, err
	}
	var p packageJSON
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return &p, nil
}

// programPackageDir finds the directory of the program's package.json: the program directory
// or the nearest parent that has one, as Node.js does.
func programPackageDir(programDir string) (string, error) {
	dir, err := filepath.Abs(programDir)
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "package.json")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no package.json in %s or any parent directory", programDir)
		}
		dir = parent
	}
}

// resolvePackage finds where Node.js would load package `name` from when required in `fromDir`:
// `<dir>/node_modules/<name>` in fromDir or the nearest parent that has it.
func resolvePackage(fromDir, name string) (string, bool) {
	dir := fromDir
	for {
		candidate := filepath.Join(dir, "node_modules", filepath.FromSlash(name))
		if _, err := os.Stat(filepath.Join(candidate, "package.json")); err == nil {
			return candidate, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// findResourcePackages walks the program's runtime dependency closure (dependencies, not
// devDependencies, resolved the way Node.js resolves them) and returns each package that marks
// itself as a Pulumi resource package, with the plugin name and version it requests.
func findResourcePackages(programDir string) ([]resourcePackage, error) {
	root, err := programPackageDir(programDir)
	if err != nil {
		return nil, err
	}
	rootPkg, err := readPackageJSON(filepath.Join(root, "package.json"))
	if err != nil {
		return nil, err
	}

	seen := map[string]bool{}
	byPlugin := map[string]resourcePackage{}
	var visit func(fromDir string, deps map[string]string) error
	visit = func(fromDir string, deps map[string]string) error {
		for name := range deps {
			dir, ok := resolvePackage(fromDir, name)
			if !ok || seen[dir] {
				continue // optional or not installed: Node.js would not load it either
			}
			seen[dir] = true
			pkg, err := readPackageJSON(filepath.Join(dir, "package.json"))
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					continue
				}
				return err
			}
			if pkg.Pulumi.Resource {
				rp := pluginOf(pkg)
				byPlugin[rp.Name+"@"+rp.Version] = rp
			}
			if err := visit(dir, pkg.Dependencies); err != nil {
				return err
			}
		}
		return nil
	}
	if err := visit(root, rootPkg.Dependencies); err != nil {
		return nil, err
	}

	out := make([]resourcePackage, 0, len(byPlugin))
	for _, rp := range byPlugin {
		out = append(out, rp)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name+out[i].Version < out[j].Name+out[j].Version })
	return out, nil
}

// pluginOf names the plugin a resource package asks for: its "pulumi" section, else its npm
// name without the @pulumi/ scope and its npm version.
func pluginOf(pkg *packageJSON) resourcePackage {
	name := pkg.Pulumi.Name
	if name == "" {
		name = strings.TrimPrefix(pkg.Name, "@pulumi/")
	}
	v := pkg.Pulumi.Version
	if v == "" {
		v = pkg.Version
	}
	return resourcePackage{Name: name, Version: v, Server: pkg.Pulumi.Server}
}

// directDependencies lists the program's dependencies with their installed versions.
func directDependencies(programDir string) ([]dependency, error) {
	root, err := programPackageDir(programDir)
	if err != nil {
		return nil, err
	}
	rootPkg, err := readPackageJSON(filepath.Join(root, "package.json"))
	if err != nil {
		return nil, err
	}
	out := make([]dependency, 0, len(rootPkg.Dependencies))
	for name, want := range rootPkg.Dependencies {
		v := want
		if dir, ok := resolvePackage(root, name); ok {
			if pkg, err := readPackageJSON(filepath.Join(dir, "package.json")); err == nil {
				v = pkg.Version
			}
		}
		out = append(out, dependency{Name: name, Version: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
