"""Page-order functions against hand-worked examples, and their properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zinekit.impose.layouts import (
    fourup_order,
    onepagezine_order,
    twosheetzine_order,
    perfect_order,
    pick_signature,
    saddle_order,
    topbound_order,
)
from zinekit.impose.leaves import repeat_order
from zinekit.impose.plan import LayoutError, LayoutRequest, Plan, apply_flip, backs_need_turning, pad

R = LayoutRequest


def numbers(side) -> list[int | None]:
    """1-based page numbers of a side, in slot order (None = blank)."""
    return [None if slot.page is None else slot.page + 1 for slot in side]


def sheet_numbers(plan: Plan) -> list[tuple[list, list | None]]:
    return [(numbers(s.front), None if s.back is None else numbers(s.back)) for s in plan.sheets]


# ---------------------------------------------------------------------- hand-worked

def test_saddle_8_pages():
    assert sheet_numbers(saddle_order(8)) == [([8, 1], [2, 7]), ([6, 3], [4, 5])]


def test_saddle_positions_and_spines():
    sheet = saddle_order(8).sheets[0]
    assert [(s.col, s.row, s.spine) for s in sheet.front] == [(0, 0, "right"), (1, 0, "left")]
    assert [s.depth for s in saddle_order(8).sheets[1].front] == [1, 1]


def test_saddle_10_pages_gets_two_blanks_before_the_back_cover():
    plan = saddle_order(10)
    assert plan.sequence == (0, 1, 2, 3, 4, 5, 6, 7, 8, None, None, 9)
    assert sheet_numbers(plan) == [([10, 1], [2, None]), ([None, 3], [4, 9]), ([8, 5], [6, 7])]
    assert plan.blanks == 2


@pytest.mark.parametrize("policy, expected", [
    ("before-back", (0, 1, 2, 3, 4, None, None, 5)),
    ("after-front", (0, None, None, 1, 2, 3, 4, 5)),
    ("end", (0, 1, 2, 3, 4, 5, None, None)),
])
def test_blank_policies(policy, expected):
    assert pad(range(6), 4, policy) == expected


def test_one_page_has_no_back_cover_so_blanks_follow_it():
    assert pad(range(1), 4, "before-back") == (0, None, None, None)


def test_saddle_separate_cover():
    plan = saddle_order(10, R(cover="separate"))
    assert plan.sheets[0].cover
    assert sheet_numbers(plan)[0] == ([10, 1], [2, 9])
    # the body (3…8) is padded on its own, at its end, just before the inside back cover
    assert plan.sequence == (0, 1, 2, 3, 4, 5, 6, 7, None, None, 8, 9)
    assert [s.front[0].depth for s in plan.sheets] == [0, 1, 2]


def test_perfect_8_page_signatures():
    plan = perfect_order(16, R(sizes=(8,)))
    assert plan.signature_size == 8
    assert sheet_numbers(plan) == [
        ([8, 1], [2, 7]), ([6, 3], [4, 5]),          # signature 1: pages 1-8
        ([16, 9], [10, 15]), ([14, 11], [12, 13]),   # signature 2: pages 9-16
    ]
    assert [(s.signature, s.outer) for s in plan.sheets] == [(0, True), (0, False), (1, True), (1, False)]
    assert [s.front[0].depth for s in plan.sheets] == [0, 1, 0, 1]  # creep restarts per signature


def test_perfect_pads_before_the_back_cover_of_the_book():
    plan = perfect_order(10, R(sizes=(8,)))
    assert plan.sequence[-1] == 9 and plan.blanks == 6
    assert plan.sequence[9:15] == (None,) * 6


@pytest.mark.parametrize("count, sizes, expected", [
    (48, range(32, 15, -4), 24),   # 16, 24 both leave 0 blanks: the larger wins
    (40, (32, 28, 24, 20, 16), 20),  # 20 → 0 blanks
    (10, (16, 12, 8, 4), 12),      # 12 and 4 leave 2: the larger
    (33, (32, 16), 16),            # 15 blanks against 31
    (100, (16,), 16),
])
def test_pick_signature(count, sizes, expected):
    assert pick_signature(count, tuple(sizes)) == expected


def test_fourup_8_pages_on_one_sheet():
    plan = fourup_order(8)
    (sheet,) = plan.sheets
    assert [(n, s.col, s.row) for n, s in zip(numbers(sheet.front), sheet.front)] == [
        (8, 0, 0), (1, 1, 0), (6, 0, 1), (3, 1, 1)]
    assert numbers(sheet.back) == [2, 7, 4, 5]


def test_fourup_16_pages_top_halves_are_the_outer_sheets():
    plan = fourup_order(16)
    assert sheet_numbers(plan) == [
        ([16, 1, 12, 5], [2, 15, 6, 11]),
        ([14, 3, 10, 7], [4, 13, 8, 9]),
    ]
    assert [s.depth for s in plan.sheets[1].front] == [1, 1, 3, 3]


def test_onepagezine():
    plan = onepagezine_order(8)
    (sheet,) = plan.sheets
    assert sheet.back is None and not plan.duplex
    top = [s for s in sheet.front if s.row == 0]
    bottom = [s for s in sheet.front if s.row == 1]
    assert numbers(top) == [5, 4, 3, 2] and all(s.rotation == 180 for s in top)
    assert numbers(bottom) == [6, 7, 8, 1] and all(s.rotation == 0 for s in bottom)


def test_onepagezine_pads_and_refuses_more_than_8():
    assert numbers(onepagezine_order(6).sheets[0].front)[4:] == [None, None, 6, 1]
    with pytest.raises(LayoutError, match="8 pages; this PDF has 9"):
        onepagezine_order(9)


def test_twosheetzine_puts_the_middle_pages_on_the_inner_sheet():
    plan = twosheetzine_order(16)
    outer, inner = (numbers(sheet.front) for sheet in plan.sheets)
    assert outer == [13, 4, 3, 2, 14, 15, 16, 1]
    assert inner == [9, 8, 7, 6, 10, 11, 12, 5]
    assert not plan.duplex and all(sheet.back is None for sheet in plan.sheets)


def test_twosheetzine_pads_before_the_back_cover_and_refuses_more_than_16():
    plan = twosheetzine_order(11)
    assert plan.sequence[-1] == 10 and plan.sequence[10:15] == (None,) * 5
    with pytest.raises(LayoutError, match="16 pages; this PDF has 17"):
        twosheetzine_order(17)


def test_topbound_heads_meet_at_the_fold():
    sheet = topbound_order(4).sheets[0]
    assert [(n, s.row, s.rotation, s.spine) for n, s in zip(numbers(sheet.front), sheet.front)] == [
        (1, 0, 180, "bottom"), (4, 1, 0, "top")]
    assert numbers(sheet.back) == [2, 3]


def test_repeat_pairs_front_and_back():
    plan = repeat_order(3, R(fill=(2, 2)))
    assert sheet_numbers(plan) == [([1] * 4, [2] * 4), ([3] * 4, None)]
    assert plan.blanks == 0


def test_no_pages_is_an_error():
    for order in (saddle_order, fourup_order, onepagezine_order):
        with pytest.raises(LayoutError):
            order(0)


# -------------------------------------------------------------------------------- flip

def test_flip_turns_backs_on_a_long_edge_landscape_printer():
    plan = apply_flip(saddle_order(8), backs_need_turning("long", sheet_is_landscape=True))
    back = plan.sheets[0].back
    assert numbers(back) == [2, 7]  # slot order is kept …
    assert [(s.col, s.rotation, s.spine) for s in back] == [(1, 180, "left"), (0, 180, "right")]  # … moved


def test_flip_conventions():
    assert not backs_need_turning("short", sheet_is_landscape=True)
    assert backs_need_turning("long", sheet_is_landscape=True)
    assert backs_need_turning("short", sheet_is_landscape=False)
    assert not backs_need_turning("long", sheet_is_landscape=False)


# --------------------------------------------------------------------------- properties

policies = st.sampled_from(["before-back", "end", "after-front"])


def all_plans(count: int, policy: str) -> list[Plan]:
    plans = [saddle_order(count, R(policy)), topbound_order(count, R(policy)),
             perfect_order(count, R(policy, sizes=(16, 12, 8, 4))), perfect_order(count, R(policy, sizes=(8,))),
             fourup_order(count, R(policy))]
    if count >= 4:
        plans += [saddle_order(count, R(policy, "separate")),
                  perfect_order(count, R(policy, "separate", sizes=(16, 8)))]
    if count <= 8:
        plans.append(onepagezine_order(count, R(policy)))
    return plans


def placed(plan: Plan) -> list[int | None]:
    return [slot.page for sheet in plan.sheets for side in sheet.sides() for slot in side]


@settings(max_examples=150, deadline=None)
@given(count=st.integers(1, 300), policy=policies)
def test_every_page_appears_exactly_once(count, policy):
    for plan in all_plans(count, policy):
        pages = [p for p in placed(plan) if p is not None]
        assert sorted(pages) == list(range(count)), plan.layout
        assert sorted(p for p in plan.sequence if p is not None) == list(range(count))
        assert len(placed(plan)) == len(plan.sequence)


@settings(max_examples=150, deadline=None)
@given(count=st.integers(2, 300))
def test_outside_back_cover_is_the_last_page_by_default(count):
    for plan in all_plans(count, "before-back"):
        if plan.layout == "onepagezine":
            assert numbers(plan.sheets[0].front)[6] == count  # bottom row, third panel
        elif plan.layout == "perfect" and not plan.sheets[0].cover:
            assert plan.sequence[-1] == count - 1
            last_signature = [s for s in plan.sheets if s.signature == plan.sheets[-1].signature]
            assert last_signature[0].front[0].page == count - 1
        else:
            assert plan.sheets[0].front[0 if plan.layout != "topbound" else 1].page == count - 1
            assert plan.sheets[0].front[1 if plan.layout != "topbound" else 0].page == 0


@settings(max_examples=150, deadline=None)
@given(count=st.integers(1, 300), policy=policies)
def test_blanks_only_where_the_policy_puts_them(count, policy):
    for plan in all_plans(count, policy):
        sequence = plan.sequence
        blank_at = [i for i, p in enumerate(sequence) if p is None]
        if not blank_at:
            continue
        assert blank_at == list(range(blank_at[0], blank_at[-1] + 1)), "one run of blanks"
        separate = plan.sheets[0].cover
        if count < 2 or policy == "end" and not separate:
            assert blank_at[-1] == len(sequence) - 1
        elif policy == "before-back":
            assert blank_at[-1] == len(sequence) - (3 if separate else 2)
        elif policy == "after-front":
            assert blank_at[0] == (2 if separate else 1)
        assert blank_at[-1] != len(sequence) - 1 or policy == "end" or count < 2


@settings(max_examples=100, deadline=None)
@given(count=st.integers(1, 200), policy=policies, turn=st.booleans())
def test_fronts_and_backs_alternate_and_mirror(count, policy, turn):
    """Every folded sheet has a front and a back with as many slots, and each front slot
    has a back slot behind it (same row, mirrored column) showing the other side of its leaf."""
    for plan in all_plans(count, policy):
        if not plan.duplex:
            continue
        plan = apply_flip(plan, turn)
        grid = plan.grid
        for sheet in plan.sheets:
            assert sheet.back is not None and len(sheet.back) == len(sheet.front)
            front = {(s.col, s.row) for s in sheet.front}
            back = {(s.col, s.row) for s in sheet.back}
            assert len(front) == len(sheet.front)
            if turn:
                assert back == {(c, grid.rows - 1 - r) for c, r in front}
            else:
                assert back == {(grid.cols - 1 - c, r) for c, r in front}


@settings(max_examples=100, deadline=None)
@given(count=st.integers(1, 200))
def test_leaves_pair_consecutive_pages(count):
    """Behind page 2k+1 (recto) is page 2k+2 (verso): the same leaf."""
    for plan in all_plans(count, "end"):
        if not plan.duplex:
            continue
        position = {}
        for n, sheet in enumerate(plan.sheets):
            for slot in sheet.front:
                position[("f", n, plan.grid.cols - 1 - slot.col, slot.row)] = slot.page
            for slot in sheet.back:
                position[("b", n, slot.col, slot.row)] = slot.page
        index = {p: i for i, p in enumerate(plan.sequence) if p is not None}
        for (side, n, col, row), page in position.items():
            if side == "f":
                other = position[("b", n, col, row)]
                if page is not None and other is not None:
                    assert {index[page], index[other]} in ({2 * k, 2 * k + 1} for k in range(len(plan.sequence)))
