"""The `graphlens` command: wires the commands (one module each) into one click group.

Exit status: 0 done; 1 `trace --strict` found something; 2 an error a user can fix (a missing or
broken model file, a bad option); 3 an internal error of graphlens (a bug: please report it).

    $ graphlens show gallery/sgn_autoencoder.py
    $ python -m graphlens.cli.main show gallery/sgn_autoencoder.py
"""

from __future__ import annotations

import click

from graphlens import __version__
from graphlens.errors import GraphlensError

EXIT_FINDINGS, EXIT_USER_ERROR, EXIT_INTERNAL_ERROR = 1, 2, 3

# (module, command object): each command loads only when the group is built, not on import.
COMMANDS = (
    ("graphlens.cli.show", "show_command"),
    ("graphlens.cli.pp", "pp_command"),
    ("graphlens.cli.debugprint", "debugprint_command"),
    ("graphlens.cli.trace", "trace_command"),
    ("graphlens.cli.why", "why_command"),
    ("graphlens.cli.diff", "diff_command"),
    ("graphlens.cli.gallery", "gallery_command"),
)


class GraphlensGroup(click.Group):
    """A click group that turns graphlens's errors into a message and exit status 2, and any
    other exception into a short internal-error message (the traceback with --traceback)."""

    def list_commands(self, ctx):
        return list(self.commands)          # as wired below, `show` first: not alphabetical

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit,
                click.exceptions.Abort):
            raise
        except GraphlensError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(EXIT_USER_ERROR)
        except OSError as exc:
            # A file we could not write (or read): the user's folder or permissions.
            where = f": {exc.filename}" if exc.filename else ""
            click.echo(f"error: {exc.strerror or exc}{where}", err=True)
            ctx.exit(EXIT_USER_ERROR)
        except Exception as exc:  # noqa: BLE001 - a bug of ours: say so, briefly
            if ctx.params.get("show_traceback"):
                raise
            click.echo(f"error: graphlens failed inside its own code ({type(exc).__name__}: "
                       f"{exc}). This is a bug in graphlens; rerun with `graphlens --traceback "
                       f"...` to see where, and report it.", err=True)
            ctx.exit(EXIT_INTERNAL_ERROR)


def build_cli() -> click.Group:
    """The `graphlens` group with its commands."""
    import importlib

    @click.group(cls=GraphlensGroup, context_settings={"help_option_names": ["-h", "--help"]})
    @click.version_option(__version__, "--version", prog_name="graphlens",
                          message="%(prog)s %(version)s")
    @click.option("--traceback", "show_traceback", is_flag=True,
                  help="On an internal error, show graphlens's own traceback.")
    def cli(show_traceback):
        """graphlens: see and debug the symbolic graphs a model file builds.

        \b
        Examples:
          graphlens show gallery/sgn_autoencoder.py     # picture + summary
          graphlens trace gallery/sgn_autoencoder.py    # where gradients vanish
          graphlens pp gallery/logreg.py                # formulas
          graphlens COMMAND --help                      # more on one command

        A model file is plain Python; see `graphlens show --help` for what graphlens
        runs and draws. Exit status: 0 done, 1 findings with `trace --strict`, 2 an error
        in the model or the options, 3 a bug in graphlens.
        """

    for module_name, attribute in COMMANDS:
        cli.add_command(getattr(importlib.import_module(module_name), attribute))
    return cli


def main(argv=None):
    """Console-script entry point: `graphlens ...`."""
    return build_cli().main(args=argv, prog_name="graphlens")


if __name__ == "__main__":
    main()
