"""Tools run by hand (`python -m anpr_ingest.offline.<tool>`); the running service never imports them."""
