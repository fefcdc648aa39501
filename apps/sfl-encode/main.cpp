// sfl-encode: elastic-net sparse codes of the rows of a .npy matrix over a
// .npy dictionary. Every failure is one line on stderr and exit status 1, with
// no output file: the codes are written (atomically) only after everything else
// succeeded.
#include <cstdio>
#include <exception>
#include <new>
#include <string>
#include <thread>

#include "encode.hpp"
#include "inputs.hpp"
#include "options.hpp"
#include "report.hpp"
#include "sfl/npy.hpp"
#include "sfl/sfl.hpp"

namespace {

constexpr int kExitError = 1;
constexpr int kExitSignalErrors = 2;

// Messages may carry file names: keep the report on one line.
std::string one_line(std::string s) {
    for (char &c : s)
        if (c == '\n' || c == '\r') c = ' ';
    return s;
}

void print_error(const std::string &what) { std::fprintf(stderr, "sfl-encode: error: %s\n", one_line(what).c_str()); }

void print_warning(const std::string &what) {
    std::fprintf(stderr, "sfl-encode: warning: %s\n", one_line(what).c_str());
}

int run(int argc, char **argv) {
    using namespace sfl_encode;
    const Options opt = parse_options(argc, argv);
    if (opt.help) {
        std::fputs(usage(), stdout);
        return 0;
    }
    unsigned threads = opt.threads;
    if (threads == 0) threads = std::thread::hardware_concurrency();
    if (threads == 0) threads = 1;

    const Inputs in = load_inputs(opt);
    const sfl::EnetPlan plan(opt.params, static_cast<int32_t>(in.m), static_cast<int32_t>(in.K), in.P.data.data());
    const EncodeResult r = encode_rows(plan, opt.params, in.P.data.data(), in.X.data.data(), in.n, threads);
    const Summary s = summarize(r.info, in.m, in.K, r.threads, r.seconds);

    try {
        sfl::npy::save_f32(opt.output, r.A.data(), {in.n, in.K});
    } catch (const sfl::npy::Error &e) {
        throw UsageError(std::string("--output: ") + e.what());
    }

    if (opt.json) print_json(stdout, opt, s);
    else print_human(stdout, opt, s);
    std::fflush(stdout);

    if (s.not_converged > 0)
        print_warning(std::to_string(s.not_converged) + " of " + std::to_string(s.signals) +
                      " signals hit the iteration bound (raise --max-iter); their codes are the last iterate");
    if (s.errors > 0) {
        print_warning(std::to_string(s.errors) + " of " + std::to_string(s.signals) + " signals failed (first: row " +
                      std::to_string(s.first_error_row) + ": " +
                      sfl_status_string(static_cast<sfl_status>(s.first_error_status)) +
                      "); their codes are the last path point" +
                      (s.first_error_status == SFL_ERR_SINGULAR ? "; try --solver cd or --l2 > 0" : ""));
        return kExitSignalErrors;
    }
    return 0;
}

} // namespace

int main(int argc, char **argv) {
    try {
        return run(argc, argv);
    } catch (const std::bad_alloc &) {
        print_error("out of memory");
    } catch (const std::exception &e) {
        print_error(e.what());
    }
    return kExitError;
}
