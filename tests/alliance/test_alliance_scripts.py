"""Names in scripts the Latin models cannot read, and digits Tesseract makes up from them."""

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from looplab.alliance import ocr, scripts
from looplab.alliance.reader import read_screenshot
from looplab.imaging.decode import decode_image_file
from tests.alliance.synth import make_screenshot

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "gamescreens"


def test_korean_model_is_installed():
    # Debian's tesseract-ocr-kor (.ci/run installs it); without it Hangul names are lost
    folder, lang = ocr.languages("korean")
    assert lang == "kor", ocr.installed_languages()
    assert (Path(folder) / "kor.traineddata").exists()


@pytest.mark.skipif(not (DATA / "riseofkingdoms_3.png").exists(), reason="shared real screenshots not present")
def test_real_screen_hangul_name_is_read_and_gives_no_made_up_number():
    image = decode_image_file(DATA / "riseofkingdoms_3.png")
    rows = [(r.name, r.values) for r in read_screenshot(image).rows]
    # the Latin models read "로이시" as "20JA|", whose 20 went to the row above
    assert ("로이시", [1766]) in rows, rows
    assert ("RoycieeHow", [1937]) in rows, rows
    assert ("ロイシーイ", [1601]) in rows, rows


def test_words_glued_to_a_digit_are_no_number():
    # seed 20043: an avatar glued to "áhaak" read ". 4haak", taken for the number 4 with a unit; the
    # name was lost and its numbers went to the row above
    rows = {r.name: r.values for r in read_screenshot(make_screenshot(20043).image).rows}
    assert rows.get("[EDL] King_Braan") == [3030900, 648822], rows
    assert [61100, 499444] in rows.values(), rows


def test_a_tag_split_by_the_accent_models_keeps_the_first_reading():
    # seed 20033: the German+English models read "[NE Z]", the first reading "[NEZ]"
    rows = {r.name: r.values for r in read_screenshot(make_screenshot(20033).image).rows}
    assert rows.get("[NEZ] Akshasha_Brazura") == [58177000], rows


def _korean(text: str, symbols: list[tuple[str, tuple[int, int, int, int], float]]) -> ocr.OcrResult:
    return ocr.OcrResult(
        text,
        90.0,
        tuple((s, c) for s, _, c in symbols),
        tuple(b for _, b, _ in symbols),
        tuple((s, b, i) for i, (s, b, _) in enumerate(symbols)),
        tuple(c for *_, c in symbols),
    )


def test_hangul_takes_the_place_of_the_latin_models_unsure_words():
    latin = ocr.OcrResult(
        "[VENi] & U",
        57.0,
        (("[VENi]", 60.0), ("&", 37.0), ("U", 75.0)),
        ((20, 23, 123, 49), (110, 19, 120, 58), (145, 23, 167, 47)),
    )
    korean = _korean(
        "[00641]루 나",
        [
            ("[", (20, 20, 30, 50), 40.0),
            ("0", (30, 20, 40, 50), 30.0),
            ("루", (106, 19, 126, 58), 99.0),
            ("나", (145, 23, 167, 47), 100.0),
        ],
    )
    merged, sureness = scripts.with_hangul(latin, korean)
    assert merged.text == "[VENi] 루 나" and sureness > 99
    assert merged.confidence == 60.0  # no surer than the Latin words it keeps: the row goes to review


def test_hangul_keeps_each_latin_word_from_the_surer_reading_of_it():
    # riseofkingdoms_2: the English model read the tag "(ViDi]" at 42, the names models "[VIDi)" at 84
    latin = ocr.OcrResult(
        "(ViDi] &= W",
        30.0,
        (("(ViDi]", 42.0), ("&=", 2.0), ("W", 50.0)),
        ((20, 23, 123, 49), (110, 19, 126, 58), (145, 23, 167, 47)),
    )
    korean = _korean("[06]루 나", [("루", (106, 19, 126, 58), 99.0), ("나", (145, 23, 167, 47), 99.0)])
    names = ocr.OcrResult(
        "[VIDi) &5 @W",
        80.0,
        (("[VIDi)", 84.0), ("&5", 92.0), ("@W", 62.0)),
        ((20, 22, 124, 49), (110, 19, 126, 58), (143, 23, 167, 47)),
    )
    assert scripts.with_hangul(latin, korean, surer=names)[0].text == "[VIDi) 루 나"
    assert scripts.with_hangul(latin, korean)[0].text == "(ViDi] 루 나"
    # a surer reading with a bracket made up ("[VENi])", its "]" read twice) is no better
    doubled = dataclasses.replace(names, text="[VENi]) &5 @W", words=(("[VENi])", 84.0), ("&5", 92.0), ("@W", 62.0)))
    assert scripts.with_hangul(latin, korean, surer=doubled)[0].text == "(ViDi] 루 나"


