package mastodon

import (
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/core/media"
	"github.com/rounds-md/rounds/core/poll"
	"github.com/rounds-md/rounds/core/post"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/httperr"
	"github.com/rounds-md/rounds/web/jsonbody"
	"github.com/rounds-md/rounds/web/pages"
)

// mastodonCompatVersion is the Mastodon release whose client API Rounds
// follows. Clients parse the part before the first space, so the version
// string is "4.3.0 (compatible; Rounds X.Y.Z)" with nothing after a "+".
const mastodonCompatVersion = "4.3.0"

// sourceURL is where the source of Rounds lives.
const sourceURL = "https://github.com/rounds-md/rounds"

// The limits the instance documents advertise; clients size their
// composers and uploads by them. Those that core enforces come from core;
// the rest (pins, featured tags, profile fields) are Mastodon's
// defaults until the packages that enforce them exist.
const (
	maxStatusCharacters      = post.MaxChars
	maxMediaAttachments      = media.MaxPerStatus
	charactersReservedPerURL = post.CharsPerURL
	imageSizeLimit           = media.DefaultMaxFileSize
	imageMatrixLimit         = media.DefaultMaxPixels
	mediaDescriptionLimit    = media.DefaultMaxDescription
	maxPollOptions           = poll.MaxOptions
	maxPollOptionCharacters  = poll.MaxOptionChars
	minPollExpiration        = int(poll.MinExpiresIn / time.Second)
	maxPollExpiration        = int(poll.MaxExpiresIn / time.Second)
	maxFeaturedTags          = 10
	maxPinnedStatuses        = 5
	maxDisplayNameLength     = 30
	maxNoteLength            = 500
	maxProfileFields         = 4
	profileFieldNameLimit    = 255
	profileFieldValueLimit   = 255
)

// InstanceV1 is the V1::Instance entity (GET /api/v1/instance).
type InstanceV1 struct {
	URI              string          `json:"uri"`
	Title            string          `json:"title"`
	ShortDescription string          `json:"short_description"`
	Description      string          `json:"description"`
	Email            string          `json:"email"`
	Version          string          `json:"version"`
	URLs             InstanceURLsV1  `json:"urls"`
	Stats            InstanceStatsV1 `json:"stats"`
	Thumbnail        string          `json:"thumbnail"`
	Languages        []string        `json:"languages"`
	Registrations    bool            `json:"registrations"`
	ApprovalRequired bool            `json:"approval_required"`
	InvitesEnabled   bool            `json:"invites_enabled"`
	// MaxTootChars is Pleroma's name for the status length limit, which
	// toot's TUI reads when present.
	MaxTootChars  int                     `json:"max_toot_chars"`
	Configuration InstanceConfigurationV1 `json:"configuration"`
	// ContactAccount is an Account or null; null until Rounds has the
	// Account entity and a configured contact.
	ContactAccount any    `json:"contact_account"`
	Rules          []Rule `json:"rules"`
}

// InstanceURLsV1 is V1::Instance urls.
type InstanceURLsV1 struct {
	StreamingAPI string `json:"streaming_api"`
}

// InstanceStatsV1 is V1::Instance stats.
type InstanceStatsV1 struct {
	UserCount   int `json:"user_count"`
	StatusCount int `json:"status_count"`
	DomainCount int `json:"domain_count"`
}

// InstanceConfigurationV1 is V1::Instance configuration.
type InstanceConfigurationV1 struct {
	Accounts         AccountsConfiguration         `json:"accounts"`
	Statuses         StatusesConfiguration         `json:"statuses"`
	MediaAttachments MediaAttachmentsConfiguration `json:"media_attachments"`
	Polls            PollsConfiguration            `json:"polls"`
}

// InstanceV2 is the Instance entity (GET /api/v2/instance). It carries no
// api_versions: Rounds promises no Mastodon API version beyond what the
// version string says until the endpoints behind the numbers exist.
type InstanceV2 struct {
	Domain        string                  `json:"domain"`
	Title         string                  `json:"title"`
	Version       string                  `json:"version"`
	SourceURL     string                  `json:"source_url"`
	Description   string                  `json:"description"`
	Usage         InstanceUsage           `json:"usage"`
	Thumbnail     InstanceThumbnail       `json:"thumbnail"`
	Icon          []InstanceIcon          `json:"icon"`
	Languages     []string                `json:"languages"`
	Configuration InstanceConfigurationV2 `json:"configuration"`
	Registrations InstanceRegistrations   `json:"registrations"`
	Contact       InstanceContact         `json:"contact"`
	Rules         []Rule                  `json:"rules"`
}

// InstanceUsage is Instance usage.
type InstanceUsage struct {
	Users struct {
		ActiveMonth int `json:"active_month"`
	} `json:"users"`
}

// InstanceThumbnail is Instance thumbnail.
type InstanceThumbnail struct {
	URL string `json:"url"`
}

// InstanceIcon is one entry of Instance icon.
type InstanceIcon struct {
	Src  string `json:"src"`
	Size string `json:"size"`
}

