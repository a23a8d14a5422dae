#!/usr/bin/env bash
# Installs the spec tooling into tools/:
#   - npm packages from tools/package-lock.json into tools/node_modules (npm ci),
#   - cargo-semver-checks, pinned, into tools/.cargo/bin (cargo install --locked), unless
#     that version is already on PATH, and
#   - Python packages from tools/requirements.txt into tools/.venv, or with
#     `pip install --user` when this python3 cannot create a venv.
# Idempotent: each step is skipped when what it installs is already current.
# Needs only python3, node, npm and cargo.
set -euo pipefail

TOOLS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$TOOLS_DIR"

say() { printf 'install: %s\n' "$*"; }
die() { printf 'install: error: %s\n' "$*" >&2; exit 1; }

need() { command -v "$1" >/dev/null 2>&1 || die "'$1' not found on PATH"; }
need python3
need node
need npm
export PIP_ROOT_USER_ACTION=ignore

hash_of() { cat "$@" | python3 -c 'import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())'; }

# ---- npm ----------------------------------------------------------------------------
NPM_STAMP="node_modules/.tools-install-stamp"
npm_want="$(hash_of package.json package-lock.json)"
if [[ -f "$NPM_STAMP" && "$(cat "$NPM_STAMP")" == "$npm_want" \
      && -x node_modules/.bin/openapi-examples-validator && -x node_modules/.bin/prism ]]; then
    say "npm packages up to date"
else
    say "installing npm packages (npm ci)"
    # --ignore-scripts: no package here needs an install script (the only one is a
    # usage-analytics hook), and skipping it keeps the install offline-safe.
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
    printf '%s\n' "$npm_want" >"$NPM_STAMP"
    say "npm packages installed"
fi

# ---- cargo-semver-checks --------------------------------------------------------------
# The agreement test of `cargo xtask diff` (xtask/tests/semver_agreement.rs) runs it on
# the crates generated before and after each diff fixture. Building it takes minutes.
SEMVER_CHECKS_VERSION="0.51.0"
SEMVER_CHECKS_LOCAL=".cargo/bin/cargo-semver-checks"
semver_checks_is_pinned() {
    [[ "$("$1" semver-checks --version 2>/dev/null)" == "cargo-semver-checks $SEMVER_CHECKS_VERSION" ]]
}
if semver_checks_is_pinned "./$SEMVER_CHECKS_LOCAL"; then
    say "cargo-semver-checks $SEMVER_CHECKS_VERSION up to date (tools/$SEMVER_CHECKS_LOCAL)"
elif semver_checks_is_pinned cargo-semver-checks; then
    say "cargo-semver-checks $SEMVER_CHECKS_VERSION up to date ($(command -v cargo-semver-checks))"
else
    need cargo
    say "installing cargo-semver-checks $SEMVER_CHECKS_VERSION into tools/.cargo (several minutes)"
    cargo install --quiet --locked --version "$SEMVER_CHECKS_VERSION" --root .cargo cargo-semver-checks
    semver_checks_is_pinned "./$SEMVER_CHECKS_LOCAL" \
        || die "tools/$SEMVER_CHECKS_LOCAL does not report version $SEMVER_CHECKS_VERSION"
    say "cargo-semver-checks installed (tools/$SEMVER_CHECKS_LOCAL)"
fi

# ---- Python -------------------------------------------------------------------------
# True when the given interpreter already has every pinned requirement at its pinned version.
py_current() {
    "$1" - requirements.txt <<'PY' 2>/dev/null
import re, sys
from importlib import metadata
ok = True
for line in open(sys.argv[1]):
    line = line.split("#", 1)[0].strip()
    m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
    if not m:
        continue
    try:
        if metadata.version(m.group(1)) != m.group(2):
            ok = False
    except metadata.PackageNotFoundError:
        ok = False
sys.exit(0 if ok else 1)
PY
}

VENV_PY=".venv/bin/python"
if [[ -x "$VENV_PY" ]] && py_current "$VENV_PY"; then
    say "python packages up to date (tools/.venv)"
    exit 0
fi
if [[ ! -x "$VENV_PY" ]] && py_current python3 && python3 -c 'import openapi_spec_validator' 2>/dev/null; then
    say "python packages up to date (user site)"
    exit 0
fi

if [[ ! -x "$VENV_PY" ]]; then
    say "creating tools/.venv"
    if ! python3 -m venv .venv >/dev/null 2>&1 || [[ ! -x "$VENV_PY" ]]; then
        rm -rf .venv
        say "python3 cannot create a venv here (on Debian: apt-get install python3-venv); using pip --user"
    fi
fi

if [[ -x "$VENV_PY" ]]; then
    say "installing python packages into tools/.venv"
    "$VENV_PY" -m pip install --quiet --disable-pip-version-check -r requirements.txt
    py_current "$VENV_PY" || die "python packages in tools/.venv do not match requirements.txt"
    say "python packages installed (tools/.venv)"
else
    say "installing python packages with pip --user"
    python3 -m pip --version >/dev/null 2>&1 \
        || die "python3 has neither venv nor pip (on Debian: apt-get install python3-venv)"
    if ! python3 -m pip install --quiet --disable-pip-version-check --no-warn-script-location --user -r requirements.txt; then
        # Debian marks its python3 as externally managed (PEP 668); a --user install does not
        # touch the system packages, so allow it explicitly.
        python3 -m pip install --quiet --disable-pip-version-check --no-warn-script-location --user \
            --break-system-packages -r requirements.txt
    fi
    py_current python3 || die "python packages in the user site do not match requirements.txt"
    say "python packages installed (user site)"
fi
