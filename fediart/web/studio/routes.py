"""Routes of the studio, gathered from its page modules."""

from fediart.web.studio import admin, albums, home, people, posting, profile, works

routes = [*home.routes, *posting.routes, *works.routes, *people.routes, *profile.routes, *admin.routes, *albums.routes]
