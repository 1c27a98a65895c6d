#!/usr/bin/env bash
# Scale-out profile on one machine, loopback only:
#   PostgreSQL (tracker store) · Redis (lock store, WeChat dedupe, rate limit, pending turns)
#   · 2 action servers · 2 Rasa servers · nginx load-balancing both.
#
#   scripts/cluster.sh start|stop|status|restart
#
# Everything is configurable from the environment (defaults in brackets):
#   CLUSTER_DIR [build/cluster]  PG_PORT [5433]  REDIS_PORT [6380]
#   RASA_PORTS ["5011 5012"]  ACTION_PORTS ["5061 5062"]
#   NGINX_PORT [8080] (public entry)  ACTIONS_LB_PORT [8085] (action endpoint for Rasa)
#   MODEL [models/current.tar.gz]  RASA_TOKEN / ASSIST_TOKEN / WECHAT_TOKEN / REVIEW_TOKEN [dev defaults]
#   DB_PASSWORD [generated once into $CLUSTER_DIR/secrets/db_password]
#   RATE_LIMIT_BURST / RATE_LIMIT_PER_MINUTE (bot/ratelimit.py)
# Data and logs stay under $CLUSTER_DIR (pg/, redis/, logs/, run/).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

DIR=$(realpath -m "${CLUSTER_DIR:-build/cluster}")
PG_PORT=${PG_PORT:-5433}
REDIS_PORT=${REDIS_PORT:-6380}
RASA_PORTS=${RASA_PORTS:-"5011 5012"}
ACTION_PORTS=${ACTION_PORTS:-"5061 5062"}
NGINX_PORT=${NGINX_PORT:-8080}
ACTIONS_LB_PORT=${ACTIONS_LB_PORT:-8085}
MODEL=$(realpath -m "${MODEL:-models/current.tar.gz}")
START_TIMEOUT=${START_TIMEOUT:-240}
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
RUN="$DIR/run"; LOGS="$DIR/logs"

