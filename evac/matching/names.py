"""Names brought to forms that can be compared, in Latin letters and in Perso-Arabic script.

The same man arrives as "Mohammad Wali Ahmadzai", "Muhammad Vali Ahmadzay", "Mohamed Ouali Ahmadzaï" and
"محمد ولی احمدزی". Plain string distance fails on these; what works, in order:

- `normalise`: case, accents, apostrophes and hyphens, Persian letter forms, vowel marks.
- `name_tokens`: the words of a name, titles set aside (Haji, Sayed, Eng.), compounds made of a particle
  joined (Abdul Rahman, Abd al-Rahman and Abdurrahman are one token, "abdulrahman"; Hekmat Ullah is
  "hekmatullah"), two names written as one split (Gulahmad is Gul Ahmad).
- `fold`: a key shared by the spellings of one name (Mohammad, Muhammad, Mohamed and Mohd; Qasim and
  Kasim; Wali, Vali and Ouali; Sharif and Charif). Perso-Arabic names evac knows (tables.NATIVE_NAMES)
  fold to the same key as their Latin spellings.
- `skeleton`: the consonants, from either script, so that a Perso-Arabic name evac does not know still
  meets its Latin spellings.
- `similarity`: how two names compare, as a score and a reason in plain words.

All knowledge of names is in evac.matching.tables; this module only reads it. Every function is pure and
cached: they run on every name of millions of people.
"""

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

from django.db import models
from django.utils.translation import gettext_lazy as _

from evac.matching import tables

# ---------------------------------------------------------------------------------------------- cleaning

