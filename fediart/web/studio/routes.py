"""Routes of the studio, gathered from its page modules."""

from fediart.web.studio import admin, albums, home, people, posting, profile

routes = [*home.routes, *posting.routes, *people.routes, *profile.routes, *admin.routes, *albums.routes]