// InstanceConfigurationV2 is Instance configuration. Elk dereferences
// every sub-object without checks, so all are always present.
type InstanceConfigurationV2 struct {
	URLs              InstanceURLsV2                `json:"urls"`
	Vapid             VapidConfiguration            `json:"vapid"`
	Accounts          AccountsConfiguration         `json:"accounts"`
	Statuses          StatusesConfiguration         `json:"statuses"`
	MediaAttachments  MediaAttachmentsConfiguration `json:"media_attachments"`
	Polls             PollsConfiguration            `json:"polls"`
	Translation       TranslationConfiguration      `json:"translation"`
	TimelinesAccess   TimelinesAccess               `json:"timelines_access"`
	LimitedFederation bool                          `json:"limited_federation"`
}

// InstanceURLsV2 is Instance configuration.urls; the nullable pages
// Rounds does not have yet are null.
type InstanceURLsV2 struct {
	Streaming      string  `json:"streaming"`
	Status         *string `json:"status"`
	PrivacyPolicy  *string `json:"privacy_policy"`
	TermsOfService *string `json:"terms_of_service"`
}

// VapidConfiguration is Instance configuration.vapid; the key is empty
// until Web Push exists.
type VapidConfiguration struct {
	PublicKey string `json:"public_key"`
}

// AccountsConfiguration is Instance configuration.accounts.
type AccountsConfiguration struct {
	MaxFeaturedTags        int `json:"max_featured_tags"`
	MaxPinnedStatuses      int `json:"max_pinned_statuses"`
	MaxDisplayNameLength   int `json:"max_display_name_length"`
	MaxNoteLength          int `json:"max_note_length"`
	MaxProfileFields       int `json:"max_profile_fields"`
	ProfileFieldNameLimit  int `json:"profile_field_name_limit"`
	ProfileFieldValueLimit int `json:"profile_field_value_limit"`
}

// StatusesConfiguration is Instance configuration.statuses.
type StatusesConfiguration struct {
	MaxCharacters            int `json:"max_characters"`
	MaxMediaAttachments      int `json:"max_media_attachments"`
	CharactersReservedPerURL int `json:"characters_reserved_per_url"`
}

// MediaAttachmentsConfiguration is Instance configuration.media_attachments.
// Rounds takes still images only, so the video limits are 0.
type MediaAttachmentsConfiguration struct {
	SupportedMIMETypes  []string `json:"supported_mime_types"`
	DescriptionLimit    int      `json:"description_limit"`
	ImageSizeLimit      int      `json:"image_size_limit"`
	ImageMatrixLimit    int      `json:"image_matrix_limit"`
	VideoSizeLimit      int      `json:"video_size_limit"`
	VideoFrameRateLimit int      `json:"video_frame_rate_limit"`
	VideoMatrixLimit    int      `json:"video_matrix_limit"`
}

// PollsConfiguration is Instance configuration.polls.
type PollsConfiguration struct {
	MaxOptions             int `json:"max_options"`
	MaxCharactersPerOption int `json:"max_characters_per_option"`
	MinExpiration          int `json:"min_expiration"`
	MaxExpiration          int `json:"max_expiration"`
}

// TranslationConfiguration is Instance configuration.translation.
type TranslationConfiguration struct {
	Enabled bool `json:"enabled"`
}

// TimelinesAccess is Instance configuration.timelines_access: who may read
// the live, hashtag and trending-link feeds ("public", "authenticated" or
// "disabled"). Rounds shows nothing to the anonymous.
type TimelinesAccess struct {
	LiveFeeds         FeedAccess `json:"live_feeds"`
	HashtagFeeds      FeedAccess `json:"hashtag_feeds"`
	TrendingLinkFeeds FeedAccess `json:"trending_link_feeds"`
}

// FeedAccess is the access to the local and remote part of a feed.
type FeedAccess struct {
	Local  string `json:"local"`
	Remote string `json:"remote"`
}

// InstanceRegistrations is Instance registrations.
type InstanceRegistrations struct {
	Enabled          bool    `json:"enabled"`
	ApprovalRequired bool    `json:"approval_required"`
	ReasonRequired   bool    `json:"reason_required"`
	Message          *string `json:"message"`
	URL              *string `json:"url"`
	MinAge           *int    `json:"min_age"`
}

// InstanceContact is Instance contact.
type InstanceContact struct {
	Email string `json:"email"`
	// Account is an Account or null; null until Rounds has the Account
	// entity and a configured contact.
	Account any `json:"account"`
}

// Rule is the Rule entity.
type Rule struct {
	ID   string `json:"id"`
	Text string `json:"text"`
	Hint string `json:"hint"`
}

// instanceV1 serves GET /api/v1/instance (methods/instance#v1),
// anonymously; Mastodon.py calls it on start.
func (h *Handler) instanceV1(c *gin.Context) {
	usage, err := h.Store.Usage(c.Request.Context(), time.Now())
	if err != nil {
		httperr.Abort(c, h.Log, err)
		return
	}
	jsonbody.Write(c, 200, newInstanceV1(h.Instance, usage))
}

