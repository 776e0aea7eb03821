// The nameSuffix aks-engine derives for a dnsPrefix (pkg/api/defaults.go): fnv64a of the
// dnsPrefix seeds Go's math/rand, whose first Uint32 printed as %08d gives the first 8 digits.
// Go's math/rand sequence is the point, so this is Go rather than a shell reimplementation.
//
//	go run lab/name-suffix/main.go aks-lab   # 11858198
package main

import (
	"fmt"
	"hash/fnv"
	"math/rand"
	"os"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run lab/name-suffix/main.go <dnsPrefix>")
		os.Exit(2)
	}
	h := fnv.New64a()
	h.Write([]byte(os.Args[1]))
	r := rand.New(rand.NewSource(int64(h.Sum64())))
	fmt.Println(fmt.Sprintf("%08d", r.Uint32())[:8])
}
