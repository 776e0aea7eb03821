package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"

	"aks-rotate-certs/tools/pulumi/go/internal/provider"

	"golang.org/x/crypto/ssh"
)

// dialer opens SSH clients for `connection` objects; wait is the retry clock (tests fake it).
type dialer struct{ wait waitFunc }

// dial opens an SSH client for a `connection` object, through its `proxy` jump host when set,
// retrying as upstream does (dialWithRetry). Errors about the jump host are prefixed "proxy: ".
//
// One deliberate difference: upstream retries the SSH handshake to the target over the one TCP
// channel it opened through the jump host, which cannot succeed once a handshake failed on it;
// here each retry opens a new channel through the (single) jump host connection and handshakes
// on that. The attempt count and schedule are upstream's.
func (d dialer) dial(ctx context.Context, conn provider.Props) (*ssh.Client, error) {
	cfg, closeAgent, err := clientConfig(conn)
	if err != nil {
		return nil, err
	}
	defer closeAgent.Close()
	addr := address(conn)
	limit := conn.Int("dialErrorLimit", 10)

	proxy := conn.Object("proxy")
	if len(proxy) == 0 {
		return dialWithRetry(ctx, limit, d.wait, func() (*ssh.Client, error) {
			return ssh.Dial("tcp", addr, cfg)
		})
	}
	jump, err := d.dial(ctx, proxy)
	if err != nil {
		return nil, fmt.Errorf("proxy: %w", err)
	}
	client, err := dialWithRetry(ctx, limit, d.wait, func() (*ssh.Client, error) {
		return handshakeThrough(jump, addr, cfg)
	})
	if err != nil {
		jump.Close()
		return nil, fmt.Errorf("proxy: %w", err)
	}
	return client, nil
}

// handshakeThrough opens a channel to addr through the jump host and starts SSH on it.
func handshakeThrough(jump *ssh.Client, addr string, cfg *ssh.ClientConfig) (*ssh.Client, error) {
	nc, err := jump.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	c, chans, reqs, err := ssh.NewClientConn(nc, addr, cfg)
	if err != nil {
		nc.Close()
		return nil, err
	}
	return ssh.NewClient(c, chans, reqs), nil
}

func address(conn provider.Props) string {
	return net.JoinHostPort(conn.String("host"), strconv.Itoa(conn.Int("port", 22)))
}

// clientConfig is upstream's SSHConfig: the user, authentication, host key pinning and the
// per-attempt timeout (perDialTimeout seconds; 0: none).
func clientConfig(conn provider.Props) (*ssh.ClientConfig, io.Closer, error) {
	if conn.String("host") == "" {
		return nil, nil, errors.New("connection.host is required")
	}
	user := conn.String("user")
	if user == "" {
		user = "root"
	}
	cfg := &ssh.ClientConfig{
		User:            user,
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), // #nosec G106 -- upstream's behaviour without hostKey
		Timeout:         time.Duration(conn.Int("perDialTimeout", 15)) * time.Second,
	}
	if hk := conn.String("hostKey"); hk != "" {
		keys, err := pinnedHostKeys(hk)
		if err != nil {
			return nil, nil, err
		}
		cfg.HostKeyCallback = hostKeyCallback(keys)
		cfg.HostKeyAlgorithms = hostKeyAlgorithms(keys)
	}
	auth, closer, err := authMethods(conn)
	if err != nil {
		return nil, nil, err
	}
	cfg.Auth = auth
	return cfg, closer, nil
}
