package media

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/core/job"
	"github.com/rounds-md/rounds/storage"
)

// The limits Rounds applies to uploads, as Mastodon 4.x does.
const (
	// DefaultMaxFileSize is the largest upload accepted: 16 MiB.
	DefaultMaxFileSize = 16 << 20
	// DefaultMaxPixels is the most pixels an image may have: 7680×4320.
	DefaultMaxPixels = 33_177_600
	// DefaultSmallSide is the longer side of a small preview, in pixels.
	DefaultSmallSide = 640
	// DefaultMaxDescription is the longest description, in characters.
	DefaultMaxDescription = 1500
	// MaxPerStatus is how many attachments one status may carry.
	MaxPerStatus = 4
)

// URLPrefix is the path under which processed files are served.
const URLPrefix = "/media/"

// Config holds the media settings. Only Dir is required.
type Config struct {
	// Dir is where media files are kept (ROUNDS_DATA_DIR/media).
	Dir string
	// MaxFileSize caps an upload in bytes; default DefaultMaxFileSize.
	MaxFileSize int64
	// MaxPixels caps width × height; default DefaultMaxPixels.
	MaxPixels int64
	// SmallSide is the longer side of previews; default DefaultSmallSide.
	SmallSide int
	// MaxDescription caps descriptions; default DefaultMaxDescription.
	MaxDescription int
	// MaxConcurrent caps how many images this process decodes at once,
	// uploads and jobs together (each may take hundreds of megabytes);
	// default 2.
	MaxConcurrent int
	// URLKey (at least 32 bytes) signs the URLs of files that are not
	// public (access.go); default: a random key kept in Dir/url.key.
	URLKey []byte
	// UnattachedGrace is how long an upload attached to no status is kept
	// before the clean-up job deletes it (cleanup.go); default
	// DefaultUnattachedGrace.
	UnattachedGrace time.Duration
}

// withDefaults fills in the zero fields of c.
func (c Config) withDefaults() Config {
	if c.MaxFileSize <= 0 {
		c.MaxFileSize = DefaultMaxFileSize
	}
	if c.MaxPixels <= 0 {
		c.MaxPixels = DefaultMaxPixels
	}
	if c.SmallSide <= 0 {
		c.SmallSide = DefaultSmallSide
	}
	if c.MaxDescription <= 0 {
		c.MaxDescription = DefaultMaxDescription
	}
	if c.MaxConcurrent <= 0 {
		c.MaxConcurrent = 2
	}
	if c.UnattachedGrace <= 0 {
		c.UnattachedGrace = DefaultUnattachedGrace
	}
	return c
}

// Service holds the media rules over the database, the file store and
// the job queue.
type Service struct {
	store *storage.Store
	inst  instance.Config
	cfg   Config
	jobs  *job.Queue
	log   *slog.Logger
	files files
	sem   chan struct{}
	// urlKey signs media URLs (access.go).
	urlKey []byte
}

// New returns a media Service and registers its processing and clean-up
// jobs with jobs.
func New(store *storage.Store, inst instance.Config, cfg Config, jobs *job.Queue, log *slog.Logger) (*Service, error) {
	if cfg.Dir == "" {
		return nil, errors.New("media: Config.Dir is required")
	}
	cfg = cfg.withDefaults()
	key, err := loadURLKey(cfg)
	if err != nil {
		return nil, err
	}
	s := &Service{
		store: store, inst: inst, cfg: cfg, jobs: jobs, log: log,
		files: files{root: cfg.Dir}, sem: make(chan struct{}, cfg.MaxConcurrent), urlKey: key,
	}
	err = jobs.Register(job.Kind{
		Name: ProcessKind, Handler: s.handleProcess, MaxAttempts: 5,
		Concurrency: cfg.MaxConcurrent, Priority: job.PriorityInteractive,
		Backoff: job.Exponential(2*time.Second, 5*time.Minute),
	})
	if err != nil {
		return nil, fmt.Errorf("media: %w", err)
	}
	if err := s.registerCleanup(jobs); err != nil {
		return nil, fmt.Errorf("media: %w", err)
	}
	return s, nil
}

// MaxFileSize is the largest upload accepted, in bytes.
func (s *Service) MaxFileSize() int64 { return s.cfg.MaxFileSize }

