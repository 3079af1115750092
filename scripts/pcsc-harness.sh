#!/usr/bin/env bash
# Interop harness: pcscd with vsmartcard's vpcd driver, plus the hsmkit emulator, inside a private
# network namespace that has only loopback (docs/interop.md).
#
# Why a namespace: Debian's vpcd always listens on 0.0.0.0:35963/35964, so in the main namespace
# anyone who can reach this machine could plug a "card" into pcscd. In the namespace only
# processes started there (the emulator) can reach it. PC/SC clients (pkcs11-tool, sc-hsm-tool,
# PyKCS11, javax.smartcardio) stay in the main namespace: pcscd's socket is a file,
# /run/pcscd/pcscd.comm.
#
# Usage: scripts/pcsc-harness.sh COMMAND [ARGS]
#   start                 create the namespace (if needed) and start pcscd in it
#   stop                  stop the emulators started here, pcscd, and delete the namespace
#   status                show what runs (exit 0 if pcscd runs, 3 if not)
#   serve DIR [PORT [OPTIONS...]]
#                         start './hsmkit serve --state DIR --port PORT [OPTIONS...]' in the
#                         namespace (PORT 35963 = reader "Virtual PCD 00 00", 35964 = "Virtual PCD
#                         00 01"; OPTIONS e.g. --spin-us 0, --apdu-times FILE)
#   serve-stop [PORT]     stop that emulator (all of them without PORT)
#   pcscd-stop [--kill]   stop only pcscd (SIGTERM, or SIGKILL with --kill); 'start' restarts it
#   exec CMD [ARGS...]    run a command inside the namespace
#
# Everything is stopped by the PIDs recorded in the run directory, never by name.
# Environment: HSMKIT_RUN_DIR (default <repo>/run), HSMKIT_NETNS (default hsmkit-lo).
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
run="${HSMKIT_RUN_DIR:-$root/run}"
ns="${HSMKIT_NETNS:-hsmkit-lo}"
pcsc_dir=/run/pcscd
vpcd_conf=/etc/reader.conf.d/vpcd

say() { echo "pcsc-harness: $*" >&2; }
die() { say "$*"; exit 1; }

# --- processes -----------------------------------------------------------------------------------

alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }

read_pid() { # file -> pid or empty
  local p=""
  [[ -f "$1" ]] && p="$(tr -dc '0-9' <"$1")"
  echo "$p"
}

cmdline_of() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null || true; }

is_our_pcscd() { # pid
  alive "$1" && [[ "$(cat "/proc/$1/comm" 2>/dev/null)" == pcscd ]] \
    && [[ "$(cmdline_of "$1")" == *"$run/reader.conf.d"* ]]
}

is_our_serve() { # pid
  alive "$1" && [[ "$(cmdline_of "$1")" == *hsmkit* ]]
}

# Sends SIGTERM to a process group we started with setsid (its id = the leader's PID), waits up to
# 10 s, then SIGKILL.
stop_group() { # pid what
  local pid="$1" what="$2" i
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    alive "$pid" || { say "$what (pid $pid) stopped"; return 0; }
    sleep 0.1
  done
  say "$what (pid $pid) ignored SIGTERM for 10 s; sending SIGKILL"
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    alive "$pid" || return 0
    sleep 0.1
  done
  say "$what (pid $pid) is still alive"
  return 1
}

# --- checks --------------------------------------------------------------------------------------

require_tools() {
  [[ "$(id -u)" == 0 ]] || die "needs root (network namespaces, /run/pcscd)"
  local t
  for t in ip pcscd setsid; do
    command -v "$t" >/dev/null || die "'$t' is missing; run scripts/install-test-deps.sh"
  done
  [[ -f "$vpcd_conf" ]] || die "$vpcd_conf is missing (package vsmartcard-vpcd); run scripts/install-test-deps.sh"
}

# Refuses when a pcscd that is not ours owns /run/pcscd; removes its files only when they name
# our (dead) pcscd.
check_pcscd_dir() {
  local ours other
  ours="$(read_pid "$run/pcscd.pid")"
  other="$(read_pid "$pcsc_dir/pcscd.pid")"
  if [[ -n "$other" ]]; then
    if alive "$other"; then
      if [[ "$other" == "$ours" ]] && is_our_pcscd "$other"; then
        return 0
      fi
      die "another pcscd (pid $other) owns $pcsc_dir; stop it first (this harness never stops it)"
    fi
    if [[ "$other" == "$ours" ]]; then
      say "removing stale $pcsc_dir files of our earlier pcscd (pid $other)"
      rm -f "$pcsc_dir/pcscd.pid" "$pcsc_dir/pcscd.comm"
    else
      die "$pcsc_dir/pcscd.pid names pid $other, which is not running and not ours; remove $pcsc_dir/pcscd.pid and $pcsc_dir/pcscd.comm if no pcscd is meant to run"
    fi
  elif [[ -S "$pcsc_dir/pcscd.comm" ]]; then
    local p
    for p in $(pcscd_pids); do
      [[ "$p" == "$ours" ]] || die "a pcscd (pid $p) is running and $pcsc_dir/pcscd.comm exists; stop it first"
    done
  fi
  local p
  for p in $(pcscd_pids); do
    [[ "$p" == "$ours" ]] || die "another pcscd (pid $p) is running; stop it first (this harness never stops it)"
  done
}

