r"""The intraclass correlation of a subjects × raters table (McGraw & Wong's six forms),
with its F-based interval.

Ratings are a subjects × raters array, or a DataFrame naming its layout; see :func:`icc`.
:mod:`medeval.metrics.agreement` re-exports it beside the paired agreement measures.
"""

from __future__ import annotations

import math
from typing import Literal, get_args

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import f as f_dist

from .._validation import choice, confidence_level
from .._validation import warn_undefined as _warn_undefined
from ..errors import InvalidInputError
from ..stats.estimate import Estimate
from ._docs import _CONFIDENCE_PARAMETER, _indented_doc_sections
from ._rating_table import rating_table

__all__ = ["ICC_FORMS", "IccForm", "icc"]

IccForm = Literal["ICC(1,1)", "ICC(A,1)", "ICC(C,1)", "ICC(1,k)", "ICC(A,k)", "ICC(C,k)"]
#: The ICC forms :func:`icc` accepts (McGraw & Wong 1996 names).
ICC_FORMS: tuple[str, ...] = get_args(IccForm)
#: Shrout & Fleiss (1979) names of the forms, named in the refusal of one (not taken
#: silently: the result says which definition it is by McGraw & Wong's name).
_SHROUT_FLEISS = {"ICC(2,1)": "ICC(A,1)", "ICC(3,1)": "ICC(C,1)", "ICC(2,k)": "ICC(A,k)",
                  "ICC(3,k)": "ICC(C,k)", "ICC1": "ICC(1,1)", "ICC2": "ICC(A,1)",
                  "ICC3": "ICC(C,1)", "ICC1k": "ICC(1,k)", "ICC2k": "ICC(A,k)",
                  "ICC3k": "ICC(C,k)"}

_icc_doc = _indented_doc_sections(confidence_parameter=_CONFIDENCE_PARAMETER)


