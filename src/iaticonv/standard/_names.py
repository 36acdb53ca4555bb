"""Normalising names so that people's spellings meet the codelists' spellings."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalise_name"]

_PUNCT = re.compile(r"[^\w]+", re.UNICODE)
_FILLERS = frozenset({"and", "et", "the", "of", "le", "la", "les", "de", "des", "du", "l", "d"})


def normalise_name(text: str) -> str:
    """Case-, accent-, punctuation- and whitespace-insensitive key for a name.

    "Participatory Development/Good Governance" and "participatory development and good governance"
    both become ``participatory development good governance``: connecting words are dropped because
    donors write "and" where the OECD writes "/".
    """
    decomposed = unicodedata.normalize("NFKD", text)
    no_accents = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = _PUNCT.sub(" ", no_accents.casefold().replace("_", " ")).split()
    kept = [word for word in words if word not in _FILLERS]
    return " ".join(kept or words)
