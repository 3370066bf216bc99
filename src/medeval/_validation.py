"""Checks shared by the metrics and the statistics: one place, one wording.

Private: the public functions call these and let their ``InvalidInputError`` through.
"""

from __future__ import annotations

import math
import sys
import unicodedata
import warnings
from types import FrameType
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .errors import InvalidInputError, UndefinedMetricWarning


def as_array(values: Any, *, name: str, func: str, dtype: Any = None) -> NDArray[Any]:
    """``np.asarray(values, dtype)``, raising ``InvalidInputError`` where numpy cannot
    build the array: a ragged sequence (rows of different lengths, e.g. one list per
    case), or values that are not numbers where numbers are needed ('x', a dict).

    Without ``dtype``, a flat list or tuple mixing text with NaN, None or numbers is an
    object array of its values, not numpy's strings of them: ``np.asarray(['pos',
    nan])`` is ``['pos', 'nan']``, which made a missing label a class "nan" and a case
    without its patient id a patient "nan"."""
    try:
        array = np.asarray(values, dtype=dtype)
    except (ValueError, TypeError) as exc:
        what = "numbers" if dtype is not None else "an array"
        shown = repr(values)
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        raise InvalidInputError(
            f"{func}: {name} cannot be read as {what}: {shown} ({exc}); give a flat sequence "
            "or an array with rows of equal length"
        ) from None
    if (dtype is None and array.dtype.kind == "U" and array.ndim == 1
            and isinstance(values, (list, tuple)) and not all(isinstance(v, str) for v in values)):
        # numpy writes a list's NaN as the text 'nan' (and 1 as '1'): keep the values as
        # given, so that a missing label or id, or a mix of kinds, can be named
        return np.array(values, dtype=object)
    return array


def whole_number(value: Any, *, name: str, func: str) -> int:
    """``value`` as an int, or raise: an integer (numpy's too), not a boolean, text, None
    or a float (``int(1.5)`` would be 1 without a word)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise InvalidInputError(f"{func}: {name} must be an integer, got {value!r}")
    return int(value)


def real_number(value: Any, *, name: str, func: str) -> float:
    """``value`` as a finite float, or raise (not a boolean, text, None, NaN or inf)."""
    if (isinstance(value, (bool, np.bool_))
            or not isinstance(value, (int, float, np.integer, np.floating))
            or not math.isfinite(value)):
        raise InvalidInputError(f"{func}: {name} must be a finite number, got {value!r}")
    return float(value)


def as_1d(values: ArrayLike, *, name: str, func: str) -> NDArray[Any]:
    """Return ``values`` as a one-dimensional numpy array or raise."""
    array = as_array(values, name=name, func=func)
    if array.ndim == 0:
        raise InvalidInputError(f"{func}: {name} must be a sequence, got the scalar {array!r}")
    if array.ndim != 1:
        raise InvalidInputError(
            f"{func}: {name} must be one-dimensional, got shape {array.shape}; "
            "pass one value per case"
        )
    return array


def label_array(values: ArrayLike, *, name: str, func: str) -> NDArray[Any]:
    """:func:`as_1d` for labels: also raise where a label is missing or labels cannot be
    compared.

    A text column with an empty cell (``None``, or NaN as pandas reads it) is an object
    array that numpy cannot sort: ``np.unique`` would raise its own ``TypeError``
    ("'<' not supported between 'float' and 'str'"). This names the positions of the
    missing labels instead, or says that the labels mix kinds (numbers and text).

    Text labels are put in Unicode NFC: '양성' typed in code (NFC) and read from a file
    written on macOS (NFD, its jamo apart) are one label to a reader, two strings to
    numpy; kappa of two such columns was computed over four classes.
    """
    array = as_1d(values, name=name, func=func)
    if array.dtype.kind == "U" and array.size:
        if int(np.ascontiguousarray(array).view(np.uint32).max()) < 0x300:
            return array  # below the first combining mark: every string is NFC
        return _nfc_array(array, np.unique(array))
    if array.dtype.kind != "O" or not array.size:
        return array
    pd = sys.modules.get("pandas")
    if pd is not None:
        missing = np.asarray(pd.isna(array), dtype=bool)
    else:
        missing = np.array([v is None or (isinstance(v, float) and v != v)
                            for v in array.tolist()], dtype=bool)
    if missing.any():
        raise InvalidInputError(
            f"{func}: {name} has no label (None or NaN) at position(s) "
            f"{_positions(missing)}; drop those cases or give them their label"
        )
    try:
        distinct = np.unique(array)
    except TypeError:
        kinds = sorted({type(v).__name__ for v in array.tolist()})
        raise InvalidInputError(
            f"{func}: {name} mixes labels of kinds that cannot be compared ({', '.join(kinds)}); "
            "give every label as text or every label as a number"
        ) from None
    return _nfc_array(array, distinct)


def nfc(label: Any) -> Any:
    """A text label in Unicode NFC; anything else unchanged."""
    return unicodedata.normalize("NFC", label) if isinstance(label, str) else label


def _nfc_array(array: NDArray[Any], distinct: NDArray[Any]) -> NDArray[Any]:
    """``array`` with its text labels in NFC; the array itself where all already are
    (ASCII always is), so the usual case costs one pass over the distinct labels."""
    changed = {v: nfc(v) for v in distinct.tolist() if isinstance(v, str) and nfc(v) != v}
    if not changed:
        return array
    out = np.array([changed.get(v, v) for v in array.tolist()],
                   dtype=object if array.dtype.kind == "O" else None)
    return out


def positive_label(
    pos_label: Any, *arrays: NDArray[Any], func: str, either: bool = False
) -> Any:
    """The positive label: ``pos_label`` when given, else 1 where every label of
    ``arrays`` is 0 or 1, or -1 or 1 (booleans count as 0 and 1), as scikit-learn's
    ranking metrics decide. Any other labels (``1``/``2``, text) leave it open which one
    is positive; rather than guess, this raises and names them, unless ``either``: a
    metric whose value is the same whichever label is positive (accuracy) takes the
    first in ``repr`` order. NaN is left for the caller's own message."""
    if pos_label is not None:
        return nfc(pos_label)
    labels: set[Any] = set()
    for array in arrays:
        if array.size and array.dtype.kind in "biuf":
            labels.update(x for x in _distinct(array).tolist() if x == x)  # not NaN
        elif array.size:
            labels.update(np.unique(array).tolist())
    if labels <= {0, 1} or labels <= {-1, 1} or len(labels) > 2:
        return 1  # (more than two: the caller's "must be binary" says what is wrong)
    shown = sorted(labels, key=repr)
    if either:
        return shown[0]
    raise InvalidInputError(
        f"{func}: the labels {_short(np.asarray(shown, dtype=object))} are not 0/1, -1/1 "
        "or booleans, so which one is positive is not evident; pass pos_label= the "
        "positive label"
    )


