package media

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/visibility"
	"github.com/rounds-md/rounds/storage"
)

// Who may fetch a media file. A file's random name keeps it from being
// guessed, but a URL can be copied, logged or kept by someone who has
// since left a post's audience. So only the files of public images are
// served to anyone holding the plain URL: attachments of public and
// unlisted statuses, and avatars and headers. Every other file (the
// attachments of private and direct statuses, uploads not attached yet,
// attachments of deleted statuses kept for a redraft) is served only
// through a signed URL that expires: the API hands those out to the
// people who may see the status, and a leaked one stops working within
// SignedURLLifetime. Clients load images without an Authorization header,
// so a bearer token cannot do this job.

// SignedURLLifetime is the longest a signed media URL stays valid. URLs
// signed during one UTC day all expire at the same moment, between one
// and two days later, so that they stay cacheable for a day.
const SignedURLLifetime = 48 * time.Hour

// urlKeyFile is where the URL-signing key is kept under Config.Dir when
// Config.URLKey is not set.
const urlKeyFile = "url.key"

// loadURLKey returns the configured key, or the one kept in dir
// (creating it on first use; concurrent processes agree on one).
func loadURLKey(cfg Config) ([]byte, error) {
	if len(cfg.URLKey) > 0 {
		if len(cfg.URLKey) < 32 {
			return nil, errors.New("media: Config.URLKey must be at least 32 bytes")
		}
		return cfg.URLKey, nil
	}
	path := filepath.Join(cfg.Dir, urlKeyFile)
	if b, err := os.ReadFile(path); err == nil && len(b) >= 32 {
		return b, nil
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("media: url key: %w", err)
	}
	if err := os.MkdirAll(cfg.Dir, 0o750); err != nil {
		return nil, fmt.Errorf("media: url key: %w", err)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("media: url key: %w", err)
	}
	tmp, err := os.CreateTemp(cfg.Dir, ".tmp-key-*")
	if err != nil {
		return nil, fmt.Errorf("media: url key: %w", err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	_, werr := tmp.Write(key)
	if cerr := tmp.Close(); werr != nil || cerr != nil {
		return nil, fmt.Errorf("media: url key: %w", errors.Join(werr, cerr))
	}
	// Link refuses to replace a key another process stored first.
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("media: url key: %w", err)
	}
	b, err := os.ReadFile(path)
	if err != nil || len(b) < 32 {
		return nil, fmt.Errorf("media: url key: unreadable %s: %w", path, err)
	}
	return b, nil
}

// signature is the signature of the served path rel valid until exp
// (Unix seconds).
func (s *Service) signature(rel string, exp int64) string {
	mac := hmac.New(sha256.New, s.urlKey)
	mac.Write([]byte(rel + "\n" + strconv.FormatInt(exp, 10)))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// expiry is when URLs signed at now expire: the end of the next UTC day.
func expiry(now time.Time) int64 {
	const day = int64(24 * time.Hour / time.Second)
	return (now.Unix()/day + 2) * day
}

// signed returns the URL of rel with an expiring signature.
func (s *Service) signed(rel string, now time.Time) *string {
	exp := expiry(now)
	u := s.URL(rel) + "?exp=" + strconv.FormatInt(exp, 10) + "&sig=" + s.signature(rel, exp)
	return &u
}

// SignedURLs are FileURL and PreviewURL signed, for an attachment whose
// files are not public (see Authorize): the URLs the API gives the
// people who may see it. Remote URLs are returned as they are.
func (s *Service) SignedURLs(m *storage.MediaAttachment, now time.Time) (file, preview *string) {
	file, preview = s.FileURL(m), s.PreviewURL(m)
	if m.Ready() && m.ContentType != nil {
		file = s.signed(originalPath(m.FileKey, *m.ContentType), now)
	}
	if m.SmallContentType != nil {
		preview = s.signed(smallPath(m.FileKey, *m.SmallContentType), now)
	}
	return file, preview
}

// PublicFiles reports whether the attachments of a status of visibility
// vis are served to anyone holding their plain URLs (Authorize): those of
// public and unlisted statuses. Every other status's attachments are
// reached only through SignedURLs.
func PublicFiles(vis string) bool {
	v := visibility.Visibility(vis)
	return v == visibility.Public || v == visibility.Unlisted
}

// StatusURLs returns the URLs of m, an attachment of a status of
// visibility vis, as the people who may see that status get them: plain
// when PublicFiles(vis), signed and expiring otherwise.
func (s *Service) StatusURLs(m *storage.MediaAttachment, vis string, now time.Time) (file, preview *string) {
	if PublicFiles(vis) {
		return s.FileURL(m), s.PreviewURL(m)
	}
	return s.SignedURLs(m, now)
}

// Authorize decides whether the served path rel may be sent to a request
// carrying the query parameters exp and sig: with a valid, unexpired
// signature for rel, or when the file is public (an attachment of an
// undeleted public or unlisted status, or an avatar or header).
// Otherwise ErrNotFound, which tells nothing of whether the file exists.
func (s *Service) Authorize(ctx context.Context, rel, exp, sig string, now time.Time) error {
	notFound := core.Errorf(core.ErrNotFound, "Not found")
	if !servable.MatchString(rel) {
		return notFound
	}
	if sig != "" {
		e, err := strconv.ParseInt(exp, 10, 64)
		if err == nil && now.Unix() < e && hmac.Equal([]byte(sig), []byte(s.signature(rel, e))) {
			return nil
		}
	}
	name := rel[strings.IndexByte(rel, '/')+1:]
	key := strings.TrimSuffix(name, filepath.Ext(name))
	public, err := s.store.MediaFilePublic(ctx, key)
	if err != nil {
		return fmt.Errorf("media: authorize: %w", err)
	}
	if !public {
		return notFound
	}
	return nil
}