# pcscd processes that share our /run/pcscd: those in our mount namespace. A pcscd started under
# scripts/isolated.sh (a private tmpfs on /run/pcscd) is no concern of a harness outside it.
pcscd_pids() {
  local p mine
  mine="$(readlink /proc/self/ns/mnt)"
  for p in $(pgrep -x pcscd || true); do
    [[ "$(readlink "/proc/$p/ns/mnt" 2>/dev/null)" == "$mine" ]] && echo "$p"
  done
  return 0
}

netns_exists() { ip netns list 2>/dev/null | awk '{print $1}' | grep -qx "$ns"; }

ensure_netns() {
  if netns_exists; then
    if [[ "$(cat "$run/netns" 2>/dev/null)" == "$ns" ]]; then
      return 0
    fi
    if [[ -n "$(ip netns pids "$ns" 2>/dev/null)" ]]; then
      die "network namespace $ns exists and has processes that this harness did not start"
    fi
    say "reusing the empty network namespace $ns"
  else
    ip netns add "$ns"
  fi
  ip netns exec "$ns" ip link set lo up
  echo "$ns" >"$run/netns"
  local links
  links="$(ip netns exec "$ns" ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')"
  [[ "$links" == "lo " ]] || die "namespace $ns has interfaces other than lo: $links"
}

# --- commands ------------------------------------------------------------------------------------

cmd_start() {
  require_tools
  mkdir -p "$run"
  local pid
  pid="$(read_pid "$run/pcscd.pid")"
  if is_our_pcscd "$pid"; then
    say "pcscd already runs (pid $pid) in namespace $ns"
    return 0
  fi
  check_pcscd_dir
  ensure_netns
  mkdir -p "$run/reader.conf.d"
  cp "$vpcd_conf" "$run/reader.conf.d/vpcd"
  # setsid: its own session and process group (id = its PID), away from our terminal.
  ip netns exec "$ns" setsid pcscd -f -c "$run/reader.conf.d" >"$run/pcscd.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$run/pcscd.pid"
  local i
  for ((i = 0; i < 100; i++)); do
    if ! alive "$pid"; then
      tail -n 20 "$run/pcscd.log" >&2 || true
      rm -f "$run/pcscd.pid"
      die "pcscd exited at start (log: $run/pcscd.log)"
    fi
    if [[ -S "$pcsc_dir/pcscd.comm" ]] && [[ "$(read_pid "$pcsc_dir/pcscd.pid")" == "$pid" ]]; then
      say "pcscd runs (pid $pid) in namespace $ns; vpcd listens on 127.0.0.1:35963/35964 there"
      return 0
    fi
    sleep 0.1
  done
  tail -n 20 "$run/pcscd.log" >&2 || true
  stop_group "$pid" pcscd || true
  die "pcscd did not create $pcsc_dir/pcscd.comm within 10 s (log: $run/pcscd.log)"
}

stop_pcscd() { # [--kill]
  local pid
  pid="$(read_pid "$run/pcscd.pid")"
  if [[ -z "$pid" ]]; then
    return 0
  fi
  if is_our_pcscd "$pid"; then
    if [[ "${1:-}" == --kill ]]; then
      kill -KILL "$pid" 2>/dev/null || true
      local i
      for ((i = 0; i < 50; i++)); do alive "$pid" || break; sleep 0.1; done
      say "pcscd (pid $pid) killed"
    else
      stop_group "$pid" pcscd
    fi
  elif alive "$pid"; then
    say "pid $pid in $run/pcscd.pid is not our pcscd any more; not touching it"
  fi
  # pcscd removes its files on SIGTERM; after SIGKILL they remain. Only ever ours.
  if [[ "$(read_pid "$pcsc_dir/pcscd.pid")" == "$pid" ]] && ! alive "$pid"; then
    rm -f "$pcsc_dir/pcscd.pid" "$pcsc_dir/pcscd.comm"
  fi
  alive "$pid" || rm -f "$run/pcscd.pid"
}

serve_pidfile() { echo "$run/serve-$1.pid"; }

stop_serve() { # port
  local f pid
  f="$(serve_pidfile "$1")"
  pid="$(read_pid "$f")"
  [[ -n "$pid" ]] || return 0
  if is_our_serve "$pid"; then
    stop_group "$pid" "hsmkit serve on port $1"
  elif alive "$pid"; then
    say "pid $pid in $f is not an hsmkit process; not touching it"
  fi
  alive "$pid" || rm -f "$f"
}

