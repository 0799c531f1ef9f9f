"""typer 0.20 imports helpers that click 8.3 deprecates at import time; the project turns warnings into
errors, so typer is imported here once with that one warning silenced, before the tests import it."""

import warnings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", r"'click\.\w+\.\w+' is deprecated", DeprecationWarning)
    import typer  # noqa: F401
