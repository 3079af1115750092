#!/usr/bin/env bash
# Installs the release packages that `mvn -Pdist package` built and runs them as an operator
# would, without the source checkout: the Debian package (apt-get install of the .deb, then
# `hsmkit` from /usr/bin, then apt-get remove) and the tarball (unpacked in a temporary directory).
# Each runs `hsmkit --version`, `hsmkit demo`, `hsmkit init` and `hsmkit status` on throw-away
# tokens; secrets only in the environment. Needs root for the .deb part (as scripts/test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

deb=(hsmkit-dist/target/hsmkit_*_all.deb)
tarball=(hsmkit-dist/target/hsmkit-*.tar.gz)
[[ -f "${deb[0]}" && -f "${tarball[0]}" ]] ||
  { echo "dist-check: no packages in hsmkit-dist/target (run mvn -Pdist package)" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/hsmkit-dist-check.XXXXXX")"
installed_here=0
cleanup() {
  if [[ $installed_here == 1 ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq hsmkit >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# One run of the runbook's first steps with the launcher $1, on tokens under $work/$2.
exercise() {
  local hsmkit="$1" home="$work/$2"
  mkdir -p "$home"
  local out
  out="$("$hsmkit" --version)"
  [[ "$out" == *hsmkit* ]] || { echo "dist-check: $hsmkit --version printed: $out" >&2; return 1; }
  HSMKIT_HOME="$home" HSMKIT_DKEK_PASSWORD='dist check password' "$hsmkit" demo >"$home/demo.log" 2>&1 ||
    { cat "$home/demo.log" >&2; echo "dist-check: $hsmkit demo failed" >&2; return 1; }
  HSMKIT_HOME="$home" HSMKIT_SO_PIN=3537363231383830 HSMKIT_PIN=648219 \
    "$hsmkit" init --no-dkek --label dist-check >"$home/init.log" 2>&1 ||
    { cat "$home/init.log" >&2; echo "dist-check: $hsmkit init failed" >&2; return 1; }
  out="$(HSMKIT_HOME="$home" HSMKIT_PIN=648219 "$hsmkit" status --json)"
  [[ "$out" == *dist-check* ]] || { echo "dist-check: $hsmkit status printed: $out" >&2; return 1; }
  echo "dist-check: $hsmkit: --version, demo, init, status ok"
}

# The tarball, as unpacked by a user without root.
tar -xzf "${tarball[0]}" -C "$work"
exercise "$(echo "$work"/hsmkit-*/bin/hsmkit)" tarball
[[ -s "$(echo "$work"/hsmkit-*/share/man/man1/hsmkit.1)" ]] || { echo "dist-check: tarball has no man page" >&2; exit 1; }

# hsmkit-jca as the dependency of another Maven project (needs `mvn install` first, as
# scripts/test.sh runs it), plus hsmkit-token because the check uses an emulated token: their POMs
# must bring everything the provider needs at run time.
version="$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -1)"
consumer="$work/consumer"
cp -r hsmkit-dist/src/consumer "$consumer"
if mvn -B -ntp -q -f "$consumer/pom.xml" -Dhsmkit.version="$version" compile \
    dependency:build-classpath -Dmdep.outputFile="$consumer/cp.txt" >"$consumer/build.log" 2>&1; then
  token="$work/consumer-token"
  HSMKIT_SO_PIN=3537363231383830 HSMKIT_PIN=648219 "$(echo "$work"/hsmkit-*/bin/hsmkit)" \
    --token "emulated:$token" init --no-dkek >/dev/null 2>&1
  HSMKIT_PIN=648219 java -cp "$consumer/target/classes:$(cat "$consumer/cp.txt")" ConsumerCheck \
    "emulated:$token"
  grep -q 'hsmkit-card' "$consumer/cp.txt" && grep -q 'bcprov' "$consumer/cp.txt"
  echo "dist-check: hsmkit-jca $version (+ hsmkit-token) works as the dependency of another project"
else
  cat "$consumer/build.log" >&2
  echo "dist-check: a project depending on io.hsmkit:hsmkit-jca:$version does not build (run mvn install first)" >&2
  exit 1
fi

# The Debian package.
if [[ "$(id -u)" != 0 ]]; then
  echo "dist-check: not root: the .deb install is skipped" >&2
  exit 0
fi
if dpkg -s hsmkit >/dev/null 2>&1; then
  echo "dist-check: a hsmkit package is already installed; leaving it alone, .deb check skipped" >&2
  exit 1
fi
if [[ -e /usr/bin/hsmkit ]]; then
  echo "dist-check: /usr/bin/hsmkit exists and belongs to no hsmkit package; .deb check skipped" >&2
  exit 1
fi
installed_here=1
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$(readlink -f "${deb[0]}")" >/dev/null
[[ "$(command -v hsmkit)" == /usr/bin/hsmkit ]] || { echo "dist-check: hsmkit is not on PATH as /usr/bin/hsmkit" >&2; exit 1; }
exercise /usr/bin/hsmkit deb
man -w hsmkit >/dev/null 2>&1 || [[ -f /usr/share/man/man1/hsmkit.1 ]] ||
  { echo "dist-check: the man page is not installed" >&2; exit 1; }
[[ -f /usr/share/bash-completion/completions/hsmkit ]] || { echo "dist-check: no completion installed" >&2; exit 1; }
DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq hsmkit >/dev/null
installed_here=0
[[ ! -e /usr/bin/hsmkit ]] || { echo "dist-check: /usr/bin/hsmkit still there after remove" >&2; exit 1; }
echo "dist-check: hsmkit_*.deb installed, ran from /usr/bin and removed"
