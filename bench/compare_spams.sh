#!/usr/bin/env bash
# SPAMS and sfl-encode in the same run, on the same .npy files (issue 18, item 6).
#
#   bash bench/compare_spams.sh SPAMS_DIR [--problem 25x20|64x256|800x500|all] [--reps R]
#        [--signals N] [--encode PATH] [--spams-dtype float32|float64] [--spams-L wrapper|K]
#        [--l1 L1] [--l2 L2]
#
#   SPAMS_DIR     an extracted spams-python tree (github.com/getspams/spams-python; the
#                 headers under SPAMS_DIR/spams_wrap). SPAMS is never copied into sfl.
#   --problem     default all: the three problems of docs/benchmarks.md
#                 25x20   fresh 5x5 MNIST training patches (pixels/255, 10 % blank as in
#                         the fixtures) over tests/data/enet/mnist5_P.npy (20 unit-norm
#                         MNIST patches); default 500,000 signals
#                 64x256  fresh 8x8 MNIST patches (10 % blank) over mnist8_P.npy (256
#                         unit-norm Gaussian atoms); default 4,000 signals
#                 800x500 unit-norm Gaussian signals over 500 unit-norm Gaussian atoms
#                         (numpy default_rng(800500), as bench/compare_sklearn.py); 30,000
#                 (sizes chosen so that one sfl run takes >= 0.5 s on the 2-vCPU bench VM)
#   --reps R      timed runs per side, alternating sfl, SPAMS (default 3); medians shown
#   --signals N   override the problem's signal count
#   --encode PATH sfl-encode to run (default $SFL_ENCODE, else
#                 build/native-release/apps/sfl-encode/sfl-encode)
#   --spams-dtype what SPAMS computes in (default float32: the same float32 files as sfl;
#                 float64: the float32 values widened exactly, SPAMS then runs in double)
#   --spams-L     wrapper (default): L = min(m, K), what spams.lasso does; SPAMS then stops
#                 when L atoms are active, so on 64x256 a code whose optimal support exceeds
#                 m = 64 is cut short (a higher objective). K: L = K, the path runs on to
#                 lambda1 (lasso2 called directly, since _lassoD clamps L to m). 25x20 and
#                 800x500 have K < m, so L = K there either way.
#   --l1, --l2    default 0.1 and 0.01 (both sides get the float32 values)
# Environment: SPAMS_BUILD_DIR (where the driver is built; default a temporary dir),
#   WORK_DIR (inputs and codes; default a temporary dir, removed at exit), PYTHON
#   (default /usr/bin/python3, needs numpy), CPU (core both sides are pinned to with
#   taskset; default 0, empty: no pinning).
#
# What runs. bench/spams_lasso_driver.cpp is built with g++ -O3 -march=native
# -std=c++11 (SPAMS uses dynamic exception specifications, gone in C++17) -DNDEBUG
# -DUSE_BLAS_LIB -fopenmp (the flags of SPAMS's setup.py), linked with Debian's OpenMP
# OpenBLAS (which also provides the LAPACK routines SPAMS declares). It calls what
# spams.lasso(X, D=D, lambda1=l1, lambda2=l2, numThreads=1) calls: _lassoD -> lasso2
# (LARS, matrix-inversion lemma, L = min(m, K)), which minimises
#   0.5 ||x - D a||^2 + lambda1 ||a||_1 + 0.5 lambda2 ||a||^2   (decomp.h, coreLARS2,
# mode PENALTY), the same as docs/design.md eq. (1). sfl: sfl-encode --solver lars
# --threads 1. One thread each (OMP_NUM_THREADS = OPENBLAS_NUM_THREADS = 1).
#
# Timing, the same kind on both sides: the encode only, in-process steady_clock,
# one timed encode per process, file I/O excluded, and the Gram matrix excluded: sfl's
# signals_per_second (its JSON) times sfl_enet_encode (C = X P, the solves and the
# per-signal objective/KKT diagnostics) after its plan G = P^T P + l2 I is built; the
# driver builds SPAMS's G = D^T D + l2 I before its clock, then times lasso2 (D^T x,
# LARS, the sparse output). Also shown: SPAMS's whole _lassoD call (Gram included), as
# the Python wrapper makes it; it runs first in the driver's process. Each run prints
# how many CPUs were busy machine-wide meanwhile (~1.0: nothing else ran).
# Accuracy: the objective of both codes per signal in float64 (from the float32 data
# and the float32 l1, l2), worst relative difference, and the mean support sizes.
# Needs: g++, libopenblas-openmp-dev, python3-numpy, MNIST idx files in data/mnist
# (scripts/fetch_mnist.sh). Nothing is installed by this script.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
die() { echo "compare_spams: error: $*" >&2; exit 1; }

