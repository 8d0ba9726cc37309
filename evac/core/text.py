"""Folding text for search: the same name typed on different keyboards must compare equal."""

import re
import unicodedata

# Arabic-keyboard letters that Dari writes with Persian forms, and the zero-width non-joiner.
_ARABIC_TO_PERSIAN = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "\u200c": " ", "ـ": None})
_SPACES = re.compile(r"[\s\-_'’`.,]+")


def fold(text: str) -> str:
    """Lower case, no accents or Arabic vowel marks, Persian letter forms, single spaces."""
    text = unicodedata.normalize("NFKD", text or "").translate(_ARABIC_TO_PERSIAN)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _SPACES.sub(" ", text.casefold()).strip()
