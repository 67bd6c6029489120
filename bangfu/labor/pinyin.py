"""Pinyin of names for searches (``zhangsan``, ``zs``): exactly pypinyin's ``lazy_pinyin``,
without its cost for the usual name.

``lazy_pinyin`` cuts a text into phrases before it reads the characters (≈ 16–34 µs a name):
a ledger of a million different names would spend 16–34 s on it alone. Outside phrases it
reads a character by its first reading; most characters of names are read so (tones aside) by
every phrase of pypinyin's dictionary too — 张, 王, 伟, 芳 …: whatever the phrases, a name of
such characters reads character by character, and each character is looked up once per
process. A name with any other character (曾, 单, 查 …, or one that is not a Chinese
character) goes to ``lazy_pinyin`` itself.
"""

import functools
from collections import defaultdict

from pypinyin import lazy_pinyin
from pypinyin.constants import PHRASES_DICT, PINYIN_DICT, RE_HANS
from pypinyin.contrib.tone_convert import to_normal


def syllables(name):
    """``lazy_pinyin(name, errors="ignore")``: the toneless syllables of the Chinese
    characters of ``name``."""
    readings = [_reading(character) for character in name]
    if readings and all(readings):
        return readings
    return lazy_pinyin(name, errors="ignore")


@functools.cache
def _reading(character):
    """The toneless reading ``lazy_pinyin`` gives ``character`` wherever it stands, or None:
    a character that some phrase reads otherwise than its first reading (the one it has
    outside phrases), or that is not a Chinese character as pypinyin sees them."""
    own = PINYIN_DICT.get(ord(character))
    if own is None or not RE_HANS.match(character):
        return None
    reading = _toneless(own.split(",")[0])
    if not _phrase_readings().get(character, set()) <= {reading}:
        return None
    return reading


@functools.cache
def _phrase_readings():
    """{character: the toneless readings that phrases give it} (built on first use, once per
    process: ≈ 0.1–0.2 s)."""
    readings = defaultdict(set)
    for phrase, options in PHRASES_DICT.items():
        for character, syllable_options in zip(phrase, options, strict=True):
            readings[character].update(map(_toneless, syllable_options))
    return readings


@functools.cache
def _toneless(syllable):
    """``zhāng`` → ``zhang``, ``lǚ`` → ``lv``: as ``lazy_pinyin`` writes it (a few thousand
    syllables, each converted once)."""
    return to_normal(syllable)
