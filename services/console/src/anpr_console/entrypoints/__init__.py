"""HTTP: server-rendered pages (templates/), static files (static/), sign-in and the screens."""
