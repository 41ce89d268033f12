#!/usr/bin/env bash
# Server-render time of the Today page on a memo MISS: the first view after a ledger entry. Between two timed views a
# reporter revises one of its reports with the same values (a real submission.revised entry: the aggregates, the
# compliance view and the report counts all move), then the script waits for the server's followers to apply it
# (GET /api/reports/... answers from the database at once, so it waits a fixed pause), then times GET /today.
# Also prints the hit time (the same page again, no entry in between) and GET /health as the floor.
# Usage: bench/web/today-miss.sh BASE_URL VIEWER VIEWER_PASSWORD REPORTER REPORTER_PASSWORD REGIME PERIOD REPORTER_ORG [ROUNDS] [PAUSE_S]
#   e.g. bench/web/today-miss.sh http://127.0.0.1:5491 demo.leader "$LEADER_PW" demo.reporter "$REPORTER_PW" KTXH-XA-QUY 2026-Q1 UBND.00070 30 2
# The server must log Debug for Nris.Server.Components to show that each timed miss computed ("figures ... computed").
set -euo pipefail
base=$1 viewer=$2 viewer_pw=$3 reporter=$4 reporter_pw=$5 regime=$6 period=$7 org=$8 rounds=${9:-30} pause=${10:-2}
vjar=$(mktemp) rjar=$(mktemp) miss=$(mktemp) hit=$(mktemp)
trap 'rm -f "$vjar" "$rjar" "$miss" "$hit"' EXIT
sign_in() { curl -sf -c "$3" -H 'Content-Type: application/json' -d "{\"userName\":\"$1\",\"password\":\"$2\"}" "$base/api/auth/sign-in" >/dev/null; }
sign_in "$viewer" "$viewer_pw" "$vjar"
sign_in "$reporter" "$reporter_pw" "$rjar"
token=$(curl -sf -b "$rjar" -c "$rjar" "$base/api/auth/antiforgery" | jq -r .token)
report="$base/api/reports/$regime/$period/$org"
for _ in $(seq 5); do curl -s -o /dev/null -b "$vjar" "$base/today"; done
for i in $(seq "$rounds"); do
  body=$(curl -sf -b "$rjar" "$report" | jq -c --arg r "bench round $i: same values" \
    '{values: [.currentValues[] | {indicator, disaggregation, territory, number, status}], reason: $r, baseVersion: .currentVersion}')
  curl -sf -o /dev/null -b "$rjar" -H 'Content-Type: application/json' -H "X-CSRF-TOKEN: $token" -d "$body" "$report/revise"
  sleep "$pause"
  curl -s -o /dev/null -b "$vjar" -w '%{time_total}\n' "$base/today" >>"$miss"
  curl -s -o /dev/null -b "$vjar" -w '%{time_total}\n' "$base/today" >>"$hit"
done
stats() { sort -n "$1" | awk -v what="$2" '{ t[NR] = $1 * 1000 } END { printf "%-10s n=%d p50=%.1f ms p95=%.1f ms max=%.1f ms\n", what, NR, t[int((NR+1)/2)], t[(i = int(NR*0.95)) < 1 ? 1 : i], t[NR] }'; }
stats "$miss" "today-miss"
stats "$hit" "today-hit"
for _ in $(seq "$rounds"); do curl -s -o /dev/null -b "$vjar" -w '%{time_total}\n' "$base/health"; done >"$hit"
stats "$hit" "/health"
