"""Each cleaning rule on invented pages in other outlets' styles, and on the seeds."""

import re
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import cleaning as cleaning_module
from analysis.cleaning import (
    INVISIBLE_CHARACTERS,
    clean_article,
    has_visible_text,
    is_navigation,
    parse_dateline,
    text_to_raw,
    texts_to_raw,
    visible,
)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="ab. \t\r\u00a0\u2009\u3000\u200b\ufeff\u00ad\x07\x85\u2028", max_size=20))
def test_a_lines_tail_is_its_final_run_of_white_space_and_invisible_characters(line: str) -> None:
    tail = re.search(rf"[\s{INVISIBLE_CHARACTERS}]+$", line)
    assert cleaning_module._tail_length(line) == (len(tail.group()) if tail else 0)


def _reasons(raw: str) -> dict[str, list[str]]:
    clean = clean_article(raw)
    out: dict[str, list[str]] = {}
    for r in clean.removals:
        out.setdefault(r.reason, []).append(raw[r.start : r.end])
    return out


def _assert_maps_back(raw: str) -> None:
    """Every clean character comes from the raw character its segment says, 1:1."""
    clean = clean_article(raw)
    for text_start, raw_start, length in clean.segments:
        for k in range(length):
            a, b = clean.text[text_start + k], raw[raw_start + k]
            assert a == b or (a == " " and b.isspace()) or (a == "\n" and b in "\r\n"), (a, b)
    # Nothing but white space is dropped without a log entry.
    kept = set()
    for _, raw_start, length in clean.segments:
        kept.update(range(raw_start, raw_start + length))
    logged = set()
    for r in clean.removals:
        logged.update(range(r.start, r.end))
    lost = [raw[i] for i in range(len(raw)) if i not in kept and i not in logged and not raw[i].isspace()]
    assert not lost, "".join(lost)


GUARDIAN_STYLE = """Floodwaters rise across northern England as rivers burst their banks

Tue 12 Nov 2019 14.00 GMT

Residents were evacuated from 400 homes in Fishlake, South Yorkshire, on Monday night.

Smoke and steam rise above the town centre. Photograph: Christopher Furlong/Getty Images

The Environment Agency said more rain was expected. “We are doing everything we can,” said a spokesperson.

Share on Facebook
Share on Twitter

Residents were evacuated from 400 homes in Fishlake, South Yorkshire, on Monday night.
"""

WIRE_STYLE = """WASHINGTON (Reuters) - The U.S. Senate passed the bill on Tuesday, sending it on.

Lawmakers voted 68-32 after weeks of talks.

(Reporting by Jane Doe; Editing by John Roe)
"""

TABLOID_STYLE = """Menu Home News Sport Showbiz Politics Video Search Sign in

CHAOS AT THE CUP FINAL AS FANS STORM PITCH

By Sam Writer

Fans stormed the pitch at Wembley on Saturday, police said.
Fans stormed the pitch at Wembley on

READ MORE: Police name stadium attacker

Stewards-rush-pitch-imageStewards overwhelmed
Stewards struggled to hold back hundreds of supporters.

Follow us on Twitter @sportdesk

Source: Daily Bugle
"""


def test_headline_date_caption_share_and_copy_on_a_broadsheet_page() -> None:
    clean = clean_article(GUARDIAN_STYLE)
    removed = _reasons(GUARDIAN_STYLE)
    assert clean.headline == "Floodwaters rise across northern England as rivers burst their banks"
    assert clean.published == "2019-11-12T14:00"
    assert removed["dateline"] == ["Tue 12 Nov 2019 14.00 GMT"]
    assert removed["image caption"][0].endswith("Photograph: Christopher Furlong/Getty Images")
    assert removed["share prompt"] == ["Share on Facebook", "Share on Twitter"]
    assert removed["duplicate paragraph"] == [
        "Residents were evacuated from 400 homes in Fishlake, South Yorkshire, on Monday night."
    ]
    # The first of two equal copies is kept.
    assert clean.text.startswith("Residents were evacuated")
    assert clean.text.count("Residents were evacuated") == 1
    assert "“We are doing everything we can,” said a spokesperson." in clean.text
    _assert_maps_back(GUARDIAN_STYLE)