def binary_labels(
    values: ArrayLike, *, name: str, func: str, pos_label: Any = None
) -> NDArray[np.bool_]:
    """Return a boolean array, True where ``values == pos_label``.

    Accepts booleans, 0/1 or any two labels. More than two distinct labels, or two labels
    of which neither is ``pos_label``, is an error that names them. Without ``pos_label``
    the positive label is :func:`positive_label`'s.
    """
    array = label_array(values, name=name, func=func)
    pos_label = nfc(pos_label)
    if pos_label is None and array.dtype.kind not in "iuf":  # booleans: True
        pos_label = positive_label(None, array, func=func)
    if array.dtype == np.bool_:
        if pos_label in (1, True):
            return np.array(array, dtype=np.bool_)
        if pos_label in (0, False):
            return ~array
    if array.dtype.kind == "f" and np.isnan(array).any():
        raise InvalidInputError(
            f"{func}: {name} contains NaN at position(s) {_positions(np.isnan(array))}"
        )
    labels = _distinct(array)
    if pos_label is None:
        pos_label = positive_label(None, labels, func=func)
    if labels.size > 2:
        scores = array.dtype.kind == "f" and bool(np.any(labels != np.round(labels)))
        raise InvalidInputError(
            f"{func}: {name} must be binary, got {labels.size} distinct labels "
            f"{_short(labels)}; " + (
                f"{name} looks like scores: decide first (e.g. y_score >= threshold), or use "
                "metrics_at_threshold" if scores else
                "for several classes use the multi-class functions")
        )
    if labels.size == 2 and pos_label not in labels.tolist():
        raise InvalidInputError(
            f"{func}: pos_label={pos_label!r} is not one of the labels {labels.tolist()} "
            f"in {name}; pass pos_label= one of them"
        )
    result: NDArray[np.bool_] = array == pos_label
    return result


