#!/usr/bin/env bash
# povsim and its Mesa peer side by side on the same scenario, one thread each: prints the speed
# ratio (household-months per second) and whether the poverty trajectories agree.
#
#   benches/compare_peer.sh [--replicates R] [--seeds S] [--mesa-villages N] [--scenario FILE]
#                           [--tol-se K] [--keep DIR]
#
# Defaults: scenarios/peer_core.toml (20 villages x ~300 households x 84 months), povsim 40
# replicates, Mesa peer 5 seeds at the SAME size (set --mesa-villages to run the peer on fewer
# villages of the same structure; speed is per household-month, so the ratio stays comparable).
# Each Mesa seed is followed by one timed povsim run; the verdict uses the median of these pairs.
# Environment: PEER_VENV (virtualenv for the peer, default ~/.cache/povsim-mesa-venv, created
# and filled from benches/peers/mesa/requirements.txt when missing), POVSIM_BIN (use this
# binary instead of building target/release/povsim), PYTHON (interpreter to build the venv,
# default python3, must be >= 3.11).
# Exit status: 0 whatever the verdict (it is printed); non-zero only if something failed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PEER_DIR="$ROOT/benches/peers/mesa"
SCENARIO="$ROOT/scenarios/peer_core.toml"
REPLICATES=40
SEEDS=5
MESA_VILLAGES=""
TOL_SE=2
KEEP=""
PEER_VENV=${PEER_VENV:-$HOME/.cache/povsim-mesa-venv}
PYTHON=${PYTHON:-python3}

usage() { sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --replicates) REPLICATES=$2; shift 2 ;;
    --seeds) SEEDS=$2; shift 2 ;;
    --mesa-villages) MESA_VILLAGES=$2; shift 2 ;;
    --scenario) SCENARIO=$2; shift 2 ;;
    --tol-se) TOL_SE=$2; shift 2 ;;
    --keep) KEEP=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "compare_peer.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

if [ -n "$KEEP" ]; then
  WORK=$KEEP
  mkdir -p "$WORK"
else
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/povsim-peer.XXXXXX")
  trap 'rm -rf "$WORK"' EXIT
fi

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", b - a }'; }

# 1. The peer's virtualenv (re-filled when requirements.txt changes).
stamp="$PEER_VENV/.povsim-peer-requirements"
if [ ! -x "$PEER_VENV/bin/python" ] || ! cmp -s "$PEER_DIR/requirements.txt" "$stamp"; then
  echo "== setting up the Mesa peer's virtualenv in $PEER_VENV" >&2
  "$PYTHON" -m venv "$PEER_VENV"
  "$PEER_VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    -r "$PEER_DIR/requirements.txt"
  cp "$PEER_DIR/requirements.txt" "$stamp"
fi
PY="$PEER_VENV/bin/python"
"$PY" -c 'import sys, mesa; assert sys.version_info >= (3, 11), "Python >= 3.11 needed"' 

# 2. povsim, release build.
if [ -n "${POVSIM_BIN:-}" ]; then
  POVSIM=$POVSIM_BIN
else
  echo "== building povsim (release)" >&2
  (cd "$ROOT" && cargo build --release --quiet)
  POVSIM="$ROOT/target/release/povsim"
fi

# 3. One resolved scenario for both.
"$POVSIM" check "$SCENARIO" > "$WORK/resolved.toml"

# 4. povsim, one thread, R replicates, timed as a whole process.
echo "== povsim: $REPLICATES replicates, 1 thread" >&2
t0=$(now)
"$POVSIM" run "$WORK/resolved.toml" --threads 1 --replicates "$REPLICATES" \
  --out "$WORK/povsim" --force --quiet
t1=$(now)
POVSIM_S=$(elapsed "$t0" "$t1")

# 5. The Mesa peer's S seeds, each followed by one timed run of povsim's model alone
#    (`povsim bench`: initialisation and steps, no output; same scenario and replicates), one
#    thread each. Interleaved so that both sides run under the same conditions: this machine's
#    speed drifts from minute to minute with its other tenants, and one sub-second povsim
#    sample taken at another time swung the ratio from 74x to 138x between back-to-back runs.
mesa_args=(--scenario "$WORK/resolved.toml")
if [ -n "$MESA_VILLAGES" ]; then mesa_args+=(--villages "$MESA_VILLAGES"); fi
csvs=()
timings=()
MESA_S=0
: > "$WORK/povsim_bench.txt"
echo "== Mesa peer: $SEEDS seeds, each followed by a povsim bench run, 1 thread each" >&2
for s in $(seq 1 "$SEEDS"); do
  t0=$(now)
  "$PY" "$PEER_DIR/povsim_mesa.py" "${mesa_args[@]}" --seed "$s" \
    --out "$WORK/mesa_$s.csv" --timing "$WORK/mesa_$s.json"
  t1=$(now)
  MESA_S=$(awk -v a="$MESA_S" -v b="$(elapsed "$t0" "$t1")" 'BEGIN { printf "%.4f", a + b }')
  csvs+=("$WORK/mesa_$s.csv")
  timings+=("$WORK/mesa_$s.json")
  out=$("$POVSIM" bench --scenario "$WORK/resolved.toml" --replicates "$REPLICATES" --threads 1)
  hm=$(awk '/household-months/ {print $2; exit}' <<<"$out")
  secs=$(awk '/wall time/ {print $3; exit}' <<<"$out")
  echo "$hm $secs" >> "$WORK/povsim_bench.txt"
  echo "povsim bench: run $s: $hm household-months in $secs s: $(awk -v h="$hm" -v t="$secs" 'BEGIN { printf "%.0f", h / t }') household-months/s" >&2
done

# 6. Speed ratio and agreement table.
"$PY" "$PEER_DIR/compare.py" --povsim-dir "$WORK/povsim" --povsim-seconds "$POVSIM_S" \
  --povsim-bench "$WORK/povsim_bench.txt" \
  --mesa-csv "${csvs[@]}" --mesa-timing "${timings[@]}" --mesa-process-seconds "$MESA_S" \
  --tol-se "$TOL_SE"
echo
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine slows both runs)"
if [ -n "$KEEP" ]; then echo "outputs kept in $WORK"; fi
