"""What every command line of the project shares: one-line errors, safe streams, quiet exits.

`python -m index`, `python -m bot` and `python -m bench` parse their arguments and call `run`:
a user's mistake ends as one `error: ...` line and exit 1, never a traceback; Ctrl-C is exit
130; a reader that closes the pipe early (`| head -1`) ends the command quietly; and text that
is not valid UTF-8 is replaced rather than crashing a read or a print.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from index.errors import BuildError, IndexLoadError


class UserError(Exception):
    """A mistake the user can fix (a missing file, a bad setting), reported as one line."""


EXPECTED = (UserError, BuildError, IndexLoadError)


def safe_streams() -> None:
    """Replace undecodable input and unencodable output instead of raising on them."""
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


def run(command: Callable[[], int], expected: tuple[type[BaseException], ...] = ()) -> int:
    """Run a command's body and turn the ways it may end into an exit code."""
    safe_streams()
    try:
        return command()
    except (*EXPECTED, *expected) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader is gone: point stdout at /dev/null so that the final flush cannot fail too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
