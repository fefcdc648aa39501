#!/usr/bin/env bash
# The whole path from a trained model to a C99 firmware program (docs/deploy.md):
#
#   bash apps/firmware-demo/run.sh [MODEL.sflm]
#
#   1. packages (apt-get, if any is missing), MNIST (scripts/fetch_mnist.sh), and a
#      Release build of sfl-train, sfl-export and libsfl.a (build/demo);
#   2. with no MODEL: trains the paper's CSF network on 100 labelled digits with
#      sfl-train (one trial, seed 1; about a minute on 2 cores) -> model.sflm;
#   3. sfl-export --model MODEL --header OUT/sfl_demo_model.h --name sfl_demo;
#   4. compiles apps/firmware-demo/main.c with the C compiler alone
#      (cc -std=c99 -pedantic -Wall -Wextra -Werror) against the header and libsfl.a;
#   5. runs it on the 10,000 MNIST test digits and prints its accuracy beside the
#      C++ model's (sfl-train's result.json next to MODEL). Exit status 1 if they differ.
#      Its prediction for each digit is left in OUT/predictions.txt: the Cortex-M board
#      presets compare theirs with it (docs/embedded.md).
#
# Environment: SFL_DEMO_BUILD (default build/demo), SFL_DATA (default data),
#              SFL_FIRMWARE_OUT (default build/firmware-demo), SFL_DEMO_THREADS,
#              SFL_DEMO_NO_APT=1 to skip the package check, CC (default cc).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${SFL_DEMO_BUILD:-$ROOT/build/demo}
DATA=${SFL_DATA:-$ROOT/data}
OUT=${SFL_FIRMWARE_OUT:-$ROOT/build/firmware-demo}
THREADS=${SFL_DEMO_THREADS:-$(nproc 2>/dev/null || echo 1)}
PY=/usr/bin/python3
CC=${CC:-cc}
MODEL=${1:-}

# shellcheck source=scripts/demo_common.sh
source "$ROOT/scripts/demo_common.sh"
die() { echo "firmware-demo: $*" >&2; exit 1; }

[[ $# -le 1 ]] || die "usage: run.sh [MODEL.sflm]"
[[ -z "$MODEL" || -f "$MODEL" ]] || die "no such model file: $MODEL"
[[ -z "$MODEL" ]] || MODEL=$(cd "$(dirname "$MODEL")" && pwd)/$(basename "$MODEL")

demo_packages
demo_mnist
demo_build sfl-train sfl-export sfl_static
mkdir -p "$OUT"

if [[ -z "$MODEL" ]]; then
  step "train the CSF network on 100 labelled digits (sfl-train, 1 trial)"
  rm -rf "$OUT/run"
  "$BUILD/apps/sfl-train/sfl-train" --net csf --per-class 10 --trials 1 --seed 1 --threads "$THREADS" \
    --data "$DATA/mnist" --out "$OUT/run" --quiet
  MODEL=$OUT/run/model.sflm
fi

step "export $MODEL"
"$BUILD/apps/sfl-export/sfl-export" --model "$MODEL" --header "$OUT/sfl_demo_model.h" --name sfl_demo

step "compile the C99 demo with $CC"
"$CC" -std=c99 -pedantic -Wall -Wextra -Werror -O2 -I"$ROOT/include" -I"$BUILD/include" -I"$OUT" \
  "$ROOT/apps/firmware-demo/main.c" "$BUILD/lib/libsfl.a" -lm -o "$OUT/firmware-demo"
ls -l "$OUT/firmware-demo" "$OUT/sfl_demo_model.h"

step "run it on the MNIST test set"
"$OUT/firmware-demo" "$DATA/mnist/t10k-images-idx3-ubyte" "$DATA/mnist/t10k-labels-idx1-ubyte" 10000 \
  "$OUT/predictions.txt" | tee "$OUT/demo.txt"

step "compare with the C++ model"
$PY - "$OUT/demo.txt" "$(dirname "$MODEL")/result.json" <<'PYEOF'
import json, os, re, sys
demo = open(sys.argv[1]).read()
acc = float(re.search(r"^accuracy: ([0-9.]+)$", demo, re.M).group(1))
correct, total = map(int, re.search(r"^correct: (\d+) of (\d+)", demo, re.M).groups())
path = sys.argv[2]
print(f"firmware demo (C99, sfl_model_forward):  {acc:.2f} %  ({correct} of {total})")
if not os.path.exists(path):
    print(f"C++ model: no {path}; nothing to compare with")
    sys.exit(0)
r = json.load(open(path))
if r.get("eval") != "test":
    print(f"C++ model: {path} holds a {r.get('eval')} accuracy, not a test accuracy; nothing to compare with")
    sys.exit(0)
cpp = r["per_trial"][-1]["accuracy"]  # model.sflm is the last trial's network
cpp_correct = round(cpp * r["eval_samples"] / 100)
print(f"C++ model (sfl-train, {path}): {cpp:.2f} %  ({cpp_correct} of {r['eval_samples']})")
if (cpp_correct, r["eval_samples"]) != (correct, total):
    print("MISMATCH: the firmware demo and the C++ model disagree")
    sys.exit(1)
print("equal")
PYEOF
