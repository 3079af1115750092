#!/usr/bin/env bash
# Load soak (SECURITY.md, Load): LoadIT for a long time — two cards served on vpcd's two slots,
# two javax.smartcardio clients and a pkcs11-tool client on the shared first reader, mixed
# operations (sign EC/RSA, list objects, keygen, login); zero errors and no lost or mixed-up key
# allowed. Prints the counts and writes them to target/soak-summary.txt.
#
# Usage: scripts/soak.sh [--minutes N]     (default 60; needs root, runs under scripts/isolated.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=60
if [[ "${1:-}" == --minutes && -n "${2:-}" ]]; then
  minutes="$2"
elif [[ $# -gt 0 ]]; then
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
fi
mkdir -p target
log=target/soak.log
set +e
scripts/isolated.sh mvn -B -ntp verify -pl hsmkit-it -am -Dtest=none \
  -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=LoadIT \
  -Dhsmkit.load.seconds=$((minutes * 60)) >"$log" 2>&1
rc=$?
set -e
grep -o '\[hsmkit-summary\] load:.*' "$log" | sed 's/^\[hsmkit-summary\] //' | tee target/soak-summary.txt
[[ $rc == 0 ]] && echo "soak: passed ($minutes min)" || echo "soak: FAILED (exit $rc, log $log)"
exit $rc
