package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// apiClient talks JSON to the API server with the node's client certificate.
type apiClient struct {
	server string
	http   *http.Client
}

// apiError is a non-2xx answer of the API server.
type apiError struct {
	code int
	body string
}

func (e *apiError) Error() string { return fmt.Sprintf("HTTP %d: %s", e.code, e.body) }

func isStatus(err error, code int) bool {
	ae, ok := err.(*apiError)
	return ok && ae.code == code
}

func newAPIClient(server string, tlsConfig *tls.Config) *apiClient {
	transport := &http.Transport{
		TLSClientConfig:     tlsConfig,
		TLSHandshakeTimeout: 10 * time.Second,
		IdleConnTimeout:     90 * time.Second,
		MaxIdleConnsPerHost: 4,
	}
	// No client-wide timeout: watches stream for minutes. Each call carries its own context.
	return &apiClient{server: server, http: &http.Client{Transport: transport}}
}

// call sends body (marshalled to JSON unless nil) and decodes the answer into out (unless nil).
func (c *apiClient) call(ctx context.Context, method, path, contentType string, body, out any) error {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	resp, err := c.open(ctx, method, path, contentType, body)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		_, err = io.Copy(io.Discard, resp.Body)
		return err
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// open sends the request and returns the response of a 2xx answer, for streaming reads.
func (c *apiClient) open(ctx context.Context, method, path, contentType string, body any) (*http.Response, error) {
	var reader io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		reader = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.server+path, reader)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "standin-kubelet")
	if body != nil {
		if contentType == "" {
			contentType = "application/json"
		}
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
		return nil, &apiError{code: resp.StatusCode, body: string(bytes.TrimSpace(raw))}
	}
	return resp, nil
}

const (
	mergePatch = "application/merge-patch+json"
	// microTime is the API's MicroTime format (leases); Time fields use RFC 3339 seconds.
	microTime = "2006-01-02T15:04:05.000000Z07:00"
)

func now() string { return time.Now().UTC().Format(time.RFC3339) }
