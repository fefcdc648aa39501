"""Shared parts of the command-line test scripts (tests/cli, tests/deploy, tests/train):
the case registry and the --list / --check-list commands CMake uses to check that it
registered every case."""


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
