"""Log lines written by `fediart serve` and `fediart worker` cannot drive the admin's terminal."""

import subprocess
import sys

SCRIPT = """
import logging
from fediart.logs import setup_logging
setup_logging("INFO")
logging.getLogger("fediart.inbox").info("dropped Like from %s", "https://evil.example/\\x1b[2J\\x1b[H\\nfediart.worker: all clear\\u202e")
try:
    raise ValueError("ours")
except ValueError:
    logging.getLogger("fediart.worker").exception("item failed")
"""


def test_remote_text_in_log_lines_is_terminal_safe():
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60)
    lines = result.stderr.splitlines()
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr
    assert lines[0].endswith("INFO fediart.inbox: dropped Like from https://evil.example/ fediart.worker: all clear")
    assert lines[1].endswith("ERROR fediart.worker: item failed")
    assert lines[2] == "Traceback (most recent call last):"  # our own traceback keeps its lines
    assert lines[-1] == "ValueError: ours"
