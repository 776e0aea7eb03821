package main

import (
	"crypto/rand"
	"encoding/hex"
)

// resourceID is upstream's random part of an id (resource.NewUniqueHex with 8 characters): 8
// lower-case hex digits. A Command's id is its resource name followed by these, a
// CopyToRemote's these alone.
func resourceID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
