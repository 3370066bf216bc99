"""The certificate's figures, drawn with matplotlib, deterministically.

Each figure is drawn from the plain numbers a :class:`~medeval.report.content.Figure`
carries: ROC curve with the operating point and its confidence intervals, confusion
matrix, per-case Dice distribution, FROC and Bland–Altman (when the result has those
tables). Drawing uses the Agg canvas directly (no pyplot, no global backend), the
shipped NanumGothic font for Korean labels, and fixed metadata: PNG without a
``Software`` stamp, SVG with a fixed hash salt and no date, so the same result gives the
same bytes.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .catalogue import Msg, revised, texts
from .content import Figure
from .fonts import _fallback_path, font_path

if TYPE_CHECKING:
    from pathlib import Path

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure as MplFigure

__all__ = ["figure_png", "figure_svg"]

_SIZE_IN = (3.4, 3.0)
_BLUE, _RED, _GREY = "#1f4e9c", "#c0392b", "#7f7f7f"


def figure_png(figure: Figure, lang: str, *, dpi: int = 200,
               revisions: tuple[str, ...] = ()) -> bytes:
    """The figure as PNG bytes (no timestamp or software metadata); its words as the
    overlays of ``revisions`` last revised them (``Certificate.revisions``)."""
    with _style():
        mpl = _draw(figure, lang, revisions)
        buffer = io.BytesIO()
        mpl.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def figure_svg(figure: Figure, lang: str, *, revisions: tuple[str, ...] = ()) -> str:
    """The figure as SVG text (text as paths, fixed ids, no date, no RDF metadata block,
    whose Dublin Core URIs would be the page's only ``http`` references); its words as
    :func:`figure_png`'s."""
    with _style():
        mpl = _draw(figure, lang, revisions)
        buffer = io.StringIO()
        mpl.savefig(buffer, format="svg",
                    metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    text = buffer.getvalue()
    return text[text.index("<svg"):]


#: The families the figures are drawn in: the shipped NanumGothic and matplotlib's own
#: DejaVu Sans, each entered in matplotlib's font list under a name no installed font
#: has. Under their own names a font the machine has installed (another NanumGothic
#: release in ~/.local/share/fonts, a system DejaVu Sans listed first) could be drawn
#: instead, and the certificate would differ from machine to machine: rendered again by
#: ``verify`` on such a machine, a genuine certificate would be reported altered.
_FAMILIES = ("medeval NanumGothic", "medeval DejaVu Sans")


def _font_files() -> Iterator[tuple[str, Path]]:
    """(family, file) of each face the figures may use."""
    for bold in (False, True):
        yield _FAMILIES[0], font_path(bold=bold)
        yield _FAMILIES[1], _fallback_path(bold=bold)


#: Held while a figure is drawn: matplotlib's rcParams and font list are the process's,
#: and two threads each setting the style and putting the caller's settings back would
#: leave them as the other thread found them (the caller's settings lost) and could draw a
#: figure with the caller's settings put back halfway.
_DRAWING = threading.RLock()


@contextmanager
def _style() -> Iterator[None]:
    with _DRAWING, _figure_style():
        yield


@contextmanager
def _figure_style() -> Iterator[None]:
    import dataclasses

    import matplotlib
    from matplotlib import font_manager

    listed = {(f.name, f.fname) for f in font_manager.fontManager.ttflist}
    for family, path in _font_files():
        if (family, str(path)) not in listed:
            entry = font_manager.ttfFontProperty(font_manager.get_font(path))
            font_manager.fontManager.ttflist.append(dataclasses.replace(entry, name=family))
    with matplotlib.rc_context():
        # matplotlib's own defaults, not those of a matplotlibrc the machine has
        # (~/.config/matplotlib, $MPLCONFIGDIR, $MATPLOTLIBRC, ./matplotlibrc), which
        # would change the figures, and so the certificate's bytes, from machine to machine
        matplotlib.rcdefaults()
        matplotlib.rcParams.update({
            "font.family": list(_FAMILIES),
            "font.size": 7.5,
            "axes.unicode_minus": False,
            "svg.hashsalt": "medeval",
            "svg.fonttype": "path",
            "axes.spines.top": False,
            "axes.spines.right": False,
        })
        yield


@dataclass(frozen=True)
class _Words:
    """The language a figure is drawn in and the releases whose wording it takes."""

    lang: str
    revisions: tuple[str, ...]


def _t(key: str, lang: _Words) -> str:
    return " / ".join(texts(revised(Msg(key), lang.revisions), lang.lang))


def _draw(figure: Figure, lang: str, revisions: tuple[str, ...] = ()) -> MplFigure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as MplFigure

    mpl = MplFigure(figsize=_SIZE_IN, layout="constrained")
    FigureCanvasAgg(mpl)
    axes = mpl.add_subplot()
    drawer = {"roc": _roc, "confusion": _confusion, "dice": _dice, "froc": _froc,
              "bland_altman": _bland_altman}[figure.kind]
    drawer(axes, figure.data, _Words(lang, revisions))
    return mpl


def _roc_curve(labels: Sequence[bool], scores: Sequence[float]) -> tuple[Any, Any]:
    y = np.asarray(labels, dtype=bool)
    s = np.asarray(scores, dtype=float)
    order = np.argsort(-s, kind="mergesort")
    y, s = y[order], s[order]
    distinct = np.r_[np.flatnonzero(np.diff(s)), y.size - 1]
    tps = np.cumsum(y)[distinct]
    fps = (distinct + 1) - tps
    n_pos, n_neg = max(int(y.sum()), 1), max(int((~y).sum()), 1)
    return np.r_[0.0, fps / n_neg], np.r_[0.0, tps / n_pos]


def _roc(axes: Axes, data: Any, lang: _Words) -> None:
    fpr, tpr = _roc_curve(data["labels"], data["scores"])
    axes.plot([0, 1], [0, 1], color=_GREY, lw=0.8, ls="--", label=_t("figure.chance", lang))
    axes.plot(fpr, tpr, color=_BLUE, lw=1.4, drawstyle="steps-post",
              label=f"AUC {data['auc'].split(' (')[0]}")
    x, y = data["point"]
    xl, xh = data["point_x_ci"]
    yl, yh = data["point_y_ci"]
    if all(np.isfinite([x, y, xl, xh, yl, yh])):
        # an interval that leaves out its estimate (only a hand-edited result has one)
        # draws no bar on that side instead of stopping matplotlib
        axes.errorbar([x], [y], xerr=[[max(x - xl, 0.0)], [max(xh - x, 0.0)]],
                      yerr=[[max(y - yl, 0.0)], [max(yh - y, 0.0)]],
                      fmt="o", color=_RED, ms=4, capsize=2, lw=1,
                      label=_t("figure.operating_point", lang))
    axes.set(xlim=(-0.01, 1.01), ylim=(-0.01, 1.01), aspect="equal",
             xlabel=_t("figure.roc_x", lang), ylabel=_t("figure.roc_y", lang))
    axes.legend(loc="lower right", frameon=False, fontsize=6.5)


def _confusion(axes: Axes, data: Any, lang: _Words) -> None:
    matrix = np.array([[data["tp"], data["fp"]], [data["fn"], data["tn"]]])
    axes.imshow(matrix, cmap="Blues", vmin=0, vmax=max(int(matrix.max()), 1) * 1.3)
    names = ["TP", "FP", "FN", "TN"]
    for index, value in enumerate(matrix.ravel()):
        row, col = divmod(index, 2)
        axes.text(col, row, f"{names[index]}\n{value}", ha="center", va="center", fontsize=9)
    pos, neg = _t("figure.positive", lang), _t("figure.negative", lang)
    axes.set_xticks([0, 1], [pos, neg])
    axes.set_yticks([0, 1], [pos, neg])
    axes.set_xlabel(_t("figure.reference", lang))
    axes.set_ylabel(_t("figure.predicted", lang))
    for side in ("left", "bottom"):
        axes.spines[side].set_visible(False)


def _dice(axes: Axes, data: Any, lang: _Words) -> None:
    values = np.asarray(data["dice"], dtype=float)
    failed = np.asarray(data["failed"], dtype=bool)
    shown = np.where(np.isfinite(values), values, 0.0)
    rank = np.argsort(shown, kind="mergesort")
    positions = np.arange(1, shown.size + 1)
    ok = ~failed[rank]
    axes.vlines(positions, 0, shown[rank], color=_BLUE, lw=0.8, alpha=0.5)
    axes.plot(positions[ok], shown[rank][ok], "o", color=_BLUE, ms=3.5)
    if failed.any():
        axes.plot(positions[~ok], shown[rank][~ok], "x", color=_RED, ms=5, mew=1.4,
                  label=_t("figure.failed", lang))
    mean = float(data.get("mean", np.nan))
    if np.isfinite(mean):
        axes.axhline(mean, color=_GREY, lw=1, ls="--",
                     label=f"{_t('figure.mean', lang)} {mean:.3f}")
    axes.set(ylim=(-0.03, 1.03), xlim=(0.3, shown.size + 0.7), xlabel="#",
             ylabel=_t("figure.dice_axis", lang))
    axes.legend(loc="upper left", frameon=False, fontsize=6.5)


def _froc(axes: Axes, data: Any, lang: _Words) -> None:
    """Sensitivity against false positives per case (frame) on a linear axis up to past
    the last operating point, the operating points marked: a step curve where the
    protocol reads the sensitivity at a rate by ``"step"``, the straight lines between
    operating points (``numpy.interp``) where it reads by ``"linear"``, so that each
    marked point lies on the curve drawn (they differ where one score holds both a hit
    and a false positive)."""
    fp = np.asarray(data["fp"], dtype=float)
    sensitivity = np.asarray(data["sensitivity"], dtype=float)
    points = data.get("points", [])
    reach = max([float(r) for r, _ in points] + [1.0])
    fp, sensitivity = np.concatenate(([0.0], fp)), np.concatenate(([0.0], sensitivity))
    axes.plot(fp, sensitivity, drawstyle="default" if data.get("interpolation") == "linear"
              else "steps-post", color=_BLUE, lw=1.2)
    # no detection left: the sensitivity reached (from the origin where nothing was
    # detected at all, or no case scored: 0 at every rate)
    if fp[-1] < reach * 1.1:
        axes.plot([fp[-1], reach * 1.1], [sensitivity[-1]] * 2, color=_BLUE, lw=1.2,
                  ls=":")
    if points:
        axes.scatter([r for r, _ in points], [v for _, v in points], s=12, color=_RED,
                     zorder=3, label=_t("figure.froc_points", lang))
        axes.legend(loc="lower right", frameon=False, fontsize=6.5)
    x_label = "figure.froc_x_frame" if data.get("per_frame") else "figure.froc_x"
    axes.set(xlim=(0, reach * 1.1), ylim=(0, 1.02), xlabel=_t(x_label, lang),
             ylabel=_t("figure.froc_y", lang))


def _bland_altman(axes: Axes, data: Any, lang: _Words) -> None:
    """Each case's difference against the mean of the two, the bias and the limits of
    agreement as lines named in the legend, the measurement's unit on the mean's axis."""
    mean = np.asarray(data["mean"], dtype=float)
    difference = np.asarray(data["difference"], dtype=float)
    axes.scatter(mean, difference, s=6, color=_BLUE)
    bias = float(data.get("bias", np.mean(difference)))
    spread = 1.96 * float(np.std(difference, ddof=1)) if difference.size > 1 else 0.0
    low, high = (float(b) for b in data.get("loa", (bias - spread, bias + spread)))
    # the numbers as the certificate's table prints them (not 3e+03 for 3000 mm³)
    from .cells import number_text

    unit = data.get("unit")
    axes.axhline(bias, color=_RED, lw=1,
                 label=f"{_t('figure.bias', lang)} {number_text(bias, unit or '1')}")
    axes.axhline(low, color=_GREY, lw=0.8, ls="--",
                 label=f"{_t('figure.loa', lang)} {number_text(low, unit or '1')}, "
                       f"{number_text(high, unit or '1')}")
    axes.axhline(high, color=_GREY, lw=0.8, ls="--")
    top, bottom = max(high, float(difference.max())), min(low, float(difference.min()))
    room = (top - bottom) or 1.0  # the legend sits above the upper limit
    axes.set_ylim(bottom - 0.08 * room, top + 0.3 * room)
    shown = f" ({unit})" if unit and unit != "1" else ""
    axes.set(xlabel=_t("figure.ba_x", lang) + shown, ylabel=_t("figure.ba_y", lang))
    axes.legend(loc="upper left", frameon=False, fontsize=6.5)
