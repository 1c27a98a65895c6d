#!/usr/bin/env bash
# Starts the action server (:5055) and the Rasa server (:5005) with development defaults
# for every secret, and says where everything is. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
for var in RASA_TOKEN:dev-rasa-token ASSIST_TOKEN:dev-assist-token WECHAT_TOKEN:dev-wechat-token REVIEW_TOKEN:dev-review-token; do
  name=${var%%:*}; default=${var#*:}
  if [ -z "${!name:-}" ]; then export "$name=$default"; echo "note: $name not set, using the development default '$default'"; fi
done
export RASA_TELEMETRY_ENABLED=${RASA_TELEMETRY_ENABLED:-false}
export ACTION_ENDPOINT_URL=${ACTION_ENDPOINT_URL:-http://localhost:5055/webhook}
export TRACKER_DB=${TRACKER_DB:-build/tracker.db}
export EVENT_BROKER_DB=${EVENT_BROKER_DB:-build/events.db}
MODEL=${MODEL:-models/current.tar.gz}
mkdir -p build

.venv/bin/rasa run actions --actions actions --port 5055 &
ACTIONS_PID=$!
trap 'kill $ACTIONS_PID 2>/dev/null || true' EXIT INT TERM

cat <<MSG
技能贯通助手 starting:
  REST channel      POST http://localhost:5005/webhooks/rest/webhook  {"sender","message"}
  HTTP API          http://localhost:5005/conversations/<id>/tracker?token=\$RASA_TOKEN
  agent-assist API  POST http://localhost:5005/webhooks/assist/analyze  (Authorization: Bearer \$ASSIST_TOKEN)
  review console    http://localhost:5005/webhooks/review/  (API: Authorization: Bearer \$REVIEW_TOKEN)
  WeChat            GET/POST http://localhost:5005/webhooks/wechat/webhook  (token \$WECHAT_TOKEN)
  action server     http://localhost:5055
  tracker store     SQLite at $TRACKER_DB
  event broker      SQLite at $EVENT_BROKER_DB (the review console's data)
MSG
# bot.runtime: `rasa run` with the runtime installed first (patches, action watch, log filter; README)
.venv/bin/python -m bot.runtime run --enable-api --auth-token "$RASA_TOKEN" --cors "*" -m "$MODEL" \
  --credentials credentials.yml --endpoints endpoints.yml --port 5005
