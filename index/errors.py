"""Errors the engine reports to admins and to the bot as one clear line."""


class IndexLoadError(Exception):
    """The index is missing, corrupt, of another format, or made with another model."""


class BuildError(Exception):
    """The corpus could not be built into an index (empty corpus, unreadable file with --strict)."""
