from dataclasses import replace

import pytest

from looplab.alliance.reader import Row, ScreenshotReading, merge_screenshots
from looplab.alliance.rows import TextItem, group_rows
from looplab.imaging.regions import Box


def name(x, y, text, h=30):
    return TextItem(Box(x, y, 10 * len(text), h), "name", text, 90.0)


def number(x, y, value, h=30):
    return TextItem(Box(x, y, 120, h), "number", str(value), 90.0, value)


def summary(groups):
    return [(g.name.text, [n.value for n in g.numbers]) for g in groups]


def test_one_line_rows_with_columns():
    items = [name(200, 100, "Alpha"), number(700, 100, 5), number(900, 102, 6)]
    items += [name(200, 250, "Beta"), number(900, 248, 8), number(700, 250, 7)]
    assert summary(group_rows(items)) == [("Alpha", [5, 6]), ("Beta", [7, 8])]


def test_two_and_three_line_blocks():
    # name, then a number under it, and one right-aligned between the lines
    items = [name(20, 10, "[K178] Spider"), number(40, 46, 205), number(545, 57, 215, h=22)]
    items += [name(20, 144, "[K178] Violet"), number(40, 179, 408), number(545, 190, 204, h=22)]
    items += [TextItem(Box(60, 30, 40, 40), "number", "20", 90.0, 20)]  # rank, centred in the block
    assert summary(group_rows(items)) == [("[K178] Spider", [205, 20, 215]), ("[K178] Violet", [408, 204])]


def test_partial_row_at_top_and_headers_are_dropped():
    items = [number(700, 0, 1), name(300, 40, "Members"), name(200, 150, "Alpha"), number(700, 150, 5)]
    assert summary(group_rows(items)) == [("Alpha", [5])]


def test_two_column_cards():
    items = [name(50, 100, "Left"), name(600, 100, "Right"), number(50, 140, 1), number(600, 140, 2)]
    assert summary(group_rows(items)) == [("Left", [1]), ("Right", [2])]


def test_rows_of_a_grid_go_left_to_right_along_a_line_even_a_few_pixels_apart():
    # whiteoutsurvival_20251112_114629: a nameless row's name box, placed from its number, lay 9 px
    # lower than the name right of it on its line, and came after it
    items = [name(50, 100, "Atropos"), name(600, 100, "Xoxo"), number(50, 140, 1), number(600, 140, 2)]
    items += [name(600, 250, "Jayy"), number(50, 299, 3), number(600, 290, 4)]
    assert [n for n, _ in summary(group_rows(items))] == ["Atropos", "Xoxo", "", "Jayy"]


def test_name_split_by_a_wide_space_is_joined():
    items = [name(20, 100, "[K178]"), name(100, 101, "Finde"), number(600, 100, 3)]
    assert summary(group_rows(items)) == [("[K178] Finde", [3])]


def _row(name, values, reasons=()):
    return Row(name, list(values), [90.0] * (len(values) + 1), [], bool(reasons), list(reasons))


def test_merge_overlapping_screenshots():
    first = ScreenshotReading([_row("Alpha", [1]), _row("Beta", [2]), _row("Gamma", [], ["cut"])], 0.1)
    second = ScreenshotReading([_row("Beta", [2]), _row("Garnma", [3]), _row("Delta", [4])], 0.1)
    merged = merge_screenshots([first, second])
    assert [(r.name, r.values) for r in merged] == [
        ("Alpha", [1]),
        ("Beta", [2]),
        ("Garnma", [3]),
        ("Delta", [4]),
    ]


def test_merge_keeps_a_nameless_row_once_and_tells_nameless_rows_apart_by_their_numbers():
    first = ScreenshotReading([_row("Alpha", [1]), _row("", [17, 2885]), _row("Beta", [2])], 0.1)
    second = ScreenshotReading([_row("", [17, 2885]), _row("Beta", [2]), _row("", [15, 2886])], 0.1)
    merged = merge_screenshots([first, second])
    assert [(r.name, r.values) for r in merged] == [("Alpha", [1]), ("", [17, 2885]), ("Beta", [2]), ("", [15, 2886])]


def test_merge_flags_conflicting_numbers():
    merged = merge_screenshots([ScreenshotReading([_row("Alpha", [1])], 0), ScreenshotReading([_row("Alpha", [7])], 0)])
    assert len(merged) == 1
    assert merged[0].needs_review


