"""(filled in by the posts work: see issue 3)"""

routes: list = []
