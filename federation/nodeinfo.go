package federation

import (
	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/storage"
)

// NodeInfo schema versions Rounds serves, and their link relations.
const (
	NodeInfoRel20 = "http://nodeinfo.diaspora.software/ns/schema/2.0"
	NodeInfoRel21 = "http://nodeinfo.diaspora.software/ns/schema/2.1"
)

// SoftwareName is the name Rounds reports in NodeInfo: lower-case letters,
// digits and hyphens, as the schema requires.
const SoftwareName = "rounds"

// NodeInfoContentType returns the Content-Type of a NodeInfo document of
// the given schema version ("2.0" or "2.1").
func NodeInfoContentType(version string) string {
	return `application/json; profile="http://nodeinfo.diaspora.software/ns/schema/` + version + `#"`
}

// NodeInfoLinks is the /.well-known/nodeinfo document: where the NodeInfo
// documents of each schema version live.
type NodeInfoLinks struct {
	Links []JRDLink `json:"links"`
}

// WellKnownNodeInfo returns the links to /nodeinfo/2.0 and /nodeinfo/2.1.
func WellKnownNodeInfo(inst instance.Config) NodeInfoLinks {
	base := inst.BaseURL()
	return NodeInfoLinks{Links: []JRDLink{
		{Rel: NodeInfoRel20, Href: base + "/nodeinfo/2.0"},
		{Rel: NodeInfoRel21, Href: base + "/nodeinfo/2.1"},
	}}
}

// NodeInfo is a NodeInfo 2.0 or 2.1 document
// (https://nodeinfo.diaspora.software/schema.html).
type NodeInfo struct {
	Version           string           `json:"version"`
	Software          NodeInfoSoftware `json:"software"`
	Protocols         []string         `json:"protocols"`
	Services          NodeInfoServices `json:"services"`
	OpenRegistrations bool             `json:"openRegistrations"`
	Usage             NodeInfoUsage    `json:"usage"`
	Metadata          NodeInfoMetadata `json:"metadata"`
}

// NodeInfoSoftware names the server software. Repository and Homepage
// exist from schema 2.1 on; Rounds leaves them out.
type NodeInfoSoftware struct {
	Name       string `json:"name"`
	Version    string `json:"version"`
	Repository string `json:"repository,omitempty"`
	Homepage   string `json:"homepage,omitempty"`
}

// NodeInfoServices lists third-party services the node bridges to: none.
type NodeInfoServices struct {
	Inbound  []string `json:"inbound"`
	Outbound []string `json:"outbound"`
}

// NodeInfoUsage holds the usage figures.
type NodeInfoUsage struct {
	Users      NodeInfoUsers `json:"users"`
	LocalPosts int           `json:"localPosts"`
}

// NodeInfoUsers counts local people.
type NodeInfoUsers struct {
	Total          int `json:"total"`
	ActiveMonth    int `json:"activeMonth"`
	ActiveHalfyear int `json:"activeHalfyear"`
}

// NodeInfoMetadata is the free-form part; Rounds puts the instance's name
// and description there, under the keys Mastodon and Misskey use.
type NodeInfoMetadata struct {
	NodeName        string `json:"nodeName"`
	NodeDescription string `json:"nodeDescription"`
}

// NewNodeInfo returns the NodeInfo document of schema version "2.0" or
// "2.1" for this instance and its usage figures. Registrations count as
// open only in the open mode: approval is not open.
func NewNodeInfo(version string, inst instance.Config, u storage.Usage) NodeInfo {
	return NodeInfo{
		Version:           version,
		Software:          NodeInfoSoftware{Name: SoftwareName, Version: inst.Version},
		Protocols:         []string{"activitypub"},
		Services:          NodeInfoServices{Inbound: []string{}, Outbound: []string{}},
		OpenRegistrations: inst.Registrations == instance.RegistrationsOpen,
		Usage: NodeInfoUsage{
			Users:      NodeInfoUsers{Total: u.Users, ActiveMonth: u.ActiveMonth, ActiveHalfyear: u.ActiveHalfyear},
			LocalPosts: u.LocalPosts,
		},
		Metadata: NodeInfoMetadata{NodeName: inst.Name, NodeDescription: inst.Description},
	}
}