# Applied before accents are taken off: letters that have no decomposition, and the marks that stand for
# an Arabic letter inside a Latin name (Ja'far, Sa‘id, ʿAbd) and join its two halves.
_LATIN_LETTERS = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "ł": "l", "ı": "i", "þ": "th"}
    | dict.fromkeys("'’‘`´ʿʾʼ", "")
)
# The same folds as evac.core.text.fold, so that a name token is the word the case list stores; ە comes
# from decomposing ۀ. Tatweel and the direction marks go; the zero-width non-joiner separates words.
_NATIVE_LETTERS = str.maketrans(
    {"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "ە": "ه", "\u200c": " "}
    | dict.fromkeys("ـ\u200d\u200e\u200f\u061c", None)
)
_LOOKUP = str.maketrans(tables.NATIVE_LOOKUP_FOLDS)


def _is_native_letter(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f"


@lru_cache(maxsize=65536)
def _words(text: str) -> tuple[str, ...]:
    """The words of a text: lower case, no accents or vowel marks; a word is in one script only."""
    text = unicodedata.normalize("NFKC", text or "").casefold().translate(_LATIN_LETTERS)
    text = unicodedata.normalize("NFKD", text).translate(_NATIVE_LETTERS)
    words: list[str] = []
    current: list[str] = []
    native = False
    for ch in text:
        if unicodedata.combining(ch):
            continue
        if not ch.isalpha():
            if current:
                words.append("".join(current))
                current = []
            continue
        ch_native = _is_native_letter(ch)
        if current and ch_native != native:
            words.append("".join(current))
            current = []
        native = ch_native
        current.append(ch)
    if current:
        words.append("".join(current))
    return tuple(words)


def normalise(text: str) -> str:
    """Lower case, no accents, apostrophes or vowel marks, Persian letter forms, one space between words:
    "Mohamed-Ouali AHMADZAÏ" is "mohamed ouali ahmadzai"."""
    return " ".join(_words(text))


def is_native(word: str) -> bool:
    """Whether a word is written in Perso-Arabic script."""
    return bool(word) and _is_native_letter(word[0])


def _lookup(word: str) -> str:
    """A Perso-Arabic word as the tables list it (Pashto letters read as their Dari counterparts)."""
    return word.translate(_LOOKUP)


# ------------------------------------------------------------------------------------------- name tokens

_ABDULLAH = frozenset(tables.ABDULLAH)
_SUFFIX_FORMS = sorted(
    ((form, suffix) for suffix, forms in tables.LATIN_SUFFIXES.items() for form in forms),
    key=lambda pair: -len(pair[0]),
)
_LATIN_SUFFIX = re.compile(r"^([a-z]{3,}?)(" + "|".join(form for form, _suffix in _SUFFIX_FORMS) + r")$")
_SUFFIX_OF_FORM = dict(_SUFFIX_FORMS)
# Abdur-Rahman, Abdus-Salam, Abdush-Shakur: the l of Abdul taken into a doubled "sun letter".
_ABDUL_ASSIMILATED = re.compile(r"^abd(?:u|o|ou|oo)?(sh|[rsztdn])\1([a-z]{2,})$")
_ABDUL_JOINED = re.compile(r"^abd(?:ul|ol|oul|ool|el|al|il)([a-z]{3,})$")
_ABDUL_SUN = re.compile(r"^abd(?:u|o|ou)(sh|[rsztdn])([a-z]{2,})$")
_NATIVE_SUFFIX_FORMS = sorted(
    ((_lookup(form), suffix) for suffix, forms in tables.NATIVE_SUFFIXES.items() for form in forms),
    key=lambda pair: -len(pair[0]),
)
_NATIVE_ABDULLAH = _lookup("عبدالله")
# Abdul written apart, assimilated forms included (Abdur Rahman, Abdus Salam).
_ABDUL_WORDS = tables.ABDUL_WORDS | {"abdur", "abdus", "abduz", "abdush", "abdun", "abdud", "abdut"}


def _canonical_latin(word: str) -> str:
    """One spelling for a Latin word's particles: Abdurrahman is abdulrahman, Hekmatulla hekmatullah."""
    if word in _ABDULLAH:
        return word
    if word in tables.ABDUL_WORDS:
        return "abdul"
    suffixed = _LATIN_SUFFIX.match(word)
    if (
        suffixed
        and suffixed.group(1) in ("abd", "abdu", "abdo")
        and _SUFFIX_OF_FORM[suffixed.group(2)] == "ullah"
    ):
        return "abdullah"  # Abdullha, Abdollah: Abd + ullah is Abdullah, not Abdul + lah
    for pattern in (_ABDUL_ASSIMILATED, _ABDUL_JOINED, _ABDUL_SUN):
        match = pattern.match(word)
        if match:
            return "abdul" + _canonical_latin("".join(match.groups()))
    if suffixed:
        return suffixed.group(1) + _SUFFIX_OF_FORM[suffixed.group(2)]
    return word


def _native_suffix(word: str) -> tuple[str, str] | None:
    """(stem, particle) for a Perso-Arabic word ending in الله, الدین, زی or خیل."""
    key = _lookup(word)
    for form, suffix in _NATIVE_SUFFIX_FORMS:
        if key.endswith(form) and len(key) - len(form) >= 2 and key != _NATIVE_ABDULLAH:
            # _lookup may drop a hamza: cut the written word where its reading stops.
            stem, target = word, key[: -len(form)]
            while stem and _lookup(stem) != target:
                stem = stem[:-1]
            return stem, suffix
    return None


def _canonical_native(word: str) -> str:
    """One spelling for a Perso-Arabic word's particles: عبد رحمن is عبدالرحمن, احمدزای is احمدزی."""
    if _lookup(word) == _NATIVE_ABDULLAH:
        return word
    if word.startswith("عبد") and len(word) > 4:
        rest = word[3:]
        rest = rest[2:] if rest.startswith("ال") and len(rest) > 3 else rest
        return tables.NATIVE_ABDUL + _canonical_native(rest)
    split = _native_suffix(word)
    if split:
        return _canonical_native(split[0]) + split[1]
    return word


def is_title(word: str) -> bool:
    """Whether a normalised word is a title (Haji, Eng, حاجی), set aside when comparing names."""
    return _lookup(word) in tables.NATIVE_TITLES if is_native(word) else word in tables.LATIN_TITLES


def _join_particles(words: tuple[str, ...]) -> list[str]:
    """Join the words that belong together: Abdul + Rahman, Abd + al + Rahman, Hekmat + Ullah,
    Salah + ud + Din, Ahmad + Zai, عبد + الرحمن, حکمت + الله. An article on its own (Al-Hashimi) goes."""
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        following = words[i + 1 : i + 3]
        native = is_native(word)
        if not native and word in _ABDUL_WORDS:
            # Abd al-Rahman, Abd ur Rahman, and the article written as its one letter (Abd R-Rahman).
            article = len(following) == 2 and (
                following[0] in tables.ARTICLES
                or (len(following[0]) == 1 and following[1][:1] == following[0])
            )
            name = following[1 if article else 0] if following else ""
            if tables.LATIN_SUFFIX_WORDS.get(name) == "ullah":
                out.append("abdullah")  # Abd Ullah
                i += 2
                continue
            if len(following) == 1 and name in tables.ARTICLES:
                out.append("abdul")  # Abd-ul on its own
                i += 2
                continue
            if name and not is_native(name) and name not in tables.ARTICLES:
                skip = 1 if article else 0
                out.append(_canonical_latin("abdul" + name))
                i += 2 + skip
                continue
        if native and _lookup(word) == "عبد" and following and is_native(following[0]):
            out.append(_canonical_native(word + following[0]))
            i += 2
            continue
        if out and not native:
            suffix = tables.LATIN_SUFFIX_WORDS.get(word)
            if (
                word in tables.ARTICLES
                and following
                and following[0] in ("din", "deen", "dine")
                and not is_native(out[-1])
            ):
                out[-1] = _canonical_latin(out[-1]) + "uddin"
                i += 2
                continue
            if suffix and not is_native(out[-1]) and out[-1] not in tables.ARTICLES:
                out[-1] = _canonical_latin(out[-1] + suffix)
                i += 1
                continue
        if out and native and is_native(out[-1]):
            key = _lookup(word)
            particle = next((s for form, s in _NATIVE_SUFFIX_FORMS if key == form), None)
            if particle is not None:
                out[-1] = _canonical_native(out[-1]) + particle
                i += 1
                continue
        if not native and word in tables.ARTICLES and following:
            i += 1  # "al" in Al-Hashimi, "ul" in Zia-ul-Haq
            continue
        out.append(_canonical_native(word) if native else _canonical_latin(word))
        i += 1
    return out


@lru_cache(maxsize=65536)
def name_tokens(text: str) -> tuple[str, ...]:
    """The words of a name, ready to compare: normalised, titles set aside (unless the name is only
    titles), particles joined in one spelling, two known names written as one split."""
    words = [part for word in _join_particles(_words(text)) for part in _split_compound(word)]
    return tuple([w for w in words if not is_title(w)] or words)


def _split_compound(word: str) -> tuple[str, ...]:
    """Gulahmad is Gul Ahmad, شاهمحمد is شاه محمد: split a word that is not a name evac knows but is two
    names it knows written together."""
    if len(word) > 30 or len(token_parts(word)) > 1:  # no name is that long: not worth 30 look-ups
        return (word,)
    native = is_native(word)
    if (_native_fold(word) is not None) if native else (_fold_part(word) in _KNOWN_LATIN):
        return (word,)
    shortest = 2 if native else 3
    for cut in range(shortest, len(word) - shortest + 1):
        left, right = word[:cut], word[cut:]
        if native:
            if (_lookup(left) in _NATIVE_FOLD or is_title(left)) and _lookup(right) in _NATIVE_FOLD:
                return left, right
            if _lookup(left) in _NATIVE_FOLD and is_title(right):  # گلبی بی: Gul Bibi
                return left, right
        elif (_fold_part(left) in _KNOWN_LATIN or is_title(left)) and _fold_part(right) in _KNOWN_LATIN:
            return left, right  # Gulahmad; Sayedahmad (the title then goes)
        elif _fold_part(left) in _KNOWN_LATIN and is_title(right):
            return left, right  # Gulbibi
    return (word,)


@lru_cache(maxsize=65536)
def token_parts(token: str) -> tuple[str, ...]:
    """A name token's parts: ("abdul", "rahman"), ("hekmat", "ullah"), ("ahmad", "zai"), ("عبدال",
    "رحمن"), or the token alone."""
    if is_native(token):
        if _lookup(token) == _NATIVE_ABDULLAH:
            return (token,)
        if token.startswith(tables.NATIVE_ABDUL) and len(token) - len(tables.NATIVE_ABDUL) >= 2:
            return (tables.NATIVE_ABDUL, *token_parts(token[len(tables.NATIVE_ABDUL) :]))
        split = _native_suffix(token)
        # زی also ends names that are not tribes (نیازی is Niaz + i): only after a stem evac knows.
        if split and (split[1] != "زی" or _native_fold(split[0]) is not None):
            return (*token_parts(split[0]), split[1])
        return (token,)
    if token in _ABDULLAH:
        return (token,)
    if token.startswith("abdul") and len(token) >= 8:
        return ("abdul", *token_parts(token[5:]))
    match = _LATIN_SUFFIX.match(token)
    if match and match.group(2) in tables.LATIN_SUFFIXES:
        return (*token_parts(match.group(1)), match.group(2))
    return (token,)


# ---------------------------------------------------------------------------------------------- folding

_LATIN_PARTICLES = frozenset({"abdul", *tables.LATIN_SUFFIXES})

# The letter rules, in order. Each line is a habit of transliteration; the comment says whose.
_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"([^aeiou])\1+", r"\1"),  # doubled consonants: Hassan, Mohammad, Sayyid, Massoud
        (r"(?<=\w\w[aeiou]n)e$", ""),  # French final e after n: Rahmane, Amine, Ousmane
        (r"(?<=a)(?:yee|yi|yie|ee|ei|ie)$", "i"),  # the ending -i after a: Atayee, Rezaei, Rezayi
        (r"eh$", "a"),  # Persian final -eh: Fatemeh, Farideh, Tahmineh
        (r"(?<=[aeiou])h$", ""),  # a final h after a vowel: Fatimah, Khadijah, Shah and Sha
        (r"ph", "f"),
        (r"tch", "ch"),  # French tch for چ
        (r"sch", "sh"),  # German
        (r"ch", "sh"),  # French ch for ش: Charif, Rachid, Chir
        (r"dj", "j"),  # French dj for ج: Djamal, Nadjib
        (r"dh", "z"),  # Arabic dh for ذ: Dhabihullah
        (r"c(?=[eiy])", "s"),  # French c before e and i: Nacer
        (r"ck|c|q", "k"),  # q and k for ق: Qasim, Kasim
        (r"x", "ks"),
        (r"v", "w"),  # v and w for و: Vali, Wali
        (r"gh", "g"),  # gh and g for غ: Ghulam, Golam; Agha, Aga
        (r"ou(?=[aeiy])", "w"),  # French ou before a vowel for و: Ouali, Jaouad
        (r"oo|ou|o", "u"),  # o, u, oo, ou: Noor, Nur, Nour; Gul, Gol; Omar, Umar
        (r"ee|ie", "i"),  # ee and i: Kareem, Karim; Zahier
        (r"ae", "ai"),  # Ismael, Ismail; Aesha
        (r"[ae][iy](?![aeiou])", "ai"),  # one diphthong: Heydar, Haidar; Zeinab, Zaynab; Hossein
        (r"iy(?=[aeiou])", "i"),  # Marziya, Marzia; Aliya
        (r"(?<=[^aeiouy])y(?=[aeiou])", "i"),  # Maryam, Mariam; Ilyas, Elias
        (r"y(?![aeiou])", "i"),  # Ahmady, Ahmadi; Aly
        (r"(?<=[aeiu])w(?![aeiou])", "u"),  # Dawlat, Daulat; Nawroz
        (r"e", "i"),  # e and i: Hekmat, Hikmat; Sher, Shir; Zaher, Zahir (the Dari reading of e)
        (r"(.)\1+", r"\1"),
    )
)


