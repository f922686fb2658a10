"""The worker's named job kinds: each declared once (name, states, concurrency, backoff, claim and run).

kind.py says what a declaration holds; runner.py runs one kind's claimed jobs in a worker, bounded;
delivery.py and inbox.py are the two hot-path kinds on their own tables; table.py runs the kinds
that live on the generic job table (blocklists.py, severing.py, pruning.py, media_migration.py);
registry.py lists them all, in the order the worker claims them; manage.py is what an admin does
with jobs (`fediart jobs`).
"""
