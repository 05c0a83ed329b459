package mastodon

import (
	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core/filter"
	"github.com/rounds-md/rounds/core/list"
	"github.com/rounds-md/rounds/core/marker"
	"github.com/rounds-md/rounds/core/tag"
	"github.com/rounds-md/rounds/web/oauth"
)

// p1 serves the lists, tags, filters, markers and instance-extras
// endpoints over their core services.
type p1 struct {
	*Handler
	lists   *list.Service
	tags    *tag.Service
	filters *filter.Service
	markers *marker.Service
}

func newP1(h *Handler) *p1 {
	return &p1{Handler: h, lists: h.Lists, tags: h.Tags, filters: h.Filters, markers: h.Markers}
}

// p1Routes mounts lists, followed tags and hashtag timelines, filters (v2
// and v1), markers and the instance extras, each with the scope Mastodon
// requires. GET routes are mounted with and without a trailing slash.
// Path parameters share one name per position (gin requires it), so the
// filter of /api/v2/filters/:filter_id/keywords is :id here.
func p1Routes(r gin.IRouter, h *Handler) {
	x := newP1(h)
	get := func(path string, hs ...gin.HandlerFunc) {
		r.GET(path, hs...)
		r.GET(path+"/", hs...)
	}
	user := oauth.RequireUser

	// Lists (methods/lists, methods/timelines#list, methods/accounts#lists).
	get("/api/v1/lists", user("read:lists"), x.getLists)
	r.POST("/api/v1/lists", user("write:lists"), x.createList)
	get("/api/v1/lists/:id", user("read:lists"), x.getList)
	r.PUT("/api/v1/lists/:id", user("write:lists"), x.updateList)
	r.DELETE("/api/v1/lists/:id", user("write:lists"), x.deleteList)
	get("/api/v1/lists/:id/accounts", user("read:lists"), x.listAccounts)
	r.POST("/api/v1/lists/:id/accounts", user("write:lists"), x.addListAccounts)
	r.DELETE("/api/v1/lists/:id/accounts", user("write:lists"), x.removeListAccounts)
	get("/api/v1/accounts/:id/lists", user("read:lists"), x.accountLists)
	get("/api/v1/timelines/list/:id", user("read:lists"), x.listTimeline)

	// Hashtags (methods/tags, methods/followed_tags, methods/timelines#tag).
	// GET /api/v1/tags/:name needs no token, as in Mastodon.
	get("/api/v1/tags/:name", x.getTag)
	r.POST("/api/v1/tags/:name/follow", user("write:follows"), x.followTag)
	r.POST("/api/v1/tags/:name/unfollow", user("write:follows"), x.unfollowTag)
	get("/api/v1/followed_tags", user("read:follows"), x.followedTags)
	get("/api/v1/timelines/tag/:hashtag", optional("read:statuses"), x.tagTimeline)

	// Filters v2 (methods/filters).
	get("/api/v2/filters", user("read:filters"), x.getFilters)
	r.POST("/api/v2/filters", user("write:filters"), x.createFilter)
	get("/api/v2/filters/:id", user("read:filters"), x.getFilter)
	r.PUT("/api/v2/filters/:id", user("write:filters"), x.updateFilter)
	r.DELETE("/api/v2/filters/:id", user("write:filters"), x.deleteFilter)
	get("/api/v2/filters/:id/keywords", user("read:filters"), x.filterKeywords)
	r.POST("/api/v2/filters/:id/keywords", user("write:filters"), x.addFilterKeyword)
	get("/api/v2/filters/keywords/:id", user("read:filters"), x.getFilterKeyword)
	r.PUT("/api/v2/filters/keywords/:id", user("write:filters"), x.updateFilterKeyword)
	r.DELETE("/api/v2/filters/keywords/:id", user("write:filters"), x.deleteFilterKeyword)
	get("/api/v2/filters/:id/statuses", user("read:filters"), x.filterStatuses)
	r.POST("/api/v2/filters/:id/statuses", user("write:filters"), x.addFilterStatus)
	get("/api/v2/filters/statuses/:id", user("read:filters"), x.getFilterStatus)
	r.DELETE("/api/v2/filters/statuses/:id", user("write:filters"), x.removeFilterStatus)

	// Filters v1 (methods/filters#v1): each keyword as a filter.
	get("/api/v1/filters", user("read:filters"), x.getV1Filters)
	r.POST("/api/v1/filters", user("write:filters"), x.createV1Filter)
	get("/api/v1/filters/:id", user("read:filters"), x.getV1Filter)
	r.PUT("/api/v1/filters/:id", user("write:filters"), x.updateV1Filter)
	r.DELETE("/api/v1/filters/:id", user("write:filters"), x.deleteV1Filter)

	// Markers (methods/markers).
	get("/api/v1/markers", user("read:statuses"), x.getMarkers)
	r.POST("/api/v1/markers", user("write:statuses"), x.setMarkers)

	// Instance extras (methods/instance, announcements, trends): anonymous.
	get("/api/v1/instance/rules", x.instanceRules)
	get("/api/v1/instance/peers", x.instancePeers)
	get("/api/v1/instance/activity", x.instanceActivity)
	get("/api/v1/announcements", x.emptyList)
	get("/api/v1/trends", x.emptyList)
	get("/api/v1/trends/tags", x.emptyList)
	get("/api/v1/trends/statuses", x.emptyList)
	get("/api/v1/trends/links", x.emptyList)

	// Features Rounds does not have, whose lists are therefore empty; some
	// clients (TWBlue, Ivory) fail on a 404 here (methods/featured_tags,
	// endorsements, suggestions, domain_blocks).
	get("/api/v1/featured_tags", user("read:accounts"), x.emptyList)
	get("/api/v1/accounts/:id/featured_tags", x.emptyList)
	get("/api/v1/endorsements", user("read:accounts"), x.emptyList)
	get("/api/v2/suggestions", user("read"), x.emptyList)
	get("/api/v1/domain_blocks", user("read:blocks"), x.emptyList)
}
