"""Exceptions raised by the package."""


class MisconfigurationException(ValueError):
    """Raised when a setting, an argument or a model hook's return value is not usable.

    A ``ValueError``, so code (and 0.8.5's tests) catching ``ValueError`` for a bad configuration
    still catches it.
    """
