"""Version of hatched."""

__version__ = "1.4.0rc2"
