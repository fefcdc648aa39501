// sfl-encode: elastic-net sparse codes of the rows of a .npy matrix over a
// .npy dictionary, or (--model) the features of images from the first layers of
// a model file. Every failure is one line on stderr, exit status 1 (2 for a bad
// command line), with no output file: the output is written (atomically) only
// after everything else succeeded.
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "cli_main.hpp"
#include "encode.hpp"
#include "extractor.hpp"
#include "images.hpp"
#include "inputs.hpp"
#include "json_output.hpp"
#include "model_report.hpp"
#include "options.hpp"
#include "report.hpp"
#include "sfl/model.hpp"
#include "sfl/npy.hpp"
#include "sfl/sfl.hpp"

namespace {

// Inputs from which progress shows by default (once a run has taken a second): signals of
// --dict take microseconds each, images of --model milliseconds.
constexpr int64_t kLargeSignals = 10000;
constexpr int64_t kLargeSamples = 1000;

void print_warning(const std::string &what) { sfl_cli::print_diagnostic("sfl-encode", "warning", what); }

// The summary: for people on stdout unless --json - puts the JSON there instead.
template <class Human> void print_summary(const std::string &json_path, const std::string &json, Human human) {
    if (!sfl_cli::json_to_stdout(json_path)) human();
    std::fflush(stdout);
    if (!json_path.empty()) sfl_cli::write_json_output(json_path, json);
}

// Counts of a run's per-item problems (items: signals or samples).
struct Outcome {
    int64_t not_converged, errors, items, first_error_item;
    int32_t first_error_status;
};

// One warning per kind of problem, worded by the caller; the exit status.
int report_outcome(const Outcome &o, const std::string &not_converged_text, const std::string &failed_text,
                   const std::string &failed_tail) {
    const std::string of = " of " + std::to_string(o.items);
    if (o.not_converged > 0) print_warning(std::to_string(o.not_converged) + of + not_converged_text);
    if (o.errors == 0) return 0;
    print_warning(std::to_string(o.errors) + of + failed_text + std::to_string(o.first_error_item) + ": " +
                  sfl_status_string(static_cast<sfl_status>(o.first_error_status)) + failed_tail);
    return sfl_cli::kExitPartial;
}

void save_output(const std::string &path, const std::vector<float> &data, const std::vector<size_t> &shape) {
    try {
        sfl::npy::save_f32(path, data.data(), shape);
    } catch (const sfl::npy::Error &e) {
        throw sfl_encode::InputError(std::string("--output: ") + e.what());
    }
}

int run_dict(const sfl_encode::Options &opt, unsigned threads) {
    using namespace sfl_encode;
    const Inputs in = load_inputs(opt);
    const sfl::EnetPlan plan(opt.params, static_cast<int32_t>(in.m), static_cast<int32_t>(in.K), in.P.data.data());
    RowProgress progress(opt.progress, int64_t(in.n), kLargeSignals, "encoded", "signals");
    const EncodeResult r =
        encode_rows(plan, opt.params, in.P.data.data(), in.X.data.data(), in.n, threads, progress);
    const Summary s = summarize(r.info, in.m, in.K, r.threads, r.seconds);

    save_output(opt.output, r.A, {in.n, in.K});

    print_summary(opt.json, summary_json(opt, s), [&] { print_human(stdout, opt, s); });

    return report_outcome(
        {int64_t(s.not_converged), int64_t(s.errors), int64_t(s.signals), int64_t(s.first_error_row),
         s.first_error_status},
        " signals hit the iteration bound (raise --max-iter); their codes are the last iterate",
        " signals failed (first: row ",
        std::string("); their codes are the last path point") +
            (s.first_error_status == SFL_ERR_SINGULAR ? "; try --solver cd or --l2 > 0" : ""));
}

sfl::LoadedModel load_model(const std::string &path) {
    try {
        sfl::LoadedModel lm = sfl::LoadedModel::from_file(path);
        lm.set_lanes(1); // the SF/CSF layers several rows at a time (sfl_enet.h), as training runs them
        return lm;
    } catch (const std::runtime_error &e) { // sfl::Error (a bad blob) or an unreadable file
        throw sfl_encode::InputError(std::string("--model: ") + e.what());
    }
}

// (N, oh, ow, c), or (N, c) when the last layer run gives 1 x 1 x c (linear, sf).
std::vector<size_t> output_shape(size_t n, const sfl_dims4 &out) {
    if (out.h == 1 && out.w == 1) return {n, size_t(out.c)};
    return {n, size_t(out.h), size_t(out.w), size_t(out.c)};
}

int run_model(const sfl_encode::Options &opt, unsigned threads) {
    using namespace sfl_encode;
    require_output_dir(opt.output);
    const sfl::LoadedModel loaded = load_model(opt.model);
    const Extractor ex = make_extractor(loaded.model(), opt.layers, opt.model);
    const ImageBatch images = load_images(opt.input, ex.model.in);
    RowProgress progress(opt.progress, int64_t(images.n), kLargeSamples, "ran", "samples");
    const ForwardResult r = run_forward(ex.model, images.x.data(), images.n, threads, progress);
    const std::vector<size_t> shape = output_shape(images.n, ex.model.out);
    const ModelSummary s = summarize_model(opt, ex, loaded.had_plans(), images, shape, r);

    save_output(opt.output, r.Y, shape);

    print_summary(opt.json, model_summary_json(s), [&] { print_model_human(stdout, s); });

    return report_outcome(
        {int64_t(r.not_converged), int64_t(r.errors), int64_t(images.n), int64_t(r.first_error_sample),
         r.first_error_status},
        " samples had a solve that hit the model's iteration bound; their outputs use the last iterate",
        " samples failed (first: sample ", "); their outputs use the last path point");
}

int run(int argc, char **argv) {
    const sfl_encode::Options opt = sfl_encode::parse_options(argc, argv);
    unsigned threads = opt.threads;
    if (threads == 0) threads = std::thread::hardware_concurrency();
    if (threads == 0) threads = 1;
    return opt.model.empty() ? run_dict(opt, threads) : run_model(opt, threads);
}

} // namespace

int main(int argc, char **argv) {
    return sfl_cli::run_main({"sfl-encode", sfl_encode::usage()}, [&] { return run(argc, argv); });
}