def _rules(word: str) -> str:
    for _round in range(4):  # until nothing changes: a rule's output may feed an earlier rule
        before = word
        for pattern, replacement in _RULES:
            word = pattern.sub(replacement, word)
        if word == before:
            break
    return word


_FAMILY: dict[str, str] = {
    _rules(variant): _rules(canonical)
    for canonical, variants in tables.LATIN_VARIANTS.items()
    for variant in (canonical, *variants)
}


@lru_cache(maxsize=131072)
def _fold_part(part: str) -> str:
    """A Latin name part's key: its letters through the rules, then its family's key. A family name made
    with the ending -i of belonging folds like its stem: Ahmedi is Ahmadi, Yousefi is Yousufi."""
    if part in _LATIN_PARTICLES:
        return part
    folded = _rules(part)
    if folded in _FAMILY:
        return _FAMILY[folded]
    if folded.endswith("i") and folded[:-1] in _FAMILY:
        return _FAMILY[folded[:-1]] + "i"
    return folded


def _latin_word_fold(word: str) -> str:
    return "".join(_fold_part(part) for part in token_parts(_canonical_latin(word.casefold())))


_NATIVE_FOLD: dict[str, str] = {
    _lookup(native): _latin_word_fold(latin)
    for latin, spellings in tables.NATIVE_NAMES
    for native in spellings
}


