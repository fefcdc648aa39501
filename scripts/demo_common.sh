# demo_common.sh - shared steps of the demos (sourced by demo.sh and encode_demo.sh):
# the package check/install, MNIST, and a Release build of one program.
# Expects ROOT, BUILD, DATA, THREADS and PY to be set by the caller.

step() { printf '\n== %s\n' "$*"; }

# Each Debian package the demos (and the README's test command after them) need,
# with a test that it is present.
demo_need() {
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

# Install the missing ones with apt-get (as root, or through sudo); SFL_DEMO_NO_APT=1 skips.
# doctest-dev, libbenchmark-dev and pkg-config serve the test command that follows the
# demo in the README (cmake --workflow --preset native-release), not the demo itself.
demo_packages() {
  local packages="cmake ninja-build g++ pkg-config libxsimd-dev doctest-dev libbenchmark-dev python3-numpy npm ca-certificates"
  local missing="" p sudo
  [[ "${SFL_DEMO_NO_APT:-0}" == 1 ]] && return 0
  step "packages"
  for p in $packages; do demo_need "$p" || missing="$missing $p"; done
  if [[ -z "$missing" ]]; then
    echo "all present: $packages"
    return 0
  fi
  command -v apt-get >/dev/null || { echo "demo: not a Debian system; install by hand:$missing" >&2; exit 1; }
  echo "installing:$missing"
  if [[ $(id -u) -eq 0 ]]; then sudo=""; elif command -v sudo >/dev/null; then sudo=sudo; else
    echo "demo: need root or sudo to install:$missing" >&2; exit 1
  fi
  $sudo apt-get update -qq
  # shellcheck disable=SC2086
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
}

demo_mnist() {
  step "MNIST"
  bash "$ROOT/scripts/fetch_mnist.sh" "$DATA/mnist"
}

# demo_build TARGET...: configure build/demo (Release, -march=native, no tests) and build
# the targets (programs of apps/ are checked to exist afterwards).
demo_build() {
  local t
  step "build ($BUILD)"
  mkdir -p "$BUILD"
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSFL_NATIVE_ARCH=ON \
        -DSFL_BUILD_TESTS=OFF -DSFL_BUILD_BENCH=OFF -DSFL_BUILD_APPS=ON -DSFL_BUILD_CPP=ON >"$BUILD/configure.log" 2>&1 ||
    { cat "$BUILD/configure.log"; exit 1; }
  echo "building $* (log: $BUILD/build.log)"
  cmake --build "$BUILD" --target "$@" -j"$THREADS" >"$BUILD/build.log" 2>&1 ||
    { tail -n 50 "$BUILD/build.log"; exit 1; }
  for t in "$@"; do
    [[ ! -d "$ROOT/apps/$t" || -x "$BUILD/apps/$t/$t" ]] || { echo "demo: $t was not built" >&2; exit 1; }
  done
}
