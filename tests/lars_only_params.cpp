// A LARS-only build's parameter rule (CMake SFL_WITH_CD=OFF, docs/embedded.md "Flash
// budget"): lib/kernels/enet/params.cpp compiled here with SFL_WITH_CD=0, as such a library
// has it. SFL_ENET_CD is refused with SFL_ERR_UNSUPPORTED (whatever its tol), LARS and the
// other rules are unchanged. The library of this build keeps CD; the bare-metal presets
// build the LARS-only one (and dispatch.cpp without cd_solve) under -Werror.
#include <cstdio>

#include "kernels/enet/params.hpp"

namespace {

int failures = 0;

void expect(sfl_status got, sfl_status want, const char *what) {
    if (got == want) return;
    std::printf("FAIL %s: status %d, expected %d\n", what, int(got), int(want));
    ++failures;
}

} // namespace

int main() {
    using sfl::enet::check_params;
    sfl_enet_params p = SFL_ENET_PARAMS_INIT;
    expect(check_params(p), SFL_OK, "LARS");
    p.solver = SFL_ENET_CD;
    expect(check_params(p), SFL_ERR_UNSUPPORTED, "CD");
    p.tol = 2.0f;
    expect(check_params(p), SFL_ERR_UNSUPPORTED, "CD with a bad tol");
    p = SFL_ENET_PARAMS_INIT;
    p.l1 = -1.0f;
    expect(check_params(p), SFL_ERR_BAD_PARAM, "LARS with l1 < 0");
    p = SFL_ENET_PARAMS_INIT;
    p.solver = static_cast<sfl_enet_solver>(7);
    expect(check_params(p), SFL_ERR_BAD_PARAM, "unknown solver");
    if (failures == 0) std::printf("ok lars_only.params\n");
    return failures == 0 ? 0 : 1;
}
