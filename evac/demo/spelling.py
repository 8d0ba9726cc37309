"""How one name comes to be written several ways: other Latin spellings, French-style
transliteration, compound names joined or split, titles, typos, and the spellings of provinces.

Each function takes the `Random` that drives the generator, so the order of its calls is part of the
output: change it and the same seed gives other data.
"""

import re
from functools import lru_cache
from random import Random

from evac.demo import names


def _apply_rule(token: str, what: str, instead: str, where: str) -> str:
    if where == "end":
        return token[: -len(what)] + instead if token.endswith(what) and len(token) > len(what) else token
    if where == "start":
        return instead + token[len(what) :] if token.startswith(what) else token
    return token.replace(what, instead, 1)


@lru_cache(maxsize=4096)
def _token_variants(token: str) -> tuple[str, ...]:
    """Other Latin spellings of one word, most conventional first, without the word itself."""
    found = list(names.TOKEN_VARIANTS.get(token, ()))
    for what, instead, where in names.SPELLING_RULES:
        found.append(_apply_rule(token, what, instead, where))
    unique: list[str] = []
    for variant in found:
        if variant != token and variant not in unique:
            unique.append(variant)
    return tuple(unique)


def latin_variant(name: str, rng: Random, memo: dict[str, str]) -> str:
    """Respell some words of `name`. `memo` keeps one writer's spelling of a word across a submission."""
    words = []
    for token in name.split(" "):
        if token not in memo:
            variants = _token_variants(token)
            memo[token] = variants[rng.randrange(len(variants))] if variants and rng.random() < 0.6 else token
        words.append(memo[token])
    return " ".join(words)


_U_TO_OU = re.compile(r"(?<![oO])u")
_INTERVOCALIC_S = re.compile(r"(?<=[aeiouy])s(?=[aeiouy])")
_FINAL_NASAL = re.compile(r"(?<=[aeiu])n$")


@lru_cache(maxsize=4096)
def _french_token(token: str) -> str:
    if token in names.FRENCH_WORDS:
        return names.FRENCH_WORDS[token]
    for what, instead, where in names.FRENCH_RULES[:2]:  # sh -> ch before s -> ss can see it
        token = _apply_rule(token, what, instead, where).replace(what, instead)
    token = _INTERVOCALIC_S.sub("ss", token)
    token = token.replace("oo", "ou").replace("ee", "i")
    token = _U_TO_OU.sub("ou", token)
    for what, instead, where in names.FRENCH_RULES[4:]:
        token = _apply_rule(token, what, instead, where)
    if len(token) >= 5:
        token = _FINAL_NASAL.sub("ne", token)  # Rahman -> Rahmane, Amin -> Amine
    return token


def french_transliteration(name: str) -> str:
    return " ".join(_french_token(token) for token in name.split(" "))


_JOINABLE_SECOND = ("Mohammad", "Ahmad", "Agha", "Khan", "Shah", "Ali", "Gul", "Rahman")


@lru_cache(maxsize=4096)
def _compound_forms(name: str) -> tuple[str, ...]:
    """Abdul Rahman -> Abdurrahman, Abdulrahman, Abdul-Rahman; Habibullah -> Habib Ullah, Habib-ullah."""
    words = name.split(" ")
    forms: list[str] = []
    if len(words) == 2:
        first, second = words
        if first in names.COMPOUND_PREFIXES or second in _JOINABLE_SECOND:
            forms += [first + second.lower(), first + "-" + second]
        if first == "Abdul" and second.startswith(names.SUN_LETTER_STARTS):
            lead = second[:2] if second.startswith("Sh") else second[0]
            forms.insert(0, "Abdu" + lead.lower() + second.lower())
            forms.append("Abd " + second[0] + "-" + second)  # Abd Al-Rahman style
    elif len(words) == 1 and name.endswith("ullah") and len(name) > 7:
        stem = name[:-5]
        forms += [stem + " Ullah", stem + "-ullah", stem + " Ulla"]
    return tuple(forms)


def compound_variant(name: str, rng: Random, memo: dict[str, str]) -> str:
    """Join or split a compound name. `memo` keeps one writer's form of a name across a submission."""
    if name not in memo:
        forms = _compound_forms(name)
        memo[name] = forms[rng.randrange(len(forms))] if forms and rng.random() < 0.8 else name
    return memo[name]


def typo(text: str, rng: Random) -> str:
    if len(text) < 3:
        return text + text[-1:]
    i = rng.randrange(1, len(text) - 1)
    kind = rng.randrange(4)
    if kind == 0:  # a letter dropped
        return text[:i] + text[i + 1 :]
    if kind == 1:  # a letter doubled
        return text[:i] + text[i] + text[i:]
    if kind == 2 and text[i] != text[i + 1]:  # two letters swapped
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    vowels = "aeiou"
    return text[:i] + vowels[rng.randrange(5)] + text[i + 1 :]


def title(sex: str, rng: Random) -> tuple[str, str]:
    """A title put before the given name (Haji, Sayed, Eng....), in Latin letters and in Perso-Arabic."""
    titles = names.MALE_TITLES if sex == "M" else names.FEMALE_TITLES
    return titles[rng.randrange(len(titles))]


def province_spelling(province: tuple, rng: Random, avoid: str = "") -> str:
    """One of the ways a province's name is written, other than `avoid`."""
    spellings = [s for s in (province[1], *province[4]) if s != avoid]
    return spellings[rng.randrange(len(spellings))]
