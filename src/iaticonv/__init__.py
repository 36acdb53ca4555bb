"""iaticonv: aid-project records ⇄ IATI XML, offline IATI validation, registry publishing."""

from .errors import IaticonvError, InputError, UsageError

__version__ = "0.1.0"

__all__ = ["IaticonvError", "InputError", "UsageError", "__version__"]
