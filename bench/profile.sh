#!/usr/bin/env bash
# Where the time of the SF and CSF layers goes (issue 5): perf profiles of
#   1. the layer benchmarks (bench_layers: CSF 5x5 K=20 and SF 800x500, forward
#      and backward, batch 100), self time per function;
#   2. one training epoch of the csf and sf networks (sfl-train, 1 thread), with
#      DWARF call graphs, so each function's share includes its callees (layer
#      forward / backward) as well as its own time.
#
#   bash bench/profile.sh [BUILD_DIR] [OUT_DIR]
#
#   BUILD_DIR  a Release build with benchmarks and apps (default build/native-release)
#   OUT_DIR    perf.data files and the reports (default runs/profile)
#   PER_CLASS  labelled digits per class for the training epoch (default 300: 3,000 digits)
#
# perf samples the cpu-clock software event (works in VMs without hardware counters;
# Debian package linux-perf). Training is tested on the first 200 test digits only
# (written to OUT_DIR/small), so the profile is the training epoch, not the evaluation.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build/native-release}
OUT=${2:-$ROOT/runs/profile}
PER_CLASS=${PER_CLASS:-300}
PY=${PYTHON:-/usr/bin/python3}
DATA=${SFL_DATA:-$ROOT/data}/mnist
LAYERS=$BUILD/bench/bench_layers
TRAIN=$BUILD/apps/sfl-train/sfl-train

die() { echo "profile: $*" >&2; exit 1; }
command -v perf >/dev/null || die "perf not found (Debian: apt-get install linux-perf)"
[[ -x $LAYERS && -x $TRAIN ]] || die "no bench_layers / sfl-train under $BUILD"
[[ -f $DATA/train-images-idx3-ubyte ]] || die "no MNIST in $DATA (bash scripts/fetch_mnist.sh)"
mkdir -p "$OUT/small"

# Self time per function, the top N lines.
self_table() {
  perf report -i "$1" --no-children --sort symbol --stdio -g none 2>/dev/null |
    awk '/^ +[0-9.]+%/ && n++ < '"${2:-10}"' {$1 = $1; t = substr($0, index($0, $3)); sub(/ +- +-$/, "", t); printf "  %7s  %s\n", $1, t}'
}
# Time including callees, for the layer entry points and the solver pieces.
children_table() {
  perf report -i "$1" --children --sort symbol --stdio -g none 2>/dev/null |
    awk '/^ +[0-9.]+%/ && $4 ~ /^(sfl::nn::Trainer::train_epoch|sfl_(csf|sf|conv2d|linear|maxpool2d)_(forward|backward)|sfl::enet::(lars_solve|evaluate)|sfl::layers::(factor_gram|solve_factored)|sfl::kernels::gemm_f32)$/ {
           printf "  %7s total %7s self  %s\n", $1, $2, $4 }'
}

echo "== 1. bench_layers, self time"
for f in BM_sparse_forward/csf BM_sparse_backward/csf BM_sparse_forward/sf BM_sparse_backward/sf; do
  data=$OUT/layers_$(echo "$f" | tr '/' '_').data
  perf record -q -e cpu-clock -F 999 -o "$data" "$LAYERS" --benchmark_filter="$f" --benchmark_min_time=2 \
    2>/dev/null | grep '^BM_' || true
  self_table "$data" 8
done

echo
echo "== 2. one training epoch ($((10 * PER_CLASS)) digits, 1 thread), shares of the whole run"
"$PY" - "$DATA" "$OUT/small" "$ROOT/scripts" <<'EOF'
import sys
sys.path.insert(0, sys.argv[3])
import idx_io
for name, magic in (("t10k-images-idx3-ubyte", 0x803), ("t10k-labels-idx1-ubyte", 0x801)):
    idx_io.write_idx(f"{sys.argv[2]}/{name}", magic, idx_io.read_idx(f"{sys.argv[1]}/{name}", magic)[:200])
EOF
for net in csf sf lenet; do
  data=$OUT/train_$net.data
  perf record -q -e cpu-clock -F 199 --call-graph dwarf,16384 -o "$data" "$TRAIN" --net "$net" \
    --per-class "$PER_CLASS" --epochs 1 --threads 1 --quiet --out "$OUT/run_$net" \
    --train-images "$DATA/train-images-idx3-ubyte" --train-labels "$DATA/train-labels-idx1-ubyte" \
    --test-images "$OUT/small/t10k-images-idx3-ubyte" --test-labels "$OUT/small/t10k-labels-idx1-ubyte" \
    >/dev/null 2>&1
  echo "-- $net: $(grep -o '"epoch_seconds": [0-9.e+-]*' "$OUT/run_$net/result.json" | head -n1)"
  children_table "$data"
  echo "   self:"
  self_table "$data" 6
done
