#!/usr/bin/python3
"""The conventions every command-line program keeps (README.md, "Command-line conventions").

  test_conventions.py --case NAME --source APPS_DIR -- COMMAND...   run one case on the program
                                                                   COMMAND (sfl-encode, sfl-export,
                                                                   sfl-figures, sfl-gradcheck,
                                                                   sfl-train or sfl-variations, maybe
                                                                   behind an emulator); APPS_DIR is
                                                                   the apps/ source folder
  test_conventions.py --list | --check-list NAME...

Cases:
  usage        bad command lines (unknown flag, flag without its value, stray argument, bad
               value, missing required flag, an old spelling) exit 2 with exactly one stderr
               line "<program>: error: ...", nothing on stdout, nothing written
  error        a file the program cannot use exits 1 with one line "<program>: error: ..."
  help_flags   --help (and -h) exits 0 with the usage on stdout; every flag it lists is one
               the parser accepts (--flag=x is never an "unknown option"), every "--flag" in
               the program's sources is listed, and a made-up flag is refused as unknown
  json_stdout  --json - prints one JSON document and nothing else on stdout
  json_file    --json FILE writes the same document to FILE; stdout keeps the summary for
               people
Needs no MNIST and no numpy (the .npy inputs are written here).
"""
import json
import os
import re
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from cli_cases import Scratch, cases_main, expect, registry  # noqa: E402 (tests/cli_cases.py)

ERROR, USAGE = 1, 2  # apps/common/cli_main.hpp

# Flags a program's --help mentions that belong to another program (sfl-variations tells
# how sfl-train reads its output).
FOREIGN_FLAGS = {"sfl-variations": {"--data"}}


def write_npy(path, rows):
    """A float32 C-order 2-D .npy file of the list of rows."""
    n, m = len(rows), len(rows[0])
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }" % (n, m)
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1"))
        for r in rows:
            f.write(struct.pack("<%df" % m, *r))


class Run(Scratch):
    """The program, its name, its sources and a scratch directory."""

    timeout = 120

    def __init__(self, cmd, source, tmp):
        super().__init__(cmd, tmp)
        self.name = os.path.basename(cmd[-1])
        self.source = os.path.join(source, self.name)

    def encode_inputs(self, l1="0.1"):
        """P (3 x 4, unit atoms) and X (5 x 3) for sfl-encode --dict: its valid arguments."""
        P = [[1, 0, 0, 0.6], [0, 1, 0, 0.8], [0, 0, 1, 0]]
        X = [[0.5, -1, 2], [1, 1, 1], [0, 0, 0.1], [-2, 0.3, 0.7], [0.2, 0.2, -0.4]]
        write_npy(self.path("P.npy"), P)
        write_npy(self.path("X.npy"), X)
        return ["--dict", self.path("P.npy"), "--input", self.path("X.npy"), "--output", self.path("A.npy"),
                "--l1", l1, "--l2", "0.01", "--solver", "lars", "--threads", "2"]

    def expect_failure(self, args, rc_want, *words):
        before = sorted(os.listdir(self.dir))
        rc, out, err = self.run(args)
        lines = err.splitlines()
        what = "%s %s" % (self.name, " ".join(args))
        expect(rc == rc_want, "%s: exit status %d, expected %d (stderr %r)" % (what, rc, rc_want, err))
        expect(len(lines) == 1, "%s: expected one stderr line, got %r" % (what, err))
        expect(lines[0].startswith(self.name + ": error: "), "%s: the line lacks '%s: error: ': %r"
               % (what, self.name, lines[0]))
        for w in words:
            expect(w.lower() in lines[0].lower(), "%s: %r does not mention %r" % (what, lines[0], w))
        expect(out == "", "%s: stdout %r" % (what, out))
        expect(sorted(os.listdir(self.dir)) == before, "%s: files changed: %r -> %r"
               % (what, before, sorted(os.listdir(self.dir))))


# ---- usage errors: exit 2 ---------------------------------------------------------------

