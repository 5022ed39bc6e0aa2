"""The image builder's one error type: a message for the user, never a traceback."""


class ImageError(Exception):
    """An image cannot be built (bad recipe, debootstrap failure, unreadable tree)."""
