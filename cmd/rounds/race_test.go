//go:build race

package main

// The test binary was built with -race: build the end-to-end binary the
// same way, so that it reuses the packages already compiled for the test.
func init() { raceBuild = true }
