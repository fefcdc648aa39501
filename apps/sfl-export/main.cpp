// sfl-export: a model blob as a C header for firmware (static const arrays and a
// static const sfl_model) and/or as a blob with or without the SF/CSF plans.
// Every failure is one line on stderr: exit 1 for a bad model or an output that
// cannot be written, 2 for a bad command line. Outputs are written atomically.
#include <cstdio>
#include <string>
#include <vector>

#include "c_header.hpp"
#include "cli_main.hpp"
#include "options.hpp"
#include "sfl/model.hpp"
#include "summary.hpp"

namespace {

int run(int argc, char **argv) {
    using namespace sfl_export;
    const Options o = parse_options(argc, argv);
    const sfl::LoadedModel lm = sfl::LoadedModel::from_file(o.model);
    sfl_model out = lm.model(); // every plan present
    if (!o.plans)
        for (int32_t i = 0; i < out.n_layers; ++i) out.layers[i].plan = nullptr;
    const HeaderSizes sizes = header_sizes(out);
    if (!o.quiet) print_model(stdout, o.model, lm);
    if (!o.header.empty()) {
        const std::string text = c_header(out, o.name, o.model);
        sfl::write_file_atomically(o.header, text.data(), text.size());
        if (!o.quiet) print_header(stdout, o.header, o.name, sizes);
    }
    if (!o.blob.empty()) {
        const std::vector<unsigned char> blob = sfl::model_blob(out, o.plans);
        sfl::write_file_atomically(o.blob, blob.data(), blob.size());
        if (!o.quiet) print_blob(stdout, o.blob, blob.size(), o.plans, sizes);
    }
    return 0;
}

} // namespace

int main(int argc, char **argv) {
    return sfl_cli::run_main({"sfl-export", sfl_export::usage()}, [&] { return run(argc, argv); });
}
