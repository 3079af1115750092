#!/usr/bin/env bash
# End-to-end benchmark: the emulated card through the whole PC/SC stack against SoftHSMv2, in one
# interleaved run, and the floor of that stack, idle and under background load; regenerates the
# end-to-end part of BENCHMARKS.md.
#
#   scripts/bench-e2e.sh            about 45 minutes: 7 rounds of 2 s per operation, side and load
#   scripts/bench-e2e.sh --quick    about 15 minutes: 7 rounds of 0.5 s (a preliminary table)
#   options: --rounds N --seconds S (per operation, side, load and round), --loads LIST (busy cores
#            in the background, default 0,1,2), --spin US (the spin compared with none, default
#            200), --no-write (print only), --keep (keep the temporary
#            directory), --only ops,spin,idlecpu,scale,status,dkek,jca (some parts)
#
# What runs (all on 127.0.0.1, inside scripts/isolated.sh: a private /run/pcscd and network
# namespace; every process stopped by its PID):
#   - p11bench (hsmkit-bench/src/main/c, compiled here with gcc into target/bench-e2e) loads
#     opensc-pkcs11.so (-> pcscd -> vpcd -> ./hsmkit serve) and SoftHSMv2 (a private
#     SOFTHSM2_CONF and token directory in the temporary directory) and runs the same operations,
#     keys and message on both, alternating which goes first each round; then GET CHALLENGE with
#     SCardTransmit to the card and to vpcd-null, a virtual card that answers 9000 to everything
#     (the floor: the raw PC/SC round trip; card and floor in one window, one APDU each in turn,
#     with vpcd-null and `hsmkit serve` pinned to the same CPU), plain and inside
#     SCardBeginTransaction/End.
#   - loads: every round runs once idle and once under each background load of LIST (N busy
#     loops at nice 19, started before and stopped by PID after), the order rotating per round;
#     `hsmkit serve --apdu-times` records when each APDU arrived and was answered, so the report
#     gives hsmkit's own time per APDU beside the floor measured at the same load.
#   - spin: the same card served with a spin after each answer (serve --spin-us US) and without,
#     alternating per round, at each load (ECDSA, RSA and GET CHALLENGE only); the card is then
#     served with serve's default again.
#   - idlecpu: CPU time of `hsmkit serve` connected to pcscd with no client, per idle hour.
#   - two readers: p11bench processes on two served cards at once against one alone, alternating.
#   - the JCA provider on an embedded token against SoftHSMv2 through the JDK's SunPKCS11, in one
#     JVM (hsmkit-bench's JcaVsSoftHsm; built with mvn -Pbench).
#   - CLI wall time, JVM start included: `hsmkit status` on an embedded token against
#     `sc-hsm-tool` on the served card; `.pbe` create/import: `hsmkit dkek` against sc-hsm-tool
#     (password from the environment, through expect for sc-hsm-tool).
# Medians over rounds; ratios are medians of the per-round ratios. Raw results stay in
# target/bench-e2e/results.tsv; the Markdown goes between the bench-e2e markers of BENCHMARKS.md.
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$root"

rounds=7 seconds=2 cli_runs=21 dkek_rounds=5 scale_rounds=5 scale_seconds=10 write=1 keep=0
idle_seconds=120 loads=0,1,2 spin=200
mode=default only=ops,spin,idlecpu,scale,status,dkek,jca
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) mode=quick seconds=0.5 cli_runs=7 dkek_rounds=2 scale_rounds=3 scale_seconds=3 idle_seconds=30 ;;
    --rounds) rounds=$2; shift ;;
    --seconds) seconds=$2; shift ;;
    --loads) loads=$2; shift ;;
    --spin) spin=$2; shift ;;
    --no-write) write=0 ;;
    --keep) keep=1 ;;
    --only) only=$2; shift ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
  esac
  shift
done

if [[ "${HSMKIT_ISOLATED:-}" != 1 ]]; then
  exec "$root/scripts/isolated.sh" "$0" "$@" \
    $([[ $mode == quick ]] && echo --quick) --rounds "$rounds" --seconds "$seconds" --loads "$loads" --spin "$spin" \
    $([[ $write == 0 ]] && echo --no-write) $([[ $keep == 1 ]] && echo --keep) --only "$only"
