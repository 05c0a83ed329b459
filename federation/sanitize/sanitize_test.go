package sanitize_test

import (
	"strings"
	"testing"

	"github.com/rounds-md/rounds/federation/sanitize"
)

func TestHTML(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"paragraphs", `<p>Hello<br>world</p>`, `<p>Hello<br>world</p>`},
		{"script", `<p>a</p><script>alert(1)</script>`, `<p>a</p>`},
		{"event handler", `<p onclick="x()">a</p>`, `<p>a</p>`},
		{"javascript link", `<a href="javascript:alert(1)">x</a>`, `x`},
		{"img", `<p><img src="https://evil.example/t.png">a</p>`, `<p>a</p>`},
		{"style", `<p style="color:red">a</p><style>p{}</style>`, `<p>a</p>`},
		{"iframe", `<iframe src="https://evil.example"></iframe>b`, `b`},
		{"mention", `<span class="h-card"><a href="https://x.example/@bob" class="u-url mention">@<span>bob</span></a></span>`,
			`<span class="h-card"><a href="https://x.example/@bob" class="u-url mention" rel="nofollow noreferrer noopener" target="_blank">@<span>bob</span></a></span>`},
		{"bad class", `<span class="evil">a</span>`, `<span>a</span>`},
		{"relative link", `<a href="/x">x</a>`, `x`},
		{"form", `<form action="https://evil.example"><input name="q"></form>z`, `z`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := sanitize.HTML(tc.in); got != tc.want {
				t.Errorf("HTML(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestText(t *testing.T) {
	got := sanitize.Text(`<p>Spam &amp; <b>abuse</b><script>x</script></p><p>second</p>`)
	if got != "Spam & abuse\n\nsecond" {
		t.Errorf("Text = %q", got)
	}
	if strings.Contains(sanitize.Text(`<img src=x onerror=alert(1)>`), "<") {
		t.Error("Text kept a tag")
	}
}
