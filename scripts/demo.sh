#!/usr/bin/env bash
# The main job: the paper's limited-label experiment at 100 labelled MNIST digits.
#
#   bash scripts/demo.sh
#
# On a fresh Debian 12 machine this
#   1. installs the build packages with apt-get if any is missing (as root, or through sudo),
#   2. fetches and verifies MNIST (scripts/fetch_mnist.sh -> data/mnist),
#   3. builds sfl and sfl-train in Release for this machine (build/demo),
#   4. trains LeNet, the CSF net and the SF net on 100 labelled training digits (10 per
#      class, a seeded balanced draw per trial) with their default (tuned) hyperparameters,
#      and evaluates each on the 10,000 test digits,
#   5. prints the accuracy table (mean and std over the trials) beside the paper's gaps.
#
# Environment: SFL_DEMO_BUILD (default build/demo), SFL_DATA (default data),
#              SFL_DEMO_THREADS (default: all cores), SFL_DEMO_TRIALS (default 2),
#              SFL_DEMO_NO_APT=1 to skip the package check.
# Runs land in build/demo/runs/<net>-100 (result.json, model.sflc, checkpoint.sflc);
# a second run of the script reuses finished results.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${SFL_DEMO_BUILD:-$ROOT/build/demo}
DATA=${SFL_DATA:-$ROOT/data}
THREADS=${SFL_DEMO_THREADS:-$(nproc 2>/dev/null || echo 1)}
TRIALS=${SFL_DEMO_TRIALS:-2}
PY=/usr/bin/python3

step() { printf '\n== %s\n' "$*"; }

# ---- 1. packages --------------------------------------------------------------
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
# doctest-dev, libbenchmark-dev, pkg-config and python3-numpy are not needed by the demo
# itself but by the test command that follows it in the README (cmake --workflow --preset
# native-release).
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
echo "building sfl-train (log: $BUILD/build.log)"
cmake --build "$BUILD" --target sfl-train -j"$THREADS" >"$BUILD/build.log" 2>&1 ||
  { tail -n 50 "$BUILD/build.log"; exit 1; }
TRAIN=$BUILD/apps/sfl-train/sfl-train
[[ -x "$TRAIN" ]] || { echo "demo: sfl-train was not built" >&2; exit 1; }

# ---- 4. train -------------------------------------------------------------------
step "train on 100 labelled digits ($TRIALS trials each, $THREADS threads)"
for net in lenet csf sf; do
  out=$BUILD/runs/$net-100
  if [[ -f "$out/result.json" ]]; then echo "$net: already done ($out/result.json)"; continue; fi
  resume=()
  [[ -f "$out/checkpoint.sflc" ]] && resume=(--resume)
  "$TRAIN" --net "$net" --per-class 10 --trials "$TRIALS" --threads "$THREADS" --data "$DATA/mnist" \
           --out "$out" "${resume[@]}"
done

# ---- 5. table -------------------------------------------------------------------
step "results: test accuracy on the 10,000 MNIST test digits, 100 labelled training digits"
$PY - "$BUILD/runs" <<'PYEOF'
import json, sys
runs = sys.argv[1]
rows = {n: json.load(open(f"{runs}/{n}-100/result.json")) for n in ("lenet", "csf", "sf")}
base = rows["lenet"]["test_accuracy"]
paper_gap = {"lenet": "", "csf": "+4.23", "sf": "+7.39"}
print(f"{'net':<6} {'trials':>6} {'test acc %':>10} {'std':>6} {'vs LeNet':>9} {'paper vs LeNet':>15} {'s/epoch':>8}")
for n, r in rows.items():
    gap = "" if n == "lenet" else f"{r['test_accuracy'] - base:+.2f}"
    print(f"{n:<6} {r['trials']:>6} {r['test_accuracy']:>10.2f} {r['test_accuracy_std']:>6.2f} {gap:>9} "
          f"{paper_gap[n]:>15} {r['epoch_seconds']:>8.3f}")
PYEOF
