package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"time"

	"aks-rotate-certs/tools/pulumi/go/internal/provider"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// dial opens an SSH client for a `connection` object (through its `proxy` jump host when set),
// retrying a failed dial up to dialErrorLimit times (-1: without limit) one second apart, each
// attempt bounded by perDialTimeout seconds, as upstream does while a node reboots.
func dial(ctx context.Context, conn provider.Props) (*ssh.Client, error) {
	if proxy := conn.Object("proxy"); len(proxy) > 0 {
		jump, err := dial(ctx, proxy)
		if err != nil {
			return nil, fmt.Errorf("proxy: %w", err)
		}
		cfg, addr, err := clientConfig(conn)
		if err != nil {
			jump.Close()
			return nil, err
		}
		var client *ssh.Client
		err = retry(ctx, conn, func() error {
			nc, err := jump.Dial("tcp", addr)
			if err != nil {
				return err
			}
			c, chans, reqs, err := ssh.NewClientConn(nc, addr, cfg)
			if err != nil {
				nc.Close()
				return err
			}
			client = ssh.NewClient(c, chans, reqs)
			return nil
		})
		if err != nil {
			jump.Close()
			return nil, err
		}
		return client, nil
	}
	cfg, addr, err := clientConfig(conn)
	if err != nil {
		return nil, err
	}
	var client *ssh.Client
	err = retry(ctx, conn, func() error {
		c, err := ssh.Dial("tcp", addr, cfg)
		client = c
		return err
	})
	return client, err
}

func retry(ctx context.Context, conn provider.Props, attempt func() error) error {
	limit := conn.Int("dialErrorLimit", 10)
	var err error
	for n := 1; ; n++ {
		if err = attempt(); err == nil {
			return nil
		}
		if limit >= 0 && n >= limit {
			return fmt.Errorf("could not connect to %s after %d attempts: %w", conn.String("host"), n, err)
		}
		select {
		case <-ctx.Done():
			return errors.Join(ctx.Err(), err)
		case <-time.After(time.Second):
		}
	}
}

func clientConfig(conn provider.Props) (*ssh.ClientConfig, string, error) {
	host := conn.String("host")
	if host == "" {
		return nil, "", errors.New("connection.host is required")
	}
	user := conn.String("user")
	if user == "" {
		user = "root"
	}
	addr := net.JoinHostPort(host, strconv.Itoa(conn.Int("port", 22)))

	var auth []ssh.AuthMethod
	if key := conn.String("privateKey"); key != "" {
		var signer ssh.Signer
		var err error
		if pass := conn.String("privateKeyPassword"); pass != "" {
			signer, err = ssh.ParsePrivateKeyWithPassphrase([]byte(key), []byte(pass))
		} else {
			signer, err = ssh.ParsePrivateKey([]byte(key))
		}
		if err != nil {
			// The key itself must never appear in an error.
			return nil, "", errors.New("connection.privateKey could not be parsed")
		}
		auth = append(auth, ssh.PublicKeys(signer))
	}
	if pass := conn.String("password"); pass != "" {
		auth = append(auth, ssh.Password(pass))
	}
	sock := conn.String("agentSocketPath")
	if sock == "" && len(auth) == 0 {
		sock = os.Getenv("SSH_AUTH_SOCK")
	}
	if sock != "" {
		if a, err := net.Dial("unix", sock); err == nil {
			auth = append(auth, ssh.PublicKeysCallback(agent.NewClient(a).Signers))
		}
	}

	hostKeyCallback := ssh.InsecureIgnoreHostKey() // #nosec G106 -- upstream's default without hostKey
	if hk := conn.String("hostKey"); hk != "" {
		pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(hk))
		if err != nil {
			return nil, "", fmt.Errorf("connection.hostKey: %w", err)
		}
		hostKeyCallback = ssh.FixedHostKey(pub)
	}
	return &ssh.ClientConfig{
		User:            user,
		Auth:            auth,
		HostKeyCallback: hostKeyCallback,
		Timeout:         time.Duration(conn.Int("perDialTimeout", 15)) * time.Second,
	}, addr, nil
}
