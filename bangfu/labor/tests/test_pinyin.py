"""The pinyin of names is exactly pypinyin's ``lazy_pinyin``, whichever way it is computed."""

import random

import pytest
from pypinyin import lazy_pinyin
from pypinyin.constants import PHRASES_DICT, PINYIN_DICT

from bangfu.labor import pinyin
from bangfu.labor.services import pinyin_keys

NAME_CHARACTERS = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤单查解仇区朴乐伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建"
    "国志红文斌辉鹏飞玉兰梅琴云丹宇浩然子轩思雨欣怡佳琪梓涵晨长重行朝"
)


def _lazy(text):
    return lazy_pinyin(text, errors="ignore")


def test_every_character_and_every_phrase_of_the_dictionary_reads_as_lazy_pinyin():
    # the phrases are where lazy_pinyin reads characters otherwise than one by one
    texts = [chr(code) for code in PINYIN_DICT] + list(PHRASES_DICT)
    assert [text for text in texts if pinyin.syllables(text) != _lazy(text)] == []


def test_names_read_as_lazy_pinyin_and_most_without_it():
    chooser = random.Random(2026)
    names = [
        "".join(chooser.choices(NAME_CHARACTERS, k=chooser.choice((2, 3, 3, 4))))
        for _ in range(20_000)
    ]
    assert [name for name in names if pinyin.syllables(name) != _lazy(name)] == []
    read_directly = sum(all(map(pinyin._reading, name)) for name in names)
    assert read_directly > len(names) / 2  # the fast path serves most names


@pytest.mark.parametrize(
    "name, keys",
    [
        ("张三", ("zhangsan", "zs")),
        ("吕布", ("lvbu", "lb")),
        ("曾伟", ("cengwei", "cw")),  # a character phrases read otherwise: lazy_pinyin's choice
        ("单雄信", ("danxiongxin", "dxx")),
        ("阿依古丽·买买提", ("ayigulimaimaiti", "ayglmmt")),
        (" 张 三A ", ("zhangsan", "zs")),  # what is not a Chinese character is left out
        ("", ("", "")),
    ],
)
def test_search_keys(name, keys):
    assert pinyin_keys(name) == keys
