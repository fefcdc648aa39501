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
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${SFL_DEMO_BUILD:-$ROOT/build/demo}
DATA=${SFL_DATA:-$ROOT/data}
THREADS=${SFL_DEMO_THREADS:-$(nproc 2>/dev/null || echo 1)}
PY=/usr/bin/python3
L1=0.1
L2=0.01

step() { printf '\n== %s\n' "$*"; }

# ---- 1. packages --------------------------------------------------------------
# What the demo needs: each Debian package with a test that it is present; only
# the missing ones are installed.
need() {
  case $1 in
    cmake) command -v cmake >/dev/null ;;
    ninja-build) command -v ninja >/dev/null ;;
    g++) command -v g++ >/dev/null ;;
    pkg-config) command -v pkg-config >/dev/null ;;
    libxsimd-dev) [[ -f /usr/include/xsimd/xsimd.hpp ]] ;;
    doctest-dev) [[ -f /usr/include/doctest/doctest.h ]] ;;
    libbenchmark-dev) [[ -f /usr/include/benchmark/benchmark.h ]] ;;
    python3-numpy) $PY -c "import numpy" 2>/dev/null ;;
    npm) command -v npm >/dev/null ;;
    ca-certificates) [[ -d /etc/ssl/certs ]] ;;
  esac
}
# doctest-dev, libbenchmark-dev and pkg-config are not needed by the demo itself but by
# the test command that follows it in the README (cmake --workflow --preset native-release).
PACKAGES="cmake ninja-build g++ pkg-config libxsimd-dev doctest-dev libbenchmark-dev python3-numpy npm ca-certificates"
if [[ "${SFL_DEMO_NO_APT:-0}" != 1 ]]; then
  step "packages"
  missing=""
  for p in $PACKAGES; do need "$p" || missing="$missing $p"; done
  if [[ -z "$missing" ]]; then
    echo "all present: $PACKAGES"
  elif ! command -v apt-get >/dev/null; then
    echo "demo: not a Debian system; install by hand:$missing" >&2; exit 1
  else
    echo "installing:$missing"
    if [[ $(id -u) -eq 0 ]]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO=sudo; else
      echo "demo: need root or sudo to install:$missing" >&2; exit 1
    fi
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
  fi
fi

# ---- 2. MNIST -------------------------------------------------------------------
step "MNIST"
bash "$ROOT/scripts/fetch_mnist.sh" "$DATA/mnist"

# ---- 3. build -------------------------------------------------------------------
step "build ($BUILD)"
mkdir -p "$BUILD"
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSFL_NATIVE_ARCH=ON \
      -DSFL_BUILD_TESTS=OFF -DSFL_BUILD_BENCH=OFF -DSFL_BUILD_APPS=ON -DSFL_BUILD_CPP=ON >"$BUILD/configure.log" 2>&1 ||
  { cat "$BUILD/configure.log"; exit 1; }
echo "building sfl-encode (log: $BUILD/build.log)"
cmake --build "$BUILD" --target sfl-encode -j"$THREADS" >"$BUILD/build.log" 2>&1 ||
  { tail -n 50 "$BUILD/build.log"; exit 1; }
ENCODE=$(find "$BUILD" -name sfl-encode -type f -perm -u+x | head -n1)
[[ -x "$ENCODE" ]] || { echo "demo: sfl-encode was not built" >&2; exit 1; }

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
              --threads "$THREADS" --json >"$BUILD/run.json" || rc=$?
    if [[ $rc -eq 1 ]]; then echo "demo: sfl-encode failed" >&2; exit 1; fi
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
