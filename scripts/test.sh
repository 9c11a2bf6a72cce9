#!/usr/bin/env bash
# The test command of README.md: installs what is missing, then runs the default (fast) test tier.
# The long regression tier: scripts/test.sh -Plong
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/bootstrap.sh"
cd "$root"
exec mvn -B -ntp test "$@"