[[ $# -ge 1 && $1 != -* ]] || die "usage: bash bench/compare_spams.sh SPAMS_DIR [--problem 25x20|64x256|800x500|all] [--reps R] [--signals N] [--encode PATH] [--spams-dtype float32|float64] [--spams-L wrapper|K] [--l1 L1] [--l2 L2]"
SPAMS_DIR=$1; shift
PROBLEM=all REPS=3 SIGNALS='' SPAMS_DTYPE=float32 SPAMS_L=wrapper L1=0.1 L2=0.01
ENCODE=${SFL_ENCODE:-$ROOT/build/native-release/apps/sfl-encode/sfl-encode}
while [[ $# -gt 0 ]]; do
  [[ $# -ge 2 ]] || die "missing value after $1"
  case $1 in
    --problem) PROBLEM=$2 ;; --reps) REPS=$2 ;; --signals) SIGNALS=$2 ;;
    --encode) ENCODE=$2 ;; --spams-dtype) SPAMS_DTYPE=$2 ;; --spams-L) SPAMS_L=$2 ;; --l1) L1=$2 ;; --l2) L2=$2 ;;
    *) die "unknown option $1" ;;
  esac
  shift 2
done
case $PROBLEM in all) PROBLEMS="25x20 64x256 800x500" ;; 25x20|64x256|800x500) PROBLEMS=$PROBLEM ;;
  *) die "--problem: 25x20, 64x256, 800x500 or all" ;; esac
[[ $REPS =~ ^[1-9][0-9]*$ ]] || die "--reps: a positive integer"
[[ -z $SIGNALS || $SIGNALS =~ ^[1-9][0-9]*$ ]] || die "--signals: a positive integer"
[[ $SPAMS_DTYPE == float32 || $SPAMS_DTYPE == float64 ]] || die "--spams-dtype: float32 or float64"
[[ $SPAMS_L == wrapper || $SPAMS_L == K ]] || die "--spams-L: wrapper or K"

# --- checks: SPAMS tree, tools, libraries (what to install if missing) ---
[[ -d $SPAMS_DIR ]] || die "SPAMS_DIR '$SPAMS_DIR' is not a directory (extract github.com/getspams/spams-python there)"
SPAMS_DIR=$(cd "$SPAMS_DIR" && pwd)
S=$SPAMS_DIR/spams_wrap
if ! { [[ -f $S/spams.h && -f $S/decomp/decomp.h && -f $S/linalg/linalg.h ]] &&
       grep -q "_lassoD" "$S/spams.h" && grep -q "void lasso2" "$S/decomp/decomp.h"; }; then
  die "$SPAMS_DIR is not a spams-python source tree (no spams_wrap/spams.h with _lassoD, spams_wrap/decomp/decomp.h with lasso2)"
fi
command -v g++ >/dev/null || die "g++ not found (apt-get install g++)"
PY=${PYTHON:-/usr/bin/python3}
"$PY" -c "import numpy" 2>/dev/null || die "$PY cannot import numpy (apt-get install python3-numpy, or set PYTHON)"
BLASDIR=/usr/lib/$(g++ -print-multiarch)/openblas-openmp
[[ -e $BLASDIR/libopenblas.so ]] \
  || die "no $BLASDIR/libopenblas.so (apt-get install --no-install-recommends libopenblas-openmp-dev)"