for var in RASA_TOKEN:dev-rasa-token ASSIST_TOKEN:dev-assist-token WECHAT_TOKEN:dev-wechat-token REVIEW_TOKEN:dev-review-token; do
  name=${var%%:*}; default=${var#*:}
  if [ -z "${!name:-}" ]; then export "$name=$default"; [ "${1:-}" = start ] && echo "note: $name not set, using the development default '$default'"; fi
done

need() { command -v "$1" >/dev/null 2>&1 || [ -x "$1" ] || { echo "cluster: '$1' not found — install the Debian packages postgresql redis-server nginx-light (make run-cluster does)" >&2; exit 3; }; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
# running and not a zombie (a kill -9'd child may linger unreaped when PID 1 does not reap)
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$(cat "$1")/status" 2>/dev/null; }
wait_http() {  # url timeout
  local deadline=$((SECONDS + $2))
  until curl -fs -o /dev/null --max-time 2 "$1"; do
    [ $SECONDS -ge $deadline ] && { echo "cluster: $1 not ready after $2 s (logs in $LOGS)" >&2; return 1; }
    sleep 1
  done
}

db_password() {
  if [ -n "${DB_PASSWORD:-}" ]; then echo "$DB_PASSWORD"; return; fi
  mkdir -p "$DIR/secrets"; chmod 700 "$DIR/secrets"
  [ -s "$DIR/secrets/db_password" ] || (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$DIR/secrets/db_password")
  cat "$DIR/secrets/db_password"
}

common_env() {
  export DB_HOST=127.0.0.1 DB_PORT=$PG_PORT DB_NAME=rasa DB_USER=rasa DB_PASSWORD=$(db_password)
  export EVENT_BROKER_DB_NAME=rasa_events      # the review console's event broker (created on first use)
  export REDIS_HOST=127.0.0.1 REDIS_PORT LOCK_REDIS_DB=0
  export WECHAT_DEDUP_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/1" REDIS_URL="redis://127.0.0.1:$REDIS_PORT/2"
  export ACTION_ENDPOINT_URL="http://127.0.0.1:$ACTIONS_LB_PORT/webhook"
  export SANIC_HOST=127.0.0.1 RASA_TELEMETRY_ENABLED=${RASA_TELEMETRY_ENABLED:-false}
}

start_postgres() {
  need "$PGBIN/pg_ctl"
  local pw; pw=$(db_password)
  if [ ! -f "$DIR/pg/PG_VERSION" ]; then
    mkdir -p "$DIR/pg"; chmod 700 "$DIR/pg"
    local pwfile="$DIR/run/pwfile"; (umask 077; echo "$pw" > "$pwfile")
    [ "$(id -u)" = 0 ] && chown postgres "$DIR/pg" "$pwfile"
    as_pg "$PGBIN/initdb" -D "$DIR/pg" -U rasa -E UTF8 --locale=C.UTF-8 --auth-local=trust \
      --auth-host=scram-sha-256 --pwfile="$pwfile" >"$LOGS/initdb.log" 2>&1 \
      || { echo "cluster: initdb failed (can the postgres user enter $DIR?) — see $LOGS/initdb.log" >&2; exit 1; }
    rm -f "$pwfile"
  fi
  mkdir -p "$RUN/pgsock"; [ "$(id -u)" = 0 ] && chown postgres "$RUN/pgsock" "$LOGS"
  if ! as_pg "$PGBIN/pg_ctl" -D "$DIR/pg" status >/dev/null 2>&1; then
    as_pg "$PGBIN/pg_ctl" -D "$DIR/pg" -l "$LOGS/postgres.log" -w -t 60 \
      -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$RUN/pgsock -c max_connections=100" start >/dev/null
  fi
  PGPASSWORD=$pw "$PGBIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U rasa -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname='rasa'" | grep -q 1 || \
    PGPASSWORD=$pw "$PGBIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U rasa -d postgres -qc "CREATE DATABASE rasa" 
  echo "postgres   127.0.0.1:$PG_PORT  data $DIR/pg"
}

start_redis() {
  need redis-server
  mkdir -p "$DIR/redis"
  alive "$RUN/redis.pid" || redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes \
    --pidfile "$RUN/redis.pid" --dir "$DIR/redis" --logfile "$LOGS/redis.log" --save "" --appendonly no >/dev/null
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.2; done
  echo "redis      127.0.0.1:$REDIS_PORT"
}

start_nginx() {
  need nginx
  mkdir -p "$DIR/nginx"/{body,proxy,fastcgi,uwsgi,scgi}
  local user_line="" rasa_servers="" action_servers=""
  if [ "$(id -u)" = 0 ]; then user_line="user nobody nogroup;"; chmod -R 777 "$DIR/nginx"; fi
  for p in $RASA_PORTS; do rasa_servers+="        server 127.0.0.1:$p max_fails=1 fail_timeout=5s;"$'\n'; done
  for p in $ACTION_PORTS; do action_servers+="        server 127.0.0.1:$p max_fails=1 fail_timeout=5s;"$'\n'; done
  python3 - "$DIR/nginx.conf" <<PY
import sys
text = open("$ROOT/deploy/nginx.conf.tmpl").read()
for k, v in {"@DIR@": "$DIR", "@NGINX_PORT@": "$NGINX_PORT", "@ACTIONS_LB_PORT@": "$ACTIONS_LB_PORT",
             "@USER_LINE@": "$user_line", "@RASA_SERVERS@": """$rasa_servers""".rstrip("\n"),
             "@ACTION_SERVERS@": """$action_servers""".rstrip("\n")}.items():
    text = text.replace(k, v)
open(sys.argv[1], "w").write(text)
PY
  if alive "$RUN/nginx.pid"; then nginx -p "$DIR" -c "$DIR/nginx.conf" -s reload
  else nginx -p "$DIR" -c "$DIR/nginx.conf"; fi
  echo "nginx      127.0.0.1:$NGINX_PORT → rasa [$RASA_PORTS];  127.0.0.1:$ACTIONS_LB_PORT → actions [$ACTION_PORTS]"
}

start_actions() {  # port
  alive "$RUN/actions-$1.pid" && return
  nohup "$ROOT/.venv/bin/rasa" run actions --actions actions --port "$1" >>"$LOGS/actions-$1.log" 2>&1 &
  echo $! > "$RUN/actions-$1.pid"
}

start_rasa() {  # port
  alive "$RUN/rasa-$1.pid" && return
  nohup "$ROOT/.venv/bin/python" -m bot.runtime run --enable-api --auth-token "$RASA_TOKEN" -i 127.0.0.1 --port "$1" \
    -m "$MODEL" --credentials credentials.yml --endpoints deploy/endpoints.cluster.yml \
    >>"$LOGS/rasa-$1.log" 2>&1 &
  echo $! > "$RUN/rasa-$1.pid"
}

start() {
  [ -f "$MODEL" ] || { echo "cluster: no model at $MODEL (make train, or MODEL=…)" >&2; exit 2; }
  mkdir -p "$RUN" "$LOGS"
  common_env
  start_postgres
  start_redis
  for p in $ACTION_PORTS; do start_actions "$p"; done
  start_nginx
  for p in $RASA_PORTS; do start_rasa "$p"; done
  for p in $ACTION_PORTS; do wait_http "http://127.0.0.1:$p/health" "$START_TIMEOUT"; done
  for p in $RASA_PORTS; do wait_http "http://127.0.0.1:$p/status?token=$RASA_TOKEN" "$START_TIMEOUT"; done
  wait_http "http://127.0.0.1:$NGINX_PORT/webhooks/rest/" 30
  cat <<MSG
技能贯通助手 cluster up:
  REST channel  POST http://127.0.0.1:$NGINX_PORT/webhooks/rest/webhook
  HTTP API      http://127.0.0.1:$NGINX_PORT/conversations/<id>/tracker?token=\$RASA_TOKEN
  review        http://127.0.0.1:$NGINX_PORT/webhooks/review/  (API: Bearer \$REVIEW_TOKEN; events in PostgreSQL rasa_events)
  rasa          127.0.0.1:{$(echo $RASA_PORTS | tr ' ' ,)}   actions 127.0.0.1:{$(echo $ACTION_PORTS | tr ' ' ,)}
  logs          $LOGS
MSG
}

stop_pid() {  # pidfile
  local f=$1 pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 75); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

stop() {
  for p in $RASA_PORTS; do stop_pid "$RUN/rasa-$p.pid"; done
  for p in $ACTION_PORTS; do stop_pid "$RUN/actions-$p.pid"; done
  if alive "$RUN/nginx.pid"; then nginx -p "$DIR" -c "$DIR/nginx.conf" -s quit 2>/dev/null || stop_pid "$RUN/nginx.pid"; fi
  for _ in $(seq 50); do alive "$RUN/nginx.pid" || break; sleep 0.1; done
  if alive "$RUN/redis.pid"; then redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || stop_pid "$RUN/redis.pid"; fi
  if [ -f "$DIR/pg/PG_VERSION" ] && [ -n "$PGBIN" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$DIR/pg" -m fast -w -t 60 stop >/dev/null 2>&1 || true
  fi
  echo "cluster stopped (data kept in $DIR)"
}

status() {
  local rc=0
  printf '%-22s %s\n' "postgres :$PG_PORT" "$( [ -n "$PGBIN" ] && [ -f "$DIR/pg/PG_VERSION" ] && as_pg "$PGBIN/pg_ctl" -D "$DIR/pg" status >/dev/null 2>&1 && echo up || { rc=1; echo down; })"
  printf '%-22s %s\n' "redis :$REDIS_PORT" "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && echo up || { rc=1; echo down; })"
  for p in $ACTION_PORTS; do printf '%-22s %s\n' "actions :$p" "$(curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:$p/health" && echo up || { rc=1; echo down; })"; done
  for p in $RASA_PORTS; do printf '%-22s %s\n' "rasa :$p" "$(curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:$p/status?token=$RASA_TOKEN" && echo up || { rc=1; echo down; })"; done
  printf '%-22s %s\n' "nginx :$NGINX_PORT" "$(curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:$NGINX_PORT/webhooks/rest/" && echo up || { rc=1; echo down; })"
  return $rc
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status|restart" >&2; exit 2 ;;
esac
