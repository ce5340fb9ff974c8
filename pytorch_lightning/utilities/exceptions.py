"""Exceptions raised by the package."""


class MisconfigurationException(Exception):
    """Raised when a setting, an argument or a model hook's return value is not usable."""
