package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path"

	"aks-rotate-certs/tools/pulumi/go/internal/provider"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/archive"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// copyToRemote is command:remote:CopyToRemote: it copies `source` (an asset: one file; an
// archive: a tree, unpacked under remotePath with tar) to `remotePath` over SSH, creating parent
// directories. Like upstream it sets no mode or owner and deletes nothing on destroy. A change
// of source, remotePath or triggers copies again (replacement); a change of connection alone
// does nothing.
type copyToRemote struct{}

func (copyToRemote) Check(news resource.PropertyMap) (resource.PropertyMap, []plugin.CheckFailure) {
	var failures []plugin.CheckFailure
	if !provider.Props(news).Has("remotePath") && !provider.Props(news).Unknown("remotePath") {
		failures = append(failures, plugin.CheckFailure{Property: "remotePath", Reason: "remotePath is required"})
	}
	return news.Copy(), failures
}

func (copyToRemote) Diff(olds, _, news resource.PropertyMap) plugin.DiffResult {
	return provider.DiffInputs(olds, news, map[string]bool{"connection": true})
}

func (c copyToRemote) Create(ctx context.Context, in resource.PropertyMap, preview bool) (string, resource.PropertyMap, error) {
	if !preview {
		if err := c.copy(ctx, in); err != nil {
			return "", nil, err
		}
	}
	return resourceID(), in.Copy(), nil
}

func (copyToRemote) copy(ctx context.Context, in resource.PropertyMap) error {
	p := provider.Props(in)
	remotePath := p.String("remotePath")
	src := in["source"]
	for src.IsSecret() {
		src = src.SecretValue().Element
	}
	var payload bytes.Buffer
	var cmd string
	switch {
	case src.IsAsset():
		data, err := src.AssetValue().Bytes()
		if err != nil {
			return fmt.Errorf("reading source: %w", err)
		}
		payload.Write(data)
		cmd = fmt.Sprintf("mkdir -p %s && cat > %s", shellQuote(path.Dir(remotePath)), shellQuote(remotePath))
	case src.IsArchive():
		if err := src.ArchiveValue().Archive(archive.TarArchive, &payload); err != nil {
			return fmt.Errorf("reading source: %w", err)
		}
		cmd = fmt.Sprintf("mkdir -p %s && tar -x -C %s", shellQuote(remotePath), shellQuote(remotePath))
	default:
		return errors.New("source must be an asset or an archive")
	}
	client, err := dial(ctx, p.Object("connection"))
	if err != nil {
		return err
	}
	defer client.Close()
	session, err := client.NewSession()
	if err != nil {
		return err
	}
	defer session.Close()
	session.Stdin = &payload
	var stderr bytes.Buffer
	session.Stderr = &stderr
	if err := session.Run(cmd); err != nil {
		return fmt.Errorf("copying to %s: %w: %s", remotePath, err, stderr.String())
	}
	return nil
}

func (copyToRemote) Update(_ context.Context, _ string, _, news resource.PropertyMap, _ bool) (resource.PropertyMap, error) {
	return news.Copy(), nil // only connection changed
}

func (copyToRemote) Delete(context.Context, string, resource.PropertyMap) error { return nil }

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	out := []byte{'\''}
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' {
			out = append(out, []byte(`'\''`)...)
		} else {
			out = append(out, s[i])
		}
	}
	return string(append(out, '\''))
}
