# Shared by the scripts that run `ketnoi serve` against a separately started simulator
# (`ketnoi sim load`): source it, then call `serve_env SIM_PORT`.

# Settings for `serve` (and for `sim load`, which signs with the same OA secret) outside
# sandbox mode, with script-only secrets, talking to the simulator on 127.0.0.1:$1.
serve_env() {
  export KETNOI__SIM__ENABLED=false
  # Each process picks free operations and console ports (several run at once in replicas.sh).
  export KETNOI__OPS__LISTEN=127.0.0.1:0
  export KETNOI__CONSOLE__LISTEN=127.0.0.1:0
  # Load runs measure the pipeline: each simulated resident writes faster than a person, so
  # flood control (which answers a burst once) is set out of the way.
  export KETNOI__BOT__BURST_MESSAGES=1000000
  export KETNOI__ZALO__API_BASE=http://127.0.0.1:$1
  export KETNOI__ZALO__OAUTH_BASE=http://127.0.0.1:$1
  export KETNOI__ZALO__OA_SECRET_KEY=scripts-oa-secret
  export KETNOI__ZALO__APP_SECRET=scripts-app-secret
  export KETNOI__PRIVACY__IDENTITY_KEY=c2NyaXB0cy1vbmx5LWtleS1zY3JpcHRzLW9ubHktISE=
  export RUST_LOG=warn
}

# Waits up to 10 s for URL to answer at all (any status); returns non-zero if it never does.
wait_up() {
  for _ in $(seq 1 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "not up: $1" >&2
  return 1
}
