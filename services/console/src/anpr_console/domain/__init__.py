"""Pure pieces of the console: sessions, CSRF, PKCE, navigation by role, messages, review forms."""
