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
# Runs land in build/demo/runs/<net>-100 (result.json, model.sflc, checkpoint.sflc).
# Each step prints a line or two (sfl-train its progress); apt-get's, the MNIST fetch's and
# the build's output go to build/demo/apt.log, mnist.log, configure.log and build.log, and a
# failing step prints the end of its log.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${SFL_DEMO_BUILD:-$ROOT/build/demo}
DATA=${SFL_DATA:-$ROOT/data}
THREADS=${SFL_DEMO_THREADS:-$(nproc 2>/dev/null || echo 1)}
TRIALS=${SFL_DEMO_TRIALS:-2}
PY=/usr/bin/python3

# shellcheck source=scripts/demo_common.sh
source "$ROOT/scripts/demo_common.sh"

demo_packages                 # 1. packages
demo_mnist                    # 2. MNIST
demo_build sfl-train         # 3. build
TRAIN=$BUILD/apps/sfl-train/sfl-train

# ---- 4. train -------------------------------------------------------------------
step "train on 100 labelled digits ($TRIALS trials each, $THREADS threads)"
for net in lenet csf sf; do
  out=$BUILD/runs/$net-100
  rm -rf "$out" # every demo run trains afresh with the code just built
  # stderr: sfl-train's progress (on a terminal one line per trial); its table goes to
  # OUT/table.txt, the demo prints one table for the three nets below.
  mkdir -p "$out"
  "$TRAIN" --net "$net" --per-class 10 --trials "$TRIALS" --threads "$THREADS" --data "$DATA/mnist" --out "$out" \
    >"$out/table.txt"
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
