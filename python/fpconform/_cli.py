"""`fpconform` on the command line: the C++ program installed inside the package."""

import os
import pathlib
import sys


def executable():
    """The path of the bundled fpconform program."""
    return str(pathlib.Path(__file__).resolve().parent / "bin" / "fpconform")


def main():
    exe = executable()
    if not os.path.exists(exe):
        sys.stderr.write(f"fpconform: error: the fpconform program is missing from the package ({exe})\n")
        return 2
    os.execv(exe, [exe, *sys.argv[1:]])


if __name__ == "__main__":
    sys.exit(main())
