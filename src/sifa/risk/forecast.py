"""Forecast of monthly dispute counts, 1-6 months ahead (E5), with prediction intervals.

Model: SARIMA(0,0,0)(0,1,1)12 on log(1 + count) with two Spring Festival regressors (statsmodels
SARIMAX). The festival moves between 21 January and 20 February, so a fixed 12-month season cannot
follow it; the regressors give, for each month, the share of the 21 days before the festival
(wage arrears and debt collection before the holiday) and of the 15 days from the festival on
(family and neighbour disputes while people are home) that fall in that month. Festival dates ship
as data (`data/spring_festival.csv`, 2000-2040).

Accuracy: `backtest` holds back `horizon` months at several forecast origins (rolling origin: the
last `horizon` months, then 2 months earlier, ...), fits on the months before each origin and
reports the mean MASE (mean absolute error scaled by the in-sample mean absolute seasonal
difference) of the model and of the seasonal-naive forecast (same month last year).
"""

import csv
import math
import warnings
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parent / "data" / "spring_festival.csv"
PRE_DAYS, POST_DAYS = 21, 15
MIN_MONTHS = 36
SEASON = 12


@cache
def spring_festivals() -> dict[int, date]:
    with DATA.open(encoding="utf-8") as f:
        return {int(r["year"]): date.fromisoformat(r["spring_festival"]) for r in csv.DictReader(f)}


def festival_regressors(months: pd.PeriodIndex) -> pd.DataFrame:
    """Per month: share of the pre-festival window and of the festival window inside the month."""
    festivals = spring_festivals()
    pre, post = [], []
    for month in months:
        sf = festivals.get(month.year)
        if sf is None:
            raise ValueError(f"no Spring Festival date for {month.year}")
        first, last = month.start_time.date(), month.end_time.date()
        pre_days = {sf - timedelta(days=k) for k in range(1, PRE_DAYS + 1)}
        post_days = {sf + timedelta(days=k) for k in range(POST_DAYS)}
        in_month = {first + timedelta(days=k) for k in range((last - first).days + 1)}
        pre.append(len(pre_days & in_month) / PRE_DAYS)
        post.append(len(post_days & in_month) / POST_DAYS)
    return pd.DataFrame({"pre_festival": pre, "festival": post}, index=months)


def _fit(series: pd.Series) -> Any:
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    exog = festival_regressors(series.index)
    model = SARIMAX(
        np.log1p(series.astype(float).to_numpy()),
        exog=exog.to_numpy(),
        order=(0, 0, 0),
        seasonal_order=(0, 1, 1, SEASON),
        enforce_stationarity=False,
        enforce_invertibility=True,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(disp=False, maxiter=200)


def forecast(series: pd.Series, horizon: int = 6) -> list[dict[str, Any]]:
    """`series`: monthly counts indexed by pandas Period('M'), no gaps. Mean and 80 %/95 % intervals."""
    if not 1 <= horizon <= 6:
        raise ValueError("horizon must be 1-6 months")
    if len(series) < MIN_MONTHS:
        raise ValueError(f"need at least {MIN_MONTHS} months of history")
    fitted = _fit(series)
    future = pd.period_range(series.index[-1] + 1, periods=horizon, freq="M")
    prediction = fitted.get_forecast(steps=horizon, exog=festival_regressors(future).to_numpy())
    # mean of a log-normal: exp(mu + var/2) - 1 (the median alone would under-forecast counts)
    mean = np.expm1(prediction.predicted_mean + prediction.var_pred_mean / 2)
    i80 = np.expm1(prediction.conf_int(alpha=0.2))
    i95 = np.expm1(prediction.conf_int(alpha=0.05))
    return [
        {
            "month": str(month),
            "mean": round(max(0.0, float(mean[k])), 1),
            "lo80": round(max(0.0, float(i80[k, 0])), 1),
            "hi80": round(float(i80[k, 1]), 1),
            "lo95": round(max(0.0, float(i95[k, 0])), 1),
            "hi95": round(float(i95[k, 1]), 1),
        }
        for k, month in enumerate(future)
    ]


def mase_scale(train: pd.Series) -> float:
    values = train.astype(float).to_numpy()
    scale = float(np.mean(np.abs(values[SEASON:] - values[:-SEASON])))
    return scale if scale > 0 else math.nan


def backtest(series: pd.Series, horizon: int = 6, *, origins: int = 6, step: int = 2) -> dict[str, float]:
    """Rolling-origin hold-out: MASE of the model and of seasonal naive, averaged over the origins."""
    model_mase, naive_mase, model_mae, naive_mae = [], [], [], []
    for k in range(origins):
        end = len(series) - horizon - k * step
        train, test = series.iloc[:end], series.iloc[end : end + horizon]
        if len(train) < MIN_MONTHS:
            break
        predicted = np.array([p["mean"] for p in forecast(train, horizon)])
        naive = train.iloc[-SEASON:].iloc[:horizon].astype(float).to_numpy()
        actual = test.astype(float).to_numpy()
        scale = mase_scale(train)
        model_mae.append(float(np.mean(np.abs(predicted - actual))))
        naive_mae.append(float(np.mean(np.abs(naive - actual))))
        model_mase.append(model_mae[-1] / scale)
        naive_mase.append(naive_mae[-1] / scale)
    if not model_mase:
        raise ValueError(f"need at least {MIN_MONTHS + horizon} months of history")
    return {
        "origins": len(model_mase),
        "months_test": horizon,
        "mae_model": round(float(np.mean(model_mae)), 3),
        "mae_seasonal_naive": round(float(np.mean(naive_mae)), 3),
        "mase_model": round(float(np.mean(model_mase)), 3),
        "mase_seasonal_naive": round(float(np.mean(naive_mase)), 3),
    }


def monthly_counts(days: list[date], *, end: pd.Period) -> pd.Series:
    """Counts per month from the first month with a dispute to `end` (inclusive), zero-filled."""
    if not days:
        return pd.Series(dtype=float)
    periods = pd.PeriodIndex([pd.Period(d, freq="M") for d in days])
    counts = pd.Series(1, index=periods).groupby(level=0).sum()
    index = pd.period_range(periods.min(), end, freq="M")
    return counts.reindex(index, fill_value=0)


def synthetic_series(
    *, years: int = 10, start_year: int = 2016, level: float = 60.0, seed: int = 0, start: str | None = None
) -> pd.Series:
    """Monthly Poisson counts with trend, a yearly season and a Spring Festival effect (benchmark/test data)."""
    rng = np.random.default_rng(seed)
    months = pd.period_range(start or f"{start_year}-01", periods=12 * years, freq="M")
    festival = festival_regressors(months)
    t = np.arange(len(months))
    season = 0.15 * np.sin(2 * np.pi * (months.month.to_numpy() - 4) / 12)
    log_mean = (
        np.log(level)
        + 0.003 * t
        + season
        + 0.6 * festival["pre_festival"].to_numpy()
        + 0.35 * festival["festival"].to_numpy()
    )
    return pd.Series(rng.poisson(np.exp(log_mean)), index=months)
