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

if ! command -v ffmpeg >/dev/null || ! command -v ffprobe >/dev/null; then
  step "Installing FFmpeg (Debian package)"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq ffmpeg >/dev/null
fi
step "FFmpeg: $(ffmpeg -version | head -n 1)"

# The browser tests drive Debian's Chromium through Playwright; Playwright's own browser download
# is never used (it cannot reach its CDN from here, and one system browser is enough).
if ! command -v chromium >/dev/null; then
  step "Installing Chromium (Debian package, for the browser tests)"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
step "Chromium: $(chromium --version 2>/dev/null || echo 'installed')"
# The certificate tests read the PDFs' text back with pdftotext (poppler-utils).
if ! command -v pdftotext >/dev/null; then
  step "Installing poppler-utils (pdftotext, for the certificate tests)"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq poppler-utils >/dev/null
fi
step "pdftotext: $(pdftotext -v 2>&1 | head -n 1)"

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

step "Setup complete"
