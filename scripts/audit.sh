#!/usr/bin/env bash
# Checks Cargo.lock against the RustSec advisory database with `cargo audit` (installed if
# missing). The database is a git clone: $ADVISORY_DB if set (for machines without GitHub
# access, point it at a local clone), else fetched from GitHub into ~/.cargo/advisory-db.
# Ignored advisories and why: .cargo/audit.toml. Fails if `rsa` is ever really compiled.
#
#   scripts/audit.sh
#   ADVISORY_DB=/path/to/advisory-db scripts/audit.sh
set -euo pipefail
cd "$(dirname "$0")/.."

command -v cargo-audit >/dev/null 2>&1 || cargo install cargo-audit --locked
if [ -n "$(cargo tree -i rsa --edges normal,build 2>/dev/null || true)" ]; then
  echo "rsa is compiled in: RUSTSEC-2023-0071 may no longer be ignored (.cargo/audit.toml)" >&2
  exit 1
fi
if [ -n "${ADVISORY_DB:-}" ]; then
  # `cargo audit` reads a git checkout; a copy keeps the given one untouched.
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  git clone -q "$ADVISORY_DB" "$work/db"
  echo "advisory database: $(git -C "$work/db" log -1 --format='%h of %cs')"
  cargo audit --db "$work/db" --no-fetch --stale
else
  cargo audit
fi
