#!/usr/bin/env bash
# Set up, build the demo lake if there is none, and start the dashboard.
# Without sign-in set up in .streamlit/secrets.toml the server listens on this computer only
# (127.0.0.1); with sign-in it listens on every interface, for a team (docs/deployment.md).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh requirements.txt
LAKE="${SENCO_LAKE:-lake/senco.duckdb}"
if [ ! -f "$LAKE" ]; then
  echo "Building the demo lake at $LAKE ..."
  .venv/bin/python -m etl demo
fi
ADDRESS=()
case " $* " in
  *" --server.address"*) ;;                      # the caller chose; the app still shows data only to
  *)                                             # this computer unless sign-in is set up
    if [ -z "${STREAMLIT_SERVER_ADDRESS:-}" ] && [ "$(.venv/bin/python -m ui.auth)" != "sign-in" ]; then
      echo "No sign-in is set up (.streamlit/secrets.toml): serving on this computer only (127.0.0.1)"
      ADDRESS=(--server.address 127.0.0.1)
    fi ;;
esac
exec .venv/bin/python -m streamlit run app.py "${ADDRESS[@]}" "$@"
