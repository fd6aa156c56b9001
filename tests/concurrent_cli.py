"""Runs one CLI command once a start file appears, so that several processes race for real.

Used by tests/test_concurrency.py: ``python tests/concurrent_cli.py START_FILE ARGS...``.
"""

import os
import sys
import time

from cli.main import app  # imported before the start, so that every process races from the same line

import db.facts  # noqa: E402,F401  (and the write path too)
import db.store  # noqa: E402,F401

start, args = sys.argv[1], sys.argv[2:]
deadline = time.monotonic() + 30
while not os.path.exists(start) and time.monotonic() < deadline:
    time.sleep(0.002)
app(args)
