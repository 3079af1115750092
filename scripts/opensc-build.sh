#!/usr/bin/env bash
# Builds the OpenSC release the interop tests run next to Debian's 0.23 (OpenSC 0.27.1, with
# OpenSC's own PKCS#11 test program p11test) into a private prefix, and prints that prefix.
#
# The source is the upstream tarball that Debian's package registry serves for the sid source
# package; it is checked against a fixed SHA-256 and refused on mismatch. The prefix has its own
# etc/opensc.conf (OPENSC_CONF), so nothing of the system's /usr or /etc/opensc changes. The build
# is cached outside the clone (HSMKIT_OPENSC_CACHE, default /var/cache/hsmkit, or ~/.cache/hsmkit
# when that is not writable) under a name with the version and the start of the hash; a stamp
# file marks a complete build, so a second run on the same machine prints the prefix at once.
#
# Usage: scripts/opensc-build.sh          prints e.g. /var/cache/hsmkit/opensc-0.27.1-fce74e68
# Needs: autoconf automake libtool pkg-config gcc make libpcsclite-dev libssl-dev zlib1g-dev
#        libreadline-dev libcmocka-dev curl (scripts/install-test-deps.sh installs them).
set -euo pipefail
[[ "${1:-}" != -h && "${1:-}" != --help ]] \
  || { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0; }

version=0.27.1
sha256=fce74e68efcaa1c82c356c7c0320ed482fbb76819194d26df565b82e77727447
url="http://deb.debian.org/debian/pool/main/o/opensc/opensc_${version}.orig.tar.gz"
cache="${HSMKIT_OPENSC_CACHE:-/var/cache/hsmkit}"
if [[ -z "${HSMKIT_OPENSC_CACHE:-}" ]] && ! { mkdir -p "$cache" && [[ -w "$cache" ]]; } 2>/dev/null; then
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/hsmkit" # not root: the user's cache
fi
prefix="$cache/opensc-$version-${sha256:0:8}"
stamp="$prefix/.hsmkit-built"

if [[ -f "$stamp" && -x "$prefix/bin/p11test" && -r "$prefix/lib/opensc-pkcs11.so" ]]; then
  echo "$prefix"
  exit 0
fi

log() { echo "opensc-build: $*" >&2; }
mkdir -p "$cache"
# One build at a time per cache (two worktrees on one machine): the second waits, then reuses.
exec 9>"$cache/.opensc-$version.lock"
flock 9
if [[ -f "$stamp" ]]; then
  echo "$prefix"
  exit 0
fi

work="$(mktemp -d "$cache/.build-$version.XXXXXX")"
trap 'rm -rf "$work"' EXIT
tarball="$work/opensc_${version}.orig.tar.gz"
log "downloading $url"
curl -fsSL --retry 3 -o "$tarball" "$url"
actual="$(sha256sum "$tarball" | cut -d' ' -f1)"
if [[ "$actual" != "$sha256" ]]; then
  log "SHA-256 mismatch for $url: expected $sha256, got $actual; refusing to build"
  exit 1
fi
tar -xzf "$tarball" -C "$work"
src="$(find "$work" -mindepth 1 -maxdepth 1 -type d | head -n1)"

log "building OpenSC $version into $prefix (a few minutes)"
rm -rf "$prefix"
(
  cd "$src"
  # A git archive: no generated configure yet.
  ./bootstrap >"$work/bootstrap.log" 2>&1 || { tail -n 40 "$work/bootstrap.log" >&2; exit 1; }
  # Everything below the prefix: opensc.conf in prefix/etc, and the p11-kit module file and bash
  # completion, which otherwise go to the system's directories.
  ./configure --prefix="$prefix" --sysconfdir="$prefix/etc" \
    --enable-p11_system_config_modules="$prefix/share/p11-kit/modules" \
    --with-completiondir="$prefix/share/bash-completion" \
    --disable-doc --disable-man --disable-notify --disable-strict --disable-dnie-ui \
    --disable-autostart-items --enable-cmocka --disable-tests \
    >"$work/configure.log" 2>&1 || { tail -n 40 "$work/configure.log" >&2; exit 1; }
  jobs="${HSMKIT_OPENSC_JOBS:-2}"
  make -j"$jobs" >"$work/make.log" 2>&1 || { tail -n 60 "$work/make.log" >&2; exit 1; }
  # --disable-tests skips the fuzzers and unit tests; p11test alone is built (it needs cmocka
  # and OpenSSL only) and, as OpenSC does not install it, put beside the tools.
  make -C src/tests/p11test -j"$jobs" p11test >>"$work/make.log" 2>&1 \
    || { tail -n 60 "$work/make.log" >&2; exit 1; }
  make install >"$work/install.log" 2>&1 || { tail -n 40 "$work/install.log" >&2; exit 1; }
  install -m 0755 src/tests/p11test/p11test "$prefix/bin/p11test"
)
"$prefix/bin/opensc-tool" --info >&2
touch "$stamp"
log "done: $prefix"
echo "$prefix"
