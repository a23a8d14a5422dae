#!/usr/bin/env bash
# Proves that tools/validate-specs.sh fails on broken specs and says where:
# for every fixture in tools/fixtures/, validation must exit non-zero AND its output must name
# the fixture file together with the expected place (a line number or the dangling $ref).
set -uo pipefail

TOOLS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$TOOLS_DIR/.."

# fixture | pattern (extended regex) the output must contain
cases=(
    "tools/fixtures/broken-yaml.yaml|tools/fixtures/broken-yaml\.yaml:1[45]:[0-9]+"
    "tools/fixtures/dangling-ref.yaml|tools/fixtures/dangling-ref\.yaml:17:[0-9]+: .*#/components/schemas/MissingThing"
    "tools/fixtures/bad-example.yaml|tools/fixtures/bad-example\.yaml:19:[0-9]+: .*must be integer"
    "tools/fixtures/bad-form-example.yaml|tools/fixtures/bad-form-example\.yaml:18:[0-9]+: .*not of type 'integer'"
)

passed=0
failed=0
for case in "${cases[@]}"; do
    fixture="${case%%|*}"
    pattern="${case#*|}"
    output="$(bash tools/validate-specs.sh "$fixture" 2>&1)"
    status=$?
    if [[ $status -eq 0 ]]; then
        echo "FAIL selftest $fixture: validation passed but must fail"
        failed=$((failed + 1))
    elif ! grep -Eq -- "$pattern" <<<"$output"; then
        echo "FAIL selftest $fixture: output does not match /$pattern/"
        sed 's/^/       /' <<<"$output"
        failed=$((failed + 1))
    else
        echo "ok   selftest $fixture (rejected: $(grep -E -m1 '^FAIL' <<<"$output" | cut -c1-240))"
        passed=$((passed + 1))
    fi
done

echo "selftest: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
