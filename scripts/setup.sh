#!/usr/bin/env bash
# Sets up a fresh machine for Coursewave: Python virtualenv and packages, FFmpeg, Chromium (for the
# browser tests), Node packages, and the web app's build (web/dist).
# Idempotent; prints what it does. Called by `make setup` (and so by `make run` / `make test`).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
step() { printf '\n==> %s\n' "$*"; }

step "Checking Python (3.11 or newer)"
"$PYTHON" -c 'import sys; assert sys.version_info >= (3, 11), sys.version' \
  || { echo "Python 3.11+ is required (found: $("$PYTHON" --version 2>&1))"; exit 1; }
"$PYTHON" --version

# Debian packages: FFmpeg (the transcode worker), Chromium (the browser tests drive Debian's
# Chromium through Playwright; Playwright's own browser download is never used: it cannot reach
# its CDN from here, and one system browser is enough) and poppler-utils (the certificate tests
# read the PDFs' text back with pdftotext). One apt-get run, in the background while pip and npm
# install (they fetch from other registries), waited for before setup ends.
missing=()
{ command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null; } || missing+=(ffmpeg)
command -v chromium >/dev/null || missing+=(chromium)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
apt_pid=""
if [ ${#missing[@]} -gt 0 ]; then
  step "Installing ${missing[*]} (Debian packages), in the background"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  apt_log=$(mktemp)
  ( $SUDO apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" ) \
    > "$apt_log" 2>&1 &
  apt_pid=$!
  # A step below that fails ends the script: not before apt-get (and its dpkg lock) has finished.
  trap '[ -z "$apt_pid" ] || wait "$apt_pid" || true' EXIT
fi

if [ ! -x .venv/bin/python ]; then
  step "Creating the virtualenv in .venv"
  "$PYTHON" -m venv .venv
fi

step "Installing pinned Python packages (pyproject.toml: runtime, dev, infra)"
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[dev,infra]"

step "Putting the repository and the shared layer on the virtualenv's path"
site=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
printf '%s\n%s\n' "$PWD" "$PWD/layers/shared/python" > "$site/coursewave.pth"

step "Finding Python 3.12, the Lambda runtime's (it compiles the bytecode the assets ship)"
# $COURSEWAVE_RUNTIME_PYTHON, python3.12 on PATH, or ~/.pyenv/versions/3.12.*: see
# infra_cdk/python_runtime.py. Without it `make synth` and the infra tests would fail later.
.venv/bin/python -m infra_cdk.python_runtime \
  || { echo "Install Python 3.12 (e.g. pyenv install 3.12) or set COURSEWAVE_RUNTIME_PYTHON"; exit 1; }

step "Installing Node packages (aws-cdk@2 CLI, swagger-ui-dist)"
command -v npm >/dev/null || { echo "Node.js 20+ with npm is required"; exit 1; }
if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
else
  npm install --no-audit --no-fund --loglevel=error
fi

step "Installing the web app's Node packages and building it (web/package.json → web/dist)"
if [ -f web/package-lock.json ]; then
  npm ci --prefix web --no-audit --no-fund --loglevel=error
else
  npm install --prefix web --no-audit --no-fund --loglevel=error
fi
npm run --prefix web --silent build

if [ -n "$apt_pid" ]; then
  step "Waiting for the Debian packages: ${missing[*]}"
  status=0; wait "$apt_pid" || status=$?
  apt_pid=""
  [ "$status" -eq 0 ] || { cat "$apt_log"; echo "Installing ${missing[*]} failed"; exit 1; }
  rm -f "$apt_log"
fi
step "FFmpeg: $(ffmpeg -version | head -n 1)"
step "Chromium: $(chromium --version 2>/dev/null || echo 'installed')"
step "pdftotext: $(pdftotext -v 2>&1 | head -n 1)"

step "Setup complete"