serve_ports() {
  local f
  for f in "$run"/serve-*.pid; do
    [[ -e "$f" ]] || continue
    f="${f##*/serve-}"
    echo "${f%.pid}"
  done
}

cmd_stop() {
  local p
  for p in $(serve_ports); do stop_serve "$p"; done
  stop_pcscd
  if [[ "$(cat "$run/netns" 2>/dev/null)" == "$ns" ]] && netns_exists; then
    local left
    left="$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')"
    if [[ -n "$left" ]]; then
      say "namespace $ns still has processes ($left); not deleting it"
      return 1
    fi
    ip netns delete "$ns"
    say "network namespace $ns deleted"
  fi
  rm -f "$run/netns"
}

cmd_serve() {
  [[ $# -ge 1 ]] || die "usage: serve STATE_DIR [PORT [OPTIONS...]]"
  local dir="$1" port="${2:-35963}" f pid
  shift $(($# >= 2 ? 2 : 1))
  [[ "$port" =~ ^[0-9]+$ ]] || die "port must be a number: $port"
  [[ "$(cat "$run/netns" 2>/dev/null)" == "$ns" ]] && netns_exists \
    || die "namespace $ns is not up; run '$0 start' first"
  f="$(serve_pidfile "$port")"
  pid="$(read_pid "$f")"
  if is_our_serve "$pid"; then
    die "an emulator already serves port $port (pid $pid)"
  fi
  dir="$(readlink -m "$dir")"
  local log="$run/serve-$port.log"
  : >"$log" # emptied here, not in the background child: the waits below read it at once
  ip netns exec "$ns" setsid "$root/hsmkit" serve --state "$dir" --port "$port" "$@" \
    >>"$log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$f"
  local i
  # Up to 5 minutes: the launcher may have to build first.
  for ((i = 0; i < 3000; i++)); do
    if ! alive "$pid"; then
      cat "$log" >&2 || true
      rm -f "$f"
      die "hsmkit serve exited (log: $log)"
    fi
    if grep -q 'hsmkit: serving card' "$log" 2>/dev/null; then
      break
    fi
    sleep 0.1
  done
  grep -q 'hsmkit: serving card' "$log" || { stop_serve "$port"; die "hsmkit serve did not start (log: $log)"; }
  # When pcscd runs, wait until vpcd has the card (at most 10 s).
  if is_our_pcscd "$(read_pid "$run/pcscd.pid")"; then
    for ((i = 0; i < 100; i++)); do
      grep -q 'connected to vpcd' "$log" && break
      sleep 0.1
    done
  fi
  say "$(grep -m1 'hsmkit: serving card' "$log" | sed 's/^hsmkit: //') (pid $pid, log $log)"
}

cmd_status() {
  local pid rc=3 p
  pid="$(read_pid "$run/pcscd.pid")"
  if is_our_pcscd "$pid"; then
    echo "pcscd: running (pid $pid) in namespace $ns"
    rc=0
  else
    echo "pcscd: not running (from this harness)"
  fi
  if netns_exists; then
    if [[ "$(cat "$run/netns" 2>/dev/null)" == "$ns" ]]; then
      echo "namespace: $ns (ours)"
    else
      echo "namespace: $ns (not ours)"
    fi
  else
    echo "namespace: $ns absent"
  fi
  local other
  other="$(read_pid "$pcsc_dir/pcscd.pid")"
  if [[ -n "$other" && "$other" != "$pid" ]]; then
    echo "$pcsc_dir: owned by pid $other ($(alive "$other" && echo running || echo dead))"
  fi
  for p in $(serve_ports); do
    local sp
    sp="$(read_pid "$(serve_pidfile "$p")")"
    if is_our_serve "$sp"; then
      echo "serve: port $p pid $sp running"
    else
      echo "serve: port $p not running (stale pid file)"
    fi
  done
  return "$rc"
}

cmd_exec() {
  [[ $# -ge 1 ]] || die "usage: exec CMD [ARGS...]"
  netns_exists || die "namespace $ns is not up; run '$0 start' first"
  exec ip netns exec "$ns" "$@"
}

main() {
  local cmd="${1:-}"
  shift || true
  case "$cmd" in
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    status) cmd_status "$@" ;;
    serve) cmd_serve "$@" ;;
    serve-stop)
      if [[ $# -ge 1 ]]; then
        stop_serve "$1"
      else
        local p
        for p in $(serve_ports); do stop_serve "$p"; done
      fi
      ;;
    pcscd-stop) stop_pcscd "$@" ;;
    exec) cmd_exec "$@" ;;
    *)
      sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
      exit 2
      ;;
  esac
}

main "$@"