@pytest.mark.parametrize(
    ("latin_words", "korean_text", "why"),
    [
        ((("Stevie'/", 0.0),), "우오리고", "a run of Latin letters is no Hangul"),
        ((("Stevie", 85.0),), "우오", "over a word the Latin models read surely"),
        ((("=k", 44.0),), "ㅁㅜ", "letters (jamo) with no syllable"),
    ],
)
def test_hangul_made_up_from_latin_letters_or_strokes_is_refused(latin_words, korean_text, why):
    latin = ocr.OcrResult(" ".join(w for w, _ in latin_words), 10.0, latin_words, ((10, 10, 120, 40),))
    korean = _korean(korean_text, [(ch, (10 + 25 * i, 10, 35 + 25 * i, 40), 95.0) for i, ch in enumerate(korean_text)])
    assert scripts.with_hangul(latin, korean)[0].text == "", why


def test_hangul_whose_words_the_model_is_unsure_of_is_refused():
    # whiteoutsurvival_20251112_113440.jpg: "[HEI" read by the Korean model as 먼 티 국, each symbol
    # sure (87 on average), the words not (41, 49, 0)
    latin = ocr.OcrResult("[HEI", 11.7, (("[HEI", 11.7),), ((10, 10, 90, 40),))
    symbols = [("먼", (10, 10, 35, 40)), ("티", (35, 10, 60, 40)), ("국", (60, 10, 85, 40))]
    korean = ocr.OcrResult(
        "먼티국",
        30.0,
        (("먼", 41.0), ("티", 49.0), ("국", 0.0)),
        tuple(b for _, b in symbols),
        tuple((t, b, i) for i, (t, b) in enumerate(symbols)),
        (88.0, 87.0, 88.0),
    )
    assert scripts.with_hangul(latin, korean)[0].text == ""
    sure = dataclasses.replace(korean, words=(("먼", 86.0), ("티", 17.0), ("국", 93.0)))
    assert scripts.with_hangul(latin, sure)[0].text == "먼티국"  # like "쏘응진갱": one word unsure of three


@pytest.mark.skipif(not (DATA / "riseofkingdoms_1.jpg").exists(), reason="shared real screenshots not present")
def test_real_screen_tag_and_hangul_name_are_read_together():
    image = decode_image_file(DATA / "riseofkingdoms_1.jpg")
    rows = {r.name: r.values for r in read_screenshot(image).rows}
    assert rows.get("[VENi] 루 나") == [5, 111006835], rows  # 5: its rank
    assert rows.get("[VENi] 라디꿀벌") == [6, 110713053], rows  # its tag read "(VENi)"; 6: its rank
    # its Hangul read by the Latin models as "Y &", cut off as an icon, its tag "(VENI]": 4 is its rank
    assert rows.get("[VENi] 킹 혁") == [4, 111177581], rows


@pytest.mark.skipif(
    not (DATA / "whiteoutsurvival_20251114_001505.jpg").exists(), reason="shared real screenshots not present"
)
def test_real_screens_without_hangul_get_none():
    # the Korean model reads Latin letters and icons as Hangul, surely: "Stevieツ" came out "우오리고"
    # and "[HEI]⸸WRATH⸸" came out "먼티국 ‚WRATH" (sure of each stroke, unsure of the words)
    for name in (
        "whiteoutsurvival_20251114_001505.jpg",
        "whiteoutsurvival_20251112_113936.jpg",
        "whiteoutsurvival_20251112_113440.jpg",
    ):
        image = decode_image_file(DATA / name)
        names = [r.name for r in read_screenshot(image).rows]
        assert not any(scripts.HANGUL.search(n) for n in names), (name, names)


def test_a_kana_decoration_on_a_latin_name_is_kept():
    latin = ocr.OcrResult("Stevie'/", 22.0, (("Stevie'/", 22.0),))
    japanese = ocr.OcrResult("Stevie ツ ソ", 70.0, (("Stevie", 65.0), ("ツ", 86.0), ("ソ", 59.0)))
    decorated = scripts.kana_decorated(latin, japanese, sure=80.0)
    assert decorated is not None and decorated.text == "Stevie ツ"  # the underline's "ソ" left out
    other = ocr.OcrResult("Steve ツ", 70.0, (("Steve", 65.0), ("ツ", 86.0)))
    assert scripts.kana_decorated(latin, other, sure=80.0) is None  # the Latin letters disagree
    unsure = ocr.OcrResult("Stevie ツ", 70.0, (("Stevie", 65.0), ("ツ", 70.0)))
    assert scripts.kana_decorated(latin, unsure, sure=80.0) is None


