"""Shared parts of the command-line test scripts (tests/cli, tests/deploy, tests/train):
Failure and expect, running a program (also with stderr on a pseudo-terminal), a case's
scratch directory, the case registry, the --list / --check-list commands CMake uses to
check that it registered every case, and the main() that runs one case."""
import errno
import fcntl
import os
import pty
import shutil
import struct
import subprocess
import tempfile
import termios


class Failure(Exception):
    """A check of a case failed; the message says what was expected and what came."""


def expect(cond, what):
    if not cond:
        raise Failure(what)


def file_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def run(cmd, timeout=300):
    """(exit status, stdout, stderr) of the command line cmd."""
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def run_on_terminal(cmd, columns, timeout=300):
    """(exit status, stdout, stderr bytes) of cmd with its stderr on a pseudo-terminal of
    `columns` columns (a program's progress line for people) and stdout on a pipe."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    err = b""
    while True:  # until every writer of the terminal is gone (EIO on Linux)
        try:
            chunk = os.read(master, 65536)
        except OSError as e:
            if e.errno != errno.EIO:
                raise
            break
        if not chunk:
            break
        err += chunk
    os.close(master)
    out = p.stdout.read().decode()
    p.stdout.close()
    return p.wait(timeout=timeout), out, err


def _terminal_text(err):
    """err's text with the pseudo-terminal's '\\r\\n' line ends back to '\\n' and the
    erase-to-end-of-line code dropped."""
    return err.decode().replace("\r\n", "\n").replace("\x1b[K", "")


def terminal_lines(err):
    """The lines a terminal shows for the bytes err: each line as its last redrawing after
    a carriage return."""
    return [line.split("\r")[-1] for line in _terminal_text(err).split("\n")[:-1]]


def drawn_segments(err):
    """Every text drawn on the terminal between carriage returns and line ends."""
    return [seg for line in _terminal_text(err).split("\n") for seg in line.split("\r") if seg]


class Scratch:
    """A case's scratch directory and the program under test (cmd: its command line,
    with the emulator prefix when cross-compiled)."""

    timeout = 300  # seconds per run

    def __init__(self, cmd, tmp):
        self.cmd = cmd
        self.dir = tmp

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def run(self, args):
        return run(self.cmd + args, self.timeout)

    def run_on_terminal(self, args, columns):
        return run_on_terminal(self.cmd + args, columns, self.timeout)


def registry(namespace):
    """{name: function} of the case_<name> functions in a module's globals()."""
    return {name[len("case_"):]: fn for name, fn in sorted(namespace.items()) if name.startswith("case_")}


def list_command(argv, cases):
    """--list prints the case names; --check-list NAME... fails unless NAMEs are exactly the
    cases. Returns the exit status, or None when argv is neither command."""
    if argv[:1] == ["--list"]:
        print("\n".join(cases))
        return 0
    if argv[:1] == ["--check-list"]:
        given, known = set(argv[1:]), set(cases)
        if given != known:
            print("case list mismatch: not registered in CMake: %s; unknown to the script: %s"
                  % (sorted(known - given), sorted(given - known)))
            return 1
        return 0
    return None


def cases_main(argv, doc, cases, group, value_flag, make_run, value_optional=False, check_value=None):
    """The main() of a case script; returns the exit status.

      --list | --check-list NAME...                 list_command
      --case NAME VALUE_FLAG VALUE -- COMMAND...    cases[NAME](make_run(COMMAND, VALUE, tmp)) in a fresh
                                                    temporary directory tmp, removed afterwards

    VALUE_FLAG VALUE may be left out when value_optional (VALUE is then None). Prints
    "ok GROUP.NAME", or "FAIL GROUP.NAME: why" for a Failure or for check_value(VALUE)'s
    complaint (checked before the case runs): exit 0 or 1. Anything else prints doc: exit 2."""
    status = list_command(argv, cases)
    if status is not None:
        return status
    value = None
    if len(argv) >= 4 and argv[2] == value_flag:
        value, argv = argv[3], argv[:2] + argv[4:]
    if len(argv) < 4 or argv[0] != "--case" or argv[2] != "--" or (value is None and not value_optional):
        print(doc)
        return 2
    name, cmd = argv[1], argv[3:]
    if name not in cases:
        print("unknown case %r; cases: %s" % (name, ", ".join(cases)))
        return 2
    label = "%s.%s" % (group, name)
    problem = check_value(value) if check_value else None
    if problem:
        print("FAIL %s: %s" % (label, problem))
        return 1
    tmp = tempfile.mkdtemp(prefix="sfl_%s_" % label.replace(".", "_"))
    try:
        cases[name](make_run(cmd, value, tmp))
    except Failure as e:
        print("FAIL %s: %s" % (label, e))
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("ok %s" % label)
    return 0
