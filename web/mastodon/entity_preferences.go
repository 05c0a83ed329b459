package mastodon

import "github.com/rounds-md/rounds/storage"

// Preferences is the Preferences entity, keyed as Mastodon keys it.
type Preferences struct {
	Visibility     string  `json:"posting:default:visibility"`
	Sensitive      bool    `json:"posting:default:sensitive"`
	Language       *string `json:"posting:default:language"`
	ExpandMedia    string  `json:"reading:expand:media"`
	ExpandSpoilers bool    `json:"reading:expand:spoilers"`
}

func preferences(p *storage.Preferences) Preferences {
	return Preferences{
		Visibility: p.DefaultVisibility, Sensitive: p.DefaultSensitive, Language: p.DefaultLanguage,
		ExpandMedia: p.ExpandMedia, ExpandSpoilers: p.ExpandSpoilers,
	}
}