def test_wire_dateline_and_reporting_trailer() -> None:
    clean = clean_article(WIRE_STYLE)
    removed = _reasons(WIRE_STYLE)
    assert removed["dateline"] == ["WASHINGTON (Reuters) - "]
    assert [r.detail for r in clean.removals if r.reason == "dateline"] == ["Reuters"]
    assert clean.text.startswith("The U.S. Senate passed the bill")
    assert clean.trailer == "(Reporting by Jane Doe; Editing by John Roe)"
    assert clean.headline == ""  # the lede ends with a full stop: never a headline
    _assert_maps_back(WIRE_STYLE)


def test_navigation_byline_truncated_copy_related_link_and_glued_slug() -> None:
    clean = clean_article(TABLOID_STYLE)
    removed = _reasons(TABLOID_STYLE)
    assert removed["navigation"] == ["Menu Home News Sport Showbiz Politics Video Search Sign in"]
    assert clean.headline == "CHAOS AT THE CUP FINAL AS FANS STORM PITCH"
    assert removed["byline"] == ["By Sam Writer"]
    assert removed["truncated copy"] == ["Fans stormed the pitch at Wembley on"]
    assert removed["related link"] == ["READ MORE: Police name stadium attacker"]
    assert removed["junk glued to subhead"] == ["Stewards-rush-pitch-image"]
    assert removed["share prompt"] == ["Follow us on Twitter @sportdesk"]
    assert clean.trailer == "Source: Daily Bugle"
    assert "Stewards overwhelmed\nStewards struggled" in clean.text
    _assert_maps_back(TABLOID_STYLE)


def test_the_most_complete_copy_is_kept_wherever_it_stands() -> None:
    raw = (
        "Headline without a stop\n\nThe army said the town had fallen after a long siege\n\n"
        "A second paragraph that is different.\n\n"
        "The army said the town had fallen after a long siege and heavy losses.\n"
    )
    clean = clean_article(raw)
    assert "The army said the town had fallen after a long siege and heavy losses." in clean.text
    assert clean.text.count("The army said") == 1
    assert _reasons(raw)["truncated copy"] == ["The army said the town had fallen after a long siege"]


def test_whitespace_no_break_spaces_and_soft_wraps() -> None:
    raw = "A\u00a0 line  with   runs of spaces , and a soft\nwrapped sentence.\n\n\n\nNext paragraph."
    clean = clean_article(raw)
    assert clean.text == "A line with runs of spaces, and a soft wrapped sentence.\nNext paragraph."
    _assert_maps_back(raw)


def test_embedded_post_is_kept_and_marked() -> None:
    raw = (
        "The minister spoke on Monday.\n"
        "We will not back down. #budget\n"
        "— Jane Minister (@janeminister) June 3, 2021\n"
        "Critics were unimpressed.\n"
    )
    clean = clean_article(raw)
    assert "We will not back down." in clean.text and "(@janeminister)" in clean.text
    (post,) = clean.embeds
    assert raw[post.start : post.end].startswith("We will not back down.")
    assert (post.author, post.handle, post.posted) == ("Jane Minister", "@janeminister", "June 3, 2021")


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("11 Mar, 2019 21:05", "2019-03-11T21:05"),
        ("Published: 10:32 GMT, 12 March 2019 | Updated: 11:02 GMT, 12 March 2019", "2019-03-12T10:32"),
        ("March 19, 2019", "2019-03-19"),
        ("The war began in March 2019", ""),
        ("2,000 troops", ""),
    ],
)
def test_parse_dateline(line: str, iso: str) -> None:
    assert parse_dateline(line) == iso


def test_navigation_needs_mostly_menu_words() -> None:
    assert is_navigation("icon bookmark-bicon bookmarkicon cameraicon checkicon chevron downicon")
    assert not is_navigation("Share prices fell in the news business on Monday")
    assert not is_navigation("World Cup")


def test_text_to_raw_maps_spans_through_removed_text() -> None:
    raw = "Headline here\n\nFirst  para.\n\nSecond para."
    clean = clean_article(raw)
    assert clean.text == "First para.\nSecond para."
    start = clean.text.index("Second")
    assert raw[slice(*text_to_raw(clean.segments, start, start + 6))] == "Second"
    assert raw[slice(*text_to_raw(clean.segments, 0, len(clean.text)))] == raw[15:]


