"""The HTTP application, composed in one place above its two routers (the JSON API and
the web pages): problems, middleware, timers, static files. `api/` and `web/` know
nothing of each other or of this package."""
