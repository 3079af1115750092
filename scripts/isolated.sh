#!/usr/bin/env bash
# Runs a command with a pcsc-lite of its own, so that several interop runs (two worktrees, a
# benchmark next to the tests) can share one machine.
#
# pcscd and libpcsclite meet at the fixed path /run/pcscd/pcscd.comm, so two harnesses would fight
# over it. Here the command runs in a private mount namespace with an empty tmpfs on /run/pcscd and
# its own network-namespace name (HSMKIT_NETNS): the pcscd it starts, and every PC/SC client it
# spawns (pkcs11-tool, javax.smartcardio, ...), see only each other. Nothing outside changes, and
# the namespace ends with the command.
#
# Usage: scripts/isolated.sh CMD [ARGS...]      e.g. scripts/isolated.sh mvn -B verify -pl hsmkit-it -am
set -euo pipefail
[[ $# -ge 1 ]] || { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
[[ "$(id -u)" == 0 ]] || { echo "isolated.sh: needs root (mount namespaces)" >&2; exit 1; }
if [[ "${HSMKIT_ISOLATED:-}" == 1 ]]; then
  exec "$@" # already inside
fi
export HSMKIT_ISOLATED=1
export HSMKIT_NETNS="${HSMKIT_NETNS:-hsmkit-$$}"
exec unshare --mount --propagation private -- bash -c '
  set -e
  mkdir -p /run/pcscd /run/netns
  mount -t tmpfs -o mode=0755 hsmkit-pcscd /run/pcscd
  # ip netns keeps its handles under /run/netns: a private one, gone with this namespace.
  mount -t tmpfs -o mode=0755 hsmkit-netns /run/netns
  exec "$@"' isolated "$@"
