package federationtest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/go-fed/httpsig"

	"github.com/rounds-md/rounds/federation/signature"
)

// Activity is an activity to send, as a JSON object.
type Activity map[string]any

// Response is an inbox's answer.
type Response struct {
	Status int
	Body   string
}

// Request is one POST to an inbox, correct unless a field says otherwise.
type Request struct {
	// Body is sent as is.
	Body []byte
	// ContentType defaults to application/activity+json.
	ContentType string
	// Unsigned sends no Signature header.
	Unsigned bool
	// Signer signs instead of the actor's own (a wrong key, a stale clock).
	Signer *signature.Signer
	// SignBody, when set, is what the signature's Digest covers instead of
	// Body (a digest mismatch).
	SignBody []byte
	// NoDigest signs (request-target) host date only, without a Digest.
	NoDigest bool
}

// Post signs an activity as the actor and POSTs it to inbox.
func (a *RemoteActor) Post(t testing.TB, inbox string, act Activity) Response {
	t.Helper()
	body, err := json.Marshal(act)
	if err != nil {
		t.Fatal(err)
	}
	return a.Send(t, inbox, Request{Body: body})
}

// Send POSTs r to inbox.
func (a *RemoteActor) Send(t testing.TB, inbox string, r Request) Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, inbox, bytes.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	ct := r.ContentType
	if ct == "" {
		ct = "application/activity+json"
	}
	req.Header.Set("Content-Type", ct)
	if !r.Unsigned {
		signer := r.Signer
		if signer == nil {
			signer = a.Signer(t)
		}
		signed := r.Body
		if r.SignBody != nil {
			signed = r.SignBody
		}
		if r.NoDigest {
			a.signWithout(t, req)
		} else if err := signer.SignPost(req, signed); err != nil {
			t.Fatal(err)
		}
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return Response{Status: res.StatusCode, Body: string(b)}
}

// signWithout signs a POST over (request-target) host date, leaving the
// body unprotected, as no server should.
func (a *RemoteActor) signWithout(t testing.TB, req *http.Request) {
	t.Helper()
	key, err := signature.ParsePrivateKeyPEM(a.PrivatePEM(t))
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := httpsig.NewSigner([]httpsig.Algorithm{httpsig.RSA_SHA256}, httpsig.DigestSha256,
		[]string{httpsig.RequestTarget, "host", "date"}, httpsig.Signature, 0)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Host", req.URL.Host)
	req.Header.Set("Date", nowHTTP())
	if err := s.SignRequest(key, a.KeyID(), req, nil); err != nil {
		t.Fatal(err)
	}
}

// Get fetches an ActivityStreams document as the actor: signed with its
// key, or unsigned when signer is false.
func (a *RemoteActor) Get(t testing.TB, url string, signed bool) Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/activity+json")
	if signed {
		if err := a.Signer(t).SignGet(req); err != nil {
			t.Fatal(err)
		}
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return Response{Status: res.StatusCode, Body: string(b)}
}
