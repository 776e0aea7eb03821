package main

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"strings"

	"golang.org/x/crypto/ssh"
)

// pinnedHostKeys reads connection.hostKey: one key in authorized_keys form, as upstream
// documents, or several such lines (a host pinned with its rsa, ecdsa and ed25519 keys, as
// ssh-keyscan lists them). Upstream reads only the first line of such a value.
func pinnedHostKeys(text string) ([]ssh.PublicKey, error) {
	var keys []ssh.PublicKey
	rest := []byte(text)
	for len(bytes.TrimSpace(rest)) > 0 {
		key, _, _, next, err := ssh.ParseAuthorizedKey(rest)
		if err != nil {
			return nil, fmt.Errorf("failed to parse host key: %w", err)
		}
		keys = append(keys, key)
		rest = next
	}
	if len(keys) == 0 {
		return nil, errors.New("failed to parse host key: no key found")
	}
	return keys, nil
}

// hostKeyAlgorithms are the algorithms the client offers for the server's host key: only the
// pinned keys' types, in pin order, so that a server holding rsa, ecdsa and ed25519 keys shows
// the pinned one (Go would otherwise ask for ECDSA first and fail the pin). An RSA key can be
// shown with three signature algorithms; Go's preference order among them is kept.
func hostKeyAlgorithms(keys []ssh.PublicKey) []string {
	var algos []string
	seen := map[string]bool{}
	for _, k := range keys {
		for _, a := range algorithmsForKeyType(k.Type()) {
			if !seen[a] {
				seen[a] = true
				algos = append(algos, a)
			}
		}
	}
	return algos
}

func algorithmsForKeyType(keyType string) []string {
	if keyType == ssh.KeyAlgoRSA {
		return []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}
	}
	return []string{keyType}
}

// hostKeyCallback accepts the server's key when it equals any pinned key.
func hostKeyCallback(keys []ssh.PublicKey) ssh.HostKeyCallback {
	return func(_ string, _ net.Addr, got ssh.PublicKey) error {
		for _, k := range keys {
			if bytes.Equal(k.Marshal(), got.Marshal()) {
				return nil
			}
		}
		return fmt.Errorf("ssh: host key mismatch (server showed %s, pinned: %s)",
			got.Type(), strings.Join(keyTypes(keys), ", "))
	}
}

func keyTypes(keys []ssh.PublicKey) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k.Type()
	}
	return out
}