// acquire waits for a decoding slot.
func (s *Service) acquire(ctx context.Context) (release func(), err error) {
	select {
	case s.sem <- struct{}{}:
		return func() { <-s.sem }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// owned returns the attachment id if it belongs to accountID and is not
// attached to a status: others' media and attached media are not found,
// as in Mastodon.
func (s *Service) owned(ctx context.Context, accountID, id int64) (*storage.MediaAttachment, error) {
	m, err := s.store.MediaByID(ctx, id)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && (m.AccountID != accountID || m.StatusID != nil)) {
		return nil, core.Errorf(core.ErrNotFound, "Record not found")
	}
	if err != nil {
		return nil, fmt.Errorf("media: %w", err)
	}
	return m, nil
}

// errFailed is Mastodon's answer for media whose processing failed.
var errFailed = core.Errorf(core.ErrInvalid, "Error processing thumbnail for uploaded media")

// Get returns the caller's own unattached attachment id. Media whose
// processing failed is ErrInvalid.
func (s *Service) Get(ctx context.Context, accountID, id int64) (*storage.MediaAttachment, error) {
	m, err := s.owned(ctx, accountID, id)
	if err != nil {
		return nil, err
	}
	if m.State == storage.MediaFailed {
		return nil, errFailed
	}
	return m, nil
}

// Edit is a change to an attachment's description or focal point; nil
// fields stay as they are.
type Edit struct {
	Description *string
	Focus       *string // "x,y", each in [-1, 1]
}

// Update changes the description or focus of the caller's own unattached
// attachment and returns it.
func (s *Service) Update(ctx context.Context, accountID, id int64, e Edit) (*storage.MediaAttachment, error) {
	m, err := s.Get(ctx, accountID, id)
	if err != nil {
		return nil, err
	}
	if e.Description != nil {
		if m.Description, err = s.description(e.Description); err != nil {
			return nil, err
		}
	}
	if e.Focus != nil {
		if m.FocusX, m.FocusY, err = parseFocus(*e.Focus); err != nil {
			return nil, err
		}
	}
	if err := s.store.UpdateMediaDescription(ctx, m.ID, m.Description, m.FocusX, m.FocusY); err != nil {
		return nil, fmt.Errorf("media: update: %w", err)
	}
	return m, nil
}

// Delete removes the caller's own attachment and its files. Attached media
// cannot be deleted (ErrInvalid, as Mastodon answers 422).
func (s *Service) Delete(ctx context.Context, accountID, id int64) error {
	m, err := s.store.MediaByID(ctx, id)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && m.AccountID != accountID) {
		return core.Errorf(core.ErrNotFound, "Record not found")
	}
	if err != nil {
		return fmt.Errorf("media: delete: %w", err)
	}
	if m.StatusID != nil {
		return core.Errorf(core.ErrInvalid, "Media attachment is currently used by a status")
	}
	if err := s.store.DeleteUnattachedMedia(ctx, accountID, id); err != nil {
		if errors.Is(err, storage.ErrNotFound) { // attached meanwhile
			return core.Errorf(core.ErrInvalid, "Media attachment is currently used by a status")
		}
		return fmt.Errorf("media: delete: %w", err)
	}
	s.removeFiles(ctx, m)
	return nil
}

// DeleteForStatus deletes the attachments of a deleted status, rows and
// files, so that a deleted post's pictures stop being served. Call it
// after the status's deletion has committed.
func (s *Service) DeleteForStatus(ctx context.Context, statusID int64) error {
	gone, err := s.store.DeleteMediaForStatus(ctx, statusID)
	if err != nil {
		return fmt.Errorf("media: delete for status: %w", err)
	}
	for i := range gone {
		s.removeFiles(ctx, &gone[i])
	}
	return nil
}

// removeFiles deletes every file an attachment may have, logging failures.
func (s *Service) removeFiles(ctx context.Context, m *storage.MediaAttachment) {
	rels := []string{incomingPath(m.FileKey), incomingThumbPath(m.FileKey)}
	if m.ContentType != nil {
		rels = append(rels, originalPath(m.FileKey, *m.ContentType))
	}
	if m.SmallContentType != nil {
		rels = append(rels, smallPath(m.FileKey, *m.SmallContentType))
	}
	if err := s.files.remove(rels...); err != nil {
		s.log.WarnContext(ctx, "media: remove files", "media", m.ID, "err", err)
	}
}

// ForStatus returns the attachments named by ids, in that order, checking
// that the author may attach them to a new status: at most MaxPerStatus,
// each the author's own, processed, and not attached to another status.
// Attach them with storage.Store.AttachMedia inside the transaction that
// creates the status. Repeated IDs count once.
func (s *Service) ForStatus(ctx context.Context, accountID int64, ids []int64) ([]storage.MediaAttachment, error) {
	return s.attachable(ctx, accountID, 0, ids)
}