@lru_cache(maxsize=65536)
def _native_fold(part: str) -> str | None:
    """The Latin key of a Perso-Arabic name part evac knows (its particle, its name, or a known name
    with the ی of belonging: کریمی is Karimi), None for one it does not."""
    key = _lookup(part)
    if part in tables.NATIVE_PARTICLES:
        return tables.NATIVE_PARTICLES[part]
    if key in _NATIVE_FOLD:
        return _NATIVE_FOLD[key]
    for ending in ("یی", "ی"):  # رضایی, کریمی
        if key.endswith(ending) and key[: -len(ending)] in _NATIVE_FOLD:
            return _NATIVE_FOLD[key[: -len(ending)]] + "i"
    return None


def _known_latin() -> frozenset[str]:
    names = {
        _fold_part(v) for canonical, variants in tables.LATIN_VARIANTS.items() for v in (canonical, *variants)
    }
    names |= set(_NATIVE_FOLD.values())
    return frozenset(name for name in names if len(name) >= 3)


_KNOWN_LATIN = _known_latin()


def _joined(keys: list[str | None]) -> str | None:
    """Keys joined, or None when one of them is unknown."""
    known = [k for k in keys if k is not None]
    return "".join(known) if len(known) == len(keys) else None


@lru_cache(maxsize=65536)
def token_fold(token: str) -> str | None:
    """One name token's key (from name_tokens): a Latin token always has one, a Perso-Arabic token only
    when evac knows every part of it."""
    if not is_native(token):
        return "".join(_fold_part(part) for part in token_parts(token))
    return _joined([_native_fold(part) for part in token_parts(token)])


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """The spelling-folded key of a name, its tokens joined: Mohamed Ouali, Muhammad Wali, "Mohammad
    Vali" and محمد ولی are all "muhamadwali"; Abdul Rahman and Abdurrahman are "abdulrahman". A
    Perso-Arabic word evac does not know stays as it is written (normalised)."""
    return "".join(token_fold(t) or _lookup(t) for t in name_tokens(text))


