#!/usr/bin/env bash
# The 800x500 encode on the real SF-layer inputs (issue 5, target 3): the pool2
# features of a trained SF net over that net's own dictionary, with sfl-encode and
# with scikit-learn on the same .npy files.
#
#   bash bench/sf_real_inputs.sh [BUILD_DIR] [OUT_DIR] [MODEL]
#
#   BUILD_DIR  sfl build with the apps (default build/native-release)
#   OUT_DIR    where the model, features, dictionary and codes go (default runs/sf-real)
#   MODEL      an SF-net model.sflm to use instead of training one
#
# Steps:
# 1. sfl-train --net sf on the first 10,000 training digits, 2 epochs (the
#    last 50,000 held out as validation), one thread -> OUT/sf-model/model.sflm;
#    skipped when MODEL is given or OUT/sf-model/model.sflm exists.
# 2. sfl-encode --model --layers 4: the pool2 features (4x4x50, HWC order, which is
#    the SF layer's input order) of the 10,000 MNIST test digits -> OUT/pool2.npy,
#    reshaped to ROWS x 800 (the first ROWS digits, default 2000) -> OUT/X_pool2.npy.
# 3. scripts/model_tensor.py: the SF layer's dictionary P (800 x 500) -> OUT/P_sf.npy.
# 4. sfl-encode --dict P_sf.npy --input X_pool2.npy, one thread, LARS, at the model's
#    own l1 (read from the model) and at the issue's l1 = 0.1; l2 = the model's.
# 5. bench/compare_sklearn.py --problems files on the same files (SIGNALS rows, default 300).
# Data: data/mnist (scripts/fetch_mnist.sh). Needs python3-numpy and python3-sklearn.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build/native-release}
OUT=${2:-$ROOT/runs/sf-real}
MODEL=${3:-}
SIGNALS=${SIGNALS:-300}
ROWS=${ROWS:-2000}
PY=${PYTHON:-/usr/bin/python3}
TRAIN=$BUILD/apps/sfl-train/sfl-train
ENCODE=$BUILD/apps/sfl-encode/sfl-encode
DATA=${SFL_DATA:-$ROOT/data}/mnist

die() { echo "sf_real_inputs: $*" >&2; exit 1; }
[[ -x $TRAIN && -x $ENCODE ]] || die "no sfl-train / sfl-encode under $BUILD (build the apps first)"
[[ -f $DATA/t10k-images-idx3-ubyte ]] || die "no MNIST in $DATA (bash scripts/fetch_mnist.sh)"
mkdir -p "$OUT"

if [[ -z $MODEL ]]; then
  MODEL=$OUT/sf-model/model.sflm
  if [[ ! -f $MODEL ]]; then
    echo "== training the SF net (10,000 digits, 2 epochs, 1 thread)"
    "$TRAIN" --net sf --validation 50000 --epochs 2 --threads 1 --data "$DATA" --out "$OUT/sf-model" --quiet
  fi
fi
[[ -f $MODEL ]] || die "no model $MODEL"

echo "== pool2 features of the 10,000 test digits"
"$ENCODE" --model "$MODEL" --layers 4 --input "$DATA/t10k-images-idx3-ubyte" --output "$OUT/pool2.npy" --threads 1 >/dev/null
"$PY" scripts/model_tensor.py "$MODEL" --kind sf "$OUT/P_sf.npy"
# The SF layer's own l1 and l2.
read -r L1 L2 < <("$PY" scripts/model_tensor.py "$MODEL" --kind sf --elastic-net)
"$PY" - "$OUT" "$ROWS" <<'EOF'
import sys, numpy as np
out, rows = sys.argv[1], int(sys.argv[2])
X = np.load(f"{out}/pool2.npy")[:rows]
X = np.ascontiguousarray(X.reshape(X.shape[0], -1), dtype=np.float32)
np.save(f"{out}/X_pool2.npy", X)
norms = np.linalg.norm(X, axis=1)
print(f"X_pool2: {X.shape[0]} x {X.shape[1]}, row norms mean {norms.mean():.3g} "
      f"(min {norms.min():.3g}, max {norms.max():.3g}), nonzero share {np.count_nonzero(X) / X.size:.3f}")
EOF

cd "$ROOT"
for l1 in "$L1" 0.1; do
  echo "== sfl-encode LARS, 1 thread, l1 = $l1, l2 = $L2 ($ROWS signals)"
  "$ENCODE" --dict "$OUT/P_sf.npy" --input "$OUT/X_pool2.npy" --output "$OUT/A_l1_$l1.npy" \
    --l1 "$l1" --l2 "$L2" --solver lars --threads 1 --json -
  echo
done
for l1 in "$L1" 0.1; do
  echo "== scikit-learn vs sfl, l1 = $l1, $SIGNALS signals"
  "$PY" bench/compare_sklearn.py --encode "$ENCODE" --problems files --dict "$OUT/P_sf.npy" \
    --input "$OUT/X_pool2.npy" --label "800x500 (SF net pool2, l1 $l1)" --signals "$SIGNALS" \
    --l1 "$l1" --l2 "$L2" --solvers lars --repeat 3
done
