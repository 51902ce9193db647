#!/usr/bin/env bash
# Kill test: under load, `kill -9` (or, with SIGNAL=TERM, a graceful SIGTERM) the server every
# few seconds and restart it. The load tool
# plays Zalo (redelivering unanswered events on Zalo's ladder, compressed) and the OA API;
# at the end every acknowledged event must have a reply, with at most one duplicate per
# message in flight at a kill. Prints the load report and a verdict; exits non-zero on loss.
#
#   scripts/chaos.sh                      # 40 s at 40 events/s, a kill every 5 s
#   DURATION=120 RATE=60 KILL_EVERY=3 scripts/chaos.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SIGNAL=${SIGNAL:-KILL}   # KILL: crash; TERM: graceful shutdown under load
DURATION=${DURATION:-40}
RATE=${RATE:-40}
KILL_EVERY=${KILL_EVERY:-5}
PORT=${PORT:-18181}
SIM_PORT=${SIM_PORT:-19191}
OUTBOX_WORKERS=4

cargo build --release --quiet
BIN=target/release/ketnoi
WORK=$(mktemp -d)
trap 'kill $(cat "$WORK/pid" 2>/dev/null) 2>/dev/null || true' EXIT

export KETNOI__SIM__ENABLED=false
export KETNOI__SERVER__LISTEN=127.0.0.1:$PORT
export KETNOI__DATABASE__URL=sqlite://$WORK/ketnoi.db
export KETNOI__ZALO__API_BASE=http://127.0.0.1:$SIM_PORT
export KETNOI__ZALO__OAUTH_BASE=http://127.0.0.1:$SIM_PORT
export KETNOI__ZALO__OA_SECRET_KEY=chaos-oa-secret
export KETNOI__ZALO__APP_SECRET=chaos-app-secret
export KETNOI__PRIVACY__IDENTITY_KEY=Y2hhb3Mtb25seS1rZXktY2hhb3Mtb25seS1rZXktISE=
export KETNOI__WORKERS__OUTBOX_WORKERS=$OUTBOX_WORKERS
export KETNOI__WORKERS__LEASE_SECS=5
export RUST_LOG=warn

start_serve() {
  "$BIN" serve >>"$WORK/serve.log" 2>&1 &
  echo $! >"$WORK/pid"
  for _ in $(seq 1 50); do
    curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
}

start_serve
"$BIN" sim load --listen "127.0.0.1:$SIM_PORT" --webhook "http://127.0.0.1:$PORT/webhook/zalo" \
  --rate "$RATE" --duration "$DURATION" --users 200 --drain 90 --ladder-factor 100 \
  >"$WORK/report.json" 2>"$WORK/report.txt" &
LOAD=$!

kills=0
end=$((SECONDS + DURATION))
while [ $SECONDS -lt $end ]; do
  sleep "$KILL_EVERY"
  pid=$(cat "$WORK/pid")
  kill -s "$SIGNAL" "$pid" 2>/dev/null || true
  # A graceful stop must finish by itself; a crash is immediate.
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kills=$((kills + 1))
  sleep 0.2
  start_serve
done
wait $LOAD
cat "$WORK/report.txt"
python3 - "$WORK/report.json" "$kills" "$OUTBOX_WORKERS" "$SIGNAL" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
kills, workers = int(sys.argv[2]), int(sys.argv[3])
allowed = kills * workers if sys.argv[4] == "KILL" else 0
print(f"kills: {kills}  acked: {report['acked']}/{report['sent']}  missing: {report['replies_missing']}  "
      f"duplicated: {report['replies_duplicated']} (allowed {allowed})  redeliveries: {report['redeliveries']}")
ok = report["replies_missing"] == 0 and report["replies_duplicated"] <= allowed and report["acked"] == report["sent"]
print("PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY
