"""The one exception the lab tool raises for problems the user can fix."""


class LabError(Exception):
    """A clear, one-line problem report; the CLI prints it and exits with status 2."""
