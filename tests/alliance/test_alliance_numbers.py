import pytest

from looplab.alliance.numbers import parse_number
from looplab.alliance.reader import read_screenshot
from tests.alliance.synth import make_screenshot


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,234", 1234),
        ("1 234", 1234),
        ("1\u00a0234", 1234),
        ("1.234", 1234),
        ("1'234'567", 1234567),
        ("205,851,915", 205851915),
        ("12.5K", 12500),
        ("12.5 K", 12500),
        ("3M", 3000000),
        ("228.9M", 228900000),
        ("1,5M", 1500000),
        ("734844 8K", 734844800),  # the point not read: a group after a space has three digits
        ("1 234K", 1234000),
        ("01IM", 100000),  # "0.1M", its point lost and its M's stem read again (seed 26591)
        ("2B", 2000000000),
        ("Power: 3,244", 3244),
        ("Power:3,817", 3817),
        ("Power. 625,476", 625476),  # a label's colon read as a point
        ("215,600 points", 215600),
        ("42", 42),
        ("0", 0),
        ("1O,5O0", 10500),
    ],
)
def test_parses_game_numbers(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Akshat",
        "RoycieeTest1",
        "[K178] Finde",
        "Registered: 20/20",
        "12.5",
        "1,23",
        "Akshat 13",
        "Lv12",
        "Akshat.13",
        "A.13",
        "7 247665K",  # a shield icon read "7" before "247665K" (seed 26729): no group of three after it
    ],
)
def test_refuses_names_and_ambiguous_text(text):
    assert parse_number(text) is None


def test_two_numbers_side_by_side_are_not_one():
    from looplab.alliance.numbers import split_pair

    # two columns found as one region: a space beside thousands commas is no separator of one number
    assert parse_number("5,362 324,374,300") is None
    assert split_pair("5,362 324,374,300") == ("5,362", "324,374,300")
    assert split_pair("8421 50,450,600") == ("8421", "50,450,600")
    assert split_pair("1 908 695") is None and parse_number("1 908 695") == 1908695
    assert split_pair("1908 695") is None  # a lost space, not two numbers
    assert split_pair("Power: 3,244") is None


def test_a_suffix_letter_read_twice_is_one_suffix():
    # seed 20095: "882M" read "882Mm", once taken for 882 with a unit word
    assert parse_number("882Mm") == 882_000_000
    assert parse_number("12kK") == 12_000
    assert parse_number("1,234 pts") == 1234


def test_a_bar_glued_before_the_suffix_letter_is_no_unit_word():
    # seed 20679: "51M" read "51IM" (its M's first stem read again as an I), taken for 51 and a unit
    # word "IM"
    assert parse_number("51IM") == 51_000_000
    assert parse_number("0.1lM") == 100_000
    assert parse_number("51 IM") == 51  # apart, it is a word after the number


def test_a_small_letter_made_up_before_the_suffix_letter_is_no_unit_word():
    # seeds 22164, 21912: "4M" read "4aM", taken for 4 and a unit word "aM"
    assert parse_number("4aM") == 4_000_000
    assert parse_number("12cK") == 12_000
    assert parse_number("4am") == 4  # a time's "am" is no unit
    assert parse_number("4abM") == 4  # a word after the number


def test_a_bar_after_a_decimal_point_is_a_one():
    # seed 24525: "0.1M" read "0.IM"; without its point, "0IM", it was taken for 0 and dropped
    assert parse_number("0.IM") == 100_000
    assert parse_number("2,lK") == 2_100
    assert parse_number("51IM") == 51_000_000  # no point: the M's stem read again


def test_a_unit_read_as_a_trade_mark_sign_is_the_unit():
    # seed 24385: "7M" read "® 7™", which NFKC spells "7TM": 7 and a unit word
    assert parse_number("7™") == 7_000_000
    assert parse_number("12.5 ™") == 12_500_000
    assert parse_number("Rose™") is None


def test_a_comma_read_as_a_point_in_a_grouped_number_is_a_slip():
    # seed 20630: "4.018.417" read "4,018.417" by the line model, its word model lost two digits ("08417")
    assert parse_number("4,018.417") == 4_018_417
    assert parse_number("1,234.56") is None  # a decimal part is no group


def test_a_number_tesseract_drops_in_line_mode_is_read_black_and_white():
    # seed 27082: "90982" in 10 px type under a crown, the blurred grey crop read as nothing at all in
    # line mode (as one word, "90982" at 38); made black and white, "90982" at 95
    rows = {r.name: r.values for r in read_screenshot(make_screenshot(27082).image).rows}
    assert rows.get("[XRP]Iron") == [90982, 703092], rows
