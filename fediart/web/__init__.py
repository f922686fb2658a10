"""HTML pages for people: the artist's portfolio profile, the instance front page."""
