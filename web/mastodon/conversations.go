package mastodon

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/rounds-md/rounds/core/conversation"
	"github.com/rounds-md/rounds/web/jsonbody"
)

// conversationPage is the conversations' limit: 20, at most 40.
var conversationPage = pageSize{20, 40}

// conversations serves GET /api/v1/conversations
// (methods/conversations#get): the viewer's direct-message threads, newest
// status first, paged by that status's ID.
func (x *more) conversations(c *gin.Context) {
	p, ok := x.bindOr(c)
	if !ok {
		return
	}
	me := viewer(c)
	res, err := x.convs.List(c.Request.Context(), me, p.page(conversationPage))
	if err != nil {
		x.fail(c, err)
		return
	}
	out, ok := x.conversationsFor(c, res.Conversations)
	if !ok {
		return
	}
	if len(res.Conversations) > 0 {
		x.setLink(c, res.Next, res.Prev)
	}
	jsonbody.Write(c, http.StatusOK, out)
}

// readConversation serves POST /api/v1/conversations/:id/read
// (methods/conversations#read).
func (x *more) readConversation(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	me := viewer(c)
	cv, err := x.convs.Read(c.Request.Context(), me, id)
	if err != nil {
		x.fail(c, err)
		return
	}
	out, ok := x.conversationsFor(c, []conversation.Conversation{*cv})
	if !ok {
		return
	}
	jsonbody.Write(c, http.StatusOK, out[0])
}

// deleteConversation serves DELETE /api/v1/conversations/:id
// (methods/conversations#delete): off the viewer's list; {}.
func (x *more) deleteConversation(c *gin.Context) {
	x.emptyByID(c, x.convs.Remove)
}
