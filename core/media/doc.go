// Package media holds the rules for uploaded media: which files are
// accepted (JPEG, PNG, WebP and GIF still images, told apart by their
// bytes, within a size and a pixel limit checked from the header before
// anything is decoded), and how every image is processed: turned upright
// by its EXIF orientation, decoded and re-encoded (JPEG, or PNG where the
// source is lossless or has alpha) so that no EXIF, GPS, XMP, IPTC, ICC
// or text metadata survives, scaled to a small preview, and summarised by
// a blurhash. The stored original is always the re-encoded image, never
// the bytes that were uploaded.
//
// Files live on the local disk under Config.Dir, named by random keys;
// the uploaded bytes wait in Dir/incoming (never served) until a job of
// kind ProcessKind, run by core/job, has processed them. Who may fetch a
// processed file is decided in access.go: anyone for public images
// (attachments of public and unlisted statuses, avatars, headers), and
// otherwise only through a signed URL that expires within two days.
// status.go checks the attachments of an edited status. cleanup.go holds
// the hourly job (CleanupKind) that deletes, rows and files, the uploads
// attached to no status for longer than Config.UnattachedGrace: never an
// avatar or header, never an upload a scheduled status names.
//
// It imports core, core/instance, core/job and storage; never web,
// federation, gin or bun.
package media
