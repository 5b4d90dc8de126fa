"""The live progress bar: the messages it prints are the plain reporter's, in order; the
bar shows done/total, failures, issues up to date and the slowest renders."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from zinekit.pipeline.progress import LiveReporter, describe
from zinekit.reporter import ConsoleReporter, Progress, Tally, UpToDate, Wrote


def test_the_bar_says_how_far_the_build_has_got():
    tally = Tally().counted(total=5).counted(done=1, slow=(3.2, "vol2.md")) \
        .counted(done=1, failed=1).counted(done=1, reused=1).counted(done=1, slow=(7.5, "vol7"))
    assert (tally.done, tally.total) == (4, 5)
    assert describe(tally) == "1 failed · 1 up to date · slowest: vol7 7.5 s, vol2.md 3.2 s"


def test_messages_are_printed_unchanged_above_the_bar(tmp_path):
    events = [Progress("vol1", 1, 2), Wrote(Path("dist/a.pdf"), 4096), UpToDate("vol-2")]
    plain: list[str] = []
    for event in events:
        ConsoleReporter(echo=plain.append).emit(event)
    screen = io.StringIO()
    with LiveReporter() as live:
        live.console = Console(file=screen, force_terminal=True, width=100, color_system=None)
        live.echo = lambda line: live.console.print(line, markup=False, emoji=False)
        live.tally(Tally(total=2, done=1))
        for event in events:
            live.emit(event)
        live.tally(Tally(total=2, done=2, slowest=((2.0, "vol1"),)))
    shown = screen.getvalue()
    for line in plain:
        assert line in shown
    assert shown.index(plain[0]) < shown.index(plain[1]) < shown.index(plain[2])
    assert "2/2" in shown and "slowest: vol1 2.0 s" in shown
