package main

import (
	"crypto/rand"
	"encoding/hex"
)

// resourceID is a random id: a command has no natural identity.
func resourceID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
