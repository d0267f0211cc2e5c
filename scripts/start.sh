#!/usr/bin/env bash
# Set up, build the demo lake if there is none, and start the dashboard.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh requirements.txt
LAKE="${SENCO_LAKE:-lake/senco.duckdb}"
if [ ! -f "$LAKE" ]; then
  echo "Building the demo lake at $LAKE ..."
  .venv/bin/python -m etl demo
fi
exec .venv/bin/python -m streamlit run app.py "$@"
