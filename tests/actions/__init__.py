"""Tests of the use cases (fediart/actions); a package so its module names do not clash with tests/api."""
