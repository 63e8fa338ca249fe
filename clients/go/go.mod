module trinostream.local/smoke

go 1.26.0

require trinostream.local/client v0.0.0

require (
	github.com/apapsch/go-jsonmerge/v2 v2.0.0 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/oapi-codegen/runtime v1.9.0 // indirect
)

// scripts/clients.sh generates this module (git-ignored) from openapi/openapi.json.
replace trinostream.local/client => ../../.cache/clients/go/client
