package media

import (
	"context"
	"errors"
	"fmt"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/job"
	"github.com/rounds-md/rounds/storage"
)

// ProcessKind is the job kind that processes an upload.
const ProcessKind = "media.process"

// processArgs are the arguments of a ProcessKind job.
type processArgs struct {
	MediaID int64  `json:"media_id"`
	Key     string `json:"key"`
}

// Upload is a new attachment as a client sends it.
type Upload struct {
	// File is the uploaded file's bytes (at most MaxFileSize; callers read
	// one byte more so that an oversized file can be told apart).
	File []byte
	// Thumbnail is an optional custom preview image, or nil.
	Thumbnail []byte
	// Description is the alt text, or nil.
	Description *string
	// Focus is the focal point "x,y", or nil for the centre.
	Focus *string
}

// Create checks an upload and stores it as an attachment of accountID.
// The checks that need no decoding (size, type from the bytes, pixel
// limit from the header, description, focus) fail at once with ErrInvalid.
// With wait, the image is processed before Create returns and the
// attachment is ready; otherwise a job processes it and the attachment is
// returned still processing, with its preview URL already known.
func (s *Service) Create(ctx context.Context, accountID int64, up Upload, wait bool) (*storage.MediaAttachment, error) {
	p, tp, err := s.check(up)
	if err != nil {
		return nil, err
	}
	desc, err := s.description(up.Description)
	if err != nil {
		return nil, err
	}
	m := &storage.MediaAttachment{
		AccountID: accountID, Type: storage.MediaImage, State: storage.MediaProcessing,
		FileKey: newKey(), HasThumbnail: up.Thumbnail != nil, Description: desc,
	}
	if up.Focus != nil {
		if m.FocusX, m.FocusY, err = parseFocus(*up.Focus); err != nil {
			return nil, err
		}
	}
	m.ContentType, m.SmallContentType = &p.outType, &p.outType
	m.Width, m.Height = p.upright()
	sw, sh := m.Width, m.Height
	if up.Thumbnail != nil {
		m.SmallContentType = &tp.outType
		sw, sh = tp.upright()
	}
	m.SmallWidth, m.SmallHeight = fit(sw, sh, s.cfg.SmallSide)

	if wait {
		return m, s.createNow(ctx, m, up, p, tp)
	}
	return m, s.createLater(ctx, m, up)
}

// check applies the checks that need no decoding to an upload and its
// thumbnail.
func (s *Service) check(up Upload) (p, tp probe, err error) {
	if len(up.File) == 0 {
		return p, tp, core.Invalid("file", "is missing")
	}
	if int64(len(up.File)) > s.cfg.MaxFileSize || int64(len(up.Thumbnail)) > s.cfg.MaxFileSize {
		return p, tp, core.Invalid("file", fmt.Sprintf("must be less than %d MiB", s.cfg.MaxFileSize>>20))
	}
	if p, err = inspect(up.File, s.cfg.MaxPixels); err != nil {
		return p, tp, err
	}
	if up.Thumbnail != nil {
		if tp, err = inspect(up.Thumbnail, s.cfg.MaxPixels); err != nil {
			var inv *core.InvalidError
			if errors.As(err, &inv) {
				return p, tp, core.Invalid("thumbnail", inv.Reason)
			}
			return p, tp, err
		}
	}
	return p, tp, nil
}

// createNow processes the upload in the request and stores the result.
func (s *Service) createNow(ctx context.Context, m *storage.MediaAttachment, up Upload, p, tp probe) error {
	release, err := s.acquire(ctx)
	if err != nil {
		return fmt.Errorf("media: create: %w", err)
	}
	res, err := process(up.File, p, up.Thumbnail, tp, s.cfg.SmallSide)
	release()
	if err != nil {
		s.log.InfoContext(ctx, "media: upload could not be processed", "account", m.AccountID, "err", err)
		return core.Invalid("file", "could not be decoded as an image")
	}
	if err := s.writeProcessed(m, res); err != nil {
		return err
	}
	m.State = storage.MediaReady
	if err := s.store.CreateMedia(ctx, m); err != nil {
		s.removeFiles(ctx, m)
		return fmt.Errorf("media: create: %w", err)
	}
	return nil
}

