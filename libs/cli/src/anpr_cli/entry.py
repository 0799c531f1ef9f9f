"""The `anpr` script. `anpr read` is started without the rest of the CLI: the full command tree imports
every command group (the web framework, the database layer, the benchmarks) before it looks at its
arguments, two seconds or more of CPU that `read` needs none of."""

import sys


def main() -> None:
    if sys.argv[1:2] == ["read"]:
        from anpr_cli.read import read_app

        read_app(args=sys.argv[2:], prog_name="anpr read")
        return
    from anpr_cli.main import app

    app()