def usage_cases(r):
    """(arguments, words of the message) of bad command lines of program r.name."""
    common = [(["--no-such-flag", "1"], ["unknown option", "--no-such-flag"]),
              (["--no-such-flag"], ["unknown option", "--no-such-flag"]),
              (["stray"], ["stray"])]
    missing = r.path("missing")
    own = {
        "sfl-encode": lambda: [
            (r.encode_inputs(l1="0.1x"), ["--l1", "0.1x"]),
            (r.encode_inputs()[:-2] + ["--threads"], ["--threads", "needs a value"]),
            (["--input", missing, "--output", missing], ["missing", "--dict"]),
            # Before --json took a FILE it was a switch: the next option is not taken as the file.
            (r.encode_inputs() + ["--json", "--quiet"], ["--json", "needs a value", "--quiet"]),
        ],
        "sfl-export": lambda: [
            ([], ["--model"]),
            (["--model", missing], ["nothing to write"]),
            ([missing, "--header", missing + ".h"], ["--model"]),  # the positional MODEL of before
            (["--model", missing, "--header", missing + ".h", "--name", "a-b"], ["--name", "C identifier"]),
        ],
        "sfl-figures": lambda: [
            ([], ["--model"]),
            (["--model", missing, "--count", "x"], ["--count", "x"]),
            (["--model", missing, "--scale"], ["--scale", "needs a value"]),
        ],
        "sfl-gradcheck": lambda: [
            ([], ["--layer"]),
            (["--layer", "xyz"], ["--layer", "xyz"]),
            (["--layer", "sf", "--image", "8x8"], ["--image", "AxBxC"]),
            (["--layer", "sf", "--json"], ["--json", "needs a value"]),
        ],
        "sfl-train": lambda: [
            ([], ["--net"]),
            (["--net", "lenet", "--epochs", "0", "--out", missing], ["--epochs", "0"]),
            (["--net", "lenet", "--resume=yes", "--out", missing], ["--resume", "takes no value"]),
            (["--net", "lenet", "--out", missing, "--json"], ["--json", "needs a value"]),
            (["--net", "lenet", "--out", missing, "--model", "--quiet"], ["--model", "needs a value"]),
        ],
        "sfl-variations": lambda: [
            ([], ["--kind"]),
            (["--kind", "spin", "--mnist", missing, "--out", missing], ["--kind", "spin"]),
            (["--kind", "rot", "--mnist", missing, "--out", missing, "--seed", "-1"], ["--seed"]),
        ],
    }
    expect(r.name in own, "no usage cases for %s" % r.name)
    return common + own[r.name]()


def case_usage(r):
    for args, words in usage_cases(r):
        r.expect_failure(args, USAGE, *words)


# ---- other errors: exit 1 ---------------------------------------------------------------

def case_error(r):
    missing = r.path("missing")
    if r.name == "sfl-encode":
        args = r.encode_inputs()
        args[1] = missing
        words = ["--dict", missing]
    elif r.name == "sfl-export":
        args, words = ["--model", missing, "--header", r.path("x.h")], [missing, "cannot open"]
    elif r.name == "sfl-figures":
        args, words = ["--model", missing, "--out", r.path("fig")], [missing, "cannot open"]
    elif r.name == "sfl-gradcheck":  # the check passes, its JSON cannot be written
        args, words = ["--layer", "sf", "--m", "6", "--K", "4", "--json", r.path("no", "such", "r.json")], ["cannot write"]
    elif r.name == "sfl-train":
        args, words = ["--net", "lenet", "--data", missing, "--out", r.path("run"), "--quiet"], [missing]
    elif r.name == "sfl-variations":
        args, words = ["--kind", "rot", "--mnist", missing, "--out", r.path("out"), "--quiet"], [missing]
    else:
        raise AssertionError(r.name)
    before = set(os.listdir(r.dir))
    rc, out, err = r.run(args)
    lines = err.splitlines()
    expect(rc == ERROR, "exit status %d, expected 1 (stderr %r)" % (rc, err))
    expect(len(lines) == 1 and lines[0].startswith(r.name + ": error: "), "stderr %r" % err)
    for w in words:
        expect(w.lower() in lines[0].lower(), "%r does not mention %r" % (lines[0], w))
    # sfl-gradcheck reports its (passed) check on stdout before writing the JSON.
    expect(out == "" or r.name == "sfl-gradcheck", "stdout %r" % out)
    made = set(os.listdir(r.dir)) - before
    expect(made <= {"run"}, "files written: %r" % sorted(made))  # sfl-train makes its run directory first


