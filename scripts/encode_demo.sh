#!/usr/bin/env bash
# The encoder demo on real data: elastic-net sparse codes of MNIST patches.
#
#   bash scripts/encode_demo.sh
#
# On a fresh Debian 12 machine this
#   1. installs the build packages with apt-get if any is missing (as root, or through sudo),
#   2. fetches and verifies MNIST (scripts/fetch_mnist.sh -> data/mnist),
#   3. builds sfl and sfl-encode in Release for this machine (build/demo),
#   4. cuts 5x5 and 8x8 patch problems from the training images (scripts/mnist_patches.py),
#   5. encodes them with both solvers (LARS-EN and coordinate descent), l1 = 0.1, l2 = 0.01,
#      and prints signals/s, mean support, mean objective and the worst KKT residual.
#
# Environment: SFL_DEMO_BUILD (default build/demo), SFL_DATA (default data),
#              SFL_DEMO_THREADS (default: all cores), SFL_DEMO_NO_APT=1 to skip the package check.
# apt-get's, the MNIST fetch's and the build's output go to logs in build/demo (demo_common.sh).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${SFL_DEMO_BUILD:-$ROOT/build/demo}
DATA=${SFL_DATA:-$ROOT/data}
THREADS=${SFL_DEMO_THREADS:-$(nproc 2>/dev/null || echo 1)}
PY=/usr/bin/python3
L1=0.1
L2=0.01

# shellcheck source=scripts/demo_common.sh
source "$ROOT/scripts/demo_common.sh"

demo_packages                 # 1. packages
demo_mnist                    # 2. MNIST
demo_build sfl-encode         # 3. build
ENCODE=$BUILD/apps/sfl-encode/sfl-encode

# ---- 4. problems ----------------------------------------------------------------
step "patch problems"
PATCHES=$DATA/mnist-patches
$PY "$ROOT/scripts/mnist_patches.py" --mnist "$DATA/mnist" --out "$PATCHES"

# ---- 5. encode ------------------------------------------------------------------
step "encode (l1 = $L1, l2 = $L2, $THREADS threads)"
RESULTS=$BUILD/demo-results.jsonl
: >"$RESULTS"
for size in 5 8; do
  for solver in lars cd; do
    echo "  ${size}x${size} $solver ..."
    rc=0
    "$ENCODE" --dict "$PATCHES/patches${size}_P.npy" --input "$PATCHES/patches${size}_X.npy" \
              --output "$PATCHES/codes${size}_${solver}.npy" --l1 "$L1" --l2 "$L2" --solver "$solver" \
              --threads "$THREADS" --json "$BUILD/run.json" >/dev/null || rc=$?
    # 3: codes written but some signals failed (recorded below); anything else is an error.
    if [[ $rc -ne 0 && $rc -ne 3 ]]; then echo "demo: sfl-encode failed" >&2; exit 1; fi
    printf '{"patch": "%sx%s", "exit": %d, "run": %s}\n' "$size" "$size" "$rc" "$(cat "$BUILD/run.json")" >>"$RESULTS"
  done
done

step "results"
$PY - "$RESULTS" "$PATCHES" <<'PYEOF'
import json, sys
import numpy as np

rows = [json.loads(line) for line in open(sys.argv[1])]
patches = sys.argv[2]
print(f"{'problem':<22} {'solver':<6} {'signals':>8} {'signals/s':>12} {'mean support':>13} "
      f"{'mean objective':>15} {'max KKT':>9} {'not conv.':>9}")
for r in rows:
    j = r["run"]
    prob = f"{r['patch']} (m={j['m']}, K={j['K']})"
    print(f"{prob:<22} {j['solver']:<6} {j['signals']:>8} {j['signals_per_second']:>12.4g} "
          f"{j['mean_support']:>13.3f} {j['mean_objective']:>15.6g} {j['max_kkt']:>9.2g} {j['not_converged']:>9}")
for size in (5, 8):
    a = np.load(f"{patches}/codes{size}_lars.npy")
    b = np.load(f"{patches}/codes{size}_cd.npy")
    print(f"{size}x{size}: max |A_lars - A_cd| = {np.abs(a - b).max():.2e}")
PYEOF
