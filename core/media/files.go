package media

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
)

// The folders under Config.Dir. Only original and small are served;
// incoming holds uploaded bytes, metadata and all, until processed.
const (
	dirOriginal = "original"
	dirSmall    = "small"
	dirIncoming = "incoming"
)

// servable matches the only paths (relative to Config.Dir) that File
// serves: a processed file named by its random key.
var servable = regexp.MustCompile(`^(original|small)/[0-9a-f]{32}\.(jpg|png)$`)

// newKey returns a random file key: 32 hex digits.
func newKey() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("media: random: %v", err))
	}
	return hex.EncodeToString(b)
}

// originalPath and smallPath are where a processed attachment's files
// live, relative to Config.Dir (and to the /media/ URL prefix).
func originalPath(key, typ string) string { return dirOriginal + "/" + key + extension(typ) }
func smallPath(key, typ string) string    { return dirSmall + "/" + key + extension(typ) }

// incomingPaths are where an upload and its custom thumbnail wait.
func incomingPath(key string) string      { return dirIncoming + "/" + key }
func incomingThumbPath(key string) string { return dirIncoming + "/" + key + ".thumbnail" }

// files stores media files on the local disk under a root folder.
type files struct {
	root string
}

// abs turns a relative media path into a path on disk.
func (f files) abs(rel string) string { return filepath.Join(f.root, filepath.FromSlash(rel)) }

// write stores data at rel atomically: a temporary file in the same
// folder, synced, then renamed into place.
func (f files) write(rel string, data []byte, perm os.FileMode) error {
	path := f.abs(rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("media: store %s: %w", rel, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("media: store %s: %w", rel, err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("media: store %s: %w", rel, err)
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("media: store %s: %w", rel, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("media: store %s: %w", rel, err)
	}
	if err := os.Chmod(tmp.Name(), perm); err != nil {
		return fmt.Errorf("media: store %s: %w", rel, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("media: store %s: %w", rel, err)
	}
	return nil
}

// read returns the file at rel.
func (f files) read(rel string) ([]byte, error) {
	b, err := os.ReadFile(f.abs(rel))
	if err != nil {
		return nil, fmt.Errorf("media: read %s: %w", rel, err)
	}
	return b, nil
}

// remove deletes the files at rels; missing ones are not an error.
func (f files) remove(rels ...string) error {
	var errs []error
	for _, rel := range rels {
		if err := os.Remove(f.abs(rel)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("media: remove %s: %w", rel, err))
		}
	}
	return errors.Join(errs...)
}
