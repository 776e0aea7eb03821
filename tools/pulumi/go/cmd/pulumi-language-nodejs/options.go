package main

import (
	"strings"

	"google.golang.org/protobuf/types/known/structpb"
)

// runtimeOptions are the `runtime.options` of Pulumi.yaml that change how the program runs.
type runtimeOptions struct {
	typescript bool     // load ts-node before the program (default true, as upstream)
	tsconfig   string   // tsconfig path for ts-node, relative to the program directory
	nodeargs   []string // extra arguments for node, split on white space
}

func parseOptions(opts *structpb.Struct) runtimeOptions {
	out := runtimeOptions{typescript: true}
	if opts == nil {
		return out
	}
	m := opts.AsMap()
	if v, ok := m["typescript"].(bool); ok {
		out.typescript = v
	}
	if v, ok := m["tsconfig"].(string); ok {
		out.tsconfig = v
	}
	if v, ok := m["nodeargs"].(string); ok {
		out.nodeargs = strings.Fields(v)
	}
	return out
}
