"""`python -m fediart` runs the fediart command."""

import sys

from fediart.cli import main

sys.exit(main())
