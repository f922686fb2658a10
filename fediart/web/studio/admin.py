"""Studio pages: admin (filled in by the studio work)."""

routes: list = []