def test_a_filled_icon_read_as_a_kanji_is_no_decoration():
    # seed 23581: a shield after "Elan", read "Elan 孵" at 88; a kana's strokes are thin
    prepared = np.full((60, 120), 255, np.uint8)
    prepared[15:45, 80:106] = 60  # the shield: solid
    prepared[15:45, 20:24] = 0  # a stroke of the name
    latin = ocr.OcrResult("Elan @", 71.0, (("Elan", 90.0), ("@", 40.0)), ((15, 15, 70, 45), (80, 15, 106, 45)))
    read = ocr.OcrResult("Elan 孵", 90.0, (("Elan", 92.0), ("孵", 88.0)), ((15, 15, 70, 45), (78, 13, 108, 47)))
    assert scripts.kana_decorated(latin, read, sure=80.0, prepared=prepared) is None
    stroked = prepared.copy()
    stroked[15:45, 80:106] = 255
    stroked[15:45, 84:88] = 0  # a kana's strokes instead: thin
    stroked[28:32, 80:106] = 0
    decorated = scripts.kana_decorated(latin, read, sure=80.0, prepared=stroked)
    assert decorated is not None and decorated.text == "Elan 孵"


@pytest.mark.skipif(
    not (DATA / "whiteoutsurvival_20251114_000354.jpg").exists(), reason="shared real screenshots not present"
)
def test_real_screen_name_with_a_kana_decoration():
    image = decode_image_file(DATA / "whiteoutsurvival_20251114_000354.jpg")
    rows = {r.name: r.values for r in read_screenshot(image).rows}
    assert rows.get("Stevieツ") == [2797], rows


def _drawn(text: str, *, underline: bool, size: int = 32) -> np.ndarray:
    from PIL import Image, ImageDraw, ImageFont

    from tests.alliance.synth import font_paths

    font = ImageFont.truetype(font_paths()[0], size)
    image = Image.new("L", (size * len(text), 2 * size), 255)
    draw = ImageDraw.Draw(image)
    draw.text((10, 6), text, font=font, fill=0)
    x1, _, x2, y2 = draw.textbbox((10, 6), text, font=font)
    if underline:
        draw.rectangle([x1, y2 + 2, x2, y2 + 4], fill=0)
    return np.array(image)


def test_an_underline_is_wiped_and_an_underscore_kept():
    plain, underlined = _drawn("Stevie", underline=False), _drawn("Stevie", underline=True)
    wiped = scripts.without_underline(underlined)
    assert ((wiped < 128) != (plain < 128)).sum() <= 0.02 * (plain < 128).sum()  # the letters' feet at most
    assert ((underlined < 128) & ~(plain < 128)).sum() > 150  # there was a rule to wipe
    for name in ("King_Olet", "Teran_Rose", "Hi__"):
        drawn = _drawn(name, underline=False)
        assert np.array_equal(scripts.without_underline(drawn), drawn), name


def _strokes_image(strokes: list[tuple[int, int, int, int]]) -> np.ndarray:
    import cv2

    image = np.full((60, 60), 255, np.uint8)
    for x1, y1, x2, y2 in strokes:
        cv2.line(image, (x1, y1), (x2, y2), 0, 3)
    return image


def test_a_kana_is_told_by_its_strokes():
    # "ツ" read "ソ" at 88 (whiteoutsurvival_20251112_114619): two short strokes and a long one
    tsu = _strokes_image([(14, 18, 18, 28), (24, 14, 28, 24), (44, 14, 26, 46)])
    so = _strokes_image([(16, 16, 22, 28), (44, 14, 26, 46)])
    box = (10, 10, 50, 50)
    for image, spelt in ((tsu, "Ab ツ"), (so, "Ab ソ")):
        read = ocr.OcrResult(
            "Ab ソ",
            88.0,
            (("Ab", 90.0), ("ソ", 88.0)),
            symbols=(("A", (0, 0, 4, 4), 0), ("b", (4, 0, 8, 4), 0), ("ソ", box, 1)),
        )
        read = dataclasses.replace(read, symbol_confidences=(90.0, 90.0, 88.0))
        told = scripts.kana_by_strokes(read, image)
        assert told.text == spelt and told.symbols[-1][0] == spelt[-1]


@pytest.mark.skipif(
    not (DATA / "whiteoutsurvival_20251114_001505.jpg").exists(), reason="shared real screenshots not present"
)
def test_real_kana_decoration_underlined_or_read_as_its_twin():
    # underlined, the Japanese model read the "ツ" at 53 and it was dropped; not underlined, as "ソ"
    for name, number in (
        ("whiteoutsurvival_20251114_001505.jpg", 3304232),
        ("whiteoutsurvival_20251112_114619.jpg", 226700000),
    ):
        rows = [(r.name, r.values) for r in read_screenshot(decode_image_file(DATA / name)).rows]
        assert ("Stevieツ", [number]) in rows, (name, rows)
