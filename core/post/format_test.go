package post_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/core/post"
	"github.com/rounds-md/rounds/storage"
)

func TestFormat(t *testing.T) {
	bob := &storage.Account{ID: 2, Username: "bob"}
	carol := &storage.Account{ID: 3, Username: "carol", Domain: "other.example"}
	resolve := func(user, domain string) *storage.Account {
		switch {
		case strings.EqualFold(user, "bob") && (domain == "" || domain == "rounds.example"):
			return bob
		case user == "carol" && domain == "other.example":
			return carol
		}
		return nil
	}
	link := post.Linker{
		Profile: func(a *storage.Account) string {
			if a.Domain != "" {
				return "https://" + a.Domain + "/@" + a.Username
			}
			return "https://rounds.example/@" + a.Username
		},
		Tag: func(n string) string { return "https://rounds.example/tags/" + n },
	}
	bobHTML := `<span class="h-card"><a href="https://rounds.example/@bob" class="u-url mention">@<span>bob</span></a></span>`
	carolHTML := `<span class="h-card"><a href="https://other.example/@carol" class="u-url mention">@<span>carol</span></a></span>`
	for _, tc := range []struct {
		name, in, html string
		mentions       []int64
		tags           []string
	}{
		{"plain", "hello", "<p>hello</p>", nil, nil},
		{"escaped", `a <b> & "c" 'd'`, "<p>a &lt;b&gt; &amp; &#34;c&#34; &#39;d&#39;</p>", nil, nil},
		{"paragraphs and line breaks", "one\ntwo\n\nthree\r\n\r\n\r\nfour", "<p>one<br />two</p><p>three</p><p>four</p>", nil, nil},
		{"trimmed", "  \n hi \n\n", "<p>hi</p>", nil, nil},
		{"local mention", "hi @bob!", "<p>hi " + bobHTML + "!</p>", []int64{2}, nil},
		{"local mention with own domain", "@bob@rounds.example hi", "<p>" + bobHTML + " hi</p>", []int64{2}, nil},
		{"remote mention", "cc @carol@other.example.", "<p>cc " + carolHTML + ".</p>", []int64{3}, nil},
		{"unknown mention stays text", "@nobody and @carol@else.example", "<p>@nobody and @carol@else.example</p>", nil, nil},
		{"email is not a mention", "mail bob@rounds.example", "<p>mail bob@rounds.example</p>", nil, nil},
		{"repeated mention listed once", "@bob @Bob", "<p>" + bobHTML + " " + bobHTML + "</p>", []int64{2}, nil},
		{"hashtag", "read #Radiology now",
			`<p>read <a href="https://rounds.example/tags/radiology" class="mention hashtag" rel="tag">#<span>Radiology</span></a> now</p>`, nil, []string{"radiology"}},
		{"hashtags deduplicated", "#a1 #A1 #123 x#y",
			`<p><a href="https://rounds.example/tags/a1" class="mention hashtag" rel="tag">#<span>a1</span></a> <a href="https://rounds.example/tags/a1" class="mention hashtag" rel="tag">#<span>A1</span></a> #123 x#y</p>`, nil, []string{"a1"}},
		{"link", "see https://example.org/a?b=1&c=2.",
			`<p>see <a href="https://example.org/a?b=1&amp;c=2" rel="nofollow noopener noreferrer" target="_blank"><span class="invisible">https://</span><span class="">example.org/a?b=1&amp;c=2</span><span class="invisible"></span></a>.</p>`, nil, nil},
		{"long link", "https://www.example.org/0123456789012345678901234567890123456789",
			`<p><a href="https://www.example.org/0123456789012345678901234567890123456789" rel="nofollow noopener noreferrer" target="_blank"><span class="invisible">https://www.</span><span class="ellipsis">example.org/012345678901234567</span><span class="invisible">8901234567890123456789</span></a></p>`, nil, nil},
		{"link in parentheses", "(http://example.org/x)",
			`<p>(<a href="http://example.org/x" rel="nofollow noopener noreferrer" target="_blank"><span class="invisible">http://</span><span class="">example.org/x</span><span class="invisible"></span></a>)</p>`, nil, nil},
		{"fragment of a link is not a tag", "https://example.org/#top",
			`<p><a href="https://example.org/#top" rel="nofollow noopener noreferrer" target="_blank"><span class="invisible">https://</span><span class="">example.org/#top</span><span class="invisible"></span></a></p>`, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := post.Format(tc.in, resolve, link)
			if f.HTML != tc.html {
				t.Errorf("HTML\n got %s\nwant %s", f.HTML, tc.html)
			}
			var got []int64
			for _, m := range f.Mentions {
				got = append(got, m.ID)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.mentions) {
				t.Errorf("mentions = %v, want %v", got, tc.mentions)
			}
			if strings.Join(f.Tags, ",") != strings.Join(tc.tags, ",") {
				t.Errorf("tags = %v, want %v", f.Tags, tc.tags)
			}
		})
	}
}

func TestCountChars(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"hello", 5},
		{"héllo ✓", 7},
		{"https://example.org/a/very/long/path/that/is/long", 23},
		{"see https://x.org", 4 + 23},
		{"@carol@other.example hi", len("@carol hi")},
	} {
		if got := post.CountChars(tc.in); got != tc.want {
			t.Errorf("CountChars(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}
