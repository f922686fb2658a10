"""Tests of the use cases in fediart/actions, called directly as the CLI and the API call them.

A package, so its module names do not clash with tests/api and the others."""
