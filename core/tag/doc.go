// Package tag holds hashtags as people follow and read them: the Tag with
// its seven days of public use, following and unfollowing (new public
// posts with a followed tag then reach the follower's home, written by
// core/post's fan-out), and hashtag timelines, read through core/timeline
// (public posts only).
//
// It imports core, core/timeline and storage.
package tag
