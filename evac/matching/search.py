"""Searching names through one indexed text column (see docs/decisions/003-case-search.md).

A case's search_text holds its family's names folded as typed (evac.core.text.fold), then keys from
evac.matching.names, each a word of its own behind a marker:

- "=muhamad="  a name's folded key: Latin names, and Perso-Arabic names evac knows (محمد is "=muhamad=");
- ":qmhmd:"    the skeleton of a Latin name, for a Perso-Arabic word searched that evac cannot fold;
- "~vdlr~"     the skeleton of a Perso-Arabic name evac cannot fold (دلاور), for a Latin word searched.

Skeletons only bridge the two scripts, never one script to itself: "Mahmood" and "Mohammad" share
the consonants m-h-m-d but not their folded keys, so a search for one does not bring every case of the
other. Keys match whole: "Gul" finds Gol and گل, not Ghulam (whose key, gulam, begins like it); a name
typed in part is still found as typed ("Muham" finds Muhammad). The markers are taken out of the names as typed (plain_words), so no name can look like a key.
The q and v are letters no skeleton or folded key contains: they give the two kinds of
skeleton different trigrams, so that the index tells them apart before the LIKE has to.
"""

from functools import lru_cache

from evac.core.text import fold as plain_fold
from evac.matching import tables
from evac.matching.names import (
    is_native,
    is_title,
    name_tokens,
    normalise,
    token_fold,
    token_parts,
    token_skeleton,
)


def folded(key: str) -> str:
    return "=" + key + "="


_MARKERS = str.maketrans(dict.fromkeys("=:~", " "))


def plain_words(text: str) -> str:
    """A name or a search as typed, folded (evac.core.text.fold), without the key markers."""
    return " ".join(plain_fold(text).translate(_MARKERS).split())


def latin_bones(bones: str) -> str:
    return ":q" + bones + ":"


def native_bones(bones: str) -> str:
    return "~v" + bones + "~"


# Name parts that are particles, in either script, by their Latin key.
PARTICLES = {**{p: p for p in ("abdul", *tables.LATIN_SUFFIXES)}, **tables.NATIVE_PARTICLES}


@lru_cache(maxsize=131072)
def index_terms(name: str) -> frozenset[str]:
    """The keys a case stores for one name (a given name, a father's name, a name in Dari...): for each of
    its words and each part of a compound word (Abdul, Rahman; Hekmat, Ullah)."""
    terms: set[str] = set()
    for token in name_tokens(name):
        parts = token_parts(token)
        for piece in (token, *parts) if len(parts) > 1 else (token,):
            if piece != token and piece in PARTICLES:
                terms.add(folded(PARTICLES[piece]))  # "Ullah" searched alone; its skeleton says nothing
                continue
            key, bones = token_fold(piece), token_skeleton(piece)
            if key:
                terms.add(folded(key))
            if not is_native(piece) and bones:
                terms.add(latin_bones(bones))
            elif key is None and bones:
                terms.add(native_bones(bones))
    return frozenset(terms)


def _word_terms(token: str) -> list[str]:
    """What one searched name word may match besides itself (see the module's docstring)."""
    key, bones = token_fold(token), token_skeleton(token)
    terms = [folded(key)] if key else []
    if bones and (not is_native(token) or key is None):
        if is_native(token):
            terms.append(latin_bones(bones))
        terms.append(native_bones(bones))
    return terms


def query_terms(query: str) -> list[list[tuple[str, ...]]]:
    """What a search needs in search_text: for every word searched, one of its alternatives, where an
    alternative is a few substrings that must all be there. A word is always its own alternative, as
    typed (folded), so nothing found before is lost. Titles are not required (a search for "Haji Karim"
    finds Karim), words with digits are not names (Ahmad1 stays Ahmad1)."""
    words = plain_words(query).split()
    # Titles and a lone article (the al of Abd al-Rahman) are not the name searched for.
    noise = {
        w
        for w in words
        if w.isalpha() and all(is_title(n) or n in tables.ARTICLES for n in normalise(w).split())
    }
    required = [w for w in words if w not in noise] or words
    conditions: list[list[tuple[str, ...]]] = []
    for word in required:
        alternatives: list[tuple[str, ...]] = [(word,)]
        tokens = name_tokens(word) if word.isalpha() else ()
        particle = tables.LATIN_SUFFIX_WORDS.get(normalise(word))
        if particle:  # Ullah, Zai, Din written apart
            alternatives.append((folded(particle),))
        elif len(tokens) == 1:
            alternatives += [(term,) for term in _word_terms(tokens[0])]
        elif len(tokens) > 1:  # Gulahmad: both names, wherever they are
            keys = [key for key in map(token_fold, tokens) if key]
            if len(keys) == len(tokens):
                alternatives.append(tuple(folded(key) for key in keys))
        # A key that contains the word as typed adds nothing to it ("=nasrullah=" for nasrullah).
        conditions.append([a for a in alternatives if len(a) > 1 or a == (word,) or word not in a[0]])
    return conditions
