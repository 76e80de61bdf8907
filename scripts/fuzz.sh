#!/usr/bin/env bash
# Runs every go test -fuzz target for the given time each (default 10s).
#
# A real finding always writes a reproducer ("Failing input written to
# testdata/fuzz/..."). Go before 1.27 can also fail a target with a bare
# "context deadline exceeded" exactly when -fuzztime runs out, a race in
# the fuzzing coordinator (go.dev/issue/75804) and not a finding: such a
# run is retried once, and a second one is reported and not counted.
set -euo pipefail
cd "$(dirname "$0")/.."
t="${1:-10s}"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# deadline_flake reports whether the failed run in $log is the
# coordinator's deadline race rather than a finding.
deadline_flake() {
  grep -q 'context deadline exceeded' "$log" &&
    ! grep -q -e 'Failing input written to' -e '^panic:' -e 'fatal error:' "$log"
}

flakes=0
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
    for try in 1 2; do
      echo "fuzz $pkg $target ($t)"
      if go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$t" >"$log" 2>&1; then
        break
      fi
      if ! deadline_flake; then
        cat "$log"
        exit 1
      fi
      echo "fuzz: $target stopped with the -fuzztime deadline race and no finding (go.dev/issue/75804)"
      if [ "$try" = 2 ]; then
        flakes=$((flakes + 1))
      fi
    done
  done
done
echo "fuzz: all targets passed ($flakes ended twice by the deadline race, with no finding)"
