package federation

import (
	"encoding/xml"
	"fmt"

	"github.com/rounds-md/rounds/core/instance"
)

// webFingerTemplate is the LRDD template that sends host-meta readers to
// this instance's WebFinger endpoint.
func webFingerTemplate(inst instance.Config) string {
	return inst.BaseURL() + "/.well-known/webfinger?resource={uri}"
}

// xrd is the XML form of host-meta (RFC 6415).
type xrd struct {
	XMLName xml.Name  `xml:"http://docs.oasis-open.org/ns/xri/xrd-1.0 XRD"`
	Links   []xrdLink `xml:"Link"`
}

type xrdLink struct {
	Rel      string `xml:"rel,attr"`
	Type     string `xml:"type,attr,omitempty"`
	Template string `xml:"template,attr"`
}

// HostMetaXML renders /.well-known/host-meta: an XRD whose one link is the
// LRDD template pointing at this instance's WebFinger endpoint, which is
// how older clients find WebFinger when the API lives on another host.
func HostMetaXML(inst instance.Config) ([]byte, error) {
	doc := xrd{Links: []xrdLink{{Rel: RelLRDD, Template: webFingerTemplate(inst)}}}
	body, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("federation: host-meta: %w", err)
	}
	return append([]byte(xml.Header), body...), nil
}

// HostMetaJSON returns the JSON form of host-meta (/.well-known/host-meta.json).
func HostMetaJSON(inst instance.Config) JRD {
	return JRD{Links: []JRDLink{{Rel: RelLRDD, Template: webFingerTemplate(inst)}}}
}
