#!/usr/bin/env bash
# CMSIS-NN's convolution and sfl's layers of the same shape on the emulated Cortex-M boards,
# measured in the same run (issue 20, item 4; docs/embedded.md "Cost per image on the device").
#
#   bash bench/compare_cmsis_nn.sh CMSIS_NN_DIR [--count N] [--boards m4,m7] [--jobs J]
#
#   CMSIS_NN_DIR  a CMSIS-NN source tree (github.com/ARM-software/CMSIS-NN, Apache-2.0: its
#                 Include/ and Source/), e.g. a clone or a `git archive` of one. CMSIS-NN is
#                 never copied into sfl: the board build compiles it from this directory.
#   --count N     MNIST test images measured (default 10: the first 10, as board.cost)
#   --boards      default m4,m7: cortex-m4-mps2-gcc-release (Cortex-M4F, qemu mps2-an386)
#                 and cortex-m7-mps2-gcc-release (Cortex-M7, mps2-an500)
#   --jobs J      build jobs (default 2)
# Environment: BUILD_ROOT (default build/ of this tree; the build directories are
#   BUILD_ROOT/cmsis-nn-m4 and BUILD_ROOT/cmsis-nn-m7, made or reused), SFL_BOARD_DEMO_DIR
#   (default build/firmware-demo: apps/firmware-demo/run.sh's sfl_demo_model.h and
#   predictions.txt), SFL_BOARD_MNIST_DIR (default data/mnist), CMSIS_NN_COMMIT (the commit
#   to print when CMSIS_NN_DIR is not a git work tree, e.g. after `git archive`).
#
# What runs. Each preset is configured with -DSFL_CMSIS_NN_DIR=CMSIS_NN_DIR into its own
# build directory and built whole; apps/board-mps2/CMakeLists.txt then compiles CMSIS-NN's
# Source/**/*.c (not the float16 files; ARM_NN_ENABLE_F32=1) into a static library with the
# board's flags (-mcpu=cortex-m4 -mfpu=fpv4-sp-d16 or -mcpu=cortex-m7 -mfpu=fpv5-d16,
# -mfloat-abi=hard -mthumb -fno-short-enums) and CMSIS-NN's recommended -Ofast (its CMake's
# default; SFL_CMSIS_NN_OPT); sfl is its Release build (-O3, scalar). GCC defines
# __ARM_FEATURE_DSP for both CPUs, so CMSIS-NN takes its DSP-extension path (ARM_MATH_DSP:
# SMLAD on int16 pairs); neither has MVE (Helium). The test board.cmsis_nn_cost
# (apps/board-mps2/cmsis_nn_cost.c) runs under qemu-system-arm and, for each image, times
# one 28x28x1 -> 24x24x20 layer (5x5, stride 1, no padding; the exported demo model's CSF
# dictionary as the 20 filters):
#   CMSIS-NN arm_convolve_wrapper_s8   int8, per-channel requantization (the reference)
#   CMSIS-NN arm_convolve_wrapper_f32  float
#   sfl_conv2d_forward                 sfl's float convolution
#   sfl_csf_forward, LARS and CD       sfl's CSF layer: an elastic-net solve per patch
# and checks the f32 convolution against sfl's (max abs difference) and the s8 output
# against its requantization recomputed on the device (at most 1 step).
#
# The numbers are emulated instructions, not cycles: qemu -icount shift=0 gives every
# instruction 1 ns of virtual time, SysTick counts at 25 MHz, so one tick is 40 instructions
# (board.selftest checks it). Deterministic; no pipeline, cache, wait states or multi-cycle
# instructions are modelled. The ratio is to CMSIS-NN s8 on the same board. A convolution is
# one dot product per output; the CSF layer solves a sparse-coding problem per patch, so its
# ratio is the price of the sparse code, not a like-for-like speed comparison.
# Needs: gcc-arm-none-eabi, libnewlib-arm-none-eabi, qemu-system-arm, cmake, ninja, the
# demo model (bash apps/firmware-demo/run.sh) and MNIST (scripts/fetch_mnist.sh). Nothing is
# installed by this script. Only one qemu runs at a time.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
die() { echo "compare_cmsis_nn: error: $*" >&2; exit 1; }

