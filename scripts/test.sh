#!/usr/bin/env bash
# The README's test command. Installs what the tests need (JDK 17, Maven, OpenSC, pcscd,
# vsmartcard-vpcd, …) when missing, builds OpenSC 0.27.1 with its p11test into a private prefix
# (scripts/opensc-build.sh, cached in /var/cache/hsmkit: built once per machine), then runs every
# unit test and the interop tests that drive the real OpenSC binaries against the emulated card,
# once with the system's OpenSC (Debian 12: 0.23) and once with 0.27.1, builds the release
# packages (-Pdist) and checks that they install and run (scripts/dist-check.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-test-deps.sh
opensc27="$(scripts/opensc-build.sh)"
mvn -B -ntp install -Pdist -Dhsmkit.opensc27.prefix="$opensc27" "$@"
scripts/dist-check.sh
# The launcher makes its class-data archive once per build from a training run (BENCHMARKS.md,
# "CLI start-up"); a training run that stops working must not go unnoticed.
rm -f hsmkit-cli/target/hsmkit-cli.jsa hsmkit-cli/target/hsmkit-cli.jsa.failed
./hsmkit --version >/dev/null
[[ -f hsmkit-cli/target/hsmkit-cli.jsa ]] || { echo "test: ./hsmkit made no class-data archive" >&2; exit 1; }
