"""The 34 provinces of Afghanistan (ISO 3166-2:AF), with names as people write them and a tile-map place.

Aliases are folded (lower case, no accents) spellings seen in English, French and Dari lists.
The tile map row/column places each province roughly where it lies, so the board reads like a map.
"""

from difflib import SequenceMatcher
from functools import lru_cache
from typing import NamedTuple


class ProvinceInfo(NamedTuple):
    code: str
    name: str
    name_fr: str
    name_fa: str
    capital: str
    row: int
    col: int
    aliases: tuple[str, ...] = ()


PROVINCES: tuple[ProvinceInfo, ...] = (
    ProvinceInfo("AF-BDS", "Badakhshan", "Badakhchan", "بدخشان", "Fayzabad", 0, 8, ("badakhchan",)),
    ProvinceInfo(
        "AF-JOW", "Jowzjan", "Djozdjan", "جوزجان", "Sheberghan", 0, 3, ("jawzjan", "jozjan", "djozdjan")
    ),
    ProvinceInfo(
        "AF-BAL",
        "Balkh",
        "Balkh",
        "بلخ",
        "Mazar-i-Sharif",
        0,
        4,
        ("mazar", "mazar-i-sharif", "mazar-e-sharif", "mazar-e-charif", "mazar-i-charif"),
    ),
    ProvinceInfo("AF-KDZ", "Kunduz", "Kondoz", "کندز", "Kunduz", 0, 6, ("kondoz", "qunduz", "konduz")),
    ProvinceInfo("AF-TAK", "Takhar", "Takhar", "تخار", "Taloqan", 0, 7, ("tahar",)),
    ProvinceInfo("AF-FYB", "Faryab", "Faryab", "فاریاب", "Maymana", 1, 2, ("fariab",)),
    ProvinceInfo(
        "AF-SAR",
        "Sar-e Pol",
        "Sar-e Pol",
        "سر پل",
        "Sar-e Pol",
        1,
        3,
        ("sar-i-pul", "sari pul", "sar-e-pul", "sarepol"),
    ),
    ProvinceInfo("AF-SAM", "Samangan", "Samangan", "سمنگان", "Aybak", 1, 4, ()),
    ProvinceInfo("AF-BGL", "Baghlan", "Baghlan", "بغلان", "Pul-e Khumri", 1, 5, ()),
    ProvinceInfo(
        "AF-PAN",
        "Panjshir",
        "Pandjchir",
        "پنجشیر",
        "Bazarak",
        1,
        6,
        ("panjsher", "pandjchir", "panjshir valley"),
    ),
    ProvinceInfo("AF-NUR", "Nuristan", "Nouristan", "نورستان", "Parun", 1, 7, ("nouristan", "nooristan")),
    ProvinceInfo("AF-BDG", "Badghis", "Badghis", "بادغیس", "Qala-i-Naw", 2, 1, ("badghes",)),
    ProvinceInfo("AF-BAM", "Bamyan", "Bamiyan", "بامیان", "Bamyan", 2, 4, ("bamiyan", "bamian")),
    ProvinceInfo("AF-PAR", "Parwan", "Parwan", "پروان", "Charikar", 2, 5, ("parvan",)),
    ProvinceInfo("AF-KAP", "Kapisa", "Kapisa", "کاپیسا", "Mahmud-i-Raqi", 2, 6, ()),
    ProvinceInfo("AF-LAG", "Laghman", "Laghman", "لغمان", "Mihtarlam", 2, 7, ("laghmon",)),
    ProvinceInfo("AF-KNR", "Kunar", "Kounar", "کنر", "Asadabad", 2, 8, ("konar", "kounar")),
    ProvinceInfo("AF-HER", "Herat", "Hérat", "هرات", "Herat", 3, 0, ("herat", "hérat", "harat", "hirat")),
    ProvinceInfo("AF-GHO", "Ghor", "Ghor", "غور", "Chaghcharan", 3, 2, ("ghowr",)),
    ProvinceInfo(
        "AF-DAY", "Daykundi", "Daykundi", "دایکندی", "Nili", 3, 3, ("daikundi", "dai kundi", "daykondi")
    ),
    ProvinceInfo(
        "AF-WAR",
        "Wardak",
        "Wardak",
        "وردک",
        "Maidan Shar",
        3,
        4,
        ("maidan wardak", "maydan wardak", "vardak"),
    ),
    ProvinceInfo("AF-KAB", "Kabul", "Kaboul", "کابل", "Kabul", 3, 5, ("kaboul", "kabol", "caboul")),
    ProvinceInfo(
        "AF-NAN", "Nangarhar", "Nangarhar", "ننگرهار", "Jalalabad", 3, 7, ("jalalabad", "ningarhar")
    ),
    ProvinceInfo("AF-FRA", "Farah", "Farah", "فراه", "Farah", 4, 0, ()),
    ProvinceInfo(
        "AF-URU", "Uruzgan", "Orozgan", "ارزگان", "Tarinkot", 4, 3, ("oruzgan", "orozgan", "urozgan")
    ),
    ProvinceInfo("AF-GHA", "Ghazni", "Ghazni", "غزنی", "Ghazni", 4, 4, ("ghazny", "ghazne")),
    ProvinceInfo("AF-LOG", "Logar", "Logar", "لوگر", "Pul-i-Alam", 4, 5, ("lowgar",)),
    ProvinceInfo("AF-PIA", "Paktiya", "Paktia", "پکتیا", "Gardez", 4, 6, ("paktia",)),
    ProvinceInfo("AF-KHO", "Khost", "Khost", "خوست", "Khost", 4, 7, ("khowst",)),
    ProvinceInfo("AF-NIM", "Nimroz", "Nimroz", "نیمروز", "Zaranj", 5, 0, ("nimruz",)),
    ProvinceInfo("AF-HEL", "Helmand", "Helmand", "هلمند", "Lashkar Gah", 5, 2, ("hilmand",)),
    ProvinceInfo(
        "AF-KAN", "Kandahar", "Kandahar", "کندهار", "Kandahar", 5, 3, ("qandahar", "kandahâr", "candahar")
    ),
    ProvinceInfo("AF-ZAB", "Zabul", "Zaboul", "زابل", "Qalat", 5, 4, ("zaboul", "zabol")),
    ProvinceInfo("AF-PKA", "Paktika", "Paktika", "پکتیکا", "Sharana", 5, 5, ()),
)