[[ $# -ge 1 && $1 != -* ]] || die "usage: bash bench/compare_cmsis_nn.sh CMSIS_NN_DIR [--count N] [--boards m4,m7] [--jobs J]"
CMSIS_NN_DIR=$1; shift
COUNT=10 BOARDS=m4,m7 JOBS=2
while [[ $# -gt 0 ]]; do
  [[ $# -ge 2 ]] || die "missing value after $1"
  case $1 in
    --count) COUNT=$2 ;; --boards) BOARDS=$2 ;; --jobs) JOBS=$2 ;;
    *) die "unknown option $1" ;;
  esac
  shift 2
done
[[ $COUNT =~ ^[1-9][0-9]*$ ]] || die "--count: a positive integer"
[[ $JOBS =~ ^[1-9][0-9]*$ ]] || die "--jobs: a positive integer"

# --- checks: CMSIS-NN tree, demo model, MNIST, tools ---
[[ -d $CMSIS_NN_DIR ]] || die "CMSIS_NN_DIR '$CMSIS_NN_DIR' is not a directory (clone github.com/ARM-software/CMSIS-NN there)"
CMSIS_NN_DIR=$(cd "$CMSIS_NN_DIR" && pwd)
[[ -f $CMSIS_NN_DIR/Include/arm_nnfunctions.h && -f $CMSIS_NN_DIR/Source/ConvolutionFunctions/arm_convolve_wrapper_s8.c ]] \
  || die "$CMSIS_NN_DIR is not a CMSIS-NN source tree (no Include/arm_nnfunctions.h, Source/ConvolutionFunctions/arm_convolve_wrapper_s8.c)"
grep -q "arm_convolve_wrapper_f32" "$CMSIS_NN_DIR/Include/arm_nnfunctions_flt.h" 2>/dev/null \
  || die "$CMSIS_NN_DIR has no arm_convolve_wrapper_f32 (Include/arm_nnfunctions_flt.h): a CMSIS-NN with float32 operators is needed"
COMMIT=
if [[ $(git -C "$CMSIS_NN_DIR" rev-parse --show-toplevel 2>/dev/null) == "$CMSIS_NN_DIR" ]]; then
  COMMIT=$(git -C "$CMSIS_NN_DIR" log -1 --format='%H (%cs)')
fi
COMMIT=${COMMIT:-${CMSIS_NN_COMMIT:-unknown (not a git work tree; set CMSIS_NN_COMMIT)}}
DEMO=${SFL_BOARD_DEMO_DIR:-$ROOT/build/firmware-demo}
MNIST=${SFL_BOARD_MNIST_DIR:-$ROOT/data/mnist}
[[ -f $DEMO/sfl_demo_model.h && -f $DEMO/predictions.txt ]] \
  || die "no $DEMO/sfl_demo_model.h + predictions.txt (bash apps/firmware-demo/run.sh, or set SFL_BOARD_DEMO_DIR)"
[[ -f $MNIST/t10k-images-idx3-ubyte ]] || die "no $MNIST/t10k-images-idx3-ubyte (bash scripts/fetch_mnist.sh data/mnist)"
for t in cmake ctest ninja arm-none-eabi-gcc qemu-system-arm; do
  command -v $t >/dev/null || die "$t not found (docs/embedded.md: Packages)"
done
BUILD_ROOT=${BUILD_ROOT:-$ROOT/build}

declare -A PRESET=([m4]=cortex-m4-mps2-gcc-release [m7]=cortex-m7-mps2-gcc-release)
declare -A NAME=([m4]="M4F (mps2-an386)" [m7]="M7 (mps2-an500)")
IFS=, read -r -a LIST <<<"$BOARDS"
for b in "${LIST[@]}"; do [[ -n ${PRESET[$b]:-} ]] || die "--boards: m4 and/or m7, not '$b'"; done

echo "CMSIS-NN: $CMSIS_NN_DIR, commit $COMMIT"
echo "sfl: $(git -C "$ROOT" log -1 --format='%h (%cs)' 2>/dev/null || echo 'not a git work tree')"
declare -A LOG
for b in "${LIST[@]}"; do
  dir=$BUILD_ROOT/cmsis-nn-$b
  echo "== ${NAME[$b]}: ${PRESET[$b]} in $dir"
  (cd "$ROOT" && cmake --preset "${PRESET[$b]}" -B "$dir" -DSFL_CMSIS_NN_DIR="$CMSIS_NN_DIR" \
     -DSFL_BOARD_DEMO_DIR="$DEMO" -DSFL_BOARD_MNIST_DIR="$MNIST" -DSFL_BOARD_COST_COUNT="$COUNT" >"$dir.configure.log" 2>&1) \
    || { cat "$dir.configure.log" >&2; die "configuring ${PRESET[$b]} failed"; }
  cmake --build "$dir" -j "$JOBS" >"$dir.build.log" 2>&1 \
    || { tail -40 "$dir.build.log" >&2; die "building ${PRESET[$b]} failed (log: $dir.build.log)"; }
  LOG[$b]=$dir/cmsis_nn_cost.log
  ctest --test-dir "$dir" -R '^board[.]cmsis_nn_cost$' -V --no-tests=error 2>&1 | tee "${LOG[$b]}" || true
  grep -q "tests passed, 0 tests failed" "${LOG[$b]}" || die "board.cmsis_nn_cost failed on ${NAME[$b]} (log: ${LOG[$b]})"
done

# --- the tables: each board's lines, then measure x board ---
commas() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }
measures() { sed -n 's/^[0-9]*: //; /instructions\/image/p' "$1"; }
echo
for b in "${LIST[@]}"; do
  echo "${NAME[$b]}, over the first $COUNT MNIST test images:"
  sed -n 's/^[0-9]*: //; /^CMSIS-NN code path\|^CMSIS-NN scratch\|instructions\/image\|^check /p' "${LOG[$b]}"
  echo
done
header="| measure |" rule="|---|"
for b in "${LIST[@]}"; do header+=" ${NAME[$b]} | ratio |"; rule+="---:|---:|"; done
echo "$header"; echo "$rule"
first=${LIST[0]}
n=$(measures "${LOG[$first]}" | wc -l)
for ((i = 1; i <= n; i++)); do
  line=$(measures "${LOG[$first]}" | sed -n "${i}p")
  row="| $(echo "${line%% :*}" | sed 's/ *$//') |"
  for b in "${LIST[@]}"; do
    f=$(measures "${LOG[$b]}" | sed -n "${i}p")
    insns=$(echo "$f" | awk -F' : ' '{print $2}' | awk '{print $1}' | commas)
    ratio=$(echo "$f" | awk -F' : ' '{print $3}' | awk '{print $1}')
    row+=" $insns | ${ratio}x |"
  done
  echo "$row"
done