# --------------------------------------------------------------------------------------------- skeleton

_LATIN_DIGRAPHS = frozenset(k for k in tables.LATIN_SKELETON if len(k) == 2)
_PARTICLE_SKELETONS = {"abdul": "abdl", "ullah": "l", "uddin": "dn", "zai": "z", "khel": "xl"}
_DOUBLES = re.compile(r"(.)\1+")


def _skeleton_letters(letters: list[str], last_is_h: bool) -> str:
    """Apply the position rules: a vowel opens a part as "a" and is dropped elsewhere; w and y count only
    at the start (elsewhere they are vowels: و and ی); a final h is a vowel sign (Fatimah, فاطمه)."""
    out = []
    for i, letter in enumerate(letters):
        if letter in ("a", "w", "y") and i > 0:
            continue
        out.append(letter)
    if last_is_h and len(out) > 1 and out[-1] == "h":
        out.pop()
    return _DOUBLES.sub(r"\1", "".join(out))


@lru_cache(maxsize=131072)
def _part_skeleton(part: str) -> str:
    if is_native(part):
        if part in tables.NATIVE_PARTICLES:
            return _PARTICLE_SKELETONS[tables.NATIVE_PARTICLES[part]]
        letters = [tables.NATIVE_SKELETON[ch] for ch in part if ch in tables.NATIVE_SKELETON]
        return _skeleton_letters(letters, bool(letters) and letters[-1] == "h")
    if part in _PARTICLE_SKELETONS:
        return _PARTICLE_SKELETONS[part]
    folded = _fold_part(part)
    if folded in tables.LATIN_SKELETON_EXCEPTIONS:
        return tables.LATIN_SKELETON_EXCEPTIONS[folded]
    letters: list[str] = []
    i = 0
    while i < len(folded):
        if folded[i : i + 2] in _LATIN_DIGRAPHS:
            letters.append(tables.LATIN_SKELETON[folded[i : i + 2]])
            i += 2
        else:
            if folded[i] in tables.LATIN_SKELETON:
                letters.append(tables.LATIN_SKELETON[folded[i]])
            i += 1
    return _skeleton_letters(letters, bool(letters) and letters[-1] == "h")


