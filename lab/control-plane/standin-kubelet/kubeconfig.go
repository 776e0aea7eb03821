package main

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"
)

// kubeconfig holds the few fields of a single-cluster kubeconfig the stand-in needs. AKS Engine
// writes /var/lib/kubelet/kubeconfig with one cluster, one user and file references; the
// parser reads those keys line by line instead of pulling in a YAML library.
type kubeconfig struct {
	server, caFile, certFile, keyFile string
	caData, certData, keyData         []byte
}

func readKubeconfig(path string) (*kubeconfig, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	kc := &kubeconfig{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, value, ok := strings.Cut(strings.TrimSpace(sc.Text()), ":")
		if !ok {
			continue
		}
		key = strings.TrimPrefix(strings.TrimSpace(key), "- ")
		value = strings.Trim(strings.TrimSpace(value), `"'`)
		var decodeErr error
		switch key {
		case "server":
			kc.server = value
		case "certificate-authority":
			kc.caFile = value
		case "client-certificate":
			kc.certFile = value
		case "client-key":
			kc.keyFile = value
		case "certificate-authority-data":
			kc.caData, decodeErr = base64.StdEncoding.DecodeString(value)
		case "client-certificate-data":
			kc.certData, decodeErr = base64.StdEncoding.DecodeString(value)
		case "client-key-data":
			kc.keyData, decodeErr = base64.StdEncoding.DecodeString(value)
		}
		if decodeErr != nil {
			return nil, fmt.Errorf("%s: %s: %w", path, key, decodeErr)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if kc.server == "" {
		return nil, fmt.Errorf("%s: no server", path)
	}
	return kc, nil
}

func fileOrData(data []byte, file string) ([]byte, error) {
	if data != nil {
		return data, nil
	}
	if file == "" {
		return nil, errors.New("neither a file nor inline data")
	}
	return os.ReadFile(file)
}

// tlsConfig reads the CA and the client certificate once. Like the real kubelet, the stand-in
// prefers the rotated pair in <certDir>/kubelet-client-current.pem (certificate and key in one
// PEM file) when it exists, and otherwise uses the kubeconfig's client certificate (client.crt).
// Nothing is reread later: a rotated client.crt or ca.crt takes effect on `systemctl restart
// kubelet`, as on an AKS Engine node.
func (kc *kubeconfig) tlsConfig(certDir string) (*tls.Config, string, error) {
	caPEM, err := fileOrData(kc.caData, kc.caFile)
	if err != nil {
		return nil, "", fmt.Errorf("certificate authority: %w", err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		return nil, "", fmt.Errorf("certificate authority %s: no PEM certificate", kc.caFile)
	}
	var pair tls.Certificate
	source := certDir + "/kubelet-client-current.pem"
	if _, statErr := os.Stat(source); statErr == nil {
		pair, err = tls.LoadX509KeyPair(source, source)
	} else {
		source = kc.certFile
		var certPEM, keyPEM []byte
		if certPEM, err = fileOrData(kc.certData, kc.certFile); err == nil {
			if keyPEM, err = fileOrData(kc.keyData, kc.keyFile); err == nil {
				pair, err = tls.X509KeyPair(certPEM, keyPEM)
			}
		}
	}
	if err != nil {
		return nil, "", fmt.Errorf("client certificate %s: %w", source, err)
	}
	return &tls.Config{
		RootCAs:      roots,
		Certificates: []tls.Certificate{pair},
		MinVersion:   tls.VersionTLS12,
	}, source, nil
}