# ---- --help lists exactly the flags the parser accepts ---------------------------------------

FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")


STRING_LITERAL = re.compile(r'"(?:[^"\\\n]|\\.)*"')


def source_flags(folder):
    """Every "--flag" in the string literals of the program's sources (usage text, parser,
    messages; not comments, not --i in code)."""
    found = set()
    for name in sorted(os.listdir(folder)):
        if name.endswith((".cpp", ".hpp", ".h", ".c")):
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                for literal in STRING_LITERAL.findall(f.read()):
                    found |= set(FLAG.findall(literal))
    return found


def case_help_flags(r):
    rc, out, err = r.run(["--help"])
    expect(rc == 0 and err == "", "--help: exit %d, stderr %r" % (rc, err))
    expect(out.startswith("usage: " + r.name + " "), "--help starts %r" % out[:40])
    expect("Exit status: 0 " in out and "2 usage error" in out, "--help lacks the exit statuses")
    rc, short, _ = r.run(["-h"])
    expect(rc == 0 and short == out, "-h differs from --help")
    listed = set(FLAG.findall(out))
    expect("--help" in listed, "--help does not list itself")
    # Every flag in the sources is listed.
    unlisted = source_flags(r.source) - listed
    expect(not unlisted, "flags in %s not in --help: %s" % (r.source, sorted(unlisted)))
    # Every listed flag is accepted: --flag=x may be a bad value or a switch, never unknown.
    for flag in sorted(listed - FOREIGN_FLAGS.get(r.name, set()) - {"--help"}):
        rc, _, err = r.run([flag + "=x"])
        expect("unknown option" not in err, "--help lists %s, the parser refuses it: %r" % (flag, err))
        expect(rc in (ERROR, USAGE), "%s=x alone: exit status %d (stderr %r)" % (flag, rc, err))
    # A flag that is not listed is refused (the check above can fail).
    rc, _, err = r.run(["--not-a-flag=x"])
    expect(rc == USAGE and "unknown option '--not-a-flag'" in err, "--not-a-flag=x: %d %r" % (rc, err))


# ---- --json FILE, - for stdout ------------------------------------------------------------

def json_args(r, target):
    if r.name == "sfl-encode":
        return r.encode_inputs() + ["--json", target], {"signals": 5, "m": 3, "K": 4, "solver": "lars", "errors": 0}
    if r.name == "sfl-gradcheck":
        return (["--layer", "sf", "--m", "6", "--K", "4", "--seed", "2", "--json", target],
                {"layer": "sf", "m": 6, "K": 4, "seed": 2, "pass": True})
    raise AssertionError("%s has no --json" % r.name)


def case_json_stdout(r):
    args, want = json_args(r, "-")
    rc, out, err = r.run(args)
    expect(rc == 0, "exit status %d (stderr %r)" % (rc, err))
    doc = json.loads(out)  # the whole of stdout is one document
    for k, v in want.items():
        expect(doc.get(k) == v, "--json -: %s is %r, expected %r" % (k, doc.get(k), v))
    expect(not os.path.exists(r.path("-")), "--json - wrote a file named '-'")


def case_json_file(r):
    target = r.path("summary.json")
    args, want = json_args(r, target)
    rc, out, err = r.run(args)
    expect(rc == 0, "exit status %d (stderr %r)" % (rc, err))
    expect(out.strip() and "{" not in out, "--json FILE: stdout is not the summary for people: %r" % out)
    with open(target) as f:
        doc = json.load(f)
    for k, v in want.items():
        expect(doc.get(k) == v, "--json FILE: %s is %r, expected %r" % (k, doc.get(k), v))
    stray = [f for f in os.listdir(r.dir) if f.endswith(".tmp")]
    expect(not stray, "temporary files left: %r" % stray)


CASES = registry(globals())


def main(argv):
    return cases_main(argv, __doc__, CASES, "cli.conventions", "--source", Run)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
