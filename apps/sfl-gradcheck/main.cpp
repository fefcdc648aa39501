// sfl-gradcheck: finite-difference check of the SF / CSF layer gradients of
// the library on a random problem (see options.cpp for the command line).
#include <cstdarg>
#include <cstdio>
#include <string>

#include "cli_main.hpp"
#include "fd_reference.hpp"
#include "json_output.hpp"
#include "layer_case.hpp"
#include "options.hpp"

using namespace sfl_gradcheck;

namespace {

/** printf onto the end of out. */
void appendf(std::string &out, const char *fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    out += buf;
}

struct Named {
    const char *name;
    double error;
};

int report(const Options &o, const Case &c, const GradCheck &sup, const GradCheck &uns) {
    const Named errs[] = {{"dx", sup.err_dX}, {"dP", sup.err_dP}, {"dlU/dx", uns.err_dX}, {"dlU/dP", uns.err_dP}};
    const bool lib_ok = sup.lib.ok() && uns.lib.ok();
    const double margin = sup.margin < uns.margin ? sup.margin : uns.margin;
    const long long unstable = (long long)(sup.unstable + uns.unstable);
    const double lu_err = uns.err_lu;
    bool pass = lib_ok && margin > 0.0 && unstable == 0 && lu_err <= o.tol;
    for (const Named &e : errs) pass = pass && e.error <= o.tol;
    if (!o.json.empty()) {
        std::string j;
        appendf(j, "{\"layer\": \"%s\", \"m\": %d, \"K\": %d, \"n\": %d, \"l1\": %g, \"l2\": %g, \"seed\": %u, "
                   "\"tol\": %g, ",
                o.csf ? "csf" : "sf", c.m, c.K, c.n, double(c.l1), double(c.l2), o.seed, o.tol);
        if (o.csf)
            appendf(j, "\"image\": [%d, %d, %d], \"patch\": [%d, %d], \"out\": [%d, %d], ", c.image.h, c.image.w,
                    c.image.c, c.patch.kernel.h, c.patch.kernel.w, c.oh, c.ow);
        j += "\"errors\": {";
        for (size_t k = 0; k < 4; ++k) appendf(j, "%s\"%s\": %.3e", k ? ", " : "", errs[k].name, errs[k].error);
        appendf(j, "}, \"lU_value_error\": %.3e, \"kkt_margin\": %.3e, \"support_changes\": %lld, "
                   "\"entries\": {\"x\": %lld, \"P\": %lld}, \"library_status\": [%d, %d, %d, %d], \"pass\": %s}\n",
                lu_err, margin, unstable, (long long)sup.entries_X, (long long)sup.entries_P, sup.lib.forward,
                sup.lib.backward, uns.lib.forward, uns.lib.backward, pass ? "true" : "false");
        sfl_cli::write_json_output(o.json, j);
    }
    if (!sfl_cli::json_to_stdout(o.json)) {
        std::printf("sfl-gradcheck: %s layer, m = %d, K = %d, n = %d, l1 = %g, l2 = %g, seed %u\n",
                    o.csf ? "CSF" : "SF", c.m, c.K, c.n, double(c.l1), double(c.l2), o.seed);
        if (o.csf)
            std::printf("  images %dx%dx%d, patch %dx%d, stride %dx%d, pad %dx%d -> %dx%dx%d\n", c.image.h, c.image.w,
                        c.image.c, c.patch.kernel.h, c.patch.kernel.w, c.patch.stride.h, c.patch.stride.w,
                        c.patch.padding.h, c.patch.padding.w, c.oh, c.ow, c.K);
        if (!lib_ok)
            std::printf("  library error: forward %s, backward %s\n",
                        sfl_status_string(sfl_status(sup.lib.forward < 0 ? sup.lib.forward : uns.lib.forward)),
                        sfl_status_string(sfl_status(sup.lib.backward < 0 ? sup.lib.backward : uns.lib.backward)));
        for (const Named &e : errs)
            std::printf("  %-7s max relative error %.3e  %s\n", e.name, e.error,
                        e.error <= o.tol ? "ok" : "ABOVE TOLERANCE");
        std::printf("  lU value relative error %.3e; KKT margin of the supports %.3e; support changes %lld\n", lu_err,
                    margin, unstable);
        std::printf("  entries differenced: %lld of x, %lld of P; tolerance %g -> %s\n", (long long)sup.entries_X,
                    (long long)sup.entries_P, o.tol, pass ? "PASS" : "FAIL");
        if (margin <= 0.0 || unstable > 0)
            std::printf("  (the support is not stable at this point: try another --seed or --l1)\n");
    }
    return pass ? sfl_cli::kExitOk : sfl_cli::kExitError;
}

int run(const Options &o) {
    Case c = random_case(o.csf, o.n, o.m, o.K, o.image, o.patch, o.l1, o.l2, o.seed);
    c.mix = sfl_loss_mix SFL_LOSS_MIX_INIT;
    const GradCheck sup = check_gradients(c, o.max_entries, o.seed);
    c.mix = sfl_loss_mix{1.0f, 0.0f, 0.0f, 1.0f};
    const GradCheck uns = check_gradients(c, o.max_entries, o.seed + 7);
    return report(o, c, sup, uns);
}

} // namespace

int main(int argc, char **argv) {
    return sfl_cli::run_main({"sfl-gradcheck", usage()}, [&] { return run(parse_options(argc, argv)); });
}
