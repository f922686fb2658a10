"""Studio pages: people (filled in by the studio work)."""

routes: list = []
