// Package facts loads testdata/upstream-facts.json: what the upstream plugins do, as data, each
// row citing the upstream file it was read from. The plugins' conformance tests run every row
// of their kinds against this project's own implementation, so a fact is never restated in
// test code.
package facts

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Source names the upstream repository, tag (or commit) and file a fact was read from.
type Source struct {
	Repo string `json:"repo"`
	Ref  string `json:"ref"`
	File string `json:"file"`
}

// Row is one fact. Kind says which test runs it; Data holds the kind's fields.
type Row struct {
	ID     string          `json:"id"`
	Plugin string          `json:"plugin"`
	Kind   string          `json:"kind"`
	Fact   string          `json:"fact"`
	Source Source          `json:"source"`
	Data   json.RawMessage `json:"data"`
}

// Load returns the rows of a plugin and kind; a kind without rows fails the test, so a
// conformance test cannot pass by finding nothing.
func Load(t *testing.T, plugin, kind string) []Row {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	b, err := os.ReadFile(filepath.Join(filepath.Dir(here), "..", "..", "testdata", "upstream-facts.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Rows []Row `json:"facts"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var out []Row
	for _, r := range doc.Rows {
		if r.Source.Repo == "" || r.Source.Ref == "" || r.Source.File == "" {
			t.Fatalf("fact %s cites no upstream source", r.ID)
		}
		if r.Plugin == plugin && r.Kind == kind {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		t.Fatalf("no %s facts of kind %s", plugin, kind)
	}
	return out
}

// Decode reads a row's data into v.
func (r Row) Decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Data, v); err != nil {
		t.Fatalf("fact %s: %v", r.ID, err)
	}
}