def _distinct(array: NDArray[Any]) -> NDArray[Any]:
    """``np.unique(array)``; for numbers with at most two values without the sort (the
    two extremes, and every value one of them: for integers one apart, always)."""
    if array.dtype.kind in "iuf" and array.size:
        low, high = array.min(), array.max()
        if low == high or (array.dtype.kind in "iu" and int(high) - int(low) == 1) or (
                np.count_nonzero(array == low) + np.count_nonzero(array == high)
                == array.size):
            return np.unique(np.array([low, high], dtype=array.dtype))
    return np.unique(array)


def finite_scores(
    values: ArrayLike, *, name: str, func: str, copy: bool = True
) -> NDArray[np.float64]:
    """Return ``values`` as float64 or raise, naming the positions of NaN or inf.

    With ``copy=False`` a float64 input is returned as is (for callers that never write
    into it)."""
    array = as_1d(values, name=name, func=func)
    if array.dtype.kind == "O":  # numbers with a None (a list, JSON, a pandas object column)
        try:
            if any(isinstance(v, (str, bytes)) for v in array.tolist()):
                raise TypeError  # text is not a score, even text of a number
            array = array.astype(np.float64)  # None -> NaN, named by position below
        except (TypeError, ValueError):
            kinds = sorted({type(v).__name__ for v in array.tolist()
                            if not isinstance(v, (int, float, np.number)) or isinstance(v, bool)})
            raise InvalidInputError(
                f"{func}: {name} must be numeric, got values of type {', '.join(kinds)}"
            ) from None
    if array.dtype.kind not in "biuf":
        raise InvalidInputError(
            f"{func}: {name} must be numeric, got dtype {array.dtype}"
        )
    array = array.astype(np.float64, copy=copy)
    with np.errstate(over="ignore", invalid="ignore"):  # finite values may sum to inf
        total = np.add.reduce(array)
    if np.isfinite(total):  # one pass: a NaN or an inf would propagate
        return array
    bad = ~np.isfinite(array)
    if bad.any():
        raise InvalidInputError(
            f"{func}: {name} must be finite; NaN or infinite at position(s) {_positions(bad)}"
        )
    return array


def same_index(func: str, **values: Any) -> None:
    """Raise when two of ``values`` are pandas objects whose indexes differ.

    medeval reads arrays by position, as numpy and scikit-learn do. Two pandas Series
    (or DataFrames) carry their own row labels, and a user passing
    ``df_ref["label"]`` and ``df_pred["score"]`` expects the rows to be matched on them:
    where the two indexes differ (other labels, or the same labels in another order) the
    positional pairing is not the one meant, and every figure would be silently wrong.
    This names the arguments and the first differing row instead. ``None`` and
    non-pandas values are skipped (a numpy array or list has no row labels to compare).
    """
    pd = sys.modules.get("pandas")
    if pd is None:  # no pandas object can exist without pandas imported
        return
    first: tuple[str, Any] | None = None
    for name, value in values.items():
        if not isinstance(value, (pd.Series, pd.DataFrame)):
            continue  # an Index's values are data (e.g. patient ids), not row labels
        index = value.index
        if first is None:
            first = (name, index)
            continue
        first_name, first_index = first
        if first_index.equals(index):
            continue
        where = ""
        if len(first_index) == len(index):
            labels_a = first_index.tolist()
            labels_b = index.tolist()
            differs = [i for i, (x, y) in enumerate(zip(labels_a, labels_b)) if x != y]
            if differs:
                i = differs[0]
                where = (f"; at position {i} {first_name} has index {labels_a[i]!r}, "
                         f"{name} has {labels_b[i]!r}")
        raise InvalidInputError(
            f"{func}: {first_name} and {name} are pandas objects with different indexes"
            f"{where}, so pairing them by position would match the wrong rows; align them "
            f"first (e.g. {name}.reindex({first_name}.index)), or pass .to_numpy() of each "
            "if the order is right"
        )


def same_length(func: str, **arrays: NDArray[Any]) -> int:
    """Raise unless every array has the same length; return that length."""
    lengths = {name: len(array) for name, array in arrays.items()}
    if len(set(lengths.values())) > 1:
        described = ", ".join(f"{name} has {n}" for name, n in lengths.items())
        raise InvalidInputError(f"{func}: arrays differ in length: {described}")
    return next(iter(lengths.values()))


