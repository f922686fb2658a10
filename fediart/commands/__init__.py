"""What the CLI subcommands do, one module per family; the argument parsing lives in fediart.cli."""


class CliError(Exception):
    """A failure to report as one line on stderr."""
