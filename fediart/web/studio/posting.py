"""Studio pages: posting (filled in by the studio work)."""

routes: list = []
