"""`anpr bench console`: page times of the staff console's review, permit search and statistics screens
against the same data fetched straight from the services' APIs (see run.py)."""
