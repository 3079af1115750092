#!/usr/bin/env bash
# Load soak (SECURITY.md, Load): LoadIT for a long time — two cards served on vpcd's two slots,
# two javax.smartcardio clients and a pkcs11-tool client on the shared first reader, mixed
# operations (sign EC/RSA, list objects, keygen, login); zero errors and no lost or mixed-up key
# allowed. Prints the counts, writes them to target/soak-summary.txt and, when the soak passed, into
# SECURITY.md ("Figures from the last one-hour soak").
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
if [[ $rc == 0 ]]; then
  echo "soak: passed ($minutes min)"
  # The figures into SECURITY.md, between its markers.
  doc=SECURITY.md
  if [[ -f "$doc" ]] && grep -q 'soak-summary:begin' "$doc"; then
    {
      echo "hsmkit load soak, $(date -u '+%Y-%m-%d %H:%M UTC'), $minutes min, passed"
      echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores"
      sort target/soak-summary.txt
    } >target/soak-block.txt
    awk -v f=target/soak-block.txt '
      /soak-summary:begin/ { print; print "```text"; while ((getline l < f) > 0) print l; print "```"; skip=1; next }
      /soak-summary:end/ { skip=0 }
      !skip { print }' "$doc" >"$doc.tmp" && mv "$doc.tmp" "$doc"
  fi
else
  echo "soak: FAILED (exit $rc, log $log)"
fi
exit $rc