def confidence_level(confidence: float, *, func: str, name: str = "confidence") -> float:
    """Return ``confidence`` as a float strictly between 0 and 1, or raise naming the
    argument ``name`` (``loa_coverage`` is a level too)."""
    try:
        value = float(confidence)
    except (TypeError, ValueError):
        raise InvalidInputError(
            f"{func}: {name} must be a number in (0, 1), got {confidence!r}"
        ) from None
    if not 0.0 < value < 1.0 or math.isnan(value):
        raise InvalidInputError(
            f"{func}: {name} must be in (0, 1), e.g. 0.95, got {confidence!r}"
        )
    return value


def choice(value: Any, allowed: tuple[str, ...], *, name: str, func: str) -> str:
    """Raise unless ``value`` is one of ``allowed``."""
    if value not in allowed:
        raise InvalidInputError(
            f"{func}: {name} must be one of {', '.join(map(repr, allowed))}, got {value!r}"
        )
    return str(value)


def undefined(message: str, stacklevel: int = 3) -> float:
    """Warn with ``UndefinedMetricWarning`` and return NaN."""
    warnings.warn(message, UndefinedMetricWarning, stacklevel=stacklevel)
    return math.nan


def _positions(mask: NDArray[np.bool_], limit: int = 10) -> str:
    where = np.flatnonzero(mask)
    shown = ", ".join(str(i) for i in where[:limit])
    return shown + (f" (and {where.size - limit} more)" if where.size > limit else "")


def _short(labels: NDArray[Any], limit: int = 10) -> str:
    shown = labels[:limit].tolist()
    return str(shown) + (" ..." if labels.size > limit else "")


def warn_undefined(message: str) -> float:
    """Warn with ``UndefinedMetricWarning`` at the first caller outside medeval; return NaN.

    Like :func:`undefined`, but the warning points at the user's line however deep inside
    medeval the undefined value was found. When the filter in force for the warning is
    ``ignore`` for its category with no message, module or line condition (what
    ``warnings.simplefilter("ignore", UndefinedMetricWarning)`` puts first, as a task
    does around each case), ``warnings.warn`` would return at once without recording
    anything; the walk up the stack is skipped then, and only then.
    """
    if _ignored_outright():
        return math.nan
    frame = sys._getframe(1)
    level = 2
    while frame.f_back is not None and _inside_medeval(frame):
        frame = frame.f_back
        level += 1
    warnings.warn(message, UndefinedMetricWarning, stacklevel=level)
    return math.nan


def _ignored_outright() -> bool:
    """True when the first warnings filter ignores ``UndefinedMetricWarning`` whatever
    its message, module and line: ``warnings.warn`` then returns without a trace, as it
    does for an ``ignore`` action (no registry entry, nothing shown or recorded). Never
    True where filters are per context (Python 3.14's ``context_aware_warnings``), as
    ``warnings.filters`` need not be the ones in force there."""
    if getattr(sys.flags, "context_aware_warnings", False):
        return False
    filters = warnings.filters
    if not filters:
        return False
    action, message, category, module, lineno = filters[0]
    return (action == "ignore" and message is None and module is None and lineno == 0
            and issubclass(UndefinedMetricWarning, category))


def pos_label_kind(values: NDArray[Any], pos_label: Any, *, name: str, func: str) -> None:
    """Raise when ``pos_label`` is absent from ``values`` and not even of their kind.

    ``pos_label=1`` against the text labels ``["neg"]`` would silently count every case
    negative; this names the mismatch instead. Numbers and booleans are one kind, text
    (``str`` or ``bytes``) the other.
    """
    if values.size == 0:
        return
    labels = np.unique(values).tolist()
    if pos_label in labels:
        return
    kinds = {_is_text(label) for label in labels}
    if len(kinds) == 1 and kinds != {_is_text(pos_label)}:
        raise InvalidInputError(
            f"{func}: pos_label={pos_label!r} is not of the same kind as the labels "
            f"{_short(np.asarray(labels))} in {name}; pass pos_label= the positive label"
        )


def probabilities(values: ArrayLike, *, name: str, func: str) -> NDArray[np.float64]:
    """Return ``values`` as float64 probabilities or raise, naming values outside [0, 1]."""
    array = finite_scores(values, name=name, func=func)
    bad = (array < 0.0) | (array > 1.0)
    if bad.any():
        raise InvalidInputError(
            f"{func}: {name} must be probabilities in [0, 1]; outside at position(s) "
            f"{_positions(bad)}"
        )
    return array


def _inside_medeval(frame: FrameType) -> bool:
    module = str(frame.f_globals.get("__name__", ""))
    return module == "medeval" or module.startswith("medeval.")


def _is_text(value: Any) -> bool:
    return isinstance(value, (str, bytes))
