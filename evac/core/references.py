"""Reference numbers a person can read over a bad phone line.

31 symbols: the digits 2-9 and the capitals without the look-alikes O, I and L (0 and 1 go too). U stays
so that the alphabet has a prime size. Nine symbols: eight random, one check. Because 31 is
prime and the weights 1..9 are distinct and non-zero modulo 31, the check symbol catches every single
mistyped symbol and every swap of two symbols. Shown in groups of three: "K7M-4QX-9P2".
"""

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
BASE = len(ALPHABET)  # 31, a prime
BODY_LENGTH = 8
LENGTH = BODY_LENGTH + 1
_VALUE = {symbol: index for index, symbol in enumerate(ALPHABET)}


def _weighted_sum(symbols: str) -> int:
    return sum((position + 1) * _VALUE[symbol] for position, symbol in enumerate(symbols)) % BASE


def check_symbol(body: str) -> str:
    """The symbol that makes the weighted sum of body + check zero modulo 31."""
    # (s + LENGTH * c) % 31 == 0  =>  c = -s * inverse(LENGTH) mod 31
    inverse = pow(LENGTH, -1, BASE)
    return ALPHABET[(-_weighted_sum(body) * inverse) % BASE]


def new_reference() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return body + check_symbol(body)


def normalise(text: str) -> str:
    """Upper-case, without spaces and hyphens, as stored."""
    return "".join(ch for ch in text.upper() if ch not in " -_.")


def is_valid(text: str) -> bool:
    symbols = normalise(text)
    if len(symbols) != LENGTH or any(ch not in _VALUE for ch in symbols):
        return False
    return _weighted_sum(symbols) == 0


def display(reference: str) -> str:
    """Group in threes for reading aloud: K7M-4QX-9P2."""
    return "-".join(reference[i : i + 3] for i in range(0, len(reference), 3))
