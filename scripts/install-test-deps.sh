#!/usr/bin/env bash
# Installs the Debian packages the interop tests drive (OpenSC, pcscd, vsmartcard's vpcd, …) and
# the headers and gcc scripts/bench-e2e.sh compiles its C clients with, what scripts/opensc-build.sh
# builds OpenSC 0.27.1 and its p11test with (autotools, cmocka, curl),
# and a JDK 17 and Maven when there are none, only when something is missing. Needs root (or sudo) on Debian 12. Safe to run repeatedly.
set -euo pipefail

packages=(
  opensc pcscd vsmartcard-vpcd pcsc-tools expect openssl iproute2
  python3-pykcs11 python3-cryptography softhsm2 libengine-pkcs11-openssl gnutls-bin
  gcc libc6-dev libp11-kit-dev libpcsclite-dev libssl-dev opensc-pkcs11
  autoconf automake libtool pkg-config make curl zlib1g-dev libreadline-dev libcmocka-dev
)

missing=()
command -v java >/dev/null || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || missing+=(maven)
for p in "${packages[@]}"; do
  if ! dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed'; then
    missing+=("$p")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-test-deps: all ${#packages[@]} packages present" >&2
  exit 0
fi

if [[ "$(id -u)" == 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null; then
  sudo=(sudo)
else
  echo "install-test-deps: missing ${missing[*]} and not root (no sudo)" >&2
  exit 1
fi

echo "install-test-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
echo "install-test-deps: done" >&2
