"""Names in scripts the Latin models cannot read, and digits Tesseract makes up from them."""

from pathlib import Path

import cv2
import pytest

from looplab.alliance import ocr
from looplab.alliance.reader import read_screenshot
from tests.alliance.synth import make_screenshot

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "gamescreens"


def test_korean_model_is_installed():
    # Debian's tesseract-ocr-kor (.ci/run installs it); without it Hangul names are lost
    folder, lang = ocr.languages("korean")
    assert lang == "kor", ocr.installed_languages()
    assert (Path(folder) / "kor.traineddata").exists()


@pytest.mark.skipif(not (DATA / "riseofkingdoms_3.png").exists(), reason="shared real screenshots not present")
def test_real_screen_hangul_name_is_read_and_gives_no_made_up_number():
    image = cv2.cvtColor(cv2.imread(str(DATA / "riseofkingdoms_3.png")), cv2.COLOR_BGR2RGB)
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
