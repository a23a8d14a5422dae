#!/usr/bin/env bash
# Validates OpenAPI 3.0 spec files with openapi-spec-validator and openapi-examples-validator.
#
#   tools/validate-specs.sh [FILES...]   # default: every specs/*.yaml
#   tools/validate-specs.sh --selftest   # run tools/selftest.sh (the failure-path check)
#
# Prints one line per file (`ok   FILE` or `FAIL FILE: [tool] FILE:LINE:COL: message`) and
# exits non-zero if any file fails. Installs the tools first (tools/install.sh) if missing.
set -euo pipefail

TOOLS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$TOOLS_DIR/.." && pwd)"

if [[ "${1:-}" == "--selftest" ]]; then
    shift
    exec bash "$TOOLS_DIR/selftest.sh" "$@"
fi
if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
    sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 0
fi

EXAMPLES_VALIDATOR="$TOOLS_DIR/node_modules/.bin/openapi-examples-validator"

pick_python() {
    if [[ -x "$TOOLS_DIR/.venv/bin/python" ]]; then
        echo "$TOOLS_DIR/.venv/bin/python"
    else
        echo python3
    fi
}

tools_present() {
    [[ -x "$EXAMPLES_VALIDATOR" ]] && "$(pick_python)" -c 'import openapi_spec_validator, yaml' 2>/dev/null
}

if ! tools_present; then
    echo "validate-specs: tools missing, running tools/install.sh" >&2
    bash "$TOOLS_DIR/install.sh" >&2
    tools_present || { echo "validate-specs: tools still missing after install" >&2; exit 2; }
fi

if [[ $# -eq 0 ]]; then
    cd "$REPO_DIR"
    shopt -s nullglob
    files=(specs/*.yaml)
    if [[ ${#files[@]} -eq 0 ]]; then
        echo "validate-specs: no specs/*.yaml found in $REPO_DIR" >&2
        exit 1
    fi
    set -- "${files[@]}"
fi

exec "$(pick_python)" "$TOOLS_DIR/check_spec.py" --examples-validator "$EXAMPLES_VALIDATOR" "$@"
