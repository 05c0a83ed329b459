// Package mediafile serves processed media files at /media/...: the
// re-encoded originals and small previews that core/media stores, with
// their exact Content-Type and X-Content-Type-Options: nosniff. Uploads
// still waiting to be processed are never served.
//
// It imports core/media and web/httperr; gin lives here.
package mediafile