// attachable checks ids as ForStatus describes; with statusID set, media
// already attached to that status pass too (an edit keeps them).
func (s *Service) attachable(ctx context.Context, accountID, statusID int64, ids []int64) ([]storage.MediaAttachment, error) {
	var uniq []int64
	seen := map[int64]bool{}
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			uniq = append(uniq, id)
		}
	}
	if len(uniq) > MaxPerStatus {
		return nil, core.Invalid("media_ids", fmt.Sprintf("may list at most %d attachments", MaxPerStatus))
	}
	found, err := s.store.MediaByIDs(ctx, uniq)
	if err != nil {
		return nil, fmt.Errorf("media: for status: %w", err)
	}
	byID := map[int64]storage.MediaAttachment{}
	for _, m := range found {
		byID[m.ID] = m
	}
	out := make([]storage.MediaAttachment, 0, len(uniq))
	for _, id := range uniq {
		m, ok := byID[id]
		attachedElsewhere := m.StatusID != nil && (statusID == 0 || *m.StatusID != statusID)
		if !ok || m.AccountID != accountID || attachedElsewhere || m.State == storage.MediaFailed {
			return nil, core.Invalid("media_ids", "must name your own uploads that are not attached to a status")
		}
		if m.State != storage.MediaReady {
			return nil, core.Errorf(core.ErrInvalid, "Cannot attach files that have not finished processing. Try again in a moment!")
		}
		out = append(out, m)
	}
	return out, nil
}

// URL returns the public URL of a media path relative to Config.Dir.
func (s *Service) URL(rel string) string { return s.inst.BaseURL() + URLPrefix + rel }

// FileURL is the URL of the processed original; nil while processing.
func (s *Service) FileURL(m *storage.MediaAttachment) *string {
	if !m.Ready() || m.ContentType == nil {
		return m.RemoteURL
	}
	u := s.URL(originalPath(m.FileKey, *m.ContentType))
	return &u
}

// PreviewURL is the URL of the small preview. For local uploads it is
// known from the start, and answers once processing is done.
func (s *Service) PreviewURL(m *storage.MediaAttachment) *string {
	if m.SmallContentType == nil {
		return nil
	}
	u := s.URL(smallPath(m.FileKey, *m.SmallContentType))
	return &u
}

// File resolves a served path (the part of the URL after URLPrefix) to a
// file on disk and its content type. Only processed originals and
// previews, named by their random keys, resolve; anything else, including
// uploads waiting to be processed, is ErrNotFound.
func (s *Service) File(rel string) (path, contentType string, err error) {
	if !servable.MatchString(rel) {
		return "", "", core.Errorf(core.ErrNotFound, "Not found")
	}
	typ := TypeJPEG
	if strings.HasSuffix(rel, ".png") {
		typ = TypePNG
	}
	return s.files.abs(rel), typ, nil
}

// description checks a description; an empty one clears it.
func (s *Service) description(d *string) (*string, error) {
	if d == nil || strings.TrimSpace(*d) == "" {
		return nil, nil
	}
	if !utf8.ValidString(*d) {
		return nil, core.Invalid("description", "must be valid UTF-8")
	}
	if n := utf8.RuneCountInString(*d); n > s.cfg.MaxDescription {
		return nil, core.Invalid("description", fmt.Sprintf("is too long (maximum is %d characters)", s.cfg.MaxDescription))
	}
	return d, nil
}

// parseFocus reads a focal point "x,y" with both in [-1, 1]; an empty
// string is the centre.
func parseFocus(f string) (float64, float64, error) {
	if strings.TrimSpace(f) == "" {
		return 0, 0, nil
	}
	bad := core.Invalid("focus", `must be "x,y" with x and y between -1.0 and 1.0`)
	xs, ys, ok := strings.Cut(f, ",")
	if !ok {
		return 0, 0, bad
	}
	x, errX := strconv.ParseFloat(strings.TrimSpace(xs), 64)
	y, errY := strconv.ParseFloat(strings.TrimSpace(ys), 64)
	if errX != nil || errY != nil || math.IsNaN(x) || math.IsNaN(y) || math.Abs(x) > 1 || math.Abs(y) > 1 {
		return 0, 0, bad
	}
	return x, y, nil
}