def test_a_title_over_a_row_cut_at_the_top_is_no_row():
    # "Contribution" centred above the list; the first row's name is hidden under the title bar, so
    # its numbers sit far below the title, where no other row has a number
    items = [name(380, 90, "Contribution", h=42), number(60, 190, 1), number(275, 230, 800)]
    for i, who in enumerate(["Byvi", "Dowdow", "Kala", "Mira"]):
        y = 360 + 200 * i
        items += [name(275, y, who, h=42), number(60, y + 15, i + 2), number(275, y + 66, 100 + i)]
    got = summary(group_rows(items))
    assert [n for n, _ in got] == ["Byvi", "Dowdow", "Kala", "Mira"]


def test_real_screen_tab_header_is_no_row():
    from pathlib import Path

    import pytest

    from looplab.alliance.reader import read_screenshot
    from looplab.imaging.decode import decode_image_file

    path = Path(__file__).resolve().parents[2].parent / "shared/data/gamescreens/whiteoutsurvival_20251112_113440.jpg"
    if not path.exists():
        pytest.skip("shared real screenshots not present")
    names = [r.name for r in read_screenshot(decode_image_file(path)).rows]
    assert not any("Lane" in n for n in names), names  # the "Left/Middle/Right Lane" tabs
    assert "[HEI]Jayy" in names, names


def test_centred_title_that_lines_up_with_no_name_is_dropped():
    # a title centred on a 1000 px screen, as tall as the names, above a row cut at the top
    items = [name(440, 40, "Ranking"), number(700, 100, 9)]
    items += [name(100, 200 + 150 * i, who) for i, who in enumerate(["Alpha", "Beta", "Gamma"])]
    items += [number(700, 200 + 150 * i, i + 1) for i in range(3)]
    got = summary(group_rows(items, width=1000))
    assert [n for n, _ in got] == ["Alpha", "Beta", "Gamma"]


def test_first_name_with_an_icon_glued_to_it_is_no_title():
    # seed 20038: the first row's name region is tall with the icon beside it, its text is not larger
    first = TextItem(Box(200, 190, 190, 41, 22), "name", "Kaquao", 90.0)
    items = [first, number(200, 270, 1), number(800, 235, 2)]
    for i, who in enumerate(["Storm", "Gonelmi", "Morvira"]):
        y = 400 + 200 * i
        items += [TextItem(Box(200, y, 120, 28, 23), "name", who, 90.0), number(200, y + 70, 3), number(800, y + 40, 4)]
    assert [n for n, _ in summary(group_rows(items))] == ["Kaquao", "Storm", "Gonelmi", "Morvira"]


def test_first_name_set_taller_that_lines_up_with_the_list_is_no_title():
    # seed 22780: "[HZL]åuxix" with a ring glued on measured 40 px letters, the list's names 29 px; it
    # starts where the list's names start, as a heading over the list does not
    first = TextItem(Box(293, 215, 211, 43, 40), "name", "[HZL]åuxix", 84.0)
    items = [first, number(293, 299, 83783)]
    for i, who in enumerate(["Shadow Terode", "Night Elan", "Thuka"]):
        y = 215 + 211 * (i + 1)
        items += [TextItem(Box(293, y, 200, 30, 29), "name", who, 90.0), number(293, y + 84, 100 + i)]
    items += [TextItem(Box(406, 88, 268, 44, 40), "name", "Contribution", 90.0)]  # a heading, where no name starts
    got = summary(group_rows(items, width=1080))
    assert [n for n, _ in got] == ["[HZL]åuxix", "Shadow Terode", "Night Elan", "Thuka"], got


def test_real_screen_tab_labels_above_the_list_are_no_rows():
    from pathlib import Path

    import pytest

    from looplab.alliance.reader import read_screenshot
    from looplab.imaging.decode import decode_image_file

    path = Path(__file__).resolve().parents[2].parent / "shared/data/gamescreens/whiteoutsurvival_20251114_000354.jpg"
    if not path.exists():
        pytest.skip("shared real screenshots not present")
    names = [r.name for r in read_screenshot(decode_image_file(path)).rows]
    # "Join", "Substitute", "Troop Power" are set in larger text than the members' names
    assert not {"Join", "Substitute", "Troop Power"} & set(names), names
    assert {"Bourne", "Valorin", "C&I"} <= set(names), names


def test_a_sword_badge_before_a_number_read_as_a_lone_digit_is_no_value():
    # whiteoutsurvival_20251114_000354: the badge, found apart from "5,000", read "1|"
    from pathlib import Path

    from looplab.alliance.reader import read_screenshot
    from looplab.imaging.decode import decode_image_file

    path = Path(__file__).resolve().parents[2].parent / "shared/data/gamescreens/whiteoutsurvival_20251114_000354.jpg"
    if not path.exists():
        pytest.skip("shared real screenshots not present")
    rows = {r.name: r.values for r in read_screenshot(decode_image_file(path)).rows}
    assert rows.get("Valorin") == [5000] and rows.get("Bourne") == [1604] and rows.get("C&I") == [2958], rows