fi
want() { [[ ",$only," == *",$1,"* ]]; }
[[ "$loads" =~ ^[0-9]+(,[0-9]+)*$ ]] || { echo "bench-e2e: --loads wants numbers of busy cores, e.g. 0,1,2" >&2; exit 2; }
IFS=, read -ra load_list <<<"$loads"

say() { echo "bench-e2e: $*" >&2; }
opensc=/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so
[[ -f $opensc ]] || opensc="$(find /usr/lib -name opensc-pkcs11.so -print -quit)"
softhsm=/usr/lib/softhsm/libsofthsm2.so
for f in "$opensc" "$softhsm" /usr/include/p11-kit-1/p11-kit/pkcs11.h /usr/include/PCSC/winscard.h; do
  [[ -f $f ]] || { say "$f is missing; run scripts/install-test-deps.sh"; exit 1; }
done
for t in gcc sc-hsm-tool expect python3 taskset; do
  command -v $t >/dev/null || { say "$t is missing; run scripts/install-test-deps.sh"; exit 1; }
done

# --- build ---------------------------------------------------------------------------------------
out="$root/target/bench-e2e"
mkdir -p "$out"
say "building ./hsmkit and the C clients"
"$root/hsmkit" --version >/dev/null
src="$root/hsmkit-bench/src/main/c"
gcc -O2 -Wall -Wno-deprecated-declarations -I/usr/include/p11-kit-1 -I/usr/include/PCSC \
  -o "$out/p11bench" "$src/p11bench.c" -ldl -lcrypto -lpcsclite
gcc -O2 -Wall -o "$out/vpcd-null" "$src/vpcd-null.c"

