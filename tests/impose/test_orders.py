"""The page orders added for binders: right-to-left binding, page ranges, flyleaves,
stab-bound leaves, cut and stack, two signatures to a sheet — hand-worked examples and
properties (every page once; blanks only where the layout says)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zinekit.errors import ImposeError
from zinekit.impose.binding import binding_for_language
from zinekit.impose.layouts import fourup_order, onepagezine_order, perfect_order, saddle_order, topbound_order
from zinekit.impose.leaves import cutstack_order, repeat_order, stab_order
from zinekit.impose.options import parse_pages, resolve_pages
from zinekit.impose.plan import (
    LayoutError,
    LayoutRequest,
    Plan,
    apply_flip,
    bind_right_to_left,
    placed_pages,
    reading_order,
    select_pages,
    with_flyleaves,
)
from zinekit.impose.registry import LAYOUTS

R = LayoutRequest


def numbers(side) -> list[int | None]:
    return [None if slot.page is None else slot.page + 1 for slot in side]


def grid_of(side, cols: int, rows: int) -> list[list[int | None]]:
    out: list[list[int | None]] = [[None] * cols for _ in range(rows)]
    for slot in side:
        out[slot.row][slot.col] = None if slot.page is None else slot.page + 1
    return out


# ------------------------------------------------------------------ right to left

def test_rtl_saddle_first_side_reads_first_then_last():
    plan = bind_right_to_left(saddle_order(8))
    assert [grid_of(side, 2, 1)[0] for sheet in plan.sheets for side in sheet.sides()] == [
        [1, 8], [7, 2], [3, 6], [5, 4]]
    assert [s.spine for s in plan.sheets[0].front] == ["left", "right"]  # slot order kept


def test_rtl_onepagezine_is_the_mirror_image():
    plan = bind_right_to_left(onepagezine_order(8))
    side = plan.sheets[0].front
    assert grid_of(side, 4, 2) == [[2, 3, 4, 5], [1, 8, 7, 6]]
    assert all(s.rotation == 180 for s in side if s.row == 0)


def test_rtl_stab_moves_the_stitched_edge_to_the_right():
    plan = bind_right_to_left(stab_order(4, R(fill=(1, 1))))
    assert [(s.page, s.bound) for s in plan.sheets[0].front] == [(0, "right")]
    assert [(s.page, s.bound) for s in plan.sheets[0].back] == [(1, "left")]


@settings(max_examples=60, deadline=None)
@given(count=st.integers(1, 120))
def test_rtl_twice_is_ltr(count):
    for plan in (saddle_order(count), perfect_order(count, R(sizes=(8,))), fourup_order(count)):
        assert bind_right_to_left(bind_right_to_left(plan)) == plan


# ------------------------------------------------------------------------ flyleaves

def test_flyleaves_go_inside_the_covers():
    assert with_flyleaves(range(6), 1) == (0, 1, None, None, 2, 3, None, None, 4, 5)
    assert with_flyleaves(range(2), 1, covers=False) == (None, None, 0, 1, None, None)
    with pytest.raises(LayoutError, match="only 3 pages"):
        with_flyleaves(range(3), 1)


def test_flyleaves_and_padding_are_told_apart():
    sequence, flyleaves = reading_order(10, 4, R(flyleaves=1))
    assert sequence == (0, 1, None, None, 2, 3, 4, 5, 6, 7, None, None, 8, None, None, 9)
    assert flyleaves == {2, 3, 10, 11}
    plan = saddle_order(10, R(flyleaves=1))
    assert plan.blanks == 2 and plan.flyleaf_positions == flyleaves


def test_flyleaves_inside_a_separate_cover():
    plan = saddle_order(8, R(cover="separate", flyleaves=1))
    assert plan.sequence == (0, 1, None, None, 2, 3, 4, 5, None, None, 6, 7)
    assert plan.blanks == 0


# ------------------------------------------------------------------------ leaves

def test_stab_leaves_in_order_one_to_a_side():
    plan = stab_order(5, R(fill=(1, 1)))
    assert [(numbers(s.front), numbers(s.back)) for s in plan.sheets] == [
        ([1], [2]), ([3], [4]), ([None], [5])]  # the back cover stays the last page
    assert [s.bound for s in plan.sheets[0].sides()[0] + plan.sheets[0].sides()[1]] == ["left", "right"]


def test_stab_two_to_a_side_cut_and_stacked():
    plan = stab_order(10, R(fill=(2, 1)))
    assert [grid_of(s.front, 2, 1)[0] for s in plan.sheets] == [[1, 7], [3, 9], [5, None]]
    assert [grid_of(s.back, 2, 1)[0] for s in plan.sheets] == [[8, 2], [10, 4], [None, 6]]


def test_cutstack_cards():
    plan = cutstack_order(12, R(fill=(2, 2)))
    assert [grid_of(s.front, 2, 2) for s in plan.sheets] == [[[1, 5], [9, None]], [[3, 7], [11, None]]]
    assert [grid_of(s.back, 2, 2) for s in plan.sheets] == [[[6, 2], [None, 10]], [[8, 4], [None, 12]]]


def test_cutstack_single_sided():
    plan = cutstack_order(5, R(fill=(2, 1), single_sided=True))
    assert [(numbers(s.front), s.back) for s in plan.sheets] == [([1, 4], None), ([2, 5], None), ([3, None], None)]
    assert not plan.duplex


def test_repeat_single_sided_gives_every_page_a_sheet():
    plan = repeat_order(3, R(fill=(2, 1), single_sided=True))
    assert [(numbers(s.front), s.back) for s in plan.sheets] == [([1, 1], None), ([2, 2], None), ([3, 3], None)]


def piles(plan: Plan) -> list[int | None]:
    """Cut every sheet into its places, stack each place's pieces, lay the piles one on the
    other in place order: the fronts of the pieces from the top of the stack down."""
    places = sorted({(s.row, s.col) for s in plan.sheets[0].front})
    out = []
    for row, col in places:
        for sheet in plan.sheets:
            out += [s.page for s in sheet.front if (s.row, s.col) == (row, col)]
    return out


@settings(max_examples=100, deadline=None)
@given(count=st.integers(1, 200), cols=st.integers(1, 4), rows=st.integers(1, 4), single=st.booleans())
def test_cut_and_stack_reads_in_order(count, cols, rows, single):
    plan = cutstack_order(count, R(fill=(cols, rows), single_sided=single))
    fronts = [p for p in piles(plan)]
    step = 1 if single else 2
    cards = list(range(0, count, step))
    assert fronts[:len(cards)] == cards and all(p is None for p in fronts[len(cards):])
    assert sorted(p for p in placed_pages(plan) if p is not None) == list(range(count))
    assert len(fronts) - len(cards) < cols * rows  # no sheet more than needed


@settings(max_examples=100, deadline=None)
@given(count=st.integers(1, 200), cols=st.integers(1, 3), rows=st.integers(1, 3),
       policy=st.sampled_from(["before-back", "end", "after-front"]), leaves=st.integers(0, 2))
def test_stab_reads_in_order_and_pairs_pages_on_leaves(count, cols, rows, policy, leaves):
    if leaves and count < 4:
        return
    plan = stab_order(count, R(policy, fill=(cols, rows), flyleaves=leaves))
    fronts = [p for p in piles(plan)]
    assert fronts[:len(plan.sequence) // 2] == list(plan.sequence[::2])
    for sheet in plan.sheets:
        for front in sheet.front:
            (back,) = [b for b in sheet.back if (b.col, b.row) == (cols - 1 - front.col, front.row)]
            if front.page is not None:
                k = plan.sequence.index(front.page)
                assert k % 2 == 0 and plan.sequence[k + 1] == back.page
    assert sorted(p for p in placed_pages(plan) if p is not None) == list(range(count))
    blanks = [i for i, p in enumerate(plan.sequence) if p is None and i not in plan.flyleaf_positions]
    assert len(blanks) == (count + 4 * leaves) % 2


# ------------------------------------------------------------------- two signatures

def test_two_signatures_one_above_the_other():
    plan = perfect_order(16, R(sizes=(8,), up=2, across=False))
    assert plan.grid.cols == 2 and plan.grid.rows == 2
    assert [grid_of(s.front, 2, 2) for s in plan.sheets] == [[[8, 1], [16, 9]], [[6, 3], [14, 11]]]
    assert [grid_of(s.back, 2, 2) for s in plan.sheets] == [[[2, 7], [10, 15]], [[4, 5], [12, 13]]]


def test_two_signatures_side_by_side():
    plan = perfect_order(24, R(sizes=(8,), up=2, across=True))
    assert [grid_of(s.front, 4, 1)[0] for s in plan.sheets] == [
        [8, 1, 16, 9], [6, 3, 14, 11], [24, 17, None, None], [22, 19, None, None]]
    assert grid_of(plan.sheets[0].back, 4, 1)[0] == [10, 15, 2, 7]


@settings(max_examples=80, deadline=None)
@given(count=st.integers(1, 150), across=st.booleans(), separate=st.booleans(), turn=st.booleans())
def test_two_up_places_every_page_once_with_leaves_back_to_back(count, across, separate, turn):
    if separate and count < 4:
        return
    plan = perfect_order(count, R(sizes=(8, 4), up=2, across=across, cover="separate" if separate else "included"))
    plan = apply_flip(plan, turn)
    assert sorted(p for p in placed_pages(plan) if p is not None) == list(range(count))
    g = plan.grid
    for sheet in plan.sheets:
        front = {(s.col, s.row) for s in sheet.front}
        back = {(s.col, s.row) for s in sheet.back}
        assert back == ({(c, g.rows - 1 - r) for c, r in front} if turn else {(g.cols - 1 - c, r) for c, r in front})


# --------------------------------------------------------------------------- pages

def fail(message: str) -> ImposeError:
    return ImposeError(message, path="in.pdf")


def test_page_ranges():
    assert resolve_pages(parse_pages("3-5,9", fail), 10, fail) == (2, 3, 4, 8)
    assert resolve_pages(parse_pages("8-", fail), 10, fail) == (7, 8, 9)
    assert resolve_pages(parse_pages("4-2", fail), 10, fail) == (3, 2, 1)
    assert resolve_pages((), 3, fail) == (0, 1, 2)


@pytest.mark.parametrize("text, count, message", [
    ("3-x", 10, "--pages: '3-x' is not a page or a range such as 3-18 (give pages as 3-18,21)"),
    ("0-3", 10, "--pages: pages are numbered from 1"),
    ("3-18", 10, "--pages: page 18 is beyond the last page (10)"),
    ("1-4,3", 10, "--pages: page 3 is chosen twice"),
])
def test_bad_page_ranges(text, count, message):
    with pytest.raises(ImposeError) as caught:
        resolve_pages(parse_pages(text, fail), count, fail)
    assert caught.value.diagnostic.message == message


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_selected_pages_each_appear_once(data):
    total = data.draw(st.integers(1, 60))
    chosen = data.draw(st.lists(st.integers(0, total - 1), min_size=1, unique=True))
    layout = data.draw(st.sampled_from(["saddle", "perfect", "4up", "topbound", "stab"]))
    plan = LAYOUTS[layout].order(len(chosen), R(fill=(2, 1)))
    plan = select_pages(plan, chosen)
    assert sorted(p for p in placed_pages(plan) if p is not None) == sorted(chosen)
    assert [p for p in plan.sequence if p is not None] == chosen


# ------------------------------------------------------------------- every layout

@settings(max_examples=60, deadline=None)
@given(count=st.integers(1, 100), rtl=st.booleans(), leaves=st.integers(0, 2))
def test_every_layout_places_every_page_once(count, rtl, leaves):
    for layout in LAYOUTS.values():
        request = R(fill=(2, 2), flyleaves=leaves if layout.takes("flyleaves") and count >= 4 else 0)
        try:
            plan = layout.order(count, request)
        except LayoutError:
            too_many = {"onepagezine": count > 8, "twosheetzine": count > 16}
            assert too_many.get(layout.name)
            continue
        if rtl and layout.takes("binding"):
            plan = bind_right_to_left(plan)
        pages = placed_pages(plan)
        expected = list(range(count))
        if layout.name == "repeat":
            assert sorted(set(p for p in pages if p is not None)) == expected
        else:
            assert sorted(p for p in pages if p is not None) == expected, layout.name
        flyleaf_pages = len(plan.flyleaf_positions)
        assert flyleaf_pages == 4 * request.flyleaves


def test_topbound_rtl_changes_nothing_but_is_accepted():
    plan = topbound_order(8)
    assert bind_right_to_left(plan).sheets == plan.sheets


# ------------------------------------------------------------------------ language

@pytest.mark.parametrize("tag, binding", [
    ("ar", "rtl"), ("he-IL", "rtl"), ("fa", "rtl"), ("ur", "rtl"), ("yi", "rtl"), ("ckb", "rtl"),
    ("az-Arab", "rtl"), ("pa-Arab-PK", "rtl"), ("ku-Latn", "ltr"), ("en", "ltr"), ("ja", "ltr"),
    ("zh-Hant", "ltr"), ("", "ltr"), (None, "ltr"), ("AR_eg", "rtl"),
])
def test_binding_from_language(tag, binding):
    assert binding_for_language(tag) == binding
