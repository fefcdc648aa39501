#!/usr/bin/env bash
# Write the MNIST variations of Larochelle et al. (2007) (docs/design.md section 4,
# docs/variations.md): data/mnist-rot, data/mnist-rand, data/mnist-img, each the four
# MNIST idx files (12,000 train, 50,000 test digits from the pooled 70,000) and
# manifest.json, so that `sfl-train --data data/mnist-rot` reads them like MNIST.
#
#   scripts/make_variations.sh [--seed N] [--montages DIR] [rot] [rand] [img]
#
# With no kind, all three. Steps: fetch MNIST if needed (scripts/fetch_mnist.sh), build
# sfl-variations if needed (Release, -j2), run it once per kind. Same seed (default 1),
# same bytes on any machine. --montages DIR also writes DIR/mnist-KIND.png (the first 16
# training digits; docs/variations/ holds the committed ones).
#
# Environment: SFL_DATA (default data), SFL_VARIATIONS_BUILD (default build/variations-gen),
#              SFL_BUILD_JOBS (default 2).
# Needs (Debian): libstb-dev (stb_image.h) to build, python3-skimage for the img
# backgrounds, plus what building sfl needs (cmake ninja-build g++ libxsimd-dev).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DATA=${SFL_DATA:-$ROOT/data}
BUILD=${SFL_VARIATIONS_BUILD:-$ROOT/build/variations-gen}
JOBS=${SFL_BUILD_JOBS:-2}
SKIMAGE=/usr/lib/python3/dist-packages/skimage/data

die() { echo "make_variations: $*" >&2; exit 1; }

SEED=1
MONTAGES=""
KINDS=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --seed) [[ $# -ge 2 ]] || die "--seed needs a value"; SEED=$2; shift 2 ;;
    --montages) [[ $# -ge 2 ]] || die "--montages needs a directory"; MONTAGES=$2; shift 2 ;;
    rot|rand|img) KINDS+=("$1"); shift ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (kinds: rot rand img; see --help)" ;;
  esac
done
[[ ${#KINDS[@]} -gt 0 ]] || KINDS=(rot rand img)

[[ -f /usr/include/stb/stb_image.h ]] || die "stb_image.h missing (Debian: apt-get install libstb-dev)"
for k in "${KINDS[@]}"; do
  if [[ $k == img && ! -f $SKIMAGE/camera.png ]]; then
    die "the img backgrounds need Debian's python3-skimage images in $SKIMAGE (apt-get install python3-skimage)"
  fi
done

bash "$ROOT/scripts/fetch_mnist.sh" "$DATA/mnist"

if [[ ! -f "$BUILD/CMakeCache.txt" ]]; then
  echo "make_variations: configuring $BUILD"
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSFL_BUILD_TESTS=OFF \
        -DSFL_BUILD_BENCH=OFF -DSFL_BUILD_APPS=ON -DSFL_BUILD_CPP=ON >/dev/null
fi
cmake --build "$BUILD" -j "$JOBS" --target sfl-variations >/dev/null || die "building sfl-variations failed"
PROG=$BUILD/apps/sfl-variations/sfl-variations
[[ -x "$PROG" ]] || die "$PROG not built (is libstb-dev installed? see $BUILD/CMakeCache.txt)"

[[ -z "$MONTAGES" ]] || mkdir -p "$MONTAGES"
for k in "${KINDS[@]}"; do
  args=(--kind "$k" --mnist "$DATA/mnist" --out "$DATA/mnist-$k" --seed "$SEED")
  [[ -z "$MONTAGES" ]] || args+=(--montage "$MONTAGES/mnist-$k.png")
  "$PROG" "${args[@]}"
done
for k in "${KINDS[@]}"; do
  printf '  %-14s %s\n' "mnist-$k" "$(du -sh "$DATA/mnist-$k" | cut -f1)"
done
