"""The web UI for the set: server-rendered pages (Jinja2 + htmx), served by `coldcheck
serve` itself with every script and style local."""
