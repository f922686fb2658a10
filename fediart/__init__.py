"""fediart: a self-hosted ActivityPub server for artists, with a no-AI-training licence on everything it serves."""

__version__ = "0.1.0"
