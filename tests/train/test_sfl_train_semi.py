#!/usr/bin/python3
"""Command-line tests of sfl-train --unlabeled (semi-supervision, docs/training.md).

  test_sfl_train_semi.py --case NAME --data DIR -- COMMAND...   as test_sfl_train.py
  test_sfl_train_semi.py --list | --check-list NAME...

Unlabelled images (label -1) add only lU (docs/design.md section 2). The cases check: with
mu = 0 in every epoch a run with --unlabeled equals the supervised run bit for bit;
with mu > 0 the unlabelled images change the training; result.json records the setting
with the right counts; a killed and resumed run equals an uninterrupted one; bad values
and unusable combinations (lenet, no --per-class) exit 2 with one line naming them, more
unlabelled images than there are exits 1.
Exit status 77 (skipped) without numpy.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from cli_cases import expect, file_bytes, registry  # noqa: E402 (tests/cli_cases.py)
from test_sfl_train import (HALTED, check_model, check_result, expect_same_models,  # noqa: E402
                            expect_same_results, load_json, train_cases_main)

TRAIN_IMAGES = 60000  # MNIST


def csf(per_class, epochs, r, extra=()):
    return ["--net", "csf", "--per-class", str(per_class), "--epochs", str(epochs), "--threads", "1"] + \
        r.small_test_set(300) + list(extra)


def expect_unlabeled(j, requested, images, per_epoch):
    u = j.get("unlabeled")
    expect(u == {"requested": requested, "images": images, "per_epoch": per_epoch},
           "JSON unlabeled %r, expected requested %r images %r per_epoch %r" % (u, requested, images, per_epoch))


def case_semi_mu0_equals_supervised(r):
    # mu = 0 in every epoch: unlabelled images would add nothing, and the epochs are the
    # labelled set alone, so the run is the supervised one bit for bit.
    flags = csf(3, 2, r, ["--mu", "0"])
    r.train("sup", flags)
    r.train("semi", flags + ["--unlabeled", "rest"])
    js, ju = load_json(r.path("sup", "result.json")), load_json(r.path("semi", "result.json"))
    expect(js.get("unlabeled", "absent") is None, "supervised JSON unlabeled %r" % js.get("unlabeled", "absent"))
    expect_unlabeled(ju, "rest", TRAIN_IMAGES - 30, 30)
    check_result(ju, "csf", trials=1, epochs=2, per_class=3, eval_samples=300)
    expect_same_models(r.path("sup", "model.sflc"), r.path("semi", "model.sflc"), "mu 0: --unlabeled vs supervised")
    expect_same_results(js, ju, "mu 0: --unlabeled vs supervised")


def case_semi_changes_training(r):
    # mu > 0: the unlabelled images take part (their lU trains the CSF dictionary).
    flags = csf(3, 2, r, ["--mu", "0.5"])
    r.train("sup", flags)
    r.train("semi", flags + ["--unlabeled", "200", "--unlabeled-per-epoch", "50"])
    j = load_json(r.path("semi", "result.json"))
    check_result(j, "csf", trials=1, epochs=2, per_class=3, eval_samples=300)
    expect_unlabeled(j, 200, 200, 50)
    a = check_model(r.path("sup", "model.sflc"), "csf")
    b = check_model(r.path("semi", "model.sflc"), "csf")
    expect(a["csf1.P"].tobytes() != b["csf1.P"].tobytes(), "--unlabeled with mu 0.5 did not change the dictionary")
    # Seeded: the same flags give the same model.
    r.train("semi2", flags + ["--unlabeled", "200", "--unlabeled-per-epoch", "50"])
    expect_same_models(r.path("semi", "model.sflc"), r.path("semi2", "model.sflc"), "--unlabeled run repeated")


def case_semi_validation(r):
    # The validation hold-out is never drawn as unlabelled: rest = 59,000 - 20 images.
    r.train("val", ["--net", "csf", "--per-class", "2", "--epochs", "1", "--validation", "1000",
                    "--unlabeled", "rest", "--unlabeled-per-epoch", "40", "--mu", "0.5"])
    j = load_json(r.path("val", "result.json"))
    check_result(j, "csf", trials=1, epochs=1, per_class=2, eval_set="validation", eval_samples=1000)
    expect_unlabeled(j, "rest", TRAIN_IMAGES - 1000 - 20, 40)
    # More than there are is refused, naming the count.
    r.expect_error(["--net", "csf", "--per-class", "2", "--epochs", "1", "--validation", "1000",
                    "--unlabeled", "58981"], "--unlabeled 58981", "58980")


def case_semi_resume(r):
    # Halted after 2 of 4 epochs (mu 0.8, 0.5: unlabelled draws), resumed: the same model.
    common = csf(2, 4, r, ["--trials", "2"])
    flags = common + ["--unlabeled", "100"]
    r.train("A", flags)
    r.train("B", flags + ["--halt-after-epochs", "2"], expect_rc=HALTED)
    ckpt = r.path("B", "checkpoint.sflc")
    saved = file_bytes(ckpt)
    # Other unlabelled settings, or none, are refused by name.
    for other in (["--unlabeled", "101"], ["--unlabeled", "rest"], ["--unlabeled", "100", "--unlabeled-per-epoch", "7"],
                  []):
        r.expect_error(common + other + ["--resume"], "unlabeled", out="B", resumed=True)
    expect(file_bytes(ckpt) == saved, "a refused --resume changed the checkpoint")
    r.train("B", flags + ["--halt-after-epochs", "3", "--resume"], expect_rc=HALTED)  # into trial 2
    r.train("B", flags + ["--resume"])
    expect_same_models(r.path("A", "model.sflc"), r.path("B", "model.sflc"), "resumed vs uninterrupted")
    expect(file_bytes(r.path("A", "model.sflm")) == file_bytes(r.path("B", "model.sflm")),
           "resumed vs uninterrupted: model.sflm differs")
    ja, jb = load_json(r.path("A", "result.json")), load_json(r.path("B", "result.json"))
    expect_same_results(ja, jb, "resumed vs uninterrupted")
    expect_unlabeled(jb, 100, 100, 20)


def case_semi_bad_flags(r):
    good = ["--net", "csf", "--per-class", "2", "--epochs", "1"]
    cases = [
        (good + ["--unlabeled", "0"], ["--unlabeled", "0"]),
        (good + ["--unlabeled", "-5"], ["--unlabeled", "-5"]),
        (good + ["--unlabeled", "all"], ["--unlabeled", "all"]),
        (good + ["--unlabeled"], ["--unlabeled", "value"]),
        (good + ["--unlabeled", "10", "--unlabeled-per-epoch", "0"], ["--unlabeled-per-epoch", "0"]),
        (good + ["--unlabeled-per-epoch", "10"], ["--unlabeled-per-epoch", "needs --unlabeled"]),
        (["--net", "lenet", "--per-class", "2", "--unlabeled", "rest"], ["--unlabeled", "lenet", "lU"]),
        (["--net", "csf", "--unlabeled", "rest"], ["--unlabeled", "--per-class"]),
    ]
    r.expect_usage_errors(cases)


CASES = registry(globals())


def main(argv):
    return train_cases_main(argv, __doc__, CASES)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