@_icc_doc
def icc(
    ratings: ArrayLike,
    *,
    form: IccForm,
    confidence: float = 0.95,
    subject: str | None = None,
    rater: str | None = None,
    rating: str | None = None,
) -> Estimate:
    r"""Intraclass correlation of a subjects × raters table, with its F-based CI.

    From the two-way ANOVA of :math:`n` subjects (rows) by :math:`k` raters (columns):
    mean squares :math:`MS_R` (rows), :math:`MS_C` (columns), :math:`MS_E` (residual)
    and :math:`MS_W = (SS_C + SS_E)/(n(k-1))` (within rows):

    .. math::

        \text{ICC}(1,1) = \frac{MS_R - MS_W}{MS_R + (k-1) MS_W}, \quad
        \text{ICC}(1,k) = \frac{MS_R - MS_W}{MS_R}

        \text{ICC}(C,1) = \frac{MS_R - MS_E}{MS_R + (k-1) MS_E}, \quad
        \text{ICC}(C,k) = \frac{MS_R - MS_E}{MS_R}

        \text{ICC}(A,1) = \frac{MS_R - MS_E}{MS_R + (k-1) MS_E + \frac kn (MS_C - MS_E)},
        \quad
        \text{ICC}(A,k) = \frac{MS_R - MS_E}{MS_R + \frac1n (MS_C - MS_E)}

    CIs (McGraw & Wong 1996, Table 7): for 1 and C, with :math:`F = MS_R/MS_W` on
    :math:`(n-1,\ n(k-1))` or :math:`F = MS_R/MS_E` on :math:`(n-1,\ (n-1)(k-1))`
    degrees of freedom :math:`(d_1, d_2)`, :math:`F_L = F / F_{1-\alpha/2}(d_1, d_2)`,
    :math:`F_U = F\,F_{1-\alpha/2}(d_2, d_1)`; single measures
    :math:`[(F_L-1)/(F_L+k-1),\ (F_U-1)/(F_U+k-1)]`, average measures
    :math:`[1-1/F_L,\ 1-1/F_U]`. For A, with :math:`\hat\rho` = ICC(A,1),
    :math:`a = k\hat\rho/(n(1-\hat\rho))`, :math:`b = 1 + k\hat\rho(n-1)/(n(1-\hat\rho))`,
    the approximate degrees of freedom
    :math:`v = (a MS_C + b MS_E)^2 / \big(\frac{(a MS_C)^2}{k-1} +
    \frac{(b MS_E)^2}{(n-1)(k-1)}\big)`, :math:`F_* = F_{1-\alpha/2}(n-1, v)`,
    :math:`F^* = F_{1-\alpha/2}(v, n-1)`:

    .. math::

        L = \frac{n (MS_R - F_* MS_E)}{F_* (k MS_C + (kn-k-n) MS_E) + n MS_R}, \quad
        U = \frac{n (F^* MS_R - MS_E)}{k MS_C + (kn-k-n) MS_E + n F^* MS_R}

    and for ICC(A,k) the Spearman–Brown transforms :math:`kL/(1+(k-1)L)`,
    :math:`kU/(1+(k-1)U)` (McGraw & Wong's Table 7 formulas for A,k, rewritten).

    Parameters
    ----------
    ratings : array-like of shape (n_subjects, n_raters), or pandas.DataFrame
        Complete, finite ratings: every subject rated by every rater. An array (or
        list of rows) is read as subjects (rows) x raters (columns). A DataFrame must
        name its layout with ``subject`` (and, for a long table, ``rater`` and
        ``rating``); one without is refused (see Notes).
    form : {"ICC(1,1)", "ICC(A,1)", "ICC(C,1)", "ICC(1,k)", "ICC(A,k)", "ICC(C,k)"}
        McGraw & Wong's names. Shrout & Fleiss (1979): ICC(1,1) = ICC1, ICC(A,1) =
        ICC(2,1) = ICC2, ICC(C,1) = ICC(3,1) = ICC3, and the k forms ICC1k, ICC2k,
        ICC3k. Required: the choice between agreement and consistency is the user's.
    %(confidence_parameter)s
    subject : str, optional
        DataFrame only: the column holding the subject ids, or the name of the index
        holding them. Alone, it makes ``ratings`` a wide table: one row per subject,
        every other column one rater.
    rater, rating : str, optional
        DataFrame only, with ``subject``: the columns of a long table (one row per
        rating, as ``pingouin.intraclass_corr``'s ``raters`` and ``ratings``), pivoted to
        subjects x raters.

    Returns
    -------
    Estimate
        ``n`` = number of subjects; method ``"mcgraw-wong-f"`` (1 and C forms, exact
        under the normal model) or ``"mcgraw-wong-f-approx-df"`` (A forms).

    Raises
    ------
    InvalidInputError
        ``ratings`` not two-dimensional, not numeric, with NaN or inf; fewer than 2
        subjects or 2 raters; an unknown ``form``; ``confidence`` outside (0, 1). A
        DataFrame without ``subject``; a named column or index that is absent; a subject
        repeated in a wide table, a subject rated twice by one rater or left unrated by
        one in a long table (naming them); ``subject``, ``rater`` or ``rating`` given
        with an array.

    Warns
    -----
    UndefinedMetricWarning
        The ICC's denominator is 0 (e.g. all ratings equal: value and CI NaN), or the
        CI is not finite (CI NaN). The warning's text is also the estimate's ``note``.

    Notes
    -----
    Edge cases: all ratings equal gives 0/0 (NaN). No error variance (:math:`MS_W = 0`
    for the 1 forms, :math:`MS_E = 0` for C, both :math:`MS_E = MS_C = 0` for A) with
    subjects differing gives ICC 1 and the CI [1, 1], the limit of the bounds as F grows.
    With :math:`MS_E = 0` but raters differing (:math:`MS_C > 0`) the A forms stay
    below 1 and their CI is computed (v = k − 1). ICCs may be negative (down to
    :math:`-1/(k-1)` for single measures); nothing is clipped.

    A DataFrame is never read by guess: a subject-id column of integers is as numeric
    as a rater's, and a long table (subject, rater, rating) is a numeric table of three
    columns, so either would be taken as raters and give a wrong ICC without a word.
    Hence ``icc(wide, form=..., subject="patient")`` (``"patient"`` a column or the
    index's name; the other columns are the raters, in their order) and
    ``icc(long, form=..., subject="patient", rater="reader", rating="size_mm")`` (the
    subjects and raters sorted; the ICC does not depend on their order). A DataFrame
    without ``subject`` raises; ``df[raters].to_numpy()`` passes its columns as an
    array.

    References
    ----------
    Shrout PE, Fleiss JL. Intraclass correlations: uses in assessing rater reliability.
    Psychol Bull 1979;86:420-428.

    McGraw KO, Wong SP. Forming inferences about some intraclass correlation
    coefficients. Psychol Methods 1996;1:30-46 (Table 7; correction 1996;1:390).

    Examples
    --------
    Shrout & Fleiss (1979), Table 2: 6 targets, 4 judges.

    >>> sf = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8],
    ...       [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    >>> [round(icc(sf, form=f).value, 2) for f in ("ICC(1,1)", "ICC(A,1)", "ICC(C,1)")]
    [0.17, 0.29, 0.71]
    >>> e = icc(sf, form="ICC(C,1)")
    >>> round(e.low, 3), round(e.high, 3)
    (0.342, 0.946)
    """
    func = "icc"
    if isinstance(form, str) and form.replace(" ", "") in _SHROUT_FLEISS:
        raise InvalidInputError(
            f"{func}: form {form!r} is Shrout & Fleiss's name; medeval takes McGraw & "
            f"Wong's: form={_SHROUT_FLEISS[form.replace(' ', '')]!r} is the same ICC")
    kind = choice(form, ICC_FORMS, name="form", func=func)
    level = confidence_level(confidence, func=func)
    table = rating_table(ratings, subject=subject, rater=rater, rating=rating, func=func)
    n, k = table.shape
    grand = table.mean()
    rows, cols = table.mean(axis=1, keepdims=True), table.mean(axis=0, keepdims=True)
    ss_rows = k * float(((rows - grand) ** 2).sum())
    ss_cols = n * float(((cols - grand) ** 2).sum())
    ss_error = float(((table - rows - cols + grand) ** 2).sum())  # residuals, not a difference
    msr = ss_rows / (n - 1)
    msc = ss_cols / (k - 1)
    mse = ss_error / ((n - 1) * (k - 1))
    msw = (ss_cols + ss_error) / (n * (k - 1))
    model, measures = kind[4], kind[6]
    approx = model == "A"
    method = "mcgraw-wong-f-approx-df" if approx else "mcgraw-wong-f"
    error = msw if model == "1" else mse
    if model == "A":
        single_den = msr + (k - 1) * mse + k * (msc - mse) / n
        den = single_den if measures == "1" else msr + (msc - mse) / n
    else:
        den = msr + (k - 1) * error if measures == "1" else msr
    if den == 0.0:
        zero = (f"{func}: {kind} is 0/0 on these ratings (no variance between subjects or "
                "in total); NaN")
        nan = _warn_undefined(zero)
        return Estimate(nan, nan, nan, method, level, n, note=zero)
    value = (msr - error) / den
    alpha = 1.0 - level
    if error == 0.0 and (model != "A" or msc == 0.0):
        return Estimate(value, 1.0, 1.0, method, level, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        if model == "A":
            rho = (msr - mse) / single_den
            a = k * rho / (n * (1.0 - rho))
            b = 1.0 + k * rho * (n - 1) / (n * (1.0 - rho))
            v = (a * msc + b * mse) ** 2 / (
                (a * msc) ** 2 / (k - 1) + (b * mse) ** 2 / ((n - 1) * (k - 1))
            )
            f_low = float(f_dist.ppf(1.0 - alpha / 2.0, n - 1, v))
            f_high = float(f_dist.ppf(1.0 - alpha / 2.0, v, n - 1))
            c = k * msc + (k * n - k - n) * mse
            low = n * (msr - f_low * mse) / (f_low * c + n * msr)
            high = n * (f_high * msr - mse) / (c + n * f_high * msr)
            if measures == "k":
                low, high = k * low / (1 + (k - 1) * low), k * high / (1 + (k - 1) * high)
        else:
            df2 = n * (k - 1) if model == "1" else (n - 1) * (k - 1)
            f_obs = msr / error
            fl = f_obs / float(f_dist.ppf(1.0 - alpha / 2.0, n - 1, df2))
            fu = f_obs * float(f_dist.ppf(1.0 - alpha / 2.0, df2, n - 1))
            if measures == "1":
                low, high = (fl - 1) / (fl + k - 1), (fu - 1) / (fu + k - 1)
            else:
                low, high = 1 - np.divide(1.0, fl), 1 - np.divide(1.0, fu)
    low, high = float(low), float(high)
    note: str | None = None
    if not (math.isfinite(low) and math.isfinite(high)):
        note = f"{func}: the confidence interval of {kind} is not finite on these ratings; NaN"
        low = high = _warn_undefined(note)
    return Estimate(float(value), low, high, method, level, n, note=note)


# --- private helpers ---------------------------------------------------------------------