def test_a_line_repeated_under_every_name_is_no_member():
    # riseofkingdoms_1.jpg: "Team Violent VENi" under each member's name; a rank digit centred on the
    # block sits nearer the second line
    items = []
    for i, who in enumerate(["[VENi] Alpha", "[VENi] Beta", "[VENi] Gamma"]):
        y = 100 + 80 * i
        items += [name(270, y, who, h=23), name(270, y + 24, "Team Violent VENi", h=18)]
        items += [number(170, y + 9, i + 4, h=22), number(960, y + 6, 1000 + i, h=21)]
    assert summary(group_rows(items)) == [
        ("[VENi] Alpha", [4, 1000]),
        ("[VENi] Beta", [5, 1001]),
        ("[VENi] Gamma", [6, 1002]),
    ]


def test_the_same_name_read_for_several_members_is_kept():
    # names OCR cannot spell may all read as their tag: they are members, each on its own block
    items = []
    for i in range(3):
        items += [name(270, 100 + 80 * i, "[VENi]", h=23), number(960, 106 + 80 * i, 1000 + i, h=21)]
    assert summary(group_rows(items)) == [("[VENi]", [1000]), ("[VENi]", [1001]), ("[VENi]", [1002])]


def test_a_label_read_apart_from_its_number_is_no_member():
    # seed 20084: "Power: 975,348" read as one number, "Power" + "769,571" a wide gap apart as two items
    def labelled(x, y, value):
        return TextItem(Box(x, y, 300, 30), "number", f"Power: {value:,}", 90.0, value)

    items = [name(100, 100, "Doeli"), number(100, 150, 24699), labelled(500, 150, 36952)]
    items += [name(100, 300, "Lidow"), number(100, 350, 84310939), name(500, 350, "Power"), number(580, 350, 769571)]
    assert summary(group_rows(items)) == [("Doeli", [24699, 36952]), ("Lidow", [84310939, 769571])]


def test_a_header_strip_closer_than_the_lists_pitch_is_no_row():
    # whiteoutsurvival_20251114_000442: "Join 18/30" and "Troop Power 34,695" above rows 195 px apart
    items = [name(100, 600, "Join"), number(100, 640, 18730), name(100, 745, "Troop Power"), number(700, 745, 34695)]
    for i, member in enumerate(["Bunyip", "MrsChapstick", "CooKeeZ710", "flying", "SAAAM6"]):
        items += [name(250, 850 + 195 * i, member), number(250, 890 + 195 * i, 1900 - i)]
    assert [n for n, _ in summary(group_rows(items))] == ["Bunyip", "MrsChapstick", "CooKeeZ710", "flying", "SAAAM6"]


def test_rows_of_a_card_grid_keep_their_head():
    # two cards per line (whiteoutsurvival_20251112_114629): the pitch is taken between lines
    items = []
    for i in range(4):
        items += [name(100, 300 + 250 * i, f"Left{i}"), number(100, 340 + 250 * i, 10 + i)]
        items += [name(600, 300 + 250 * i, f"Right{i}"), number(600, 340 + 250 * i, 20 + i)]
    assert len(group_rows(items)) == 8


def test_an_unsure_piece_before_a_tag_is_left_out():
    # whiteoutsurvival_20251111_194047: an alliance banner's paw print read "w.b‚" before "[HEI]HellImperium"
    junk = TextItem(Box(100, 100, 40, 30), "name", "w.b‚", 40.0)
    rows = group_rows([junk, name(150, 100, "[HEI]HellImperium"), number(700, 100, 17479324213)])
    assert summary(rows) == [("[HEI]HellImperium", [17479324213])]
    sure = TextItem(Box(100, 100, 40, 30), "name", "Sir", 95.0)  # a sure word before a tag stays
    rows = group_rows([sure, name(150, 100, "[HEI]Knight"), number(700, 100, 5)])
    assert summary(rows) == [("Sir [HEI]Knight", [5])]


def test_labels_are_no_members_and_take_the_number_before_them():
    # whiteoutsurvival_20251112_114651: "1 hour(s) ago" under an avatar became a member "hour(s)" [1]
    label = TextItem(Box(230, 160, 84, 27), "label", "hour(s)", 90.0)
    items = [name(250, 100, "Dico"), number(250, 140, 141800000), number(100, 160, 1, h=27), label]
    items += [name(250, 300, "LOMAAN"), number(250, 340, 116800000)]
    assert summary(group_rows(items)) == [("Dico", [141800000]), ("LOMAAN", [116800000])]


