#!/usr/bin/env bash
# Check that a sweep report renders from disk, with no network, in headless Chromium (Debian's
# `chromium`), and keep a screenshot to look at.
#
# Usage: scripts/check-report.sh [REPORT.html [OUT.png]]
#   REPORT.html  a sweep's report.html; without it, a small sweep (tiny preset, 2 x 2 grid) is run
#                into a temporary folder and its report is checked
#   OUT.png      the screenshot (default: REPORT.html with .png instead of .html)
#
# Installs chromium with apt-get when it is missing and we are root (CI); otherwise prints the
# install command and exits 1. Host names resolve to nothing during the render, so a report that
# tried to fetch anything would show it broken. Exit 0 when the screenshot was written and is not
# blank (more than 20 KB: a blank 1400 x 2000 page is a few KB).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "check-report: installing chromium (apt-get)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends chromium >&2
  else
    echo "check-report: chromium is missing; install it with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium" >&2
    exit 1
  fi
fi

report="${1:-}"
if [ -z "$report" ]; then
  work="$(mktemp -d)"
  "$root/esegen" sweep --preset tiny --synthetic 16,32,16,0.25 --pes 2,4 --weight-bits 8,12 --frames 4 \
    --no-synth --out "$work/sweep" >&2
  report="$work/sweep/report.html"
fi
if [ ! -f "$report" ]; then
  echo "check-report: $report: no such file" >&2
  exit 2
fi
report="$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"
png="${2:-${report%.html}.png}"
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT

chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --disable-sync --no-first-run --user-data-dir="$profile" --host-resolver-rules="MAP * ~NOTFOUND" \
  --screenshot="$png" --window-size=1400,2000 "file://$report" >"$profile/chromium.log" 2>&1 || {
  cat "$profile/chromium.log" >&2
  echo "check-report: chromium failed" >&2
  exit 1
}
size=$(stat -c %s "$png" 2>/dev/null || echo 0)
if [ "$size" -le 20000 ]; then
  echo "check-report: $png is $size bytes: the page rendered blank" >&2
  exit 1
fi
echo "check-report: $report rendered; screenshot $png ($size bytes)"
