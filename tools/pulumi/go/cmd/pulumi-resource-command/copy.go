package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"aks-rotate-certs/tools/pulumi/go/internal/provider"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/archive"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// copyToRemote is command:remote:CopyToRemote: it copies `source` to `remotePath` over SSH (see
// copyPlan). Like upstream it sets no mode or owner and deletes nothing on destroy; a change of
// `triggers` replaces it; a change of source (its hash) or remotePath copies again in place (an
// update); a change of connection alone updates the state only.
type copyToRemote struct{ dialer }

func (copyToRemote) Check(news resource.PropertyMap) (resource.PropertyMap, []plugin.CheckFailure) {
	var failures []plugin.CheckFailure
	if !provider.Props(news).Has("remotePath") && !provider.Props(news).Unknown("remotePath") {
		failures = append(failures, plugin.CheckFailure{Property: "remotePath", Reason: "remotePath is required"})
	}
	return news.Copy(), failures
}

func (copyToRemote) Diff(olds, _, news resource.PropertyMap) plugin.DiffResult {
	return provider.DiffInputs(olds, news, map[string]bool{"connection": true, "source": true, "remotePath": true})
}

func (c copyToRemote) Create(ctx context.Context, in resource.PropertyMap, preview bool) (string, resource.PropertyMap, error) {
	if !preview {
		if err := c.copy(ctx, in); err != nil {
			return "", nil, err
		}
	}
	if preview {
		return "", in.Copy(), nil // upstream's preview id
	}
	return resourceID(), in.Copy(), nil
}

func (c copyToRemote) copy(ctx context.Context, in resource.PropertyMap) error {
	p := provider.Props(in)
	remotePath := p.String("remotePath")
	cmd, payload, err := copyPlan(in["source"], remotePath)
	if err != nil {
		return err
	}
	client, err := c.dial(ctx, p.Object("connection"))
	if err != nil {
		return err
	}
	defer client.Close()
	session, err := client.NewSession()
	if err != nil {
		return err
	}
	defer session.Close()
	session.Stdin = bytes.NewReader(payload)
	var stderr bytes.Buffer
	session.Stderr = &stderr
	if err := session.Run(cmd); err != nil {
		return fmt.Errorf("copying to %s: %w: %s", remotePath, err, stderr.String())
	}
	return nil
}

// copyPlan returns the remote shell command that receives the payload on stdin, following
// upstream's semantics (pulumi-command v1.2.1 remote/copyController.go, sftpCopy): parent
// directories are created; a file (FileAsset, or a FileArchive that is a file such as a .tgz,
// copied as-is) goes to remotePath, or into it when remotePath is an existing directory; a
// StringAsset goes to remotePath, which must not be a directory; a directory (FileArchive of a
// folder) is copied recursively into remotePath/<folder name>, or, when its path ends in "/",
// its contents into remotePath (sent as a tar stream, unpacked with tar).
func copyPlan(src resource.PropertyValue, remotePath string) (string, []byte, error) {
	for src.IsSecret() {
		src = src.SecretValue().Element
	}
	q := shellQuote(remotePath)
	fileCmd := func(base string) string {
		into := fmt.Sprintf(`if [ -d %s ]; then echo %s >&2; exit 1; fi; `, q, shellQuote(
			fmt.Sprintf("remote path %s is a directory; when using a text asset, remotePath must be a file path", remotePath)))
		if base != "" {
			into = fmt.Sprintf("if [ -d %s ]; then p=%s; fi; ", q, shellQuote(path.Join(remotePath, base)))
		}
		return fmt.Sprintf(`p=%s; %smkdir -p "$(dirname "$p")" && cat > "$p"`, q, into)
	}
	switch {
	case src.IsAsset():
		a := src.AssetValue()
		data, err := a.Bytes()
		if err != nil {
			return "", nil, fmt.Errorf("reading source: %w", err)
		}
		base := ""
		if a.Path != "" {
			base = filepath.Base(a.Path)
		}
		return fileCmd(base), data, nil
	case src.IsArchive():
		a := src.ArchiveValue()
		if a.Path == "" {
			return "", nil, errors.New("source must be a FileAsset, a StringAsset or a FileArchive")
		}
		info, err := os.Stat(a.Path)
		if err != nil {
			return "", nil, fmt.Errorf("reading source: %w", err)
		}
		if !info.IsDir() {
			data, err := os.ReadFile(a.Path)
			if err != nil {
				return "", nil, fmt.Errorf("reading source: %w", err)
			}
			return fileCmd(filepath.Base(a.Path)), data, nil
		}
		var tarball bytes.Buffer
		if err := a.Archive(archive.TarArchive, &tarball); err != nil {
			return "", nil, fmt.Errorf("reading source: %w", err)
		}
		dest := shellQuote(path.Join(remotePath, filepath.Base(filepath.Clean(a.Path))))
		if strings.HasSuffix(a.Path, "/") {
			dest = q // "dir/": its contents, as upstream
		}
		return fmt.Sprintf("mkdir -p %s && tar -x -C %s", dest, dest), tarball.Bytes(), nil
	}
	return "", nil, errors.New("source must be a FileAsset, a StringAsset or a FileArchive")
}

func (c copyToRemote) Update(ctx context.Context, _ string, olds, news resource.PropertyMap, preview bool) (resource.PropertyMap, error) {
	if !preview && needsCopy(olds, news) {
		if err := c.copy(ctx, news); err != nil {
			return nil, err
		}
	}
	return news.Copy(), nil
}

// needsCopy is upstream's test for copying again on update: the source's hash or the remote
// path changed.
func needsCopy(olds, news resource.PropertyMap) bool {
	o, n := provider.Props(olds), provider.Props(news)
	return sourceHash(olds["source"]) != sourceHash(news["source"]) || o.String("remotePath") != n.String("remotePath")
}

func sourceHash(v resource.PropertyValue) string {
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	switch {
	case v.IsAsset():
		return v.AssetValue().Hash
	case v.IsArchive():
		return v.ArchiveValue().Hash
	}
	return ""
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