// createLater keeps the upload in the incoming folder and, in one
// transaction, stores the attachment and the job that will process it.
func (s *Service) createLater(ctx context.Context, m *storage.MediaAttachment, up Upload) error {
	if err := s.files.write(incomingPath(m.FileKey), up.File, 0o600); err != nil {
		return err
	}
	if up.Thumbnail != nil {
		if err := s.files.write(incomingThumbPath(m.FileKey), up.Thumbnail, 0o600); err != nil {
			s.removeFiles(ctx, m)
			return err
		}
	}
	err := s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		if err := tx.CreateMedia(ctx, m); err != nil {
			return err
		}
		_, err := s.jobs.Enqueue(ctx, tx, ProcessKind, processArgs{MediaID: m.ID, Key: m.FileKey}, job.Options{})
		return err
	})
	if err != nil {
		s.removeFiles(ctx, m)
		return fmt.Errorf("media: create: %w", err)
	}
	s.jobs.Wake()
	return nil
}

// writeProcessed stores the processed files of m and records their sizes
// and blurhash on m.
func (s *Service) writeProcessed(m *storage.MediaAttachment, res processed) error {
	if err := s.files.write(originalPath(m.FileKey, res.original.typ), res.original.data, 0o644); err != nil {
		return err
	}
	if err := s.files.write(smallPath(m.FileKey, res.small.typ), res.small.data, 0o644); err != nil {
		_ = s.files.remove(originalPath(m.FileKey, res.original.typ))
		return err
	}
	m.ContentType, m.SmallContentType = &res.original.typ, &res.small.typ
	m.Width, m.Height = res.original.width, res.original.height
	m.SmallWidth, m.SmallHeight = res.small.width, res.small.height
	m.FileSize = int64(len(res.original.data))
	m.Blurhash = &res.blurhash
	return nil
}

// handleProcess runs a ProcessKind job: it processes the waiting upload,
// stores the files, marks the attachment ready and removes the upload.
// Undecodable uploads fail the attachment at once; other errors are
// retried, and the attachment fails after the last attempt.
func (s *Service) handleProcess(ctx context.Context, j *job.Job) error {
	var a processArgs
	if err := j.Decode(&a); err != nil {
		return err
	}
	m, err := s.store.MediaByID(ctx, a.MediaID)
	if errors.Is(err, storage.ErrNotFound) {
		// Deleted before it was processed.
		return s.files.remove(incomingPath(a.Key), incomingThumbPath(a.Key))
	}
	if err != nil {
		return err
	}
	if m.State != storage.MediaProcessing {
		return s.files.remove(incomingPath(m.FileKey), incomingThumbPath(m.FileKey))
	}
	err = s.processStored(ctx, m)
	if err != nil && (job.IsPermanent(err) || j.Attempt >= j.MaxAttempts) {
		if ferr := s.store.SetMediaFailed(ctx, m.ID); ferr != nil && !errors.Is(ferr, storage.ErrNotFound) {
			return ferr
		}
		s.removeFiles(ctx, m)
		s.log.WarnContext(ctx, "media: processing failed", "media", m.ID, "err", err)
	}
	return err
}

// processStored processes a waiting upload of m.
func (s *Service) processStored(ctx context.Context, m *storage.MediaAttachment) error {
	data, err := s.files.read(incomingPath(m.FileKey))
	if err != nil {
		return job.Permanent(err)
	}
	p, err := inspect(data, s.cfg.MaxPixels)
	if err != nil {
		return job.Permanent(fmt.Errorf("media %d: %w", m.ID, err))
	}
	var thumb []byte
	var tp probe
	if m.HasThumbnail {
		if thumb, err = s.files.read(incomingThumbPath(m.FileKey)); err != nil {
			return job.Permanent(err)
		}
		if tp, err = inspect(thumb, s.cfg.MaxPixels); err != nil {
			return job.Permanent(fmt.Errorf("media %d: thumbnail: %w", m.ID, err))
		}
	}
	release, err := s.acquire(ctx)
	if err != nil {
		return err
	}
	res, err := process(data, p, thumb, tp, s.cfg.SmallSide)
	release()
	if err != nil {
		return job.Permanent(fmt.Errorf("media %d: %w", m.ID, err))
	}
	if err := s.writeProcessed(m, res); err != nil {
		return err
	}
	if err := s.store.SetMediaProcessed(ctx, m); err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			// Deleted while being processed: drop what was written.
			s.removeFiles(ctx, m)
			return nil
		}
		return err
	}
	return s.files.remove(incomingPath(m.FileKey), incomingThumbPath(m.FileKey))
}
