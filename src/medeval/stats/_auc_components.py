"""DeLong's structural components of the AUC (placement values), from mid-ranks.

A leaf module, private: :mod:`medeval.stats.delong` builds DeLong's interval and test on
them, and :class:`medeval.stats._statistics.AucStatistic` its closed-form jackknife (for
the bootstrap's BCa). The public path is ``medeval.stats.delong.structural_components``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.stats import rankdata

__all__ = ["structural_components"]


def structural_components(
    positive_scores: NDArray[np.float64], negative_scores: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""DeLong's structural components from mid-ranks (Sun & Xu 2014), O(n log n).

    For the :math:`m` positive scores :math:`X_i` and :math:`n` negative scores
    :math:`Y_j`, with :math:`\psi(x, y) = 1` if :math:`x > y`, 1/2 if equal, 0 otherwise:

    .. math::
        V_{10}(X_i) = \frac1n \sum_j \psi(X_i, Y_j) = \frac{T_Z(X_i) - T_X(X_i)}{n},
        \qquad
        V_{01}(Y_j) = \frac1m \sum_i \psi(X_i, Y_j) = 1 - \frac{T_Z(Y_j) - T_Y(Y_j)}{m},

    where :math:`T_X`, :math:`T_Y`, :math:`T_Z` are mid-ranks within the positives, the
    negatives, and all scores. The AUC is the mean of either set of components.

    Parameters
    ----------
    positive_scores, negative_scores : ndarray
        Scores of the positive and of the negative cases.

    Returns
    -------
    v10, v01 : ndarray
        One component per positive, one per negative.

    References
    ----------
    DeLong ER, DeLong DM, Clarke-Pearson DL. Comparing the areas under two or more
    correlated receiver operating characteristic curves: a nonparametric approach.
    Biometrics 1988;44:837-845.
    Sun X, Xu W. Fast implementation of DeLong's algorithm for comparing the areas under
    correlated receiver operating characteristic curves. IEEE Signal Process Lett
    2014;21:1389-1393.

    Examples
    --------
    >>> v10, v01 = structural_components(np.array([0.9, 0.5]), np.array([0.5, 0.1]))
    >>> v10.tolist(), v01.tolist()
    ([1.0, 0.75], [0.75, 1.0])
    """
    m, n = positive_scores.size, negative_scores.size
    t_z = rankdata(np.concatenate([positive_scores, negative_scores]))
    v10 = (t_z[:m] - rankdata(positive_scores)) / n
    v01 = 1.0 - (t_z[m:] - rankdata(negative_scores)) / m
    return v10, v01

