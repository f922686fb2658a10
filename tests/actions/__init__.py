"""Tests of the use cases in fediart/actions, called directly as the CLI and the API call them."""