// instanceV2 serves GET /api/v2/instance (methods/instance#v2), anonymously.
func (h *Handler) instanceV2(c *gin.Context) {
	usage, err := h.Store.Usage(c.Request.Context(), time.Now())
	if err != nil {
		httperr.Abort(c, h.Log, err)
		return
	}
	jsonbody.Write(c, 200, newInstanceV2(h.Instance, usage))
}

// newInstanceV1 builds V1::Instance from the configuration and usage.
func newInstanceV1(inst instance.Config, u storage.Usage) InstanceV1 {
	return InstanceV1{
		URI:              inst.Domain,
		Title:            inst.Name,
		ShortDescription: inst.Description,
		Description:      inst.Description,
		Email:            inst.ContactEmail,
		Version:          versionString(inst),
		URLs:             InstanceURLsV1{StreamingAPI: streamingURL(inst)},
		Stats:            InstanceStatsV1{UserCount: u.Users, StatusCount: u.LocalPosts, DomainCount: u.Domains},
		Thumbnail:        inst.BaseURL() + pages.ThumbnailPath,
		Languages:        []string{"en"},
		Registrations:    inst.Registrations != instance.RegistrationsClosed,
		ApprovalRequired: inst.Registrations == instance.RegistrationsApproval,
		MaxTootChars:     maxStatusCharacters,
		Configuration: InstanceConfigurationV1{
			Accounts: accountsConfiguration(), Statuses: statusesConfiguration(),
			MediaAttachments: mediaConfiguration(), Polls: pollsConfiguration(),
		},
		Rules: []Rule{},
	}
}

// newInstanceV2 builds Instance from the configuration and usage.
func newInstanceV2(inst instance.Config, u storage.Usage) InstanceV2 {
	v := InstanceV2{
		Domain:      inst.Domain,
		Title:       inst.Name,
		Version:     versionString(inst),
		SourceURL:   sourceURL,
		Description: inst.Description,
		Thumbnail:   InstanceThumbnail{URL: inst.BaseURL() + pages.ThumbnailPath},
		Icon:        []InstanceIcon{},
		Languages:   []string{"en"},
		Configuration: InstanceConfigurationV2{
			URLs:             InstanceURLsV2{Streaming: streamingURL(inst)},
			Accounts:         accountsConfiguration(),
			Statuses:         statusesConfiguration(),
			MediaAttachments: mediaConfiguration(),
			Polls:            pollsConfiguration(),
			TimelinesAccess: TimelinesAccess{
				LiveFeeds:         FeedAccess{Local: "authenticated", Remote: "disabled"},
				HashtagFeeds:      FeedAccess{Local: "authenticated", Remote: "disabled"},
				TrendingLinkFeeds: FeedAccess{Local: "disabled", Remote: "disabled"},
			},
			LimitedFederation: inst.FederationMode == instance.FederationAllowlist,
		},
		Registrations: InstanceRegistrations{
			Enabled:          inst.Registrations != instance.RegistrationsClosed,
			ApprovalRequired: inst.Registrations == instance.RegistrationsApproval,
		},
		Contact: InstanceContact{Email: inst.ContactEmail},
		Rules:   []Rule{},
	}
	v.Usage.Users.ActiveMonth = u.ActiveMonth
	return v
}

// versionString is the version both instance documents report.
func versionString(inst instance.Config) string {
	return mastodonCompatVersion + " (compatible; Rounds " + inst.Version + ")"
}

// streamingURL is the WebSocket base URL of the streaming API: wss:// for
// an https instance, ws:// for http.
func streamingURL(inst instance.Config) string {
	if inst.Protocol == "https" {
		return "wss://" + inst.Domain
	}
	return "ws://" + inst.Domain
}

func accountsConfiguration() AccountsConfiguration {
	return AccountsConfiguration{
		MaxFeaturedTags: maxFeaturedTags, MaxPinnedStatuses: maxPinnedStatuses,
		MaxDisplayNameLength: maxDisplayNameLength, MaxNoteLength: maxNoteLength,
		MaxProfileFields: maxProfileFields, ProfileFieldNameLimit: profileFieldNameLimit,
		ProfileFieldValueLimit: profileFieldValueLimit,
	}
}

func statusesConfiguration() StatusesConfiguration {
	return StatusesConfiguration{
		MaxCharacters: maxStatusCharacters, MaxMediaAttachments: maxMediaAttachments,
		CharactersReservedPerURL: charactersReservedPerURL,
	}
}

func mediaConfiguration() MediaAttachmentsConfiguration {
	return MediaAttachmentsConfiguration{
		SupportedMIMETypes: slices.Clone(media.SupportedTypes),
		DescriptionLimit:   mediaDescriptionLimit,
		ImageSizeLimit:     imageSizeLimit,
		ImageMatrixLimit:   imageMatrixLimit,
	}
}

func pollsConfiguration() PollsConfiguration {
	return PollsConfiguration{
		MaxOptions: maxPollOptions, MaxCharactersPerOption: maxPollOptionCharacters,
		MinExpiration: minPollExpiration, MaxExpiration: maxPollExpiration,
	}
}
