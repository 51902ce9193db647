#!/usr/bin/env bash
# Kill test: under load, `kill -9` (or, with SIGNAL=TERM, a graceful SIGTERM) the server every
# few seconds and restart it. The load tool
# plays Zalo (redelivering unanswered events on Zalo's ladder, compressed) and the OA API;
# at the end every acknowledged event must have a reply, with at most one duplicate per
# message in flight at a kill. Prints the load report and a verdict; exits non-zero on loss.
#
# FAULTS=1 also makes the OA API misbehave through the simulator's /sim/faults: 30 % of
# message calls fail with -32 (rate limit, retried with backoff), every answer is 200 ms slow,
# and every access token is expired at a third and at two thirds of the run (-216, refreshed);
# the verdict then also requires that no refresh token was ever used twice.
#
#   scripts/chaos.sh                      # 40 s at 40 events/s, a kill every 5 s
#   FAULTS=1 scripts/chaos.sh             # the same with a failing, slow API and expiring tokens
#   SIGNAL=TERM scripts/chaos.sh          # graceful shutdowns under load instead of crashes
#   DURATION=120 RATE=60 KILL_EVERY=3 scripts/chaos.sh
#
# DISK_FULL=1 puts the SQLite database on a small tmpfs that is nearly full from the start
# (needs root): writes fail with "database or disk is full" until room is made at a third of
# the run. PG_RESTART=1 runs the server on a PostgreSQL cluster of its own (initdb into the
# work folder) and crashes it (`pg_ctl stop -m immediate`) at a third of the run, starting it
# again 3 s later. Both keep the kills going; the verdict is the same.
set -euo pipefail
cd "$(dirname "$0")/.."

SIGNAL=${SIGNAL:-KILL}   # KILL: crash; TERM: graceful shutdown under load
FAULTS=${FAULTS:-0}
DISK_FULL=${DISK_FULL:-0}
PG_RESTART=${PG_RESTART:-0}
DURATION=${DURATION:-40}
RATE=${RATE:-40}
KILL_EVERY=${KILL_EVERY:-5}
PORT=${PORT:-18181}
SIM_PORT=${SIM_PORT:-19191}
OUTBOX_WORKERS=4

cargo build --release --quiet
BIN=target/release/ketnoi
WORK=$(mktemp -d)
cleanup() {
  kill "$(cat "$WORK/pid" 2>/dev/null)" 2>/dev/null || true
  if [ "$PG_RESTART" = 1 ]; then pg pg_ctl -D "$WORK/pg/data" -m immediate stop >/dev/null 2>&1 || true; fi
  if [ "$DISK_FULL" = 1 ]; then umount "$WORK/db" 2>/dev/null || true; fi
}
trap cleanup EXIT

# PostgreSQL's tools, as the `postgres` user when run as root (the server refuses root).
pg() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  local tool=$1; shift
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$bin/$tool" "$@"; else "$bin/$tool" "$@"; fi
}
pg_cluster_start() {
  pg pg_ctl -D "$WORK/pg/data" -l "$WORK/pg/log" -w \
    -o "-p $PG_PORT -k $WORK/pg -c listen_addresses=127.0.0.1" start >/dev/null
}

source scripts/lib.sh
serve_env "$SIM_PORT"
export KETNOI__SERVER__LISTEN=127.0.0.1:$PORT
export KETNOI__DATABASE__URL=sqlite://$WORK/ketnoi.db
if [ "$DISK_FULL" = 1 ]; then
  mkdir -p "$WORK/db"
  mount -t tmpfs -o size=8m tmpfs "$WORK/db"
  # About 600 KB left for the database: it fills within seconds at this rate.
  head -c 7800000 /dev/zero >"$WORK/db/filler"
  export KETNOI__DATABASE__URL=sqlite://$WORK/db/ketnoi.db
fi
if [ "$PG_RESTART" = 1 ]; then
  PG_PORT=${PG_PORT:-15432}
  mkdir -p "$WORK/pg"
  if [ "$(id -u)" = 0 ]; then chmod 755 "$WORK"; chown -R postgres:postgres "$WORK/pg"; fi
  pg initdb -D "$WORK/pg/data" -U postgres -A trust --no-sync >/dev/null
  pg_cluster_start
  export KETNOI__DATABASE__URL=postgres://postgres@127.0.0.1:$PG_PORT/postgres
