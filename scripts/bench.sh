#!/usr/bin/env bash
# Builds hsmkit-bench (Maven profile "bench", outside the default build) and runs the in-process
# JMH benchmarks, then prints the table of BENCHMARKS.md.
#
#   scripts/bench.sh                 card vs raw crypto, every operation (about 4 minutes)
#   scripts/bench.sh providers       the raw operations on ACCP, Bouncy Castle and the JDK
#   scripts/bench.sh all             both
#   scripts/bench.sh card -p op=sign-ecdsa-p256,verify-pin   extra arguments go to JMH
#
# Settings are modest for a 2-core machine that others share: 1 fork, 3 x 1 s warm-up,
# 5 x 1 s measurement. BENCH_JMH overrides them, BENCH_TABLE names the Markdown output
# (default target/bench/<what>.md), BENCH_ROUNDS repeats the whole run (default 1).
set -euo pipefail
cd "$(dirname "$0")/.."

what=card
if [[ $# -gt 0 && "$1" != -* ]]; then
  what=$1
  shift
fi
case "$what" in
  card) include=(CardOps) ;;
  providers) include=(ProviderOps) ;;
  all) include=(CardOps ProviderOps) ;;
  *) echo "usage: $0 [card|providers|all] [JMH options]" >&2; exit 2 ;;
esac

read -r -a jmh <<< "${BENCH_JMH:--f 1 -wi 3 -w 1s -i 5 -r 1s}"
table=${BENCH_TABLE:-target/bench/$what.md}
mkdir -p "$(dirname "$table")"

mvn -B -q -Pbench package -DskipTests -pl hsmkit-bench -am
exec java -jar hsmkit-bench/target/benchmarks.jar "${include[@]}" "${jmh[@]}" \
  --rounds "${BENCH_ROUNDS:-1}" --table "$table" "$@"
