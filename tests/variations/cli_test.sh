#!/usr/bin/env bash
# Command-line tests of sfl-variations on real MNIST, small counts (a few seconds).
#
#   cli_test.sh CASE MNIST_DIR PROGRAM...      (PROGRAM: sfl-variations, maybe behind an emulator)
#
# Exit 0 pass, 1 fail, 77 skipped (MNIST, or the skimage images for img, not present).
set -uo pipefail

CASE=$1
MNIST=$2
shift 2
PROG=("$@")
SKIMAGE=/usr/lib/python3/dist-packages/skimage/data

fail() { echo "FAIL ($CASE): $*" >&2; exit 1; }
need_mnist() {
  [[ -f "$MNIST/train-images-idx3-ubyte" ]] || { echo "SKIPPED: no MNIST in $MNIST (scripts/fetch_mnist.sh)"; exit 77; }
}
need_skimage() {
  [[ -f "$SKIMAGE/camera.png" ]] || { echo "SKIPPED: python3-skimage images not installed"; exit 77; }
}

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

gen() { # gen KIND SEED OUTDIR [more flags]
  local kind=$1 seed=$2 out=$3
  shift 3
  "${PROG[@]}" --kind "$kind" --mnist "$MNIST" --out "$out" --seed "$seed" --train 100 --test 200 --quiet "$@" \
    || fail "sfl-variations --kind $kind --seed $seed exited $?"
}

files="train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte manifest.json"

determinism() { # same seed: identical bytes; other seed: other images
  local kind=$1
  gen "$kind" 1 "$TMP/a"
  gen "$kind" 1 "$TMP/b"
  gen "$kind" 2 "$TMP/c"
  for f in $files; do
    cmp -s "$TMP/a/$f" "$TMP/b/$f" || fail "$f differs between two runs with seed 1"
  done
  cmp -s "$TMP/a/train-images-idx3-ubyte" "$TMP/c/train-images-idx3-ubyte" && fail "seeds 1 and 2 gave the same images"
  # Sizes: 16-byte header + 100 (train) or 200 (test) 28x28 images, 8-byte header + labels.
  [[ $(stat -c %s "$TMP/a/train-images-idx3-ubyte") -eq $((16 + 100 * 784)) ]] || fail "train images size"
  [[ $(stat -c %s "$TMP/a/t10k-images-idx3-ubyte") -eq $((16 + 200 * 784)) ]] || fail "test images size"
  [[ $(stat -c %s "$TMP/a/train-labels-idx1-ubyte") -eq 108 ]] || fail "train labels size"
  [[ $(stat -c %s "$TMP/a/t10k-labels-idx1-ubyte") -eq 208 ]] || fail "test labels size"
  # Re-running over existing files replaces them with the same bytes and leaves no .part file.
  gen "$kind" 1 "$TMP/a"
  cmp -s "$TMP/a/t10k-images-idx3-ubyte" "$TMP/b/t10k-images-idx3-ubyte" || fail "rewrite changed the bytes"
  ls "$TMP/a" | grep -q '\.part$' && fail ".part file left behind"
  return 0
}

expect_error() { # expect_error STATUS WHAT-IN-MESSAGE ARGS...: exit STATUS (1 error, 2 usage),
                 # one line "sfl-variations: error: ..." with the message, no output directory
  local want_rc=$1 want=$2
  shift 2
  local err
  err=$("${PROG[@]}" "$@" 2>&1 >/dev/null)
  local rc=$?
  [[ $rc -eq $want_rc ]] || fail "exit $rc (want $want_rc) for: $*"
  [[ "$err" == "sfl-variations: error: "* && "$err" != *$'\n'* ]] || fail "not one 'error:' line: '$err' for: $*"
  [[ "$err" == *"$want"* ]] || fail "message '$err' lacks '$want' for: $*"
  [[ ! -e "$TMP/out" ]] || fail "output written despite the error for: $*"
}

case $CASE in
  help)
    out=$("${PROG[@]}" --help) || fail "--help exited non-zero"
    [[ "$out" == *"--kind"* && "$out" == *"--min-std"* && "$out" == *"2 usage error"* ]] || fail "--help text incomplete"
    ;;
  bad_input)
    need_mnist
    expect_error 2 "--kind must be" --kind spin --mnist "$MNIST" --out "$TMP/out"
    expect_error 2 "--kind is required" --mnist "$MNIST" --out "$TMP/out"
    expect_error 2 "--mnist DIR is required" --kind rot --out "$TMP/out"
    expect_error 2 "--out DIR is required" --kind rot --mnist "$MNIST"
    expect_error 1 "exceed the 70000" --kind rot --mnist "$MNIST" --out "$TMP/out" --train 60000 --test 10001
    expect_error 2 "--train must be in" --kind rot --mnist "$MNIST" --out "$TMP/out" --train 0
    expect_error 2 "--seed must be in" --kind rot --mnist "$MNIST" --out "$TMP/out" --seed -1
    expect_error 2 "--min-std must be in" --kind img --mnist "$MNIST" --out "$TMP/out" --min-std 0.9
    expect_error 2 "unknown option" --kind rot --mnist "$MNIST" --out "$TMP/out" --angle 3
    expect_error 2 "--montage needs a value" --kind rot --mnist "$MNIST" --out "$TMP/out" --montage
    expect_error 1 "train-images-idx3-ubyte" --kind rot --mnist "$TMP" --out "$TMP/out"
    expect_error 1 "nothere.png" --kind img --mnist "$MNIST" --out "$TMP/out" --images "$TMP" --image-names nothere.png
    ;;
  determinism_rot) need_mnist; determinism rot ;;
  determinism_rand) need_mnist; determinism rand ;;
  determinism_img) need_mnist; need_skimage; determinism img ;;
  kinds_share_digits) # one seed draws the same digits for every kind: same labels files
    need_mnist
    gen rot 5 "$TMP/rot"
    gen rand 5 "$TMP/rand"
    cmp -s "$TMP/rot/train-labels-idx1-ubyte" "$TMP/rand/train-labels-idx1-ubyte" || fail "train labels differ"
    cmp -s "$TMP/rot/t10k-labels-idx1-ubyte" "$TMP/rand/t10k-labels-idx1-ubyte" || fail "test labels differ"
    a=$(grep -o '"fnv1a64_le32": "[0-9a-f]*"' "$TMP/rot/manifest.json")
    b=$(grep -o '"fnv1a64_le32": "[0-9a-f]*"' "$TMP/rand/manifest.json")
    [[ -n "$a" && "$a" == "$b" ]] || fail "source indices differ: $a vs $b"
    ;;
  *) fail "unknown case" ;;
esac
echo "PASS ($CASE)"
