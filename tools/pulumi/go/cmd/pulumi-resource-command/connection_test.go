package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"net"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"aks-rotate-certs/tools/pulumi/go/internal/provider"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"golang.org/x/crypto/ssh"
)

// hostKeys are an AKS Engine node's three host key types.
type hostKeys struct{ rsa, ecdsa, ed25519 ssh.Signer }

func newHostKeys(t *testing.T) hostKeys {
	t.Helper()
	r, _ := rsa.GenerateKey(rand.Reader, 2048)
	e, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	_, d, _ := ed25519.GenerateKey(rand.Reader)
	var hk hostKeys
	var err error
	for dst, k := range map[*ssh.Signer]any{&hk.rsa: r, &hk.ecdsa: e, &hk.ed25519: d} {
		if *dst, err = ssh.NewSignerFromKey(k); err != nil {
			t.Fatal(err)
		}
	}
	return hk
}

// serveSSH runs an in-process SSH server on loopback with the given host keys; it accepts any
// client and serves nothing, enough to test key exchange.
func serveSSH(t *testing.T, keys ...ssh.Signer) string {
	t.Helper()
	cfg := &ssh.ServerConfig{NoClientAuth: true}
	for _, k := range keys {
		cfg.AddHostKey(k)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				_, chans, reqs, err := ssh.NewServerConn(c, cfg)
				if err != nil {
					return
				}
				go ssh.DiscardRequests(reqs)
				for ch := range chans {
					_ = ch.Reject(ssh.Prohibited, "test server")
				}
			}()
		}
	}()
	return l.Addr().String()
}

func pin(keys ...ssh.Signer) string {
	var lines []string
	for _, k := range keys {
		lines = append(lines, strings.TrimSpace(string(ssh.MarshalAuthorizedKey(k.PublicKey()))))
	}
	return strings.Join(lines, "\n")
}

func connectionTo(addr, hostKey string) provider.Props {
	host, port, _ := net.SplitHostPort(addr)
	n, _ := strconv.Atoi(port)
	m := map[string]any{"host": host, "port": n, "user": "test", "dialErrorLimit": 0, "perDialTimeout": 5}
	if hostKey != "" {
		m["hostKey"] = hostKey
	}
	return provider.Props(resource.NewPropertyMapFromMap(m))
}

// A node with rsa, ecdsa and ed25519 host keys is reached with any one of them pinned: the
// client asks for the pinned key's type (Go's default order would ask for ECDSA first).
func TestPinnedHostKeyTypeIsNegotiated(t *testing.T) {
	t.Setenv("SSH_AUTH_SOCK", "")
	hk := newHostKeys(t)
	addr := serveSSH(t, hk.rsa, hk.ecdsa, hk.ed25519)
	for name, k := range map[string]ssh.Signer{"ed25519": hk.ed25519, "ecdsa": hk.ecdsa, "rsa": hk.rsa} {
		c, err := dialer{}.dial(context.Background(), connectionTo(addr, pin(k)))
		if err != nil {
			t.Errorf("%s pinned: %v", name, err)
			continue
		}
		c.Close()
	}
	// Several pins (ssh-keyscan order): any matches.
	c, err := dialer{}.dial(context.Background(), connectionTo(addr, pin(hk.ed25519, hk.ecdsa, hk.rsa)))
	if err != nil {
		t.Fatalf("all three pinned: %v", err)
	}
	c.Close()
}

func TestWrongPinFails(t *testing.T) {
	t.Setenv("SSH_AUTH_SOCK", "")
	hk, other := newHostKeys(t), newHostKeys(t)
	addr := serveSSH(t, hk.rsa, hk.ecdsa, hk.ed25519)
	_, err := dialer{}.dial(context.Background(), connectionTo(addr, pin(other.ed25519)))
	if err == nil || !strings.Contains(err.Error(), "host key mismatch") {
		t.Fatalf("err = %v", err)
	}
	// A pinned type the server lacks: no common algorithm.
	addr = serveSSH(t, hk.ecdsa)
	if _, err = (dialer{}).dial(context.Background(), connectionTo(addr, pin(hk.ed25519))); err == nil {
		t.Fatal("a server without the pinned key type must be refused")
	}
}

func TestHostKeyAlgorithmsFollowPins(t *testing.T) {
	hk := newHostKeys(t)
	keys, err := pinnedHostKeys(pin(hk.ed25519, hk.rsa, hk.ecdsa) + "\n")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"ssh-ed25519", "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa", "ecdsa-sha2-nistp256"}
	if got := hostKeyAlgorithms(keys); !reflect.DeepEqual(got, want) {
		t.Errorf("algorithms = %v, want %v", got, want)
	}
	if _, err := pinnedHostKeys("not a key"); err == nil {
		t.Error("a bad pin fails")
	}
}

// recordWaits fakes the retry clock: every wait returns at once and is recorded.
func recordWaits(waits *[]time.Duration) waitFunc {
	return func(d time.Duration) <-chan time.Time {
		*waits = append(*waits, d)
		ch := make(chan time.Time, 1)
		ch <- time.Time{}
		return ch
	}
}

func TestDialScheduleIsUpstreams(t *testing.T) {
	var waits []time.Duration
	attempts := 0
	_, err := dialWithRetry(context.Background(), 3, recordWaits(&waits), func() (int, error) {
		attempts++
		return 0, errors.New("refused")
	})
	if attempts != 4 || err == nil || err.Error() != "after 3 failed attempts: refused" {
		t.Fatalf("attempts %d, err %v", attempts, err)
	}
	ms := time.Millisecond
	if want := []time.Duration{100 * ms, 150 * ms, 225 * ms}; !reflect.DeepEqual(waits, want) {
		t.Errorf("waits = %v, want %v", waits, want)
	}
	waits = nil
	_, _ = dialWithRetry(context.Background(), 12, recordWaits(&waits), func() (int, error) {
		return 0, errors.New("refused")
	})
	if last := waits[len(waits)-1]; last != 5*time.Second {
		t.Errorf("the wait is capped at 5s, last = %v", last)
	}
}

func TestDialStopsAtTheOperationTimeout(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := dialWithRetry(ctx, unlimitedDials, nil, func() (int, error) { return 0, errors.New("refused") })
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
		t.Fatalf("err %v after %v", err, time.Since(start))
	}
}

func TestDeadAgentSocketFails(t *testing.T) {
	t.Setenv("SSH_AUTH_SOCK", filepath.Join(t.TempDir(), "gone.sock"))
	_, _, err := clientConfig(connectionTo("127.0.0.1:22", ""))
	if err == nil || !strings.Contains(err.Error(), "SSH agent") {
		t.Fatalf("err = %v", err)
	}
}