[[ -x $ENCODE ]] || die "sfl-encode '$ENCODE' is not executable (build it, or pass --encode PATH / set SFL_ENCODE)"
ENCODE=$(cd "$(dirname "$ENCODE")" && pwd)/$(basename "$ENCODE")
MNIST=$ROOT/data/mnist/train-images-idx3-ubyte
[[ $PROBLEMS == 800x500 || -f $MNIST ]] || die "no $MNIST (bash scripts/fetch_mnist.sh data/mnist)"
PIN=()
CPU=${CPU-0}
if [[ -n $CPU ]]; then command -v taskset >/dev/null || die "taskset not found (apt-get install util-linux, or CPU=)"; PIN=(taskset -c "$CPU"); fi
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

TMP=$(mktemp -d /tmp/compare-spams.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
BUILD=${SPAMS_BUILD_DIR:-$TMP/build}
WORK=${WORK_DIR:-$TMP/work}
mkdir -p "$BUILD" "$WORK"

# --- build the driver ---
DRIVER=$BUILD/spams_lasso_driver
g++ -O3 -march=native -std=c++11 -DNDEBUG -DUSE_BLAS_LIB -fopenmp \
    -isystem "$S" -isystem "$S/linalg" -isystem "$S/decomp" -isystem "$S/prox" -isystem "$S/dictLearn" \
    "$ROOT/bench/spams_lasso_driver.cpp" -o "$DRIVER" -L"$BLASDIR" -Wl,-rpath,"$BLASDIR" -lopenblas \
  || die "building the SPAMS driver failed"

# --- python helper: make problems, medians, accuracy ---
cat >"$TMP/helper.py" <<'EOF'
import json, os, sys
import numpy as np

def unit(M, axis):
    M = np.asarray(M, dtype=np.float64)
    return M / np.linalg.norm(M, axis=axis, keepdims=True)

def patches(root, p, n, seed):
    """n random p x p MNIST training patches (pixels/255), n // 10 of them blank."""
    sys.path.insert(0, os.path.join(root, "scripts"))
    from idx_io import IMAGES, read_idx
    img = read_idx(os.path.join(root, "data", "mnist", "train-images-idx3-ubyte"), IMAGES)
    rng = np.random.default_rng(seed)
    full, blank, nb = [], [], n // 10
    b = min(4 * n, 100000)  # draws per batch
    while sum(map(len, full)) < n - nb or sum(map(len, blank)) < nb:
        i = rng.integers(0, img.shape[0], b)
        r = rng.integers(0, img.shape[1] - p + 1, b)
        c = rng.integers(0, img.shape[2] - p + 1, b)
        X = img[i[:, None, None], r[:, None, None] + np.arange(p)[None, :, None],
                c[:, None, None] + np.arange(p)[None, None, :]].reshape(b, p * p)
        empty = X.max(axis=1) == 0
        full.append(X[~empty]); blank.append(X[empty])
    X = np.concatenate([np.concatenate(full)[:n - nb], np.concatenate(blank)[:nb]])
    return X[rng.permutation(n)].astype(np.float32) / np.float32(255)

def make(root, problem, n, out, dtype):
    if problem == "800x500":
        rng = np.random.default_rng(800500)
        P = unit(rng.standard_normal((800, 500)), 0)
        X = unit(rng.standard_normal((n, 800)), 1)
        note = "unit-norm Gaussian signals and atoms, seed 800500"
    else:
        p, name = (5, "mnist5") if problem == "25x20" else (8, "mnist8")
        P = np.load(os.path.join(root, "tests", "data", "enet", name + "_P.npy"))
        X = patches(root, p, n, 18000 + p)
        note = f"fresh {p}x{p} MNIST patches (10 % blank, seed {18000 + p}) over tests/data/enet/{name}_P.npy"
    P, X = (np.ascontiguousarray(a, dtype=np.float32) for a in (P, X))
    np.save(f"{out}/P.npy", P); np.save(f"{out}/X.npy", X)
    # SPAMS's copies: the same float32 values, widened exactly when it runs in float64.
    np.save(f"{out}/P_spams.npy", P.astype(dtype)); np.save(f"{out}/X_spams.npy", X.astype(dtype))
    print(note)

def objectives(P, X, A, l1, l2):
    R = X - A @ P.T
    return 0.5 * np.einsum("ij,ij->i", R, R) + l1 * np.abs(A).sum(1) + 0.5 * l2 * np.einsum("ij,ij->i", A, A)

def accuracy(out, l1, l2):
    P, X = (np.load(f"{out}/{f}.npy").astype(np.float64) for f in ("P", "X"))
    A = {s: np.load(f"{out}/A_{s}.npy") for s in ("sfl", "spams")}
    for s, a in A.items():
        if a.shape != (X.shape[0], P.shape[1]) or not np.all(np.isfinite(a)):
            sys.exit(f"compare_spams: error: {s} codes are {a.dtype} {a.shape} or not finite")
    f = {s: objectives(P, X, a.astype(np.float64), l1, l2) for s, a in A.items()}
    d = f["sfl"] - f["spams"]
    den = np.maximum(np.abs(f["sfl"]), np.abs(f["spams"]))
    rel = np.divide(d, den, out=np.zeros_like(d), where=den > 0)
    sup = {s: np.count_nonzero(a, axis=1) for s, a in A.items()}
    acc = {"worst_rel": float(np.abs(rel).max()), "rel_min": float(rel.min()),
                      "rel_max": float(rel.max()), "over_1e-4": int(np.count_nonzero(np.abs(rel) > 1e-4)),
                      "support_sfl": float(sup["sfl"].mean()), "support_spams": float(sup["spams"].mean()),
                      "support_differs": int(np.count_nonzero(sup["sfl"] != sup["spams"])),
                      "obj_sfl": float(f["sfl"].mean()), "obj_spams": float(f["spams"].mean()),
                      "codes_spams_dtype": str(A["spams"].dtype)}
    json.dump(acc, open(f"{out}/accuracy.json", "w"))
    print(f"objective sfl - SPAMS relative in [{acc['rel_min']:.3g}, {acc['rel_max']:.3g}] (> 0: sfl higher), "
          f"worst |.| {acc['worst_rel']:.3g}, {acc['over_1e-4']} signals > 1e-4; mean objective sfl "
          f"{acc['obj_sfl']:.9g}, SPAMS {acc['obj_spams']:.9g}; mean support sfl {acc['support_sfl']:.4f}, "
          f"SPAMS {acc['support_spams']:.4f} ({acc['support_differs']} signals differ)")

def row(prob, n, spams, sfl, call, accfile):
    a = json.load(open(accfile))
    print(f"| {prob} | {n} | {spams:.4g} | {sfl:.4g} | {sfl / spams:.3g}x | {call:.4g} | "
          f"{a['worst_rel']:.2g} ({a['over_1e-4']} > 1e-4) | {a['support_sfl']:.3f} / {a['support_spams']:.3f} |")

cmd = sys.argv[1]
if cmd == "make":
    make(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], np.dtype(sys.argv[6]))
