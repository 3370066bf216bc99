"""Figures: drawn from the content's numbers, the same bytes every time."""

from __future__ import annotations

from pathlib import Path

from medeval.report.content import Figure, build_certificate
from medeval.report.figures import figure_png, figure_svg
from medeval.result import read_result


def figures(result: Path) -> list[Figure]:
    certificate = build_certificate(read_result(result))
    return [b for s in certificate.sections for b in s.blocks if isinstance(b, Figure)]


def test_classification_figures(certified: Path) -> None:
    kinds = [f.kind for f in figures(certified)]
    assert kinds == ["roc", "confusion"]
    roc = figures(certified)[0]
    assert len(roc.data["labels"]) == 369  # failed cases drawn as the AUC counts them


def test_segmentation_figures(segmentation: Path) -> None:
    (dice,) = figures(segmentation)
    assert dice.kind == "dice" and sum(dice.data["failed"]) == 1


def test_deterministic_png_and_svg(certified: Path) -> None:
    for figure in figures(certified):
        assert figure_png(figure, "ko+en") == figure_png(figure, "ko+en")
        svg = figure_svg(figure, "en")
        assert svg == figure_svg(figure, "en") and svg.startswith("<svg")
        assert figure_png(figure, "ko+en").startswith(b"\x89PNG")


def test_froc_and_bland_altman_when_present() -> None:
    from medeval.report.catalogue import Msg

    froc = Figure("froc", Msg("text.figure_froc"),
                  {"fp": [0.125, 0.25, 0.5, 1, 2, 4, 8],
                   "sensitivity": [0.2, 0.3, 0.5, 0.6, 0.7, 0.8, 0.85],
                   "points": [(0.5, 0.5), (1.0, 0.6)]})
    agreement = Figure("bland_altman", Msg("text.figure_bland_altman"),
                       {"mean": [1.0, 2.0, 3.0, 4.0], "difference": [0.1, -0.2, 0.05, 0.0]})
    for figure in (froc, agreement):
        assert figure_png(figure, "ko").startswith(b"\x89PNG")


def test_an_installed_font_of_the_same_family_is_not_drawn(certified: Path,
                                                           tmp_path: Path) -> None:
    """A font the machine has installed under the name "NanumGothic" (here DejaVu Sans
    renamed with fontTools, entered in matplotlib's font list first, as a font in
    ~/.local/share/fonts is) leaves the figures as drawn with the shipped face. Before,
    matplotlib drew the installed one: other bytes, and a genuine certificate verified on
    that machine was reported altered (found in the offline-pass)."""
    import matplotlib
    from fontTools.ttLib import TTFont
    from matplotlib import font_manager

    roc = figures(certified)[0]
    shipped = figure_png(roc, "ko+en")
    impostor = TTFont(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf")
    for record in impostor["name"].names:
        if record.nameID in (1, 4, 6, 16):
            record.string = "NanumGothic"
    impostor.save(tmp_path / "NanumGothic.ttf")
    manager = font_manager.fontManager
    before = list(manager.ttflist)
    manager.addfont(tmp_path / "NanumGothic.ttf")  # clears matplotlib's lookup cache
    manager.ttflist.insert(0, manager.ttflist.pop())
    try:
        assert font_manager.findfont("NanumGothic") == str(tmp_path / "NanumGothic.ttf")
        assert figure_png(roc, "ko+en") == shipped
    finally:
        manager.ttflist[:] = before
        manager._findfont_cached.cache_clear()  # its lookups made with the impostor listed


def test_a_matplotlibrc_of_the_machine_leaves_the_figures_as_they_are(certified: Path) -> None:
    """Settings read from a matplotlibrc (~/.config/matplotlib/matplotlibrc,
    $MPLCONFIGDIR or $MATPLOTLIBRC: matplotlib loads them into its rcParams when it is
    imported, as this context does) leave the figures as drawn with matplotlib's
    defaults. Before, thicker lines and a grid from such a file were drawn into the
    certificate, and a genuine certificate verified on that machine was reported altered
    (found in the offline-pass: MATPLOTLIBRC=... medeval verify of the demo certificate)."""
    import matplotlib

    roc = figures(certified)[0]
    plain = figure_png(roc, "ko+en")
    with matplotlib.rc_context({"lines.linewidth": 3, "axes.grid": True,
                                "figure.facecolor": "#eeeeee", "text.hinting": "none"}):
        assert figure_png(roc, "ko+en") == plain
        assert matplotlib.rcParams["lines.linewidth"] == 3  # the caller's settings kept


def test_figures_drawn_in_threads_leave_the_callers_settings(certified: Path) -> None:
    """Figures drawn by several threads at once (a Python user rendering certificates in
    a thread pool) are those drawn one at a time, and the caller's settings are back
    afterwards. Before, each drawing saved the settings it found and put them back on
    leaving: one thread found the other's figure style and put it back last, and the
    caller was left with matplotlib's defaults and the figures' font size (7.5, not the
    3-point lines and grid set here; found in the review of the offline-pass)."""
    import threading

    import matplotlib

    roc, confusion = figures(certified)[:2]
    alone = {f.kind: figure_png(f, "ko+en", dpi=50) for f in (roc, confusion)}
    drawn: list[tuple[str, bytes]] = []
    start = threading.Barrier(4)

    def draw(figure: Figure) -> None:
        start.wait()
        drawn.append((figure.kind, figure_png(figure, "ko+en", dpi=50)))

    with matplotlib.rc_context({"lines.linewidth": 3, "axes.grid": True, "font.size": 11}):
        threads = [threading.Thread(target=draw, args=(f,)) for f in (roc, confusion) * 2]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert (matplotlib.rcParams["lines.linewidth"], matplotlib.rcParams["axes.grid"],
                matplotlib.rcParams["font.size"]) == (3, True, 11)
    assert sorted(drawn) == sorted((kind, alone[kind]) for kind in ("roc", "confusion") * 2)
