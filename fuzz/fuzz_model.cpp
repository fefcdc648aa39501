// libFuzzer target: the model-blob loader (sfl_model_load) and, on a blob it
// accepts, sfl_model_build_plans + sfl_model_forward on one all-0.5 input.
//
// Each input is tried twice: as given (the framing: magic, version, sizes,
// CRCs) and with both CRCs recomputed, so that mutations reach the content
// checks and the forward pass instead of stopping at the CRC.
//
// Properties (a violation aborts):
//  - load returns one of its documented statuses and leaves *model untouched on error;
//  - a loaded model passes sfl_model_check (with stored plans: or says which plan does
//    not match its weight), and writing it gives a blob that loads;
//  - forward returns a status; every error (negative) leaves Y untouched;
//    SFL_ERR_NOT_FINITE only where the numbers may leave float range
//    (bound_activations below); when it writes Y (SFL_OK and the warnings,
//    SFL_WARN_ROWS_FAILED included), Y is finite unless the numbers may leave
//    float range.
// To keep one input within milliseconds, solver iterations are capped at
// kMaxIter and inputs whose forward would exceed kMaxBytes or kMaxFlops are
// only loaded.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include <sfl/sfl.h>

#include "fuzz_util.hpp"

namespace {

constexpr size_t kMaxBytes = size_t(64) << 20; // plans, workspace, activations
constexpr double kMaxFlops = 2e7;
constexpr int32_t kMaxIter = 64;
// Activations whose bound stays below this cannot overflow float (FLT_MAX ~ 3.4e38).
constexpr double kSafeBound = 1e30;

bool load_status_ok(sfl_status st) {
    switch (st) {
    case SFL_OK:
    case SFL_ERR_MODEL_TRUNCATED:
    case SFL_ERR_MODEL_MAGIC:
    case SFL_ERR_MODEL_ENDIAN:
    case SFL_ERR_MODEL_VERSION:
    case SFL_ERR_MODEL_CRC:
    case SFL_ERR_MODEL_INVALID: return true;
    default: return false;
    }
}

int64_t floats_of(const sfl_dims4 &d) { return int64_t(d.h) * d.w * d.c; }

bool is_factor(int32_t kind) { return kind == SFL_MODEL_CSF || kind == SFL_MODEL_SF; }

// Signal length of a csf/sf layer's solves.
int64_t factor_m(const sfl_model_layer &L) {
    return L.kind == SFL_MODEL_CSF ? int64_t(L.geom.kernel.h) * L.geom.kernel.w * L.in.c : floats_of(L.in);
}

int32_t effective_iter(const sfl_model_layer &L) {
    if (L.enet.max_iter > 0) return L.enet.max_iter;
    return L.enet.solver == SFL_ENET_LARS ? 4 * L.out.c + 16 : 10000;
}

// Rough operation count of one forward sample (iterations already capped).
double forward_flops(const sfl_model &m) {
    double f = 0.0;
    for (int32_t i = 0; i < m.n_layers; ++i) {
        const sfl_model_layer &L = m.layers[i];
        const double out = double(floats_of(L.out)), in = double(floats_of(L.in));
        switch (L.kind) {
        case SFL_MODEL_CONV2D: f += out * double(L.geom.kernel.h) * L.geom.kernel.w * L.in.c; break;
        case SFL_MODEL_LINEAR: f += in * out; break;
        case SFL_MODEL_CSF:
        case SFL_MODEL_SF: {
            const double K = L.out.c, rows = out / K, mm = double(factor_m(L));
            f += rows * (mm * K + double(effective_iter(L) + 1) * K * K * 2.0) + mm * K; // + the plan check
            break;
        }
        case SFL_MODEL_MAXPOOL2D: f += out * double(L.geom.kernel.h) * L.geom.kernel.w; break;
        default: f += in; break;
        }
    }
    return f;
}

// An upper bound of max |y| over one forward pass from max |x| = x_bound, or
// infinity when some number may leave float range: conv2d/linear: x_bound *
// (largest column l1 norm of W) + max |b|; relu and maxpool keep it; a csf/sf
// code a (any solver iterate: its objective is at most that of a = 0,
// 1/2 ||x||^2) has ||a||_2 <= ||x|| / sqrt(l2) and ||a||_1 <= ||x||^2 / (2 l1),
// its correlations |c_j| <= ||P_j||_1 x_bound, and the solvers' residuals
// |r_j| <= |c_j| + max|G| ||a||_1 with |G_jk| <= ||P_j|| ||P_k|| + l2; l2norm:
// |y_j| <= scale whatever the input (rows below eps are scaled by scale / eps).
// Only valid when every plan is P^T P + l2 I, i.e. built by sfl_model_build_plans.
double bound_activations(const sfl_model &m, double x_bound) {
    double B = x_bound;
    for (int32_t i = 0; i < m.n_layers; ++i) {
        const sfl_model_layer &L = m.layers[i];
        if (L.kind == SFL_MODEL_CONV2D || L.kind == SFL_MODEL_LINEAR) {
            const int64_t rows = L.kind == SFL_MODEL_CONV2D
                                     ? int64_t(L.geom.kernel.h) * L.geom.kernel.w * L.in.c
                                     : floats_of(L.in);
            const int32_t cols = L.out.c;
            double worst = 0.0;
            for (int32_t o = 0; o < cols; ++o) {
                double s = 0.0;
                for (int64_t r = 0; r < rows; ++r) s += std::fabs(double(L.weight[r * cols + o]));
                s = B * s + (L.bias ? std::fabs(double(L.bias[o])) : 0.0);
                worst = s > worst ? s : worst;
            }
            B = worst;
        } else if (is_factor(L.kind)) {
            const int64_t m_rows = factor_m(L);
            const int32_t K = L.out.c;
            double col_l1 = 0.0, col_l2sq = 0.0;
            for (int32_t k = 0; k < K; ++k) {
                double s1 = 0.0, s2 = 0.0;
                for (int64_t r = 0; r < m_rows; ++r) {
                    const double v = L.weight[r * K + k];
                    s1 += std::fabs(v);
                    s2 += v * v;
                }
                col_l1 = std::fmax(col_l1, s1);
                col_l2sq = std::fmax(col_l2sq, s2);
            }
            const double x2 = B * B * double(m_rows);
            double a2 = INFINITY, a1 = INFINITY; // bounds of ||a||_2 and ||a||_1
            if (L.enet.l2 > 0.0f) {
                a2 = std::sqrt(x2 / double(L.enet.l2));
                a1 = a2 * std::sqrt(double(K));
            }
            if (L.enet.l1 > 0.0f) a1 = std::fmin(a1, x2 / (2.0 * double(L.enet.l1)));
            const double c = col_l1 * B, g = col_l2sq + double(L.enet.l2);
            if (!(c + g * a1 < kSafeBound)) return INFINITY;
            B = std::fmin(a2, a1);
        } else if (L.kind == SFL_MODEL_L2NORM) {
            B = double(L.norm.scale) * (1.0 + 1e-6); // float rounding of (scale / r) x
        }
        if (!(B < kSafeBound)) return INFINITY;
    }
    return B;
}

// A blob accepted once is written again and must load again.
void check_rewrite(const sfl_model &m, bool with_plans) {
    size_t bytes = 0;
    SFL_FUZZ_REQUIRE(sfl_model_blob_size(&m, with_plans ? 1 : 0, &bytes) == SFL_OK);
    sfl_test::AlignedBuffer again(bytes);
    size_t written = 0;
    SFL_FUZZ_REQUIRE(sfl_model_write(&m, with_plans ? 1 : 0, again.data(), bytes, &written) == SFL_OK);
    SFL_FUZZ_REQUIRE(written == bytes);
    sfl_model back;
    SFL_FUZZ_REQUIRE(sfl_model_load(again.data(), bytes, &back) == SFL_OK);
    SFL_FUZZ_REQUIRE(back.n_layers == m.n_layers);
}

void run_forward(sfl_model m) {
    bool stored_plans = false;
    for (int32_t i = 0; i < m.n_layers; ++i) stored_plans = stored_plans || m.layers[i].plan != nullptr;
    for (int32_t i = 0; i < m.n_layers; ++i) {
        sfl_model_layer &L = m.layers[i];
        if (is_factor(L.kind) && effective_iter(L) > kMaxIter) L.enet.max_iter = kMaxIter;
    }
    if (forward_flops(m) > kMaxFlops) return;

    size_t plan_bytes = 0;
    SFL_FUZZ_REQUIRE(sfl_model_plans_size(&m, &plan_bytes) == SFL_OK);
    if (plan_bytes > kMaxBytes) return;
    sfl_test::AlignedBuffer plans(plan_bytes);
    const sfl_status pst = sfl_model_build_plans(&m, plans.data(), plan_bytes);
    // A finite dictionary can still have a zero column or a P^T P that overflows float.
    if (pst != SFL_OK) {
        SFL_FUZZ_REQUIRE(pst == SFL_ERR_ZERO_ATOM || pst == SFL_ERR_NOT_FINITE);
        return;
    }
    // A stored plan that does not match its weight: sfl_model_check says so (load_and_run);
    // the forward does not check it again, and must stay memory safe with such a plan too
    // (its outputs are then unbounded: bound below).

    size_t ws_bytes = 0;
    SFL_FUZZ_REQUIRE(sfl_model_forward_workspace_size(&m, 1, &ws_bytes) == SFL_OK);
    const int64_t n_in = floats_of(m.in), n_out = floats_of(m.out);
    if (ws_bytes > kMaxBytes || uint64_t(n_in + n_out) * 4 > kMaxBytes) return;
    sfl_test::AlignedBuffer ws_mem(ws_bytes);
    const sfl_workspace ws = {ws_mem.data(), ws_bytes};
    const std::vector<float> X(size_t(n_in), 0.5f);
    const float kSentinel = -1234.5f;
    std::vector<float> Y(size_t(n_out), kSentinel);

    const sfl_status st = sfl_model_forward(&ws, &m, 1, X.data(), Y.data());
    const double bound = stored_plans ? INFINITY : bound_activations(m, 0.5);
    if (st >= 0) {
        SFL_FUZZ_REQUIRE(st == SFL_OK || st == SFL_WARN_NOT_CONVERGED || st == SFL_WARN_ROWS_FAILED);
        if (bound < kSafeBound) SFL_FUZZ_REQUIRE(sfl_fuzz::all_finite(Y.data(), Y.size()));
        return;
    }
    // Every error leaves Y untouched.
    for (float y : Y) SFL_FUZZ_REQUIRE(std::memcmp(&y, &kSentinel, 4) == 0);
    // NOT_FINITE: the input of a csf/sf layer left float range in a layer below.
    if (st == SFL_ERR_NOT_FINITE) {
        SFL_FUZZ_REQUIRE(!(bound < kSafeBound));
        return;
    }
    // No other error: the model's shapes and parameters passed sfl_model_check.
    SFL_FUZZ_REQUIRE(false);
}

void load_and_run(const uint8_t *data, size_t size) {
    sfl_test::AlignedBuffer blob(size);
    if (size) std::memcpy(blob.data(), data, size);
    sfl_model m, before;
    std::memset(&m, 0xA5, sizeof m);
    std::memcpy(&before, &m, sizeof m);
    const sfl_status st = sfl_model_load(blob.data(), size, &m);
    SFL_FUZZ_REQUIRE(load_status_ok(st));
    if (st != SFL_OK) {
        SFL_FUZZ_REQUIRE(std::memcmp(&m, &before, sizeof m) == 0);
        return;
    }
    bool with_plans = false;
    for (int32_t i = 0; i < m.n_layers; ++i) with_plans = with_plans || m.layers[i].plan != nullptr;
    // A loaded model passes sfl_model_check, but for a stored plan that does not match its
    // weight (the loader checks a plan's shape and values, not against the weight).
    const sfl_status cst = sfl_model_check(&m);
    SFL_FUZZ_REQUIRE(cst == SFL_OK || (with_plans && (cst == SFL_ERR_BAD_PLAN || cst == SFL_ERR_ZERO_ATOM)));
    if (cst == SFL_OK) check_rewrite(m, with_plans);
    run_forward(m);
}

// The two CRC fields of the header (docs/model-format.md), recomputed.
void reseal(unsigned char *p, size_t size) {
    uint64_t total = 0;
    for (int i = 7; i >= 0; --i) total = (total << 8) | p[16 + i];
    auto put32 = [](unsigned char *q, uint32_t v) {
        for (int i = 0; i < 4; ++i) q[i] = static_cast<unsigned char>(v >> (8 * i));
    };
    if (total >= 64 && total <= size) put32(p + 28, sfl_crc32(0, p + 64, size_t(total) - 64));
    put32(p + 24, sfl_crc32(sfl_crc32(0, p, 24), p + 32, 32));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    load_and_run(data, size);
    if (size >= 64) {
        std::vector<uint8_t> sealed(data, data + size);
        reseal(sealed.data(), size);
        if (std::memcmp(sealed.data(), data, size) != 0) load_and_run(sealed.data(), size);
    }
    return 0;
}
