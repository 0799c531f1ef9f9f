"""The words of the pilot screen, in Dutch (first) and English: the same keys in both."""

NL: dict[str, str] = {}

EN: dict[str, str] = {}
