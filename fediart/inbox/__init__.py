"""Receiving activities: verify and store on POST (receive.py), process later in the worker (dispatch.py)."""
