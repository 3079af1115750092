#!/usr/bin/env bash
# The README's test command. Installs what the tests need (JDK 17, Maven, OpenSC, pcscd,
# vsmartcard-vpcd, …) when missing, then runs every unit test and the interop tests that drive the
# real OpenSC binaries against the emulated card, builds the release packages (-Pdist) and checks
# that they install and run (scripts/dist-check.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-test-deps.sh
mvn -B -ntp install -Pdist "$@"
scripts/dist-check.sh