fi
export KETNOI__WORKERS__OUTBOX_WORKERS=$OUTBOX_WORKERS
export KETNOI__WORKERS__LEASE_SECS=5
# The simulator has no 4000 calls/min quota: lifting ours keeps delivery ahead of the load, so
# what is measured is recovery, not the queue behind Zalo's cap (see docs/PERFORMANCE.md).
export KETNOI__ZALO__RATE_LIMIT_PER_MINUTE=600000
# Retry backoff compressed like the redelivery ladder: a message failing 7 times in a row at a
# 30 % failure rate would otherwise wait minutes, longer than the drain.
export KETNOI__WORKERS__BACKOFF_MAX_MS=4000

start_serve() {
  "$BIN" serve >>"$WORK/serve.log" 2>&1 &
  echo $! >"$WORK/pid"
  wait_up "http://127.0.0.1:$PORT/healthz" || true
}

start_serve
"$BIN" sim load --listen "127.0.0.1:$SIM_PORT" --webhook "http://127.0.0.1:$PORT/webhook/zalo" \
  --rate "$RATE" --duration "$DURATION" --users 200 --drain 90 --ladder-factor 100 \
  >"$WORK/report.json" 2>"$WORK/report.txt" &
LOAD=$!

faults() { curl -sf -X POST "http://127.0.0.1:$SIM_PORT/sim/faults" -H 'content-type: application/json' -d "$1" >/dev/null; }
if [ "$FAULTS" = 1 ]; then
  for _ in $(seq 1 50); do faults '{"error_rate": 0.3, "error_code": -32, "latency_ms": 200}' && break; sleep 0.1; done
fi

kills=0
begin=$SECONDS
end=$((SECONDS + DURATION))
expired=0
phase_done=0
while [ $SECONDS -lt $end ]; do
  if [ $phase_done = 0 ] && [ $((SECONDS - begin)) -ge $((DURATION / 3)) ]; then
    phase_done=1
    if [ "$DISK_FULL" = 1 ]; then
      echo "room made on the full disk at $((SECONDS - begin)) s" >&2
      rm -f "$WORK/db/filler"
    fi
    if [ "$PG_RESTART" = 1 ]; then
      echo "PostgreSQL crashed at $((SECONDS - begin)) s, started again 3 s later" >&2
      pg pg_ctl -D "$WORK/pg/data" -m immediate -w stop >/dev/null
      sleep 3
      pg_cluster_start
    fi
  fi
  if [ "$FAULTS" = 1 ] && [ $expired -lt 2 ] && [ $((SECONDS - begin)) -ge $(((expired + 1) * DURATION / 3)) ]; then
    faults '{"expire_tokens": true}' && expired=$((expired + 1))
  fi
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
python3 - "$WORK/report.json" "$kills" "$OUTBOX_WORKERS" "$SIGNAL" "$FAULTS" "$expired" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
kills, workers, faults, expired = int(sys.argv[2]), int(sys.argv[3]), sys.argv[5] == "1", int(sys.argv[6])
# A crash can repeat what was in flight: at most one delivery batch per worker (32 rows each).
allowed = kills * workers * 32 if sys.argv[4] == "KILL" else 0
print(f"kills: {kills}  acked: {report['acked']}/{report['sent']}  missing: {report['replies_missing']}  "
      f"duplicated: {report['replies_duplicated']} (allowed {allowed})  redeliveries: {report['redeliveries']}")
ok = report["replies_missing"] == 0 and report["replies_duplicated"] <= allowed and report["acked"] == report["sent"]
if faults:
    print(f"faults: 30 % of calls failed (-32), 200 ms latency, tokens expired {expired}x  "
          f"token refreshes: {report['token_refreshes']}  refresh-token reuse: {report['refresh_token_reuse']}")
    ok = ok and report["refresh_token_reuse"] == 0 and report["token_refreshes"] >= 1 + expired
print("PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY
