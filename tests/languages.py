"""Telling Swedish from English in a rendered page or mail, for the language tests.

Data (names of people and libraries, addresses, links) is taken out first: a library
called "Bibliotek A" is not Swedish text in an English mail."""

import re
from html import unescape

SWEDISH_WORDS = {
    "och",
    "att",
    "är",
    "för",
    "inte",
    "ditt",
    "din",
    "dina",
    "du",
    "har",
    "med",
    "på",
    "till",
    "hej",
    "kontot",
    "lösenord",
    "låntagare",
    "bibliotek",
    "avtalstext",
    "eller",
    "sidor",
    "mina",
    "logga",
    "spara",
    "välj",
}
ENGLISH_WORDS = {
    "the",
    "your",
    "you",
    "and",
    "is",
    "has",
    "password",
    "account",
    "please",
    "library",
    "choose",
    "log",
    "with",
    "of",
    "to",
}


def plain_text(text: str, *, data=()) -> str:
    """Visible words only: no tags, no scripts, no links or addresses, no data values."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S | re.I)
    text = re.sub(r"<[^>]+>", " ", text)
    text = unescape(text)
    for value in sorted((v for v in data if v), key=len, reverse=True):
        text = text.replace(value, " ")
    text = re.sub(r"\S+@\S+|https?://\S+", " ", text)
    return text


def words(text: str) -> set[str]:
    return {w.casefold() for w in re.findall(r"[^\W\d_]+", text)}


def swedish_in(text: str, *, data=()) -> set[str]:
    """Swedish words and letters left in what should be English."""
    plain = plain_text(text, data=data)
    found = words(plain) & SWEDISH_WORDS
    found |= {letter for letter in "åäöÅÄÖ" if letter in plain}
    return found


def english_in(text: str, *, data=()) -> set[str]:
    """English words left in what should be Swedish."""
    return words(plain_text(text, data=data)) & ENGLISH_WORDS
