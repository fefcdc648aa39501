#!/usr/bin/env bash
# Install a built sfl into a scratch prefix and build + run a C consumer
# against it twice: with find_package(sfl CONFIG) and with pkg-config; then, with
# PYTHON3 set, import the installed Python package from the install tree (and from a
# moved copy of it) and run cases of tests/python/test_sfl_python.py against it.
#
#   tests/install/run.sh BUILD_DIR [WORK_DIR]
#
# WORK_DIR defaults to BUILD_DIR/install-test. CC, CFLAGS and LDFLAGS from the
# environment are used for both consumer builds (the sanitizer presets pass
# their flags this way so the consumers link against an instrumented libsfl.a).
set -euo pipefail

BUILD=$(cd "${1:?usage: run.sh BUILD_DIR [WORK_DIR]}" && pwd)
WORK=${2:-$BUILD/install-test}
HERE=$(cd "$(dirname "$0")/consumer" && pwd)
PYTHON3=${PYTHON3:-}
CC=${CC:-cc}
CMAKE=${CMAKE:-cmake}
CFLAGS=${CFLAGS:-}
LDFLAGS=${LDFLAGS:-}

rm -rf "$WORK"
mkdir -p "$WORK"
PREFIX=$WORK/prefix
"$CMAKE" --install "$BUILD" --prefix "$PREFIX" >"$WORK/install.log" 2>&1 || { cat "$WORK/install.log"; exit 1; }

LIBDIR=$(dirname "$(find "$PREFIX" -name libsfl.a -print -quit)")
[[ -f "$LIBDIR/libsfl.a" ]] || { echo "libsfl.a not installed"; exit 1; }
for h in "$HERE"/../../../include/sfl/*.h sfl_version.h; do
  h=$(basename "$h")
  [[ -f "$PREFIX/include/sfl/$h" ]] || { echo "include/sfl/$h not installed"; exit 1; }
done
[[ -f "$LIBDIR/pkgconfig/sfl.pc" ]] || { echo "sfl.pc not installed"; exit 1; }

echo "== find_package(sfl CONFIG)"
"$CMAKE" -S "$HERE" -B "$WORK/cmake" -DCMAKE_PREFIX_PATH="$PREFIX" -DCMAKE_C_COMPILER="$CC" \
      -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_EXE_LINKER_FLAGS="$LDFLAGS" >"$WORK/cmake.log" 2>&1 ||
  { cat "$WORK/cmake.log"; exit 1; }
"$CMAKE" --build "$WORK/cmake" >>"$WORK/cmake.log" 2>&1 || { cat "$WORK/cmake.log"; exit 1; }
"$WORK/cmake/consumer_shared"
"$WORK/cmake/consumer_static"

# The Python package from the install tree: found by its path, with no SFL_LIBRARY, so
# it must load the libsfl installed beside it (its generated _install.py).
python_part() {
  local prefix=$1 pkg
  pkg=$(find "$prefix" -path '*/sfl/_install.py' -print -quit)
  [[ -n "$pkg" ]] || { echo "python package (sfl/_install.py) not installed under $prefix"; return 1; }
  pkg=$(dirname "$(dirname "$pkg")")
  env -u SFL_LIBRARY PYTHONPATH="$pkg" "$PYTHON3" -c "
import sfl, sys
path = sfl.library_path()
print('sfl', sfl.version(), 'from', path)
sys.exit(0 if path.startswith('$prefix/') else 'library %r is not the one in $prefix' % path)"
  local rc=0
  for case in library threads_bitwise info_consistent; do
    env -u SFL_LIBRARY SFL_TEST_PACKAGE_DIR="$pkg" "$PYTHON3" "$HERE/../../python/test_sfl_python.py" \
        --case "$case" -- true || rc=$?
    [[ $rc == 0 ]] || { [[ $rc == 77 ]] && echo "python part skipped (no numpy)" && return 0; return 1; }
  done
}

if [[ -n "$PYTHON3" ]]; then
  echo "== python"
  python_part "$PREFIX"
  # Moved: the package finds the library by its path relative to the package.
  mv "$PREFIX" "$WORK/moved"
  python_part "$WORK/moved"
  mv "$WORK/moved" "$PREFIX"
else
  echo "== python: skipped (PYTHON3 not set)"
fi

echo "== pkg-config"
if ! command -v pkg-config >/dev/null; then
  echo "pkg-config not found: pkg-config part skipped (Debian: apt-get install pkg-config)"
  echo "install test: OK (find_package only)"
  exit 0
fi
export PKG_CONFIG_PATH="$LIBDIR/pkgconfig"
PC_CFLAGS=$(pkg-config --cflags sfl)
PC_LIBS=$(pkg-config --libs sfl)
PC_STATIC=$(pkg-config --static --libs-only-l sfl | sed 's/-lsfl//')
PC_LIBDIR=$(pkg-config --variable=libdir sfl)
# shellcheck disable=SC2086
$CC -std=c99 -Wall -Wextra -Werror $CFLAGS $PC_CFLAGS "$HERE/consumer.c" -o "$WORK/pc_shared" \
    $LDFLAGS $PC_LIBS -Wl,-rpath,"$PC_LIBDIR"
# shellcheck disable=SC2086
$CC -std=c99 -Wall -Wextra -Werror $CFLAGS $PC_CFLAGS "$HERE/consumer.c" -o "$WORK/pc_static" \
    $LDFLAGS "$PC_LIBDIR/libsfl.a" $PC_STATIC
"$WORK/pc_shared"
"$WORK/pc_static"
if command -v ldd >/dev/null && ldd "$WORK/pc_static" | grep -q libsfl; then
  echo "pc_static is linked to the shared libsfl"; exit 1
fi
echo "install test: OK"
