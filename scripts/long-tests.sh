#!/usr/bin/env bash
# The long robustness profile (SECURITY.md, Running the long profile): the property tests at 10^6 cases, the SIGKILL soak with
# a thousand kills and the load test for long, then a summary of the figures in
# target/long-summary.txt (and on stdout).
#
# Usage: scripts/long-tests.sh [--tries N] [--kills N] [--load-seconds N]
#   defaults: --tries 1000000 (hostile APDUs, ECDH points; the vpcd fuzz runs N/100 sessions),
#             --kills 1000, --load-seconds 600
# Interop parts run under scripts/isolated.sh (needs root, like the interop tests). Takes hours.
set -euo pipefail
cd "$(dirname "$0")/.."
tries=1000000 kills=1000 load=600
while [[ $# -gt 0 ]]; do
  case "$1" in
    --tries) tries="$2"; shift 2 ;;
    --kills) kills="$2"; shift 2 ;;
    --load-seconds) load="$2"; shift 2 ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done
mkdir -p target
log=target/long-run.log
summary=target/long-summary.txt
: >"$log"
start=$(date -u +%s)
run() {
  echo "+ $*" | tee -a "$log"
  local rc=0 before
  before=$(wc -l <"$log")
  "$@" >>"$log" 2>&1 || rc=$?
  tail -n +"$((before + 1))" "$log" | grep -o '\[hsmkit-summary\].*' || true
  [[ $rc == 0 ]] || { echo "long-tests: FAILED (exit $rc): $* (log $log)"; exit 1; }
}

# 1. Properties: card (hostile APDUs, ECDH points, blob flips) and the apdu codecs at $tries.
run mvn -B -ntp verify -pl hsmkit-apdu,hsmkit-card -am \
  -Dtest='*Properties,DkekAndWrapTest,CommandApduTest,TlvTest' -Dsurefire.failIfNoSpecifiedTests=false \
  -Dhsmkit.tries="$tries"
# 2. The vpcd bridge under hostile sessions (each opens two TCP connections: fewer tries).
run mvn -B -ntp verify -pl hsmkit-bridge -am \
  -Dtest='VpcdFuzzProperties' -Dsurefire.failIfNoSpecifiedTests=false \
  -Dhsmkit.tries=$((tries / 100))
# 3. SIGKILL soak and load, through real OpenSC and pcscd.
run scripts/isolated.sh mvn -B -ntp verify -pl hsmkit-it -am -Dtest=none \
  -Dsurefire.failIfNoSpecifiedTests=false -Dit.test='KillSoakIT,LoadIT' \
  -Dhsmkit.soak.kills="$kills" -Dhsmkit.soak.maxSeconds=$((kills * 20)) \
  -Dhsmkit.load.seconds="$load"

{
  echo "hsmkit long robustness run, $(date -u '+%Y-%m-%d %H:%M UTC'), $(( ($(date -u +%s) - start) / 60 )) min"
  echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores"
  grep -o '\[hsmkit-summary\].*' "$log" | sed 's/^\[hsmkit-summary\] //' | sort -u
} >"$summary"
cat "$summary"

# The figures into SECURITY.md, between its markers.
doc=SECURITY.md
if [[ -f "$doc" ]] && grep -q 'long-summary:begin' "$doc"; then
  awk -v f="$summary" '
    /long-summary:begin/ { print; print "```text"; while ((getline l < f) > 0) print l; print "```"; skip=1; next }
    /long-summary:end/ { skip=0 }
    !skip { print }' "$doc" >"$doc.tmp" && mv "$doc.tmp" "$doc"
fi
