#!/usr/bin/env bash
# Set up (Python packages and, for the browser tests, Debian's Chromium) and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh requirements-test.txt
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "Installing Chromium for the browser tests ..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)
  else
    echo "Chromium is missing: run 'sudo apt-get install -y chromium' for the browser tests" >&2
    exit 1
  fi
fi
if [ ! -x /usr/bin/pdftotext ]; then     # the meeting-pack tests read the PDF's text
  if [ "$(id -u)" = "0" ]; then
    echo "Installing poppler-utils (pdftotext) for the meeting-pack tests ..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null)
  else
    echo "pdftotext is missing: run 'sudo apt-get install -y poppler-utils' for the browser tests" >&2
    exit 1
  fi
fi
set +e
.venv/bin/python -m pytest "$@"
rc=$?
set -e
if [ "$rc" = "5" ]; then
  echo "no tests were collected: failing" >&2
  exit 1
fi
exit "$rc"
