#!/usr/bin/env bash
# Server-render time of the Today page (GET /today, HTML complete) for a signed-in user, measured with curl against a
# running Nris server. Compares it with GET /health on the same server and connection settings (the floor: Kestrel +
# middleware, no page).
# Usage: bench/web/today-render.sh BASE_URL USER PASSWORD [REQUESTS]
#   e.g. bench/web/today-render.sh http://127.0.0.1:5080 demo.leader "$(awk '$1=="demo.leader"{print $2}' data/demo-accounts.txt)" 200
set -euo pipefail
base=$1 user=$2 password=$3 n=${4:-200}
jar=$(mktemp)
trap 'rm -f "$jar"' EXIT
curl -sf -c "$jar" -H 'Content-Type: application/json' -d "{\"userName\":\"$user\",\"password\":\"$password\"}" "$base/api/auth/sign-in" >/dev/null
measure() {
  local path=$1
  # 10 warm-up requests, then n timed ones; prints p50 / p95 / max of time_total in milliseconds.
  for _ in $(seq 10); do curl -s -o /dev/null -b "$jar" "$base$path"; done
  for _ in $(seq "$n"); do curl -s -o /dev/null -b "$jar" -w '%{time_total}\n' "$base$path"; done |
    sort -n | awk -v path="$path" '{ t[NR] = $1 * 1000 } END { printf "%-8s n=%d p50=%.1f ms p95=%.1f ms max=%.1f ms\n", path, NR, t[int(NR*0.5)], t[int(NR*0.95)], t[NR] }'
}
measure /today
measure /health