def test_name_pieces_joined_are_tidied_again():
    # "[HEI]⸸WRATH⸸" found as two pieces, "[HEI" (its bracket lost) and "‚WRATH" (the cross a quote mark)
    from looplab.alliance.rows import merge_name_pieces

    tag, name = Box(10, 10, 60, 30, 20), Box(80, 10, 90, 30, 20)
    pieces = [TextItem(tag, "name", "[HEI", 70.0), TextItem(name, "name", "‚WRATH", 80.0)]
    assert [n.text for n in merge_name_pieces(pieces)] == ["[HEI] WRATH"]


def test_a_name_joined_from_a_tag_and_a_word_with_an_icon_is_no_title():
    # seed 21858: "[PNV]" (its brackets 31 px) and "Deliix" with a crown glued on (a 36 px box, its
    # letters 23 px) joined gave the first row's name a box 36 px high: taken for a title over the list
    from looplab.alliance.rows import merge_name_pieces

    pieces = [
        TextItem(Box(256, 172, 79, 31, 31), "name", "[PNV]", 90.0),
        TextItem(Box(346, 167, 121, 36, 23), "name", "Deliix", 63.0),
    ]
    assert [(n.text, n.box.char_h) for n in merge_name_pieces(pieces)] == [("[PNV] Deliix", 23)]
    items = [*pieces, number(256, 241, 157860743, h=26)]
    for i, who in enumerate(["Lady", "Mifinlux", "Iron"]):
        items += [TextItem(Box(256, 320 + 150 * i, 90, 29, 23), "name", who, 90.0), number(256, 390 + 150 * i, 10 + i)]
    assert summary(group_rows(items))[0] == ("[PNV] Deliix", [157860743])


def _list_with_a_gap(values_in_gap):
    """Five rows of name + rank + points (whiteoutsurvival_20251112_113936), the fourth one's name not
    read: only its numbers are left."""
    items = []
    for i, member in enumerate(["KSA", "Grl", "flying", None, "kaito"]):
        y = 900 + 200 * i
        if member:
            items.append(name(400, y, member, h=45))
        items += [number(130, y + 20, 20 - i, h=40), number(400, y + 55, 2898 - i, h=32)][
            : values_in_gap if not member else 2
        ]
    return items


def test_numbers_of_a_row_whose_name_was_not_read_make_a_nameless_row():
    rows = group_rows(_list_with_a_gap(2))
    assert summary(rows) == [
        ("KSA", [20, 2898]),
        ("Grl", [19, 2897]),
        ("flying", [18, 2896]),
        ("", [17, 2895]),
        ("kaito", [16, 2894]),
    ]
    assert rows[3].name.box.x == 400 and 1400 <= rows[3].name.box.y <= 1520  # where its name should be


def test_numbers_away_from_the_rows_make_no_nameless_row():
    items = _list_with_a_gap(0)
    items.append(number(120, 600, 18730, h=32))  # a header's "Join 18/30" above the list
    items.append(number(900, 1300, 269, h=32))  # a section line's "6/9" at the right edge
    items.append(number(400, 1555, 12, h=80))  # a badge's digits, twice as tall as the points
    assert [n for n, _ in summary(group_rows(items))] == ["KSA", "Grl", "flying", "kaito"]


