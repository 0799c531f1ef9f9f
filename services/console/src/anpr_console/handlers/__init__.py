"""The console's use cases: sign in, keep a session fresh, sign out, review."""