elif cmd == "f32":  # the float32 value of a decimal, as a round-trippable double
    print(repr(float(np.float32(float(sys.argv[2])))))
elif cmd == "accuracy":
    accuracy(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]))
elif cmd == "row":
    row(sys.argv[2], int(sys.argv[3]), *map(float, sys.argv[4:7]), sys.argv[7])
elif cmd == "key":  # key of a one-line JSON file
    print(json.load(open(sys.argv[2]))[sys.argv[3]])
elif cmd == "median":
    print(float(np.median([float(v) for v in sys.argv[2:]])))
EOF
py() { "$PY" "$TMP/helper.py" "$@"; }
# CPUs busy machine-wide (from /proc/stat) while a command runs: ~1.0 is the command
# alone; more means other work shared the machine (contention, shown per run).
NCPU=$(getconf _NPROCESSORS_ONLN)
jiffies() { local _c u n s i w q sq st; read -r _c u n s i w q sq st _ </proc/stat; echo "$((u + n + s + q + sq + st)) $((u + n + s + i + w + q + sq + st))"; }
busy() { awk -v a="$1" -v b="$2" -v n="$NCPU" 'BEGIN { split(a, x, " "); split(b, y, " "); printf "%.2f", n * (y[1] - x[1]) / (y[2] - x[2] + 1e-9) }'; }

L1F=$(py f32 "$L1"); L2F=$(py f32 "$L2")
echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $NCPU CPUs; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "SPAMS: $SPAMS_DIR (version $(cat "$SPAMS_DIR/version" 2>/dev/null || echo ?)), driver built with g++ $(g++ -dumpfullversion) against $BLASDIR"
echo "sfl-encode: $ENCODE"
echo "l1 = $L1, l2 = $L2 (float32 values on both sides); one thread each${CPU:+, both pinned to CPU $CPU}; SPAMS computes in $SPAMS_DTYPE with L = $([[ $SPAMS_L == K ]] && echo K || echo "min(m, K) (the wrapper's)"), sfl in float32 data / double path"
echo "rates: encode only, in-process clock, file I/O and the Gram matrix (plan) excluded on both sides; medians of $REPS runs per side, alternating"
echo

TABLE=()
for prob in $PROBLEMS; do
  case $prob in 25x20) n=500000 ;; 64x256) n=4000 ;; 800x500) n=30000 ;; esac
  n=${SIGNALS:-$n}
  LARG=(); [[ $SPAMS_L == K ]] && LARG=(--L "${prob#*x}")
  D=$WORK/$prob; mkdir -p "$D"
  echo "== $prob: $n signals; $(py make "$ROOT" "$prob" "$n" "$D" "$SPAMS_DTYPE")"
  sfl_rates=() spams_rates=() call_rates=()
  for ((r = 1; r <= REPS; ++r)); do
    j0=$(jiffies)
    "${PIN[@]}" "$ENCODE" --dict "$D/P.npy" --input "$D/X.npy" --output "$D/A_sfl.npy" --l1 "$L1" --l2 "$L2" \
        --solver lars --threads 1 --json "$D/sfl.json" >/dev/null || die "sfl-encode failed on $prob"
    j1=$(jiffies)
    "${PIN[@]}" "$DRIVER" --dict "$D/P_spams.npy" --input "$D/X_spams.npy" --output "$D/A_spams.npy" \
        --l1 "$L1F" --l2 "$L2F" --reps 1 "${LARG[@]}" >"$D/spams.json" || die "SPAMS driver failed on $prob"
    j2=$(jiffies)
    sfl_rates+=("$(py key "$D/sfl.json" signals_per_second)")
    spams_rates+=("$(py key "$D/spams.json" solve_signals_per_second)")
    call_rates+=("$(py key "$D/spams.json" call_signals_per_second)")
    printf '  run %d: sfl %.4g signals/s, SPAMS %.4g (whole call %.4g); CPUs busy during sfl %s, SPAMS %s\n' \
        "$r" "${sfl_rates[-1]}" "${spams_rates[-1]}" "${call_rates[-1]}" "$(busy "$j0" "$j1")" "$(busy "$j1" "$j2")"
  done
  sfl=$(py median "${sfl_rates[@]}"); spams=$(py median "${spams_rates[@]}"); call=$(py median "${call_rates[@]}")
  echo "  SPAMS: L = $(py key "$D/spams.json" L) ($(py key "$D/spams.json" L_from)), computed in $(py key "$D/spams.json" dtype)"
  echo "  load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "  medians: sfl $sfl, SPAMS $spams (whole call $call) signals/s"
  echo "  accuracy: $(py accuracy "$D" "$L1F" "$L2F")"
  TABLE+=("$(py row "$prob" "$n" "$spams" "$sfl" "$call" "$D/accuracy.json")")
done

echo
echo "| problem | signals | SPAMS signals/s | sfl signals/s | sfl / SPAMS | SPAMS whole call (Gram incl.) | worst rel. objective diff | mean support sfl / SPAMS |"
echo "|---|---|---|---|---|---|---|---|"
printf '%s\n' "${TABLE[@]}"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
