// Command-line parsing of sfl-train: --flag value or --flag=value, every value
// checked here; defaults are each network's tuned hyperparameters.
#include "options.hpp"

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <thread>

namespace sfl_train {
namespace {

const char kUsage[] =
    "usage: sfl-train --net lenet|csf|sf|csf+sf [--per-class N] [--trials T] [--seed S] [--threads N]\n"
    "                 [--out DIR] [--model FILE] [--json FILE] [--resume] [data and hyperparameter flags]\n"
    "\n"
    "Trains one of the paper's MNIST networks (docs/design.md section 3) T times on seeded subsets\n"
    "and reports the mean and std of the test accuracy.\n"
    "\n"
    "  --net NAME            lenet, csf (CSF 5x5 first layer), sf (SF 800x500 fifth layer), csf+sf\n"
    "  --per-class N         labelled training samples per class, a balanced seeded draw per trial\n"
    "                        (omit: the whole training set)\n"
    "  --trials T            trials, each with its own subset, initialisation and batch order (default 1)\n"
    "  --seed S              base seed (default 1); trial t uses seeds derived from (S, t)\n"
    "  --threads N           threads splitting every batch (default: all cores); results equal\n"
    "                        one thread's up to float rounding\n"
    "  --out DIR             run directory for checkpoint.sflc and, by default, the model and\n"
    "                        result.json (default: runs/NET-full or runs/NET-N)\n"
    "  --model FILE          the trained network of the last trial as a model blob (with plans; for\n"
    "                        sfl-export, sfl-encode, sfl-figures and sfl_model_load), and its weights\n"
    "                        in the checkpoint container next to it, FILE with .sflc for .sflm\n"
    "                        (default: OUT/model.sflm and OUT/model.sflc)\n"
    "  --json FILE           write the results as JSON to FILE; - : to stdout, instead of the table\n"
    "                        (default: OUT/result.json)\n"
    "  --resume              continue the run in OUT from its checkpoint (same settings required)\n"
    "  --quiet               no progress output\n"
    "\n"
    "data (idx files, uint8; any dataset of 2-D single-channel images):\n"
    "  --data DIR            directory with the four MNIST files (default: $SFL_DATA/mnist or data/mnist)\n"
    "  --train-images F --train-labels F --test-images F --test-labels F   explicit files\n"
    "  --validation N        hold out the last N training images; accuracy is measured on them\n"
    "                        instead of the test set (for choosing hyperparameters; default 0)\n"
    "\n"
    "semi-supervision (with --per-class; csf, sf and csf+sf only):\n"
    "  --unlabeled N|rest    also train on N (or all the other) training images outside the labelled\n"
    "                        subset and the validation hold-out, without their labels: they add only\n"
    "                        the unsupervised loss lU, weighted by mu\n"
    "  --unlabeled-per-epoch M   unlabelled images drawn (seeded) for each epoch with mu > 0, mixed\n"
    "                        with the labelled ones (default: as many as labelled); epochs with\n"
    "                        mu = 0 use the labelled images alone\n"
    "  --pretrain-epochs P   before the E epochs, P epochs of unsupervised pre-training on unlabelled\n"
    "                        images alone with mu = 1: the SF/CSF dictionaries learn from lU, nothing\n"
    "                        else changes unless --sf-lu-input passes dlU/dx down; no weight decay,\n"
    "                        then a fresh momentum for the supervised epochs (needs --unlabeled;\n"
    "                        default 0; docs/training.md)\n"
    "  --pretrain-per-epoch M   unlabelled images drawn (seeded) for each pretraining epoch\n"
    "                        (default: the whole --unlabeled pool)\n"
    "\n"
    "hyperparameters (defaults: the tuned values of each network, see docs/results.md):\n"
    "  --epochs E            passes over the training samples\n"
    "  --batch B             samples per SGD step\n"
    "  --lr R                learning rate\n"
    "  --momentum M          SGD momentum (default 0.9)\n"
    "  --weight-decay W      L2 on conv/fc weights (not biases, not dictionaries)\n"
    "  --dict-lr-scale F     the SF/CSF dictionaries step with lr * F (default 1)\n"
    "  --l1 L --l2 L         elastic-net weights of every SF/CSF layer\n"
    "  --csf-l1 --csf-l2 --sf-l1 --sf-l2   the same per layer\n"
    "  --positive, --csf-positive, --sf-positive   non-negative codes (a >= 0) in every SF/CSF\n"
    "                        layer, or in one kind (stored in the model; default: signed codes)\n"
    "  --solver lars|cd      forward solver of the SF/CSF layers (default lars)\n"
    "  --sf-lu-input W|pass|stop  weight nu of the SF layer's dlU/dx in its input gradient (the\n"
    "                        paper's eq. 15; the gradient carries nu * mu * dlU/dx): pass = 1,\n"
    "                        stop = 0 (default stop: lU trains only the dictionary, docs/training.md)\n"
    "  --sf-input-norm S     scale every sample's SF input (the 800 pool2 features) to L2 norm S\n"
    "                        (an l2norm layer, part of the saved model; 0: none, the paper's net;\n"
    "                        docs/design.md section 2.7)\n"
    "  --mix dictionary|whole   how mu weighs lU (docs/design.md section 2.6): dictionary (the\n"
    "                        paper's eq. 14) mixes only the dictionaries' gradients; whole\n"
    "                        (default: better on the validation split) trains every layer on\n"
    "                        (1 - mu) CE + mu lU\n"
    "  --mu LIST             mu step-down, comma-separated, equal shares of the E epochs\n"
    "                        (not the pre-training ones; default 0.8,0.5,0.3,0; ignored by lenet)\n"
    "\n"
    "testing:\n"
    "  --halt-after-epochs N stop with exit status 3 after N epochs of this invocation were\n"
    "                        checkpointed (a simulated kill; --resume continues)\n"
    "  -h, --help            this help\n"
    "\n"
    "Exit status: 0 success; 1 error (one line \"sfl-train: error: ...\" on stderr; finished epochs\n"
    "stay in the checkpoint); 2 usage error (bad command line; nothing written); 3 stopped by\n"
    "--halt-after-epochs.\n";

using sfl_cli::parse_int;
using sfl_cli::parse_real;

float parse_pos(const std::string &flag, const std::string &t, bool allow_zero) {
    const double v = parse_real(flag, t);
    if (v < 0.0 || (!allow_zero && v == 0.0) || v > 1e6)
        throw UsageError(flag + (allow_zero ? " must be >= 0" : " must be > 0") + ", got " + t);
    return float(v);
}

std::vector<float> parse_mu(const std::string &t) {
    std::vector<float> out;
    std::stringstream ss(t);
    std::string item;
    while (std::getline(ss, item, ',')) {
        const double v = parse_real("--mu", item);
        if (v < 0.0 || v > 1.0) throw UsageError("--mu values must be in [0, 1], got " + item);
        out.push_back(float(v));
    }
    if (out.empty()) throw UsageError("--mu needs at least one value");
    return out;
}

} // namespace

const char *usage() { return kUsage; }

void apply_defaults(Options &o) {
    // Chosen on a validation split (100 labelled samples, 5,000 held-out training
    // images; docs/results.md, "Choosing hyperparameters"); the full-set runs use them too.
    const bool limited = o.per_class > 0;
    const std::string &n = o.net.name;
    auto &t = o.train;
    t.sgd.momentum = 0.9f;
    t.sgd.weight_decay = 5e-4f;
    t.batch = limited ? 20 : 64;
    t.sgd.lr = n == "csf" ? 0.03f : 0.01f;
    o.net.csf = sfl::nn::FactorConfig{0.1f, 0.01f, SFL_ENET_LARS};
    // SF l2 per net from a validation sweep of 0.01 .. 10 (docs/results.md, "SF l2"):
    // 1 in the SF net (+1.9 points over 0.01, every trial up), 3 in csf+sf (+1.1, every
    // trial up).
    o.net.sf = sfl::nn::FactorConfig{0.25f, n == "sf" ? 1.0f : 3.0f, SFL_ENET_LARS};
    o.net.sf.lu_input_weight = 0.0f; // passing lU down costs accuracy (docs/results.md)
    // pool2 scaled to norm 15 under the SF layer (design.md 2.7); lenet and csf have none
    o.net.sf_input_norm = n == "sf" || n == "csf+sf" ? 15.0f : 0.0f;
    // The whole-loss mix scored above the paper's mixing on the validation split for
    // csf, sf and csf+sf (docs/results.md); --mix dictionary is the paper's eq. 14.
    t.whole_loss_mix = n != "lenet";
    if (limited) {
        // About 20,000 sample passes whatever the subset size: 200 epochs at 100 samples.
        const int32_t samples = o.per_class * 10;
        o.epochs = std::max(30, std::min(200, 20000 / std::max(1, samples)));
    } else {
        o.epochs = 10;
    }
}

Options parse_options(int argc, const char *const *argv) {
    Options o;
    // Pass 1: the flags the defaults depend on.
    bool have_net = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "-h" || arg == "--help") throw sfl_cli::HelpRequest{};
        if (arg.compare(0, 2, "--") != 0) continue; // reported by pass 2
        const sfl_cli::FlagArg f = sfl_cli::split_flag(arg);
        const std::string &a = f.flag;
        const std::string v = f.inline_value ? f.value : (i + 1 < argc ? argv[i + 1] : "");
        if (a == "--net") o.net.name = v, have_net = true;
        if (a == "--per-class") o.per_class = int32_t(parse_int("--per-class", v, 1, 1000000));
    }
    apply_defaults(o); // any name: an unknown one is refused after pass 2 (unknown flags first)
    o.threads = int32_t(std::max(1u, std::thread::hardware_concurrency()));
    const char *env = std::getenv("SFL_DATA");
    o.data_dir = std::string(env && *env ? env : "data") + "/mnist";
    bool have_json = false;

    for (int i = 1; i < argc; ++i) {
        const sfl_cli::FlagArg f = sfl_cli::read_flag(argv[i]);
        const std::string &arg = f.flag;
        if (arg == "--resume") { sfl_cli::refuse_value(f); o.resume = true; continue; }
        if (arg == "--quiet") { sfl_cli::refuse_value(f); o.quiet = true; continue; }
        sfl_cli::FlagValue value(f, argc, argv, i);
        if (arg == "--net" || arg == "--per-class") { value(); continue; } // pass 1
        else if (arg == "--trials") o.trials = int32_t(parse_int(arg, value(), 1, 1000));
        else if (arg == "--seed") o.seed = uint64_t(parse_int(arg, value(), 0, 2147483647L));
        else if (arg == "--threads") o.threads = int32_t(parse_int(arg, value(), 1, 256));
        else if (arg == "--json") { o.json = value(); have_json = true; }
        else if (arg == "--out") o.out_dir = value();
        else if (arg == "--model") {
            if (value().empty()) throw UsageError("--model needs a file name");
            o.model = value();
        } else if (arg == "--data") o.data_dir = value();
        else if (arg == "--train-images") o.train_images = value();
        else if (arg == "--train-labels") o.train_labels = value();
        else if (arg == "--test-images") o.test_images = value();
        else if (arg == "--test-labels") o.test_labels = value();
        else if (arg == "--validation") o.validation = int32_t(parse_int(arg, value(), 0, 100000000));
        else if (arg == "--unlabeled") {
            o.unlabeled = value() == "rest" ? -1 : int32_t(parse_int(arg, value(), 1, 100000000));
        } else if (arg == "--unlabeled-per-epoch") {
            o.unlabeled_per_epoch = int32_t(parse_int(arg, value(), 1, 100000000));
        } else if (arg == "--pretrain-epochs") {
            o.pretrain_epochs = int32_t(parse_int(arg, value(), 0, 100000));
        } else if (arg == "--pretrain-per-epoch") {
            o.pretrain_per_epoch = int32_t(parse_int(arg, value(), 1, 100000000));
        } else if (arg == "--epochs") o.epochs = int32_t(parse_int(arg, value(), 1, 100000));
        else if (arg == "--batch") o.train.batch = int32_t(parse_int(arg, value(), 1, 100000));
        else if (arg == "--lr") o.train.sgd.lr = parse_pos(arg, value(), false);
        else if (arg == "--momentum") {
            const double m = parse_real(arg, value());
            if (m < 0.0 || m >= 1.0) throw UsageError("--momentum must be in [0, 1), got " + value());
            o.train.sgd.momentum = float(m);
        } else if (arg == "--weight-decay") o.train.sgd.weight_decay = parse_pos(arg, value(), true);
        else if (arg == "--dict-lr-scale") o.train.sgd.dict_lr_scale = parse_pos(arg, value(), false);
        else if (arg == "--l1") o.net.csf.l1 = o.net.sf.l1 = parse_pos(arg, value(), true);
        else if (arg == "--l2") o.net.csf.l2 = o.net.sf.l2 = parse_pos(arg, value(), true);
        else if (arg == "--csf-l1") o.net.csf.l1 = parse_pos(arg, value(), true);
        else if (arg == "--csf-l2") o.net.csf.l2 = parse_pos(arg, value(), true);
        else if (arg == "--sf-l1") o.net.sf.l1 = parse_pos(arg, value(), true);
        else if (arg == "--sf-l2") o.net.sf.l2 = parse_pos(arg, value(), true);
        else if (arg == "--positive") o.net.csf.positive = o.net.sf.positive = true;
        else if (arg == "--csf-positive") o.net.csf.positive = true;
        else if (arg == "--sf-positive") o.net.sf.positive = true;
        else if (arg == "--solver") {
            if (value() != "lars" && value() != "cd")
                throw UsageError("--solver must be lars or cd, got '" + value() + "'");
            o.net.csf.solver = o.net.sf.solver = value() == "cd" ? SFL_ENET_CD : SFL_ENET_LARS;
        } else if (arg == "--sf-lu-input") {
            const std::string &v = value();
            o.net.sf.lu_input_weight = v == "pass" ? 1.0f : v == "stop" ? 0.0f : parse_pos(arg, v, true);
        } else if (arg == "--sf-input-norm") {
            o.net.sf_input_norm = parse_pos(arg, value(), true);
        } else if (arg == "--mix") {
            if (value() != "dictionary" && value() != "whole")
                throw UsageError("--mix must be dictionary or whole, got '" + value() + "'");
            o.train.whole_loss_mix = value() == "whole";
        } else if (arg == "--mu") o.train.mu_steps = parse_mu(value());
        else if (arg == "--halt-after-epochs") o.halt_after = int32_t(parse_int(arg, value(), 1, 1000000));
        else throw UsageError("unknown option '" + arg + "' (see --help)");
    }
    if (!have_net) throw UsageError("--net is required: lenet, csf, sf or csf+sf (see --help)");
    if (!sfl::nn::is_network_name(o.net.name))
        throw UsageError("--net must be lenet, csf, sf or csf+sf, got '" + o.net.name + "'");
    if (o.unlabeled != 0) {
        if (o.per_class == 0)
            throw UsageError("--unlabeled needs --per-class (the whole training set leaves no image unlabelled)");
        if (o.net.name == "lenet")
            throw UsageError("--unlabeled: lenet has no SF/CSF layer, hence no unsupervised loss lU; unlabelled "
                             "images cannot change its training (use csf, sf or csf+sf)");
    } else if (o.unlabeled_per_epoch != 0) {
        throw UsageError("--unlabeled-per-epoch needs --unlabeled");
    }
    if (o.pretrain_epochs > 0) {
        if (o.net.name == "lenet")
            throw UsageError("--pretrain-epochs: lenet has no SF/CSF layer, hence no unsupervised loss lU to "
                             "pre-train on (use csf, sf or csf+sf)");
        if (o.unlabeled == 0)
            throw UsageError("--pretrain-epochs needs --unlabeled N|rest (and --per-class): pre-training "
                             "trains on the unlabelled images alone");
    } else if (o.pretrain_per_epoch != 0) {
        throw UsageError("--pretrain-per-epoch needs --pretrain-epochs P with P > 0");
    }
    if (o.train_images.empty()) o.train_images = o.data_dir + "/train-images-idx3-ubyte";
    if (o.train_labels.empty()) o.train_labels = o.data_dir + "/train-labels-idx1-ubyte";
    if (o.test_images.empty()) o.test_images = o.data_dir + "/t10k-images-idx3-ubyte";
    if (o.test_labels.empty()) o.test_labels = o.data_dir + "/t10k-labels-idx1-ubyte";
    if (o.out_dir.empty())
        o.out_dir = "runs/" + o.net.name + "-" + (o.per_class ? std::to_string(o.per_class) : std::string("full")) +
                    (o.validation ? "-val" : "");
    if (!have_json) o.json = o.out_dir + "/result.json";
    if (o.json.empty()) throw UsageError("--json needs a file name (or - for stdout)");
    if (o.model.empty()) o.model = o.out_dir + "/model.sflm";
    o.train.threads = o.threads;
    o.train.seed = o.seed;
    return o;
}

