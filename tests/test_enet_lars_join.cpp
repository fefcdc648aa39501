// The LARS join search (lib/kernels/enet/lars_join.hpp): the SIMD search gives the serial
// loop's atom and step exactly, on random correlations with ties, exact zeros, NaNs, the
// atom last dropped in and out of the SIMD part, active atoms, both signs and both bounds.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "kernels/enet/lars_join.hpp"

using sfl::enet::JoinSearch;

TEST_CASE("next_join == the serial join loop: the same atom and the same step, bit for bit") {
    std::mt19937 rng(23);
    std::uniform_real_distribution<double> u01(0.0, 1.0);
    int64_t cases = 0, events = 0;
    for (int32_t K = 1; K <= 41; ++K) {
        for (int32_t rep = 0; rep < 60; ++rep) {
            CAPTURE(K);
            CAPTURE(rep);
            const size_t n = static_cast<size_t>(K);
            std::vector<double> r(n), u(n);
            std::vector<int32_t> pos(n);
            const double lambda = 0.5 + u01(rng);
            for (int32_t j = 0; j < K; ++j) {
                const double pick = u01(rng);
                // Coarse values make ties between atoms common; a few land exactly on lambda.
                const double coarse = std::round(16.0 * (2.0 * u01(rng) - 1.0) * lambda) / 16.0;
                r[size_t(j)] = pick < 0.1 ? lambda : pick < 0.15 ? -lambda : coarse;
                u[size_t(j)] = std::round(8.0 * (4.0 * u01(rng) - 2.0)) / 8.0;
                pos[size_t(j)] = u01(rng) < 0.2 ? int32_t(u01(rng) * 4) : (u01(rng) < 0.05 ? -2 : -1);
            }
            if (rep % 7 == 3) r[size_t(rep % K)] = std::nan("");
            if (rep % 11 == 5) u[size_t((rep * 3) % K)] = std::nan("");
            JoinSearch q{r.data(), u.data(), pos.data(), K, lambda, rep % 2 == 1, -1, 0.0};
            if (rep % 3 != 0) {
                q.last_dropped = int32_t(u01(rng) * K);
                pos[size_t(q.last_dropped)] = -1;
                q.last_sign = rep % 3 == 1 ? 1.0 : -1.0;
            }
            const double bound = rep % 5 == 0 ? 0.125 : lambda - 0.1;
            double g_simd = bound, g_serial = bound;
            const int32_t a_simd = sfl::enet::next_join(q, &g_simd);
            const int32_t a_serial = sfl::enet::next_join_serial(q, 0, &g_serial, -1);
            CHECK(a_simd == a_serial);
            CHECK(std::memcmp(&g_simd, &g_serial, sizeof(double)) == 0);
            ++cases;
            events += a_serial >= 0;
        }
    }
    // The table exercised both outcomes.
    CHECK(events > cases / 4);
    CHECK(events < cases);
}
