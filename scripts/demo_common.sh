# demo_common.sh - shared steps of the demos (sourced by demo.sh and encode_demo.sh):
# the package check/install, MNIST, and a Release build of one program.
# Expects ROOT, BUILD, DATA, THREADS and PY to be set by the caller.
# Each step prints a line or two; the tools' own output goes to a log in $BUILD
# (apt.log, mnist.log, configure.log, build.log), shown only when a step fails.

step() { printf '\n== %s\n' "$*"; }

# demo_logged LOG COMMAND...: run COMMAND with its stdout and stderr appended to LOG. If it
# fails, print the end of LOG and what failed, and stop the demo (exit 1): the failure is
# caught here, so set -e alone would stop the demo without saying why.
demo_logged() {
  local log=$1 rc=0
  shift
  "$@" >>"$log" 2>&1 || rc=$?
  if [[ $rc -ne 0 ]]; then
    tail -n 40 "$log" >&2
    echo "demo: failed (exit $rc): $*" >&2
    echo "demo: full output in $log" >&2
    exit 1
  fi
}

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
  local missing="" p sudo log
  [[ "${SFL_DEMO_NO_APT:-0}" == 1 ]] && return 0
  step "packages"
  for p in $packages; do demo_need "$p" || missing="$missing $p"; done
  if [[ -z "$missing" ]]; then
    echo "all present: $packages"
    return 0
  fi
  command -v apt-get >/dev/null || { echo "demo: not a Debian system; install by hand:$missing" >&2; exit 1; }
  if [[ $(id -u) -eq 0 ]]; then sudo=""; elif command -v sudo >/dev/null; then sudo=sudo; else
    echo "demo: need root or sudo to install:$missing" >&2; exit 1
  fi
  mkdir -p "$BUILD"
  log=$BUILD/apt.log
  : >"$log"
  echo "installing with apt-get:$missing (log: $log)"
  # (sudo asks for a password on the terminal itself, not on the redirected output.)
  # shellcheck disable=SC2086
  demo_logged "$log" $sudo apt-get update -qq
  # shellcheck disable=SC2086
  demo_logged "$log" $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
  echo "installed:$missing"
}

# fetch_mnist.sh's last line says whether the files were there or downloaded, and where.
demo_mnist() {
  local log=$BUILD/mnist.log
  step "MNIST"
  mkdir -p "$BUILD"
  : >"$log"
  demo_logged "$log" bash "$ROOT/scripts/fetch_mnist.sh" "$DATA/mnist"
  tail -n 1 "$log"
}

# demo_build TARGET...: configure build/demo (Release, -march=native, no tests) and build
# the targets (programs of apps/ are checked to exist afterwards).
demo_build() {
  local t
  step "build ($BUILD)"
  mkdir -p "$BUILD"
  : >"$BUILD/configure.log"
  : >"$BUILD/build.log"
  demo_logged "$BUILD/configure.log" cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DSFL_NATIVE_ARCH=ON -DSFL_BUILD_TESTS=OFF -DSFL_BUILD_BENCH=OFF -DSFL_BUILD_APPS=ON -DSFL_BUILD_CPP=ON
  echo "building $* (log: $BUILD/build.log)"
  demo_logged "$BUILD/build.log" cmake --build "$BUILD" --target "$@" -j"$THREADS"
  for t in "$@"; do
    [[ ! -d "$ROOT/apps/$t" || -x "$BUILD/apps/$t/$t" ]] || { echo "demo: $t was not built" >&2; exit 1; }
  done
}
