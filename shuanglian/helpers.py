"""Small general helpers that know nothing of the apps."""


def pad_area_code(prefix: str) -> str:
    """An area's 12-digit code from its significant prefix: ``6205`` → ``620500000000``."""
    return prefix.ljust(12, "0")