def test_an_icon_read_unsurely_as_a_number_where_no_row_has_one_is_left_out():
    # seeds 20454, 20518: a badge with ears left of the avatar read "18" (35), a target right of the
    # name read "10" (36); the other rows' badges read as nothing
    items = []
    for i, who in enumerate(["Alpha", "Beta", "Gamma", "Delta"]):
        y = 100 + 150 * i
        items += [name(300, y, who), number(300, y + 60, 1000 + i)]
    badge = TextItem(Box(40, 400, 50, 50), "number", "18", 35.0, 18)
    rank = TextItem(Box(40, 400, 30, 30), "number", "7", 92.0, 7)  # a sure rank stays
    assert summary(group_rows([*items, badge])) == [
        ("Alpha", [1000]),
        ("Beta", [1001]),
        ("Gamma", [1002]),
        ("Delta", [1003]),
    ]
    assert summary(group_rows([*items, rank]))[2] == ("Gamma", [7, 1002])
    # seeds 21757, 21798, 21812, 21861: a shape of an avatar or a crown read "9", "4", "1" (91 to 97)
    # in a crop the classifier found more picture than text
    shape = TextItem(Box(40, 400, 30, 30), "number", "4", 96.0, 4, pictured=0.74)
    assert summary(group_rows([*items, shape]))[2] == ("Gamma", [1002])
    ranks = [
        TextItem(Box(40, 100 + 150 * i, 30, 30), "number", str(i + 1), 96.0, i + 1, pictured=0.6 if i == 2 else 0.1)
        for i in range(4)
    ]
    beside = replace(shape, box=Box(200, 400, 30, 30))
    assert summary(group_rows([*items, *ranks, beside]))[2] == ("Gamma", [3, 1002])  # the ranks vouch for 3
    unread = TextItem(Box(40, 400, 50, 50), "number", "1B?", 0.0, None)  # no value: kept for review
    assert summary(group_rows([*items, unread]))[2] == ("Gamma", [None, 1002])
    # a rank every row has keeps its unsure reading: it has its like in the other rows
    ranks = [
        TextItem(Box(40, 100 + 150 * i, 30, 30), "number", str(i + 1), 90.0 if i != 2 else 40.0, i + 1)
        for i in range(4)
    ]
    assert summary(group_rows(items + ranks))[2] == ("Gamma", [3, 1002])
    # seed 21194: the same badge read "8" (71) and "8" (74) on two rows: unsure extras vouch for no one
    badges = [TextItem(Box(40, 100 + 150 * i, 50, 50), "number", "8", 71.0 + i, 8) for i in (1, 3)]
    assert summary(group_rows(items + badges))[1::2] == [("Beta", [1001]), ("Delta", [1003])]


@pytest.mark.parametrize(
    ("seed", "name", "values"),
    [(20425, "Ixdow336", [9398600]), (20455, "DoímiBrathuvi", [2019200]), (20565, "Thuanak54", [35405])],
)
def test_a_badge_read_as_a_number_is_no_value_of_the_row(seed, name, values):
    from looplab.alliance.reader import read_screenshot
    from tests.alliance.synth import make_screenshot

    rows = {r.name: r.values for r in read_screenshot(make_screenshot(seed).image).rows}
    assert rows.get(name) == values, rows


def test_a_rank_far_left_of_a_short_name_is_its_rows():
    # seed 21858: "Iron" (no ascender, no descender) has a lower box than the screen's other names;
    # its rank, 8 of Iron's heights to the left, was measured too far away to be its
    from looplab.alliance.reader import read_screenshot
    from tests.alliance.synth import make_screenshot

    rows = {r.name: r.values for r in read_screenshot(make_screenshot(21858).image).rows}
    assert rows.get("Iron") == [4, 132643], rows


def test_a_row_cut_at_the_top_read_with_its_avatar_takes_no_rank_of_the_next():
    # seed 23767: the first row, cut by the header, was read as one region with its rank and avatar,
    # 49 px tall where names are 26; scored by its own height, the next row's rank "2" fell in its block
    items = [TextItem(Box(12, 117, 376, 49, 46), "name", "veaK_vragon", 77.0), number(500, 120, 824513927, h=26)]
    items += [TextItem(Box(36, 223, 20, 25, 25), "number", "2", 97.0, 2), name(165, 221, "Rose", h=26)]
    items += [number(598, 223, 5861, h=25)]
    for k, text in enumerate(["Ogon", "Lady", "Dragon"]):
        y = 331 + 110 * k
        items += [TextItem(Box(36, y + 2, 20, 25, 25), "number", str(k + 3), 97.0, k + 3), name(165, y, text, h=26)]
        items += [number(598, y + 2, 1000 + k, h=25)]
    rows = dict(summary(group_rows(items)))
    assert rows["Rose"] == [2, 5861] and rows["veaK_vragon"] == [824513927]


def test_the_number_of_a_row_cut_at_the_lists_end_is_not_the_last_rows():
    # seed 27736 (read with the list's cut end taken out of the mask): "Dragon 181,686,608" half under
    # the list's end, its name not read, gave the row above it a second number; a row's second number on
    # a line of its own under the first stays (two-line rows)
    items = [
        x
        for k, n in enumerate(["Alpha", "Beta", "Gamma", "Delta"])
        for x in (name(200, 100 + 100 * k, n), number(700, 100 + 100 * k, k + 1))
    ]
    items.append(number(700, 500, 99))  # where a fifth row's number would be, no name beside it
    assert summary(group_rows(items))[-1] == ("Delta", [4])
    two_line = [
        x
        for k, n in enumerate(["Alpha", "Beta", "Gamma", "Delta"])
        for x in (name(200, 100 + 100 * k, n), number(700, 100 + 100 * k, k + 1), number(700, 140 + 100 * k, 10 + k))
    ]
    assert summary(group_rows(two_line))[-1] == ("Delta", [4, 13])