assert len(PROVINCES) == 34


def _fold(text: str) -> str:
    from evac.core.text import fold

    return fold(text)


_LOOKUP: dict[str, str] = {}
for _p in PROVINCES:
    for _name in (_p.code, _p.code[3:], _p.name, _p.name_fr, _p.name_fa, _p.capital, *_p.aliases):
        _LOOKUP.setdefault(_fold(_name), _p.code)

# Words people add around a province's name: "Kabul city", "Herat province", "wilayat-e Balkh".
_NOISE = {"city", "province", "provence", "wilayat", "wilayat e", "welayat", "shahr", "ville", "de", "e", "i"}
# A misspelling is accepted only when it is this close to one province and clearly closer than to any
# other: Paktia and Paktika are 0.92 alike, and a family placed in the wrong one is ranked wrongly.
_CLOSE_ENOUGH = 0.85
_MARGIN = 0.05


@lru_cache(maxsize=4096)
def resolve_province(written: str) -> str | None:
    """The ISO code for a province as people write it (Kaboul, Hérat, Qandahar, Nangrahar, کابل, AF-KAB),
    or None when it cannot be told for sure: the caller keeps what was written and flags it."""
    folded = _fold(written)
    if not folded:
        return None
    if folded in _LOOKUP:
        return _LOOKUP[folded]
    core = " ".join(word for word in folded.split() if word not in _NOISE)
    if core in _LOOKUP:
        return _LOOKUP[core]
    scored = sorted(
        (
            (SequenceMatcher(None, core, name).ratio(), code)
            for name, code in _LOOKUP.items()
            if len(name) > 3
        ),
        reverse=True,
    )
    best_score, best_code = scored[0]
    runner_up = next((score for score, code in scored if code != best_code), 0.0)
    if best_score >= _CLOSE_ENOUGH and best_score - runner_up >= _MARGIN:
        return best_code
    return None
