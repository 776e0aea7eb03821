// Command ilb is the lab's stand-in for the Azure internal load balancer that AKS Engine puts
// in front of the masters of a multi-master cluster (frontend IP = first master IP + 10, rule
// TCP 443 -> 443, health probe TCP 443 every 5 s, two failed probes take a master out).
// It runs alone in a network namespace of its own on the lab bridge and forwards TCP
// connections; TLS passes through untouched, so clients see the masters' own certificates.
package main

import (
	"flag"
	"io"
	"log"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type backend struct {
	addr    string
	healthy atomic.Bool
	fails   int // consecutive failed probes (probe goroutine only)
}

func main() {
	log.SetFlags(log.LstdFlags | log.LUTC)
	listen := flag.String("listen", "", "frontend address, ip:port")
	backends := flag.String("backends", "", "comma-separated master addresses, ip:port")
	interval := flag.Duration("probe-interval", 5*time.Second, "health probe interval")
	threshold := flag.Int("probe-threshold", 2, "failed probes before a backend is taken out")
	exitWithout := flag.String("exit-without", "", "exit when this network interface is gone (the lab was torn down)")
	flag.Parse()
	if *listen == "" || *backends == "" {
		log.Fatal("ilb: --listen and --backends are required")
	}
	var pool []*backend
	for _, a := range strings.Split(*backends, ",") {
		b := &backend{addr: strings.TrimSpace(a)}
		b.healthy.Store(true) // until probed otherwise, like a freshly created rule
		pool = append(pool, b)
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatalf("ilb: %v", err)
	}
	log.Printf("ilb: %s -> %s", *listen, *backends)
	go probe(pool, *interval, *threshold)
	if *exitWithout != "" {
		go func() {
			for {
				if _, err := net.InterfaceByName(*exitWithout); err != nil {
					log.Fatalf("ilb: %s is gone (%v): exiting", *exitWithout, err)
				}
				time.Sleep(2 * time.Second)
			}
		}()
	}
	var next atomic.Uint64
	for {
		conn, err := ln.Accept()
		if err != nil {
			log.Printf("ilb: accept: %v", err)
			time.Sleep(100 * time.Millisecond)
			continue
		}
		go forward(conn, pool, int(next.Add(1)))
	}
}

// probe dials every backend each interval; a backend leaves the rotation after threshold
// consecutive failures and returns after one success.
func probe(pool []*backend, interval time.Duration, threshold int) {
	for {
		for _, b := range pool {
			c, err := net.DialTimeout("tcp", b.addr, interval/2)
			if err == nil {
				c.Close()
				b.fails = 0
				if !b.healthy.Swap(true) {
					log.Printf("ilb: %s healthy", b.addr)
				}
				continue
			}
			b.fails++
			if b.fails >= threshold && b.healthy.Swap(false) {
				log.Printf("ilb: %s unhealthy: %v", b.addr, err)
			}
		}
		time.Sleep(interval)
	}
}

// forward sends a new connection to the healthy backends in round-robin order, trying the
// next one if a dial fails (a master restarting between two probes).
func forward(client net.Conn, pool []*backend, start int) {
	defer client.Close()
	var server net.Conn
	for i := range pool {
		b := pool[(start+i)%len(pool)]
		if !b.healthy.Load() {
			continue
		}
		c, err := net.DialTimeout("tcp", b.addr, 2*time.Second)
		if err == nil {
			server = c
			break
		}
	}
	if server == nil {
		return // no healthy master: the client sees the connection close, as with no backend
	}
	defer server.Close()
	var wg sync.WaitGroup
	wg.Add(2)
	pipe := func(dst, src net.Conn) {
		defer wg.Done()
		_, _ = io.Copy(dst, src)
		if tc, ok := dst.(*net.TCPConn); ok {
			_ = tc.CloseWrite()
		}
	}
	go pipe(server, client)
	go pipe(client, server)
	wg.Wait()
}
