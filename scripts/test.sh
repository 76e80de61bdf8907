#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: installs the real SSH
# peers the interop tests talk to, then vets, lints, cross-compiles, runs
# the unit and interop tests (with the race detector), a short fuzz pass
# over every fuzz target, and the interop module's tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export CI="${CI:-true}" # peers are required: a missing one fails, never skips
export GOFLAGS="${GOFLAGS:-} -mod=mod"

step() { printf '\n== %s\n' "$*"; }

step "install peers"
bash scripts/install-peers.sh

step "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go'))
if [ -n "$unformatted" ]; then echo "gofmt wants to reformat:"; echo "$unformatted"; exit 1; fi

step "go vet"
go vet ./...

step "staticcheck"
if ! command -v staticcheck >/dev/null; then
  GOFLAGS= go install honnef.co/go/tools/cmd/staticcheck@v0.8.2
  export PATH="$PATH:$(go env GOPATH)/bin"
fi
staticcheck ./...

step "cross-compile"
for os in linux darwin windows freebsd; do
  echo "GOOS=$os"
  GOOS=$os GOARCH=amd64 go build ./...
done
# Other word sizes and the assembly-free builds.
for arch in 386 arm64; do
  echo "GOARCH=$arch"
  GOARCH=$arch go build ./...
done
echo "-tags purego"
go build -tags purego ./...
go vet -tags purego ./internal/transport/...

step "tests with the race detector (-short: smaller transfers)"
go test -race -short -count=1 -timeout 25m ./...

step "tests at full size"
go test -count=1 -timeout 25m ./...

step "short fuzz pass over every target"
bash scripts/fuzz.sh 10s

if [ -f interop/go.mod ]; then
  step "interop module"
  (cd interop && go test -count=1 -timeout 20m ./...)
fi
