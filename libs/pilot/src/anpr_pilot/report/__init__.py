"""The pilot report: what a municipality takes into its next tender (HTML and PDF, aggregates only)."""