def _parts_skeleton(parts: tuple[str, ...]) -> str:
    out = []
    for i, part in enumerate(parts):
        bone = _part_skeleton(part)
        after = _part_skeleton(parts[i + 1]) if i + 1 < len(parts) else ""
        if (
            bone == "abdl"
            and (part == "abdul" or part == tables.NATIVE_ABDUL)
            and after[:1] in tables.SUN_LETTERS
        ):
            bone = "abd"  # Abdur-Rahman: the l is taken into the sun letter, in both scripts
        out.append(bone)
    return "".join(out)


@lru_cache(maxsize=65536)
def token_skeleton(token: str) -> str:
    """One name token's consonant skeleton (see skeleton)."""
    return _parts_skeleton(token_parts(token))


@lru_cache(maxsize=65536)
def skeleton(text: str) -> str:
    """The consonants of a name, the same from Latin letters and Perso-Arabic script: "Mohammad Wali" and
    "محمد ولی" are both "mhmdwl", "Gul Ahmad" and "گل احمد" "glahmd". A part that opens with a vowel
    keeps an "a" for it (Ahmad is not Mahmud); short vowels are not written in Perso-Arabic, so none is
    kept; ش and چ (sh, ch) are "c", خ (kh) is "x"."""
    return "".join(token_skeleton(t) for t in name_tokens(text))


def keys(text: str) -> frozenset[str]:
    """Keys to find a name by (blocking, search): "f:" the folded name, "s:" its skeleton, "t:" the
    folded key of each of its words. Two spellings of one name share at least one key."""
    tokens = name_tokens(text)
    out = set()
    folds = [token_fold(t) for t in tokens]
    whole = _joined(folds)
    if whole:
        out.add("f:" + whole)
    bones = skeleton(text)
    if bones:
        out.add("s:" + bones)
    out.update("t:" + f for f in folds if f)
    return frozenset(out)


# ------------------------------------------------------------------------------------------- similarity


