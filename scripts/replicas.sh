#!/usr/bin/env bash
# Multi-replica test: three `serve` processes on one PostgreSQL, the load spread across all
# three, one of them killed (-9) and restarted every few seconds. At the end: every
# acknowledged event answered, duplicates only for messages in flight at a kill, the
# single-use refresh token spent exactly once across all processes, and the three together
# within one OA API budget (`zalo.rate_limit_per_minute`, shared through the database).
#
#   scripts/replicas.sh                    # 40 s at 40 events/s, a kill every 5 s
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-40}
RATE=${RATE:-40}
KILL_EVERY=${KILL_EVERY:-5}
PORTS=(18501 18502 18503)
SIM_PORT=19501
OUTBOX_WORKERS=4
PG=${PG:-postgres://postgres@127.0.0.1:5432}
DB=ketnoi_replicas_$$

cargo build --release --quiet
BIN=target/release/ketnoi
WORK=$(mktemp -d)
psql "$PG/postgres" -qc "create database $DB" >/dev/null
cleanup() {
  for p in "$WORK"/pid.*; do kill "$(cat "$p")" 2>/dev/null || true; done
  sleep 0.5
  psql "$PG/postgres" -qc "drop database if exists $DB" >/dev/null 2>&1 || true
}
trap cleanup EXIT

source scripts/lib.sh
serve_env "$SIM_PORT"
export KETNOI__DATABASE__URL=$PG/$DB
export KETNOI__WORKERS__OUTBOX_WORKERS=$OUTBOX_WORKERS
export KETNOI__WORKERS__LEASE_SECS=5
RATE_LIMIT=${RATE_LIMIT:-3000}
export KETNOI__ZALO__RATE_LIMIT_PER_MINUTE=$RATE_LIMIT

start() { # index
  local port=${PORTS[$1]}
  KETNOI__SERVER__LISTEN=127.0.0.1:$port "$BIN" serve >>"$WORK/serve.$1.log" 2>&1 &
  echo $! >"$WORK/pid.$1"
  wait_up "http://127.0.0.1:$port/healthz" || true
}

for i in 0 1 2; do start $i; done
hooks=$(printf 'http://127.0.0.1:%s/webhook/zalo,' "${PORTS[@]}")
"$BIN" sim load --listen "127.0.0.1:$SIM_PORT" --webhook "${hooks%,}" \
  --rate "$RATE" --duration "$DURATION" --users 200 --drain 90 --ladder-factor 100 \
  >"$WORK/report.json" 2>"$WORK/report.txt" &
LOAD=$!

kills=0
end=$((SECONDS + DURATION))
while [ $SECONDS -lt $end ]; do
  sleep "$KILL_EVERY"
  victim=$((kills % 3))
  kill -9 "$(cat "$WORK/pid.$victim")" 2>/dev/null || true
  kills=$((kills + 1))
  sleep 0.2
  start $victim
done
wait $LOAD
cat "$WORK/report.txt"
# Calls per 10-second window, all processes together, from the shared budget table.
busiest=$(psql "$PG/$DB" -tAc "select coalesce(max(used), 0) from api_call_budget")
python3 - "$WORK/report.json" "$kills" "$OUTBOX_WORKERS" "$busiest" "$RATE_LIMIT" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
kills, workers = int(sys.argv[2]), int(sys.argv[3])
busiest, cap = int(sys.argv[4]), int(sys.argv[5]) // 6
# A crash can repeat what was in flight: at most one delivery batch per worker (32 rows each).
allowed = kills * workers * 32
print(f"replicas: 3  kills: {kills}  acked: {r['acked']}/{r['sent']}  missing: {r['replies_missing']}  "
      f"duplicated: {r['replies_duplicated']} (allowed {allowed})  token refreshes: {r['token_refreshes']}  "
      f"refresh-token reuse: {r['refresh_token_reuse']}  busiest 10 s window: {busiest} calls (cap {cap})")
ok = (r["replies_missing"] == 0 and r["replies_duplicated"] <= allowed and r["acked"] == r["sent"]
      and r["token_refreshes"] == 1 and r["refresh_token_reuse"] == 0 and busiest <= cap)
print("PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY
