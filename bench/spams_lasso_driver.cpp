// spams_lasso_driver: SPAMS's default `lasso` (what spams.lasso(X, D=D, lambda1=l1,
// lambda2=l2) runs) on .npy files, for bench/compare_spams.sh. Built by that script
// against a SPAMS source tree (never copied into sfl) and OpenBLAS; see its header.
//
//   spams_lasso_driver --dict P.npy --input X.npy --output A.npy --l1 L1 --l2 L2 [--reps R] [--L N]
//
// P: m x K (atoms are columns), X: N x m, both C order, both float32 or both float64;
// SPAMS computes in that type (T). A: N x K codes in the same type. Prints one JSON
// line on stdout.
//
// The Python call chain is spams.lasso -> spams_wrap.lassoD -> _lassoD<T> (spams.h),
// which, with the defaults (L = -1, mode PENALTY, pos/ols/cholesky false), sets
// L = min(m, K) and calls lasso2 (decomp.h: LARS with the matrix-inversion lemma):
//   lasso2(X, D): G = D^T D + max(l2, 1e-10) I (precomputed, ProdMatrix high-memory
//   since N > 10), DtX = D^T X column by column, then coreLARS2 per signal in PENALTY
//   mode, stopping when the top correlation reaches lambda1: the minimiser of
//       0.5 ||x - D a||^2 + lambda1 ||a||_1 + 0.5 lambda2 ||a||^2,
//   i.e. docs/design.md eq. (1) with l1 = lambda1, l2 = lambda2.
// L caps the active set: coreLARS2 stops when L atoms are active, before lambda1 is
// reached, so with L = m < K a code whose optimal support exceeds m is cut short.
// --L N overrides it (--L K: the path runs on to lambda1); _lassoD would clamp N to m, so
// then the driver calls lasso2(X, D, ...) itself (what _lassoD calls, the same arguments).
// Two timings (std::chrono::steady_clock, best of R; the call runs first in each rep):
//   solve: lasso2(X, G, DtX, ...) with G built before the clock starts, as sfl-encode
//          builds its plan (G = P^T P + l2 I) before its clock: the comparable rate;
//   call:  the whole _lassoD<T> call as the wrapper makes it (G included; with --L the
//          lasso2(X, D, ...) call).
// Not timed (neither is it in sfl-encode): .npy I/O, transposing P into SPAMS's
// column-major D. X (N x m, C order) already is SPAMS's column-major m x N: no copy.
#include <spams.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

[[noreturn]] void die(const std::string &msg) {
    std::fprintf(stderr, "spams_lasso_driver: error: %s\n", msg.c_str());
    std::exit(1);
}

// --- minimal .npy (versions 1-3, little-endian '<f4' / '<f8', C order, 2-D) ---
struct Npy {
    int itemsize = 0; // 4 or 8
    int64_t rows = 0, cols = 0;
    std::vector<char> data;
};

Npy read_npy(const std::string &path) {
    FILE *f = std::fopen(path.c_str(), "rb");
    if (!f) die("cannot open " + path);
    unsigned char pre[10];
    if (std::fread(pre, 1, 8, f) != 8 || std::memcmp(pre, "\x93NUMPY", 6) != 0) die(path + ": not a .npy file");
    const int major = pre[6];
    const size_t lenbytes = major == 1 ? 2 : 4;
    unsigned char lb[4] = {0, 0, 0, 0};
    if (std::fread(lb, 1, lenbytes, f) != lenbytes) die(path + ": truncated header");
    const size_t hlen = size_t(lb[0]) | size_t(lb[1]) << 8 | size_t(lb[2]) << 16 | size_t(lb[3]) << 24;
    std::string h(hlen, '\0');
    if (std::fread(&h[0], 1, hlen, f) != hlen) die(path + ": truncated header");
    Npy a;
    if (h.find("'<f4'") != std::string::npos) a.itemsize = 4;
    else if (h.find("'<f8'") != std::string::npos) a.itemsize = 8;
    else die(path + ": need dtype float32 or float64 (little-endian), header " + h);
    if (h.find("'fortran_order': False") == std::string::npos) die(path + ": need C order");
    const size_t s = h.find("'shape': (");
    if (s == std::string::npos || std::sscanf(h.c_str() + s + 10, "%lld, %lld)", (long long *)&a.rows,
                                              (long long *)&a.cols) != 2)
        die(path + ": need a 2-D array, header " + h);
    const size_t bytes = size_t(a.rows) * size_t(a.cols) * size_t(a.itemsize);
    a.data.resize(bytes);
    if (std::fread(a.data.data(), 1, bytes, f) != bytes) die(path + ": truncated data");
    std::fclose(f);
    return a;
}

void write_npy(const std::string &path, const void *data, int itemsize, int64_t rows, int64_t cols) {
    std::string h = std::string("{'descr': '") + (itemsize == 4 ? "<f4" : "<f8") +
                    "', 'fortran_order': False, 'shape': (" + std::to_string(rows) + ", " + std::to_string(cols) +
                    "), }";
    while ((10 + h.size() + 1) % 64 != 0) h += ' '; // version 1.0: pad to 64 bytes, end with '\n'
    h += '\n';
    FILE *f = std::fopen(path.c_str(), "wb");
    if (!f) die("cannot write " + path);
    const unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)(h.size() & 0xff),
                                   (unsigned char)(h.size() >> 8)};
    const size_t bytes = size_t(rows) * size_t(cols) * size_t(itemsize);
    if (std::fwrite(pre, 1, 10, f) != 10 || std::fwrite(h.data(), 1, h.size(), f) != h.size() ||
        std::fwrite(data, 1, bytes, f) != bytes || std::fclose(f) != 0)
        die("write failed: " + path);
}

double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

template <typename T>
void run(const Npy &Pn, const Npy &Xn, const std::string &out, double l1d, double l2d, int reps, int forceL) {
    const int m = int(Pn.rows), K = int(Pn.cols), N = int(Xn.rows);
    const T *P = reinterpret_cast<const T *>(Pn.data.data());
    // D: m x K column-major (SPAMS's layout; the wrapper wants np.asfortranarray(P)).
    std::vector<T> Dbuf(size_t(m) * K);
    for (int i = 0; i < m; ++i)
        for (int k = 0; k < K; ++k) Dbuf[size_t(k) * m + i] = P[size_t(i) * K + k];
    Matrix<T> D(Dbuf.data(), m, K);
    // X: N x m row-major == m x N column-major, SPAMS's signals-as-columns layout.
    Matrix<T> X(reinterpret_cast<T *>(const_cast<char *>(Xn.data.data())), m, N);
    const T l1 = T(l1d), l2 = T(l2d);
    // L as _lassoD sets it from the wrapper's default L = -1 (lambda1 > 0 here).
    int L = K;
    if (L > m && !(isZero(l1) && l2 > 0)) L = m;
    if (forceL > 0) L = std::min(forceL, K);

    double best_solve = 1e300, best_call = 1e300;
    SpMatrix<T> *alpha = nullptr;
    for (int r = 0; r < reps; ++r) {
        // (1) call: what spams_wrap.lassoD runs (its defaults, numThreads = 1). It runs
        // first, so that (2) finds a warm heap, as sfl-encode allocates and zeroes its
        // output before its clock.
        delete alpha;
        Matrix<T> *path = nullptr;
        double t0 = now_s();
        if (forceL > 0) {
            alpha = new SpMatrix<T>();
            lasso2(X, D, *alpha, L, l1, l2, PENALTY, false, 1, path, 4 * L);
        } else {
            alpha = _lassoD<T>(&X, &D, &path, false, -1, l1, l2, PENALTY, false, false, 1, -1, false, false);
        }
        best_call = std::min(best_call, now_s() - t0);
        delete path;
        // (2) solve: the body of lasso2(X, D, ...) with G built outside the clock.
        ProdMatrix<T> G(D, N > 10 && K < 50000);
        G.addDiag(MAX(l2, T(1e-10)));
        SpMatrix<T> sp;
        t0 = now_s();
        ProdMatrix<T> DtX(D, X, false);
        lasso2(X, G, DtX, sp, L, l1, PENALTY, false, 1, (Matrix<T> *)nullptr, 4 * L);
        best_solve = std::min(best_solve, now_s() - t0);
    }
    // Codes: alpha is K x N compressed sparse column, one column per signal.
    std::vector<T> A(size_t(N) * K, T(0));
    size_t nnz = 0;
    for (int i = 0; i < N; ++i)
        for (INTM p = alpha->pB(i); p < alpha->pE()[i]; ++p, ++nnz) A[size_t(i) * K + alpha->r(p)] = alpha->v(p);
    delete alpha;
    write_npy(out, A.data(), int(sizeof(T)), N, K);
    std::printf("{\"signals\": %d, \"m\": %d, \"K\": %d, \"L\": %d, \"L_from\": \"%s\", \"dtype\": \"%s\", \"reps\": %d, "
                "\"solve_seconds\": %.9g, \"solve_signals_per_second\": %.9g, "
                "\"call_seconds\": %.9g, \"call_signals_per_second\": %.9g, \"mean_support\": %.6g}\n",
                N, m, K, L, forceL > 0 ? "--L" : "wrapper default", sizeof(T) == 4 ? "float32" : "float64", reps,
                best_solve, N / best_solve, best_call, N / best_call, double(nnz) / N);
}

} // namespace

int main(int argc, char **argv) {
    std::string dict, input, output;
    double l1 = -1, l2 = -1;
    int reps = 1, forceL = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (i + 1 >= argc) die("missing value after " + a);
        const char *v = argv[++i];
        if (a == "--dict") dict = v;
        else if (a == "--input") input = v;
        else if (a == "--output") output = v;
        else if (a == "--l1") l1 = std::atof(v);
        else if (a == "--l2") l2 = std::atof(v);
        else if (a == "--reps") reps = std::atoi(v);
        else if (a == "--L") forceL = std::atoi(v);
        else die("unknown option " + a);
    }
    if (dict.empty() || input.empty() || output.empty() || !(l1 > 0) || !(l2 >= 0) || reps < 1)
        die("usage: spams_lasso_driver --dict P.npy --input X.npy --output A.npy --l1 L1>0 --l2 L2>=0 [--reps R] [--L N]");
    const Npy P = read_npy(dict), X = read_npy(input);
    if (P.itemsize != X.itemsize) die("P and X must have the same dtype");
    if (X.cols != P.rows) die("X has " + std::to_string(X.cols) + " columns, P has " + std::to_string(P.rows) + " rows");
    if (P.itemsize == 4) run<float>(P, X, output, l1, l2, reps, forceL);
    else run<double>(P, X, output, l1, l2, reps, forceL);
    return 0;
}