class Agreement(models.TextChoices):
    """How two names agree, strongest first."""

    EXACT = "exact", _("same name")
    FOLDED = "folded", _("agrees after spelling folding")
    SKELETON = "skeleton", _("same consonant skeleton across scripts")
    REORDERED = "reordered", _("same names in another order")
    CONTAINED = "contained", _("one name contains the other")
    CLOSE = "close", _("close spelling, a letter or two apart")
    DIFFERS = "differs", _("differs")
    MISSING = "missing", _("not given on one side")


SCORES = {
    Agreement.EXACT: 1.0,
    Agreement.FOLDED: 0.95,
    Agreement.SKELETON: 0.85,
    Agreement.REORDERED: 0.8,
    Agreement.CONTAINED: 0.6,
    Agreement.CLOSE: 0.5,
}


class Similarity(NamedTuple):
    score: float
    agreement: Agreement

    @property
    def reason(self) -> str:
        return str(self.agreement.label)


def _tokens_agree(a: str, b: str) -> bool:
    if a == b:
        return True
    fa, fb = token_fold(a), token_fold(b)
    if fa is not None and fb is not None:
        return fa == fb
    return token_skeleton(a) == token_skeleton(b) != ""


def _matched(shorter: tuple[str, ...], longer: tuple[str, ...]) -> int:
    free = list(longer)
    count = 0
    for token in shorter:
        match = next((i for i, other in enumerate(free) if _tokens_agree(token, other)), None)
        if match is not None:
            free.pop(match)
            count += 1
    return count


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (names are short: the plain algorithm is fast enough)."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


@lru_cache(maxsize=65536)
def similarity(a: str, b: str) -> Similarity:
    """How two names compare, as a score from 0 to 1 and a reason in plain words.

    Agreement by spelling folding or by skeleton never needs the two to look alike: "Mohamed Ouali" and
    "محمد ولی" agree. Two different names with the same consonants (Mohammad and Mahmood) differ as soon
    as either side can be folded, which is always the case in Latin letters.
    """
    ta, tb = name_tokens(a), name_tokens(b)
    if not ta or not tb:
        return Similarity(0.0, Agreement.MISSING)
    if ta == tb:
        return Similarity(SCORES[Agreement.EXACT], Agreement.EXACT)
    folds_a, folds_b = [token_fold(t) for t in ta], [token_fold(t) for t in tb]
    fa, fb = _joined(folds_a), _joined(folds_b)
    if fa is not None and fb is not None:
        if fa == fb:
            return Similarity(SCORES[Agreement.FOLDED], Agreement.FOLDED)
    elif skeleton(a) == skeleton(b) != "":
        # Both in Perso-Arabic script is a Dari spelling variant; otherwise the scripts met.
        same_script = all(is_native(t) for t in ta + tb)
        agreement = Agreement.FOLDED if same_script else Agreement.SKELETON
        return Similarity(SCORES[agreement], agreement)
    shorter, longer = sorted((ta, tb), key=len)
    matched = _matched(shorter, longer)
    if matched == len(shorter) == len(longer):
        return Similarity(SCORES[Agreement.REORDERED], Agreement.REORDERED)
    if matched == len(shorter):
        return Similarity(SCORES[Agreement.CONTAINED], Agreement.CONTAINED)
    if fa is not None and fb is not None and len(ta) == len(tb):
        # One word a letter or two from the other's, every other word agreeing: a typo, or Nasir and
        # Nazir. Not a match by itself; the other evidence decides.
        apart = [(x or "", y or "") for x, y in zip(folds_a, folds_b, strict=True) if x != y]
        if len(apart) == 1 and _close(*apart[0]):
            return Similarity(SCORES[Agreement.CLOSE], Agreement.CLOSE)
    x, y = (fa, fb) if fa is not None and fb is not None else (skeleton(a), skeleton(b))
    distance = _distance(x, y)
    return Similarity(round(0.4 * max(0.0, 1 - distance / max(len(x), len(y), 1)), 2), Agreement.DIFFERS)


def _close(x: str, y: str) -> bool:
    return _distance(x, y) <= (1 if max(len(x), len(y)) <= 6 else 2)
