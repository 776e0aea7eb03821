package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha1" // #nosec G505 -- key identifiers and ids are SHA-1 by upstream's definition
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"fmt"
	"strings"
)

// subjectKeyID is upstream's subject key identifier (terraform-provider-tls
// internal/provider/common_cert.go, generateSubjectKeyID): SHA-1 over the PKCS#1 public key
// for RSA, over the uncompressed point for ECDSA and over the DER OCTET STRING of the key for
// ED25519. The first two equal RFC 5280's method 1; the ED25519 one is upstream's own.
func subjectKeyID(pub crypto.PublicKey) ([]byte, error) {
	var data []byte
	switch k := pub.(type) {
	case *rsa.PublicKey:
		data = x509.MarshalPKCS1PublicKey(k)
	case *ecdsa.PublicKey:
		der, err := x509.MarshalPKIXPublicKey(k)
		if err != nil {
			return nil, err
		}
		data = pkixBitString(der)
	case ed25519.PublicKey:
		var err error
		if data, err = asn1.Marshal([]byte(k)); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("unsupported public key type %T", pub)
	}
	sum := sha1.Sum(data) // #nosec G401
	return sum[:], nil
}

// pkixBitString is the subjectPublicKey BIT STRING's content of a SubjectPublicKeyInfo: for
// ECDSA, the uncompressed point.
func pkixBitString(der []byte) []byte {
	var spki struct {
		Algorithm asn1.RawValue
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(der, &spki); err != nil {
		return nil
	}
	return spki.PublicKey.Bytes
}

// hashID is upstream's resource id for keys and requests (common.go, hashForState): the hex
// SHA-1 of the DER bytes taken as a string with surrounding white space trimmed.
func hashID(der []byte) string {
	sum := sha1.Sum([]byte(strings.TrimSpace(string(der)))) // #nosec G401 -- an identifier
	return hex.EncodeToString(sum[:])
}
