// Package mediafile serves processed media files at /media/...: the
// re-encoded originals and small previews that core/media stores, with
// their exact Content-Type and X-Content-Type-Options: nosniff. Uploads
// still waiting to be processed are never served, and files that are not
// public only through a signed, unexpired URL (media.Service.Authorize).
//
// It imports core/media and web/httperr; gin lives here.
package mediafile
