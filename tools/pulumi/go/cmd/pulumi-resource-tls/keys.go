package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/ssh"
)

// generateKey makes a key of the given algorithm ("RSA", "ECDSA", "ED25519").
func generateKey(algorithm string, rsaBits int, curve string) (crypto.Signer, error) {
	switch algorithm {
	case "RSA":
		return rsa.GenerateKey(rand.Reader, rsaBits)
	case "ECDSA":
		c, err := ellipticCurve(curve)
		if err != nil {
			return nil, err
		}
		return ecdsa.GenerateKey(c, rand.Reader)
	case "ED25519":
		_, k, err := ed25519.GenerateKey(rand.Reader)
		return k, err
	}
	return nil, fmt.Errorf("unsupported algorithm %q: use RSA, ECDSA or ED25519", algorithm)
}

func ellipticCurve(name string) (elliptic.Curve, error) {
	switch name {
	case "P224":
		return elliptic.P224(), nil
	case "P256":
		return elliptic.P256(), nil
	case "P384":
		return elliptic.P384(), nil
	case "P521":
		return elliptic.P521(), nil
	}
	return nil, fmt.Errorf("unsupported ecdsaCurve %q: use P224, P256, P384 or P521", name)
}

// privateKeyPEM encodes a key the way the schema documents privateKeyPem: PKCS#1 for RSA,
// SEC 1 for ECDSA, PKCS#8 for ED25519.
func privateKeyPEM(k crypto.Signer) (string, error) {
	switch key := k.(type) {
	case *rsa.PrivateKey:
		return pemString("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(key)), nil
	case *ecdsa.PrivateKey:
		der, err := x509.MarshalECPrivateKey(key)
		if err != nil {
			return "", err
		}
		return pemString("EC PRIVATE KEY", der), nil
	}
	return privateKeyPKCS8(k)
}

func privateKeyPKCS8(k crypto.Signer) (string, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return "", err
	}
	return pemString("PRIVATE KEY", der), nil
}

func pemString(kind string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}))
}

// parsePrivateKey reads a PEM private key in any of the encodings above and names its algorithm.
func parsePrivateKey(text string) (crypto.Signer, string, error) {
	block, _ := pem.Decode([]byte(text))
	if block == nil {
		return nil, "", errors.New("privateKeyPem is not PEM")
	}
	var key any
	var err error
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	default:
		return nil, "", fmt.Errorf("unsupported PEM block %q for a private key", block.Type)
	}
	if err != nil {
		return nil, "", fmt.Errorf("parsing private key: %w", err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, "", errors.New("unsupported private key type")
	}
	return signer, algorithmOf(signer.Public()), nil
}

func algorithmOf(pub crypto.PublicKey) string {
	switch pub.(type) {
	case *rsa.PublicKey:
		return "RSA"
	case *ecdsa.PublicKey:
		return "ECDSA"
	case ed25519.PublicKey:
		return "ED25519"
	}
	return ""
}

// publicKeyOutputs are the public parts every key resource reports.
func publicKeyOutputs(pub crypto.PublicKey) (map[string]string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, err
	}
	out := map[string]string{"publicKeyPem": pemString("PUBLIC KEY", der)}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		// P224 has no SSH encoding; upstream leaves the SSH outputs empty then.
		out["publicKeyOpenssh"], out["publicKeyFingerprintMd5"], out["publicKeyFingerprintSha256"] = "", "", ""
		return out, nil
	}
	out["publicKeyOpenssh"] = string(ssh.MarshalAuthorizedKey(sshPub))
	out["publicKeyFingerprintMd5"] = strings.TrimPrefix(ssh.FingerprintLegacyMD5(sshPub), "MD5:")
	out["publicKeyFingerprintSha256"] = ssh.FingerprintSHA256(sshPub)
	return out, nil
}

func privateKeyOpenSSH(k crypto.Signer) string {
	block, err := ssh.MarshalPrivateKey(k, "")
	if err != nil {
		return "" // P224 keys have no OpenSSH form
	}
	return string(pem.EncodeToMemory(block))
}
