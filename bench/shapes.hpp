// The paper's problem shapes, in one place for every benchmark.
// Dictionaries P are m x K (atoms = columns); signals come in blocks of n rows.
#pragma once

#include <cstdint>

namespace sfl_bench {

struct DictShape {
    const char *name;
    int32_t m; // signal length (rows of P)
    int32_t K; // atoms (columns of P)
};

// CSF layer 1: 5x5x1 patches, K = 20; layer-3-sized dictionary; SF layer 5: 800 -> 500.
constexpr DictShape kDictShapes[] = {
    {"csf25x20", 25, 20},
    {"mid64x256", 64, 256},
    {"sf800x500", 800, 500},
};

// Signals encoded together as one GEMM (C = X P with X: kBlock x m).
constexpr int32_t kBlock = 64;

struct GemmShape {
    const char *name;
    int32_t M, N, Kd;
    bool trans_a; // true: C = A^T B (Gram)
};

// encode C = X P: M = kBlock, N = K, Kd = m; Gram G = P^T P: M = N = K, Kd = m;
// fc-sized 100 x 500 x 800 (conv/linear layers), and the 10-row pieces of training.
constexpr GemmShape kGemmShapes[] = {
    {"encode_25x20", kBlock, 20, 25, false},   {"encode_64x256", kBlock, 256, 64, false},
    {"encode_800x500", kBlock, 500, 800, false}, {"gram_25x20", 20, 20, 25, true},
    {"gram_64x256", 256, 256, 64, true},       {"gram_800x500", 500, 500, 800, true},
    {"fc_100x500x800", 100, 500, 800, false},
    // a training batch of 20 split over 2 threads: the LeNet fc forward and its dX = W dY^T
    {"fc_10x500x800", 10, 500, 800, false},   {"fc_dx_800x10x500", 800, 10, 500, false},
};

} // namespace sfl_bench
