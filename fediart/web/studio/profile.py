"""Studio pages: profile (filled in by the studio work)."""

routes: list = []
