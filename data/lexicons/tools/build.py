#!/usr/bin/env python3
"""Rebuild the lexicon files derived from registry packages.

    pip download jionlp==1.5.31 adata==2.9.5 --no-deps -d /tmp/wheels
    python3 data/lexicons/tools/build.py /tmp/wheels path/to/jieba-rs/src/data/dict.txt

Writes, beside this folder:
  places_cn.tsv     provinces, prefecture-level cities, counties and districts
                    (mainland, Taiwan, Hong Kong, Macau) from jionlp's china_location
  places_world.tsv  countries (short and full names), capitals, major cities
                    from jionlp's world_location
  orgs_listed.tsv   A-share listed companies by their exchange short names,
                    from adata's stock code list
and ../words/not_person.toml, the stoplist of a veto rule
(../../rules/not_person.toml reads it by name): words jieba tags as person
names (nr) that jionlp's word dictionary defines as ordinary words (文明, 明白),
and two-char words jieba tags nr that no dictionary shows to be a name
(祝贺, 高峰; persons.tsv names are kept)

Short forms that are ordinary words (jieba's dictionary gives them a tag
other than a name tag) are left out, so 和平区 does not make 和平 a place.
Standard library only.
"""
import csv
import io
import re
import sys
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent
NAME_TAGS = {"ns", "nt", "nz", "nr", "nrt", "nrfg", "j"}
# the last char of a three-char word made from a place's name: a kind of
# place, building, people, wind, style or position (万安镇, 万圣宫, 上海籍,
# 东北风, 罗马式, 王国里)
PLACE_OR_KIND_CHARS = set("镇宫节岩谷庄溪籍人风族营林湾港路街桥寺庙山河湖村乡县区市省州岛洞峰泉塔园馆楼门关城堡坊巷道口台亭阁殿湖海江滩洲坡岭沟渡坝表键式制型版语文里内外上下中")


def wheel(folder, prefix):
    found = sorted(Path(folder).glob(prefix + "-*.whl"))
    if not found:
        sys.exit(f"no {prefix} wheel in {folder}")
    return zipfile.ZipFile(found[-1])


def jieba_words(path):
    """word -> (freq, tag) from jieba's dict.txt."""
    words = {}
    for line in open(path, encoding="utf-8"):
        parts = line.split()
        if len(parts) >= 3:
            words[parts[0]] = (int(parts[1]), parts[2])
    return words


def common_word(w, jieba):
    """An ordinary word rather than a name, by jieba's tag."""
    e = jieba.get(w)
    return e is not None and e[1] not in NAME_TAGS


def everyday_name(w, jieba):
    """A short name that is mostly something else in running text: a frequent
    dictionary word (熊猫, 石化) or a well-known place (天山, 华侨城)."""
    e = jieba.get(w)
    if e is None:
        return False
    freq, tag = e
    return (freq >= 150 and tag != "nt") or (tag == "ns" and freq >= 50)


def write(name, header, rows):
    seen, out = set(), []
    for r in rows:
        if r[0] in seen or len(r[0]) < 2:
            continue
        seen.add(r[0])
        out.append("\t".join(r))
    (OUT / name).write_text(header + "\n".join(out) + "\n", encoding="utf-8")
    print(f"{name}: {len(out)} entries")


# prefecture short forms that are mostly ordinary words in news text
AMBIGUOUS_CITIES = {"日照", "来宾", "开封", "大同", "海北", "文山"}


def places_cn(jio, jieba):
    raw = jio.read("jionlp/dictionary/china_location.zip")
    text = zipfile.ZipFile(io.BytesIO(raw)).read("china_location.txt").decode("utf-8")
    rows = []
    for line in text.splitlines():
        depth = len(line) - len(line.lstrip("\t"))
        if depth > 2 or not line.strip():
            continue
        parts = line.strip().split("\t")
        full = parts[0]
        rows.append((full, "LOCATION", full))
        short = parts[2] if len(parts) >= 3 else None
        if short and short != full and len(short) >= 2 and depth < 2 and short not in AMBIGUOUS_CITIES:
            # province and prefecture short forms are names even where jieba's
            # dictionary tags them as ordinary words (合肥 n, 烟台 n, 遵义 v)
            rows.append((short, "LOCATION", full))
        elif short and short != full and len(short) >= 2 and not common_word(short, jieba):
            # county-level short forms only when jieba knows them as places,
            # and not as frequent words (新城, 南湖, 龙门 read as ordinary words)
            freq, tag = jieba.get(short, (0, ""))
            if depth < 2 or (tag == "ns" and freq < 500):
                rows.append((short, "LOCATION", full))
    write("places_cn.tsv", HEADER.format(src="jionlp 1.5.31 (PyPI), jionlp/dictionary/china_location.zip, levels province/city/county", lic="Apache-2.0"), rows)


def places_world(jio, jieba):
    text = jio.read("jionlp/dictionary/world_location.txt").decode("utf-8")
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.endswith(":"):
            continue
        parts = line.split("\t")
        short = parts[0]
        full = parts[1] if len(parts) > 1 and parts[1] else short
        rows.append((short, "LOCATION", short))
        if full != short:
            rows.append((full, "LOCATION", short))
        for city_field in parts[2:]:
            for city in city_field.split("/"):
                if city and not common_word(city, jieba):
                    rows.append((city, "LOCATION", city))
    write("places_world.tsv", HEADER.format(src="jionlp 1.5.31 (PyPI), jionlp/dictionary/world_location.txt", lic="Apache-2.0"), rows)


