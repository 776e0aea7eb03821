package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"

	"aks-rotate-certs/tools/pulumi/go/internal/provider"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// authMethods builds the client's authentication in upstream's order: privateKey, then
// password (also answering keyboard-interactive prompts), then the SSH agent at
// agentSocketPath or, when unset, SSH_AUTH_SOCK. As upstream, an agent socket that is named but
// cannot be reached fails the connection instead of being skipped. The returned closer releases
// the agent connection.
func authMethods(conn provider.Props) ([]ssh.AuthMethod, io.Closer, error) {
	var auth []ssh.AuthMethod
	if key := conn.String("privateKey"); key != "" {
		signer, err := parseSigner(key, conn.String("privateKeyPassword"), conn.Has("privateKeyPassword"))
		if err != nil {
			return nil, nil, err
		}
		auth = append(auth, ssh.PublicKeys(signer))
	}
	if conn.Has("password") {
		pass := conn.String("password")
		auth = append(auth, ssh.Password(pass), ssh.KeyboardInteractive(
			func(_, _ string, questions []string, _ []bool) ([]string, error) {
				answers := make([]string, len(questions))
				for i := range answers {
					answers[i] = pass
				}
				return answers, nil
			}))
	}
	sock := conn.String("agentSocketPath")
	if sock == "" {
		sock = os.Getenv("SSH_AUTH_SOCK")
	}
	if sock == "" {
		return auth, noAgent{}, nil
	}
	a, err := net.Dial("unix", sock)
	if err != nil {
		return nil, nil, fmt.Errorf("SSH agent at %s: %w", sock, err)
	}
	return append(auth, ssh.PublicKeysCallback(agent.NewClient(a).Signers)), a, nil
}

// parseSigner reads the private key. Its error never quotes the key.
func parseSigner(key, pass string, hasPass bool) (ssh.Signer, error) {
	var signer ssh.Signer
	var err error
	if hasPass {
		signer, err = ssh.ParsePrivateKeyWithPassphrase([]byte(key), []byte(pass))
	} else {
		signer, err = ssh.ParsePrivateKey([]byte(key))
	}
	if err != nil {
		var missing *ssh.PassphraseMissingError
		if errors.As(err, &missing) {
			return nil, errors.New("connection.privateKey is encrypted: set privateKeyPassword")
		}
		return nil, errors.New("connection.privateKey could not be parsed")
	}
	return signer, nil
}

// noAgent is the closer when no agent is used.
type noAgent struct{}

func (noAgent) Close() error { return nil }