std::string weights_path(const std::string &model) {
    const std::string ext = ".sflm";
    const bool sflm = model.size() > ext.size() && model.compare(model.size() - ext.size(), ext.size(), ext) == 0;
    return (sflm ? model.substr(0, model.size() - ext.size()) : model) + ".sflc";
}

std::string fingerprint(const Options &o) {
    std::ostringstream s;
    s.precision(7); // floats as typed (0.01, not 0.00999999978)
    s << "net=" << o.net.name << " per_class=" << o.per_class;
    // Only semi-supervised runs carry this token, so older checkpoints still resume.
    if (o.unlabeled != 0)
        s << " unlabeled=" << (o.unlabeled < 0 ? std::string("rest") : std::to_string(o.unlabeled)) << ","
          << o.unlabeled_per_epoch;
    // Likewise only runs with pre-training carry theirs.
    if (o.pretrain_epochs > 0) s << " pretrain=" << o.pretrain_epochs << "," << o.pretrain_per_epoch;
    // And only runs with a dictionary step scale or non-negative codes theirs.
    if (o.train.sgd.dict_lr_scale != 1.0f) s << " dict_lr_scale=" << o.train.sgd.dict_lr_scale;
    if (o.net.csf.positive || o.net.sf.positive)
        s << " positive=" << int(o.net.csf.positive) << "," << int(o.net.sf.positive);
    s << " trials=" << o.trials << " seed=" << o.seed
      << " epochs=" << o.epochs << " validation=" << o.validation << " batch=" << o.train.batch
      << " lr=" << o.train.sgd.lr << " momentum=" << o.train.sgd.momentum << " wd=" << o.train.sgd.weight_decay
      << " csf=" << o.net.csf.l1 << "," << o.net.csf.l2 << "," << int(o.net.csf.solver) << " sf=" << o.net.sf.l1
      << "," << o.net.sf.l2 << "," << int(o.net.sf.solver) << "," << o.net.sf.lu_input_weight
      << " sf_norm=" << o.net.sf_input_norm << " mix=" << (o.train.whole_loss_mix ? "whole" : "dictionary")
      << " mu=";
    for (float m : o.train.mu_steps) s << m << ";";
    s << " train=" << o.train_images << "," << o.train_labels << " test=" << o.test_images << ","
      << o.test_labels;
    return s.str();
}

} // namespace sfl_train