SHARE_MARKS = re.compile(r"^(?:\*?S?\*?ST|PT|XD|XR|DR|N|C)(?=[\u4e00-\u9fff])|[AB]$|[-－]?U$|[-－]?W$|[-－]?UW$")


def fold(s):
    return "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in s)


def orgs_listed(ad, jieba):
    text = ad.read("adata/stock/cache/code.csv").decode("utf-8")
    rows = []
    for rec in csv.DictReader(io.StringIO(text)):
        name = re.sub(r"\s+", "", fold(rec["short_name"]))
        for _ in range(2):
            name = SHARE_MARKS.sub("", name)
        han = sum("\u4e00" <= c <= "\u9fff" for c in name)
        if han < 2 or common_word(name, jieba) or everyday_name(name, jieba) or "退" in name:
            continue
        rows.append((name, "ORG", name))
    write("orgs_listed.tsv", HEADER.format(src="adata 2.9.5 (PyPI), adata/stock/cache/code.csv (exchange short names of A-share companies)", lic="Apache-2.0"), rows)


def not_person(jio, jieba_path):
    nr = set()
    jieba_tags = jieba_words(jieba_path)
    for line in open(jieba_path, encoding="utf-8"):
        p = line.split()
        if len(p) >= 3 and p[2] in ("nr", "nrfg") and 2 <= len(p[0]) <= 3:
            nr.add(p[0])
    raw = jio.read("jionlp/dictionary/chinese_word_dictionary.zip")
    text = zipfile.ZipFile(io.BytesIO(raw)).read("chinese_word_dictionary.txt").decode("utf-8")
    defs = {}
    for line in text.splitlines():
        if "\t" in line:
            w, d = line.split("\t", 1)
            defs.setdefault(w, d)
    # a biography gives years, a birthplace (X人。) or courtesy names (字…，)
    bio = re.compile(r"\d{3,4}年|(?<![的者])人。|字\S{1,3}[，,]|号\S{1,3}[，,]")
    # names the hand-written lexicon knows are never vetoed
    known = set()
    for line in open(OUT / "persons.tsv", encoding="utf-8"):
        if line.strip() and not line.startswith("#"):
            known.add(line.split("\t")[0])

    def ordinary(w):
        if w in known:
            return False
        if w in defs:
            return not bio.search(defs[w])
        # a two-char dictionary word tagged nr is mostly an ordinary word
        # (祝贺, 高峰); unknown two-char names (陈雁) are not in the dictionary
        if len(w) == 2:
            return True
        # a three-char one is a word when its first two chars are an ordinary
        # word (桑拿浴, 贡献率, 牧羊人) and not a surname + name (张国强) or a
        # place's name (黄镇东: 黄镇 is a town)
        head = jieba_tags.get(w[:2])
        if head is None or head[0] < 3:
            return False
        if head[1] in ("nr", "nrfg", "nrt"):
            return False
        # after a place's name, a char for a kind of place or of people makes
        # a word (万安镇, 东北风, 上海籍); any other is a given name
        if head[1] != "ns":
            return True
        # a place's name and a char for a kind of place, people, style or
        # position is a word (万安镇, 上海籍, 罗马式, 王国里), as is one whose last
        # two chars are a common word (古城墙, 古建筑); any other, a surname +
        # given name (黄镇东, 唐国强)
        tail = jieba_tags.get(w[1:])
        common_tail = tail is not None and tail[1] not in NAME_TAGS and tail[0] >= 20
        return w[2] in PLACE_OR_KIND_CHARS or common_tail
    words = sorted(w for w in nr if ordinary(w))
    out = OUT.parent / "words" / "not_person.toml"
    body = ",\n".join(f'  "{w}"' for w in words)
    out.write_text(
        "# Generated by data/lexicons/tools/build.py; do not edit by hand.\n"
        "# Words jieba's dictionary (MIT) tags as person names that jionlp's word\n"
        "# dictionary (Apache-2.0) defines as ordinary words: never a PERSON. The\n"
        "# veto rule `entity.person.not_a_name` (rules/not_person.toml) reads the\n"
        "# list by its name; a user's word lists may replace it (--word-lists).\n\n"
        "[stoplists]\n"
        f"not_person = [\n{body},\n]\n",
        encoding="utf-8",
    )
    print(f"data/words/not_person.toml: {len(words)} words")


HEADER = "# surface<TAB>TYPE<TAB>canonical\n# source: {src}\n# licence: {lic}\n# generated by data/lexicons/tools/build.py; do not edit by hand\n"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    folder, dict_txt = sys.argv[1], sys.argv[2]
    jieba = jieba_words(dict_txt)
    jio = wheel(folder, "jionlp")
    places_cn(jio, jieba)
    places_world(jio, jieba)
    orgs_listed(wheel(folder, "adata"), jieba)
    not_person(jio, dict_txt)


if __name__ == "__main__":
    main()
