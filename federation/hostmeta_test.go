package federation

import (
	"encoding/xml"
	"testing"

	"github.com/rounds-md/rounds/storage"
)

func TestHostMeta(t *testing.T) {
	b, err := HostMetaXML(testInstance)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		XMLName xml.Name
		Links   []struct {
			Rel      string `xml:"rel,attr"`
			Template string `xml:"template,attr"`
		} `xml:"Link"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("host-meta is not XML: %v\n%s", err, b)
	}
	want := "https://rounds.example:8443/.well-known/webfinger?resource={uri}"
	if doc.XMLName.Space != "http://docs.oasis-open.org/ns/xri/xrd-1.0" || doc.XMLName.Local != "XRD" ||
		len(doc.Links) != 1 || doc.Links[0].Rel != "lrdd" || doc.Links[0].Template != want {
		t.Errorf("host-meta = %s", b)
	}
	j := HostMetaJSON(testInstance)
	if len(j.Links) != 1 || j.Links[0].Rel != "lrdd" || j.Links[0].Template != want {
		t.Errorf("host-meta.json = %+v", j)
	}
}

func TestNodeInfo(t *testing.T) {
	u := storage.Usage{Users: 3, ActiveMonth: 2, ActiveHalfyear: 3, LocalPosts: 7, Domains: 4}
	for _, tc := range []struct {
		mode string
		open bool
	}{{"open", true}, {"approval", false}, {"closed", false}} {
		inst := testInstance
		inst.Registrations = tc.mode
		n := NewNodeInfo("2.1", inst, u)
		if n.OpenRegistrations != tc.open {
			t.Errorf("registrations %s: openRegistrations = %v", tc.mode, n.OpenRegistrations)
		}
		if n.Version != "2.1" || n.Software.Name != "rounds" || n.Software.Version != "1.2.3" ||
			n.Usage.Users != (NodeInfoUsers{3, 2, 3}) || n.Usage.LocalPosts != 7 ||
			n.Metadata.NodeName != "Rounds Example" || n.Metadata.NodeDescription != "An example." {
			t.Errorf("NodeInfo = %+v", n)
		}
	}
	links := WellKnownNodeInfo(testInstance).Links
	if len(links) != 2 || links[0].Href != "https://rounds.example:8443/nodeinfo/2.0" ||
		links[1].Rel != "http://nodeinfo.diaspora.software/ns/schema/2.1" {
		t.Errorf("links = %+v", links)
	}
}