def test_many_spans_map_to_raw_text_as_one_at_a_time(seeds) -> None:
    maps = [*seeds["offset_map"], ()]  # and a text with no segments at all
    rng = np.random.default_rng(0)
    rows = rng.integers(0, len(maps), 5000)
    lengths = np.array([*seeds["text"].str.len(), 4])[rows]
    starts = (rng.random(5000) * (lengths + 5)).astype(np.int64) - 1  # past either end, too
    ends = starts + rng.integers(-3, 60, 5000)  # empty and reversed spans too
    got_starts, got_ends = texts_to_raw(maps, rows, starts, ends)
    spans = zip(rows.tolist(), starts.tolist(), ends.tolist(), strict=True)
    expected = [text_to_raw(maps[r], s, e) for r, s, e in spans]
    assert list(zip(got_starts.tolist(), got_ends.tolist(), strict=True)) == expected
    assert (rows == len(maps) - 1).sum() > 100
    assert [len(x) for x in texts_to_raw(maps, [], [], [])] == [0, 0]


def test_visible_text_is_anything_but_white_space_and_invisible_characters(seeds) -> None:
    invisible = "".join(chr(c) for c in range(0x2100) if re.fullmatch(f"[{INVISIBLE_CHARACTERS}]", chr(c)))
    spaces = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
    texts = [
        *seeds["raw_text"],
        "",
        invisible,
        spaces,
        invisible + spaces,
        "\ufeff \u00ad\n",
        spaces + "x",
        "\x00a",
    ]
    assert [has_visible_text(t) for t in texts] == [bool(visible(t).strip()) for t in texts]
    assert [has_visible_text(t) for t in texts[-7:]] == [False, False, False, False, False, True, True]


def test_seeds_lose_no_body_text(seeds) -> None:
    """Every raw paragraph is either in the clean text or logged with a reason."""
    for raw, text in zip(seeds["raw_text"], seeds["text"], strict=True):
        _assert_maps_back(raw)
        body = "".join(text.split())
        for paragraph in re.split(r"\n\s*\n|\n", raw):
            words = "".join(paragraph.split())
            if words and words not in body:
                logged = [raw[r.start : r.end] for r in clean_article(raw).removals]
                assert any(paragraph.strip() in entry or entry in paragraph for entry in logged), paragraph


def test_seed_cleaning_findings(seeds) -> None:
    by_id = dict(zip(seeds["article_id"], seeds["removals"], strict=True))
    reasons = {aid: sorted({r.reason for r in rs}) for aid, rs in by_id.items()}
    assert "navigation" in reasons["003_3ae62de2b6d4bced"]
    assert "share prompt" in reasons["003_3ae62de2b6d4bced"]
    assert "junk glued to subhead" in reasons["002_0aef4d501553acae"]
    assert "image caption" in reasons["002_0aef4d501553acae"]
    assert "truncated copy" in reasons["000_6439c62e06d1798b"]
    assert "truncated copy" in reasons["001_badb3ae12ae01373"]
    assert reasons["004_06805eb31a0cf900"] == []
    text = dict(zip(seeds["article_id"], seeds["text"], strict=True))
    # The complete copy (with its full stop) survives; the truncated one does not.
    assert text["000_6439c62e06d1798b"].count("combat operations were still underway today.") == 1
    assert "underway today\n" not in text["000_6439c62e06d1798b"]
    assert text["002_0aef4d501553acae"].count("ISIS is facing imminent defeat") == 0
    assert "\nBaghdadi hiding\n" in text["002_0aef4d501553acae"]
    assert "\u00a0" not in "".join(seeds["text"]) and "  " not in "".join(seeds["text"])


def test_copies_are_found_in_n_log_n_on_a_live_blog() -> None:
    # 20,000 distinct paragraphs sharing their opening words, each cut short once further down: the
    # pairwise comparison this replaced took minutes on a 10 MB article.
    paragraphs = [
        f"The ministry said on Monday that {i} people had crossed the river." for i in range(20_000)
    ]
    truncated = [p.rsplit(" ", 3)[0] for p in paragraphs[:500]]
    raw = "\n\n".join(["Headline of the live blog", *paragraphs, *truncated, paragraphs[7]])
    clean = clean_article(raw)
    reasons = Counter(r.reason for r in clean.removals)
    assert reasons["truncated copy"] == 500 and reasons["duplicate paragraph"] == 1
    assert clean.text.count("\n") == 19_999


def test_text_to_raw_maps_spans_through_many_segments() -> None:
    segments = tuple((2 * k, 3 * k, 2) for k in range(200_000))
    spans = [text_to_raw(segments, 2 * k + 1, 2 * k + 2) for k in range(0, 200_000, 10)]
    assert spans[:2] == [(1, 2), (31, 32)] and spans[-1] == (3 * 199_990 + 1, 3 * 199_990 + 2)
    assert text_to_raw(segments, 3, 6) == (4, 8)  # across a gap: from inside one segment into the next
