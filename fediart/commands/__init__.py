"""What the CLI subcommands do, one module per family; the argument parsing lives in fediart.cli."""