# --- temporary world -----------------------------------------------------------------------------
tmp="$(mktemp -d "${TMPDIR:-/tmp}/hsmkit-bench-e2e.XXXXXX")"
export HSMKIT_RUN_DIR="$tmp/run"
harness="$root/scripts/pcsc-harness.sh"
null_pid=""
load_pids=()
# Background load: N busy loops at nice 19 (they take what hsmkit, pcscd and the client leave).
start_load() { # n
  local i
  for ((i = 0; i < $1; i++)); do
    nice -n 19 bash -c 'while :; do :; done' &
    load_pids+=($!)
  done
  if (($1 > 0)); then sleep 1; fi
}
stop_load() {
  local p
  for p in "${load_pids[@]}"; do
    kill "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  load_pids=()
}
cleanup() {
  set +e
  stop_load
  if [[ -n "$null_pid" ]] && kill -0 "$null_pid" 2>/dev/null; then kill "$null_pid"; wait "$null_pid" 2>/dev/null; fi
  "$harness" stop >/dev/null 2>&1
  if [[ $keep == 1 ]]; then say "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

# Benchmark secrets: throwaway tokens in $tmp; handed over in the environment, never in argv.
export P11BENCH_PIN=648219 P11BENCH_SO_PIN=3537363231383830
export HSMKIT_PIN=$P11BENCH_PIN HSMKIT_SO_PIN=$P11BENCH_SO_PIN HSMKIT_DKEK_PASSWORD=bench-dkek-pw
export SOFTHSM2_CONF="$tmp/softhsm2.conf"
mkdir -p "$tmp/softhsm-tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n' \
  "$tmp/softhsm-tokens" >"$SOFTHSM2_CONF"
results="$out/results.tsv"
: >"$results"
record() { printf '%s\n' "$*" | tee -a "$results" >&2; } # TAB-separated lines

say "SoftHSMv2 token and keys"
"$out/p11bench" init "$softhsm" softhsm
"$out/p11bench" keys "$softhsm" softhsm

say "emulated cards"
for c in 1 2 3 4; do
  "$root/hsmkit" --token "emulated:$tmp/card$c" init --label "hsmkit$c" --dkek-shares 20 >/dev/null
done

"$harness" start
"$harness" serve "$tmp/card1" 35963 --apdu-times "$tmp/apdu-times-main.txt"
"$harness" exec "$out/vpcd-null" 35964 2>"$tmp/null.log" &
null_pid=$!
for _ in $(seq 100); do grep -q connected "$tmp/null.log" && break; sleep 0.1; done
sleep 1 # pcscd polls vpcd's readers every ~400 ms
"$out/p11bench" keys "$opensc" hsmkit1

# --- operations, at each load ---------------------------------------------------------------------
# One p11bench call per round and load (round numbers through P11BENCH_FIRST_ROUND, so the side
# that goes first still alternates); its R lines get the load as a last field.
# The raw round trips run with vpcd-null and the card's server pinned to one CPU: at idle each
# process stays on the CPU it last ran on, and a hop to the other (idle) CPU costs ~25-30 us on a
# 2-vCPU KVM guest, so unpinned the two could differ by a pair of such hops (seen: floor 35 us,
# card 97 us in one round, both ~95 us in the next) that says nothing about hsmkit. Pinned, both
# stand the same to pcscd and the client (which stay free). The operations run unpinned.
pin_card_and_floor() { # cpu list
  taskset -a -p -c "$1" "$(cat "$HSMKIT_RUN_DIR/serve-35963.pid")" >/dev/null
  taskset -a -p -c "$1" "$null_pid" >/dev/null
}
all_cpus="0-$(($(nproc) - 1))" last_cpu="$(($(nproc) - 1))"
run_round() { # round load ops record-type
  stop_load
  start_load "$2"
  {
    P11BENCH_FIRST_ROUND=$1 "$out/p11bench" run 1 "$seconds" "$3" "$opensc" hsmkit1 "$softhsm" softhsm
    pin_card_and_floor "$last_cpu"
    P11BENCH_FIRST_ROUND=$1 "$out/p11bench" apdu "$seconds" "Virtual PCD 00 01" "Virtual PCD 00 00"
    pin_card_and_floor "$all_cpus"
  } | awk -v L="$2" -v T="$4" 'BEGIN { FS = OFS = "\t" } $1 == "R" { $1 = T; print $0, L; next } { print }' \
    | tee -a "$results" >&2
  stop_load
}
if want ops; then
  say "PKCS#11 operations: $rounds rounds x $seconds s per operation, side and load (busy cores: $loads)"
  for ((r = 0; r < rounds; r++)); do
    for ((k = 0; k < ${#load_list[@]}; k++)); do
      run_round "$r" "${load_list[$(((k + r) % ${#load_list[@]}))]}" all R
    done
  done

  # Per-APDU decomposition: how many APDUs each operation sends (OpenSC's debug log, one op each).
  say "APDUs per operation"
  for op in ecdsa-p256 ecdsa-sha256-p256 sha256-rsa-pkcs-2048 sha256-rsa-pss-2048 \
    decrypt-rsa-pkcs-2048 ecdh-derive-p256 login keygen-ec-p256 keygen-rsa-2048; do
    n=$(OPENSC_DEBUG=3 "$out/p11bench" count "$opensc" hsmkit1 "$op" 2>&1 >/dev/null \
      | sed -n "/P11BENCH-MARK/,/P11BENCH-END/p" | grep -c "Outgoing APDU" || true)
    record "A	$op	$n"
  done
fi

# --- the spin after each answer, on and off -------------------------------------------------------
# The card is served again with each setting (a new JVM, warmed up by an untimed call first); the
# records are R lines of type P<spin µs>.
reserve() { # spin-us tag
  "$harness" serve-stop 35963 >/dev/null
  sleep 2 # pcscd notices the removal before the card comes back
  "$harness" serve "$tmp/card1" 35963 --spin-us "$1" --apdu-times "$tmp/apdu-times-$2.txt" >/dev/null
  sleep 1
  "$out/p11bench" keys "$opensc" hsmkit1 >/dev/null 2>&1 || { sleep 3; "$out/p11bench" keys "$opensc" hsmkit1 >/dev/null; }
}
if want spin; then
  default_spin=$("$root/hsmkit" serve --help | tr '\n' ' ' | grep -o 'spin-us=N  [^)]*default: *[0-9]*' | grep -o '[0-9]*$')
  [[ -n "$default_spin" ]] || { say "cannot read the default of serve --spin-us"; exit 1; }
  say "spin $spin us and off: $rounds rounds x $seconds s per load"
  spin_ops=ecdsa-p256,sha256-rsa-pkcs-2048
  for ((r = 0; r < rounds; r++)); do
    for sp in $( ((r % 2)) && echo "0 $spin" || echo "$spin 0"); do
      reserve "$sp" "spin$sp-r$r"
      "$out/p11bench" run 1 1 "$spin_ops" "$opensc" hsmkit1 "$softhsm" softhsm >/dev/null
      for ((k = 0; k < ${#load_list[@]}; k++)); do
        run_round "$r" "${load_list[$(((k + r) % ${#load_list[@]}))]}" "$spin_ops" "P$sp"
      done
    done
  done
  reserve "$default_spin" after-spin
fi

# --- idle CPU of hsmkit serve ---------------------------------------------------------------------
# utime + stime of the serve process group (the JVM) over a quiet period, pcscd connected, no client.
serve_cpu_ticks() {
  python3 - "$(cat "$HSMKIT_RUN_DIR/serve-35963.pid")" <<'PY'
import os, sys
group, total = int(sys.argv[1]), 0
for p in os.listdir("/proc"):
    if p.isdigit():
        try:
            rest = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(rest[2]) == group:
            total += int(rest[11]) + int(rest[12])
print(total)
PY
}
if want idlecpu; then
  say "idle CPU of hsmkit serve: $idle_seconds s with no client"
  sleep 5
  c0=$(serve_cpu_ticks)
  t0=$(date +%s%N)
  sleep "$idle_seconds"
  c1=$(serve_cpu_ticks)
  t1=$(date +%s%N)
  record "I	$(((c1 - c0) * 1000000000 / $(getconf CLK_TCK)))	$((t1 - t0))"
fi
kill "$null_pid"
wait "$null_pid" 2>/dev/null || true
null_pid=""
sleep 2 # let pcscd see vpcd-null's card go before another one comes into the same reader

# --- two readers ---------------------------------------------------------------------------------
if want scale; then
"$harness" serve "$tmp/card2" 35964
sleep 2
# OpenSC may still be binding the new card: a failed first try is repeated once.
"$out/p11bench" keys "$opensc" hsmkit2 || { sleep 3; "$out/p11bench" keys "$opensc" hsmkit2; }
say "two readers: $scale_rounds rounds x $scale_seconds s"
throughput() { # label op start_ms
  "$out/p11bench" throughput "$opensc" "$1" "$2" "$scale_seconds" "$3"
}
for ((r = 0; r < scale_rounds; r++)); do
  for op in ecdsa-p256 sha256-rsa-pkcs-2048; do
    for order in $([[ $((r % 2)) == 0 ]] && echo "one two" || echo "two one"); do
      start=$(($(date +%s%3N) + 3000))
      if [[ $order == one ]]; then
        n=$(throughput hsmkit1 "$op" "$start" | awk -F'\t' '{printf "%.3f", $3 / ($4 / 1e9)}')
        record "S	$op	one	$r	$n"
      else
        throughput hsmkit1 "$op" "$start" >"$tmp/t1" &
        p1=$!
        throughput hsmkit2 "$op" "$start" >"$tmp/t2" &
        p2=$!
        wait "$p1" "$p2"
        n=$(cat "$tmp/t1" "$tmp/t2" | awk -F'\t' '{s += $3 / ($4 / 1e9)} END {printf "%.3f", s}')
        record "S	$op	two	$r	$n"
      fi
    done
  done
done
"$harness" serve-stop 35964
fi

# --- command-line tools --------------------------------------------------------------------------
wall() { # name cmd... : one timed run, recorded in ms
  local name=$1 t0 t1
  shift
  t0=$(date +%s%N)
  "$@" >"$out/wall-$name.txt" 2>&1 || { cat "$out/wall-$name.txt" >&2; say "$name failed"; exit 1; }
  t1=$(date +%s%N)
  record "C	$name	$r	$(((t1 - t0) / 1000))"
}
if want status; then
say "status: $cli_runs runs each, alternating"
# status needs an existing token (it never creates one): a fresh card3, initialized once, with room
# for the DKEK shares the .pbe part imports into it.
HSMKIT_SO_PIN=3537363231383830 HSMKIT_PIN=648219 "$root/hsmkit" --token "emulated:$tmp/card3" \
  init --dkek-shares 20 >/dev/null 2>&1 || { say "init of card3 failed"; exit 1; }
for ((r = 0; r < cli_runs; r++)); do
  if ((r % 2)); then
    wall hsmkit-status "$root/hsmkit" --token "emulated:$tmp/card3" status
    wall sc-hsm-tool "$(command -v sc-hsm-tool)"
    wall hsmkit-status-pcsc "$root/hsmkit" --token pcsc status
  else
    wall hsmkit-status-pcsc "$root/hsmkit" --token pcsc status
    wall sc-hsm-tool "$(command -v sc-hsm-tool)"
    wall hsmkit-status "$root/hsmkit" --token "emulated:$tmp/card3" status
  fi
done
fi

# sc-hsm-tool reads the share password from the terminal only: expect types it from the environment.
# It waits 0.1 s after each prompt (the tool turns echo off and flushes input after printing it),
# which the sc-hsm-tool figures include: 0.1-0.2 s of 10-20 s.
cat >"$tmp/pw.exp" <<'EOF'
set timeout 300
log_user 0
spawn -noecho {*}$argv
while 1 {
  expect {
    -re {(?i)password[^\n]*:} { sleep 0.1; send -- "$env(HSMKIT_DKEK_PASSWORD)\r" }
    -re {(?i)retype[^\n]*:} { sleep 0.1; send -- "$env(HSMKIT_DKEK_PASSWORD)\r" }
    eof { break }
  }
}
lassign [wait] pid spawnid os_error status
exit $status
EOF
if want dkek; then
say "DKEK share files: $dkek_rounds rounds, alternating"
for ((r = 0; r < dkek_rounds; r++)); do
  a=(wall hsmkit-dkek-create "$root/hsmkit" dkek create "$tmp/h$r.pbe")
  b=(wall sc-hsm-tool-create-dkek-share expect -f "$tmp/pw.exp" sc-hsm-tool --create-dkek-share "$tmp/s$r.pbe")
  if ((r % 2)); then "${b[@]}"; "${a[@]}"; else "${a[@]}"; "${b[@]}"; fi
  a=(wall hsmkit-dkek-import "$root/hsmkit" --token "emulated:$tmp/card3" dkek import "$tmp/s$r.pbe")
  b=(wall sc-hsm-tool-import-dkek-share expect -f "$tmp/pw.exp" sc-hsm-tool --import-dkek-share "$tmp/h$r.pbe")
  if ((r % 2)); then "${b[@]}"; "${a[@]}"; else "${a[@]}"; "${b[@]}"; fi
done
fi

# --- JCA provider ------------------------------------------------------------------------------
if want jca; then
  say "JCA provider vs SoftHSMv2 (SunPKCS11): $rounds rounds x $seconds s"
  (cd "$root" && mvn -B -q -o -Pbench package -DskipTests -pl hsmkit-bench -am >"$tmp/mvn-bench.log" 2>&1 \
    || mvn -B -q -Pbench package -DskipTests -pl hsmkit-bench -am >"$tmp/mvn-bench.log" 2>&1) \
    || { cat "$tmp/mvn-bench.log" >&2; say "building hsmkit-bench failed"; exit 1; }
  java -cp "$root/hsmkit-bench/target/benchmarks.jar" io.hsmkit.bench.JcaVsSoftHsm "$tmp/card4" \
    "$softhsm" "$rounds" "$seconds" | tee -a "$results" >&2
fi

# --- report --------------------------------------------------------------------------------------
"$harness" serve-stop 35963 >/dev/null # writes its --apdu-times file
shopt -s nullglob
times_files=("$tmp"/apdu-times-*.txt)
shopt -u nullglob
if ((${#times_files[@]})); then
  python3 "$root/scripts/bench-e2e-report.py" --serve-times "$results" "${times_files[@]}"
fi
{
  echo "M	nproc	$(nproc)"
  echo "M	cpu	$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "M	java	$(java -version 2>&1 | grep -m1 -i 'Server VM\|Runtime' | sed 's/^ *//')"
  echo "M	opensc	$(dpkg-query -W -f '${Version}' opensc 2>/dev/null)"
  echo "M	softhsm	$(dpkg-query -W -f '${Version}' softhsm2 2>/dev/null)"
  echo "M	pcscd	$(dpkg-query -W -f '${Version}' pcscd 2>/dev/null)"
  echo "M	load	$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "M	mode	$mode: $rounds rounds x $seconds s per load ($loads busy cores); CLI $cli_runs runs; DKEK $dkek_rounds rounds; two readers $scale_rounds x $scale_seconds s"
  echo "M	date	$(date -u '+%Y-%m-%d %H:%M UTC')"
} >>"$results"
python3 "$root/scripts/bench-e2e-report.py" "$results" >"$out/e2e.md"
cat "$out/e2e.md"
if [[ $write == 1 ]]; then
  python3 "$root/scripts/bench-e2e-report.py" --splice "$root/BENCHMARKS.md" "$out/e2e.md"
  say "BENCHMARKS.md updated"
fi
