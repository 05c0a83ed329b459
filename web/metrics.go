package web

import (
	"crypto/subtle"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/httperr"
)

// metrics counts requests and their latency by route.
type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	// series holds each (method, route, status)'s counter and histogram,
	// found once: the label lookups (validation, hashing, a locked map)
	// cost more than the observation. Routes are the route table's
	// patterns and methods and statuses are few, so it stays small.
	mu     sync.RWMutex
	series map[seriesKey]routeSeries
}

// seriesKey names one route's series.
type seriesKey struct {
	method, route string
	status        int
}

// routeSeries is what a request of one seriesKey updates.
type routeSeries struct {
	requests prometheus.Counter
	latency  prometheus.Observer
}

// newMetrics registers the request metrics, the database pool statistics
// and the Go runtime's on reg.
func newMetrics(reg *prometheus.Registry, store *storage.Store) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rounds_http_requests_total",
			Help: "HTTP requests served, by method, route and status.",
		}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "rounds_http_request_duration_seconds",
			Help:    "Time to serve an HTTP request, by method and route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method", "route"}),
		series: map[seriesKey]routeSeries{},
	}
	reg.MustRegister(m.requests, m.latency,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(store.DB(), string(store.Dialect())),
	)
	return m
}

// middleware observes every request under its route pattern (never the raw
// path, which would hold usernames and IDs).
func (m *metrics) middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		rs := m.seriesOf(c.Request.Method, route, c.Writer.Status())
		rs.requests.Inc()
		rs.latency.Observe(time.Since(start).Seconds())
	}
}

// seriesOf returns the series a request of method on route answered with
// status updates.
func (m *metrics) seriesOf(method, route string, status int) routeSeries {
	k := seriesKey{method: method, route: route, status: status}
	m.mu.RLock()
	rs, ok := m.series[k]
	m.mu.RUnlock()
	if ok {
		return rs
	}
	rs = routeSeries{
		requests: m.requests.WithLabelValues(method, route, strconv.Itoa(status)),
		latency:  m.latency.WithLabelValues(method, route),
	}
	// A method outside the standard ones (any token is allowed) would
	// grow the map without bound: those are looked up each time.
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		m.mu.Lock()
		m.series[k] = rs
		m.mu.Unlock()
	}
	return rs
}

// metricsHandler serves GET /metrics in the Prometheus text format, behind
// a bearer token when one is configured.
func metricsHandler(reg *prometheus.Registry, token string) gin.HandlerFunc {
	h := promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	return func(c *gin.Context) {
		if token != "" && subtle.ConstantTimeCompare([]byte(c.GetHeader("Authorization")), []byte("Bearer "+token)) != 1 {
			httperr.AbortMessage(c, http.StatusUnauthorized, "The access token is invalid")
			return
		}
		h.ServeHTTP(c.Writer, c.Request)
	}
}
