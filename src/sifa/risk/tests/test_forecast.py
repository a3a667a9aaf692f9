"""E5 forecast: Spring Festival regressors from the shipped dates, intervals, accuracy vs seasonal naive."""

from collections.abc import Callable
from datetime import date

import pandas as pd
import pytest
from django.test import Client

from sifa.accounts.choices import Role
from sifa.risk import forecast
from sifa.risk.models import Dispute


def test_spring_festival_dates_ship_as_data() -> None:
    dates = forecast.spring_festivals()
    assert (min(dates), max(dates), len(dates)) == (2000, 2040, 41)
    assert (dates[2024], dates[2025], dates[2026]) == (date(2024, 2, 10), date(2025, 1, 29), date(2026, 2, 17))


def test_festival_regressors_follow_the_moving_date() -> None:
    frame = forecast.festival_regressors(pd.period_range("2024-01", "2025-03", freq="M"))
    assert frame.loc[pd.Period("2024-01", "M")].tolist() == pytest.approx([12 / 21, 0.0])
    assert frame.loc[pd.Period("2024-02", "M")].tolist() == pytest.approx([9 / 21, 1.0])
    assert frame.loc[pd.Period("2025-01", "M")].tolist() == pytest.approx([1.0, 3 / 15])
    assert frame.loc[pd.Period("2025-02", "M")].tolist() == pytest.approx([0.0, 12 / 15])
    assert frame.loc[pd.Period("2024-07", "M")].tolist() == [0.0, 0.0]


def test_forecast_intervals_are_ordered() -> None:
    result = forecast.forecast(forecast.synthetic_series(seed=1, years=6), horizon=3)
    assert [p["month"] for p in result] == ["2022-01", "2022-02", "2022-03"]
    for p in result:
        assert p["lo95"] <= p["lo80"] <= p["mean"] <= p["hi80"] <= p["hi95"]
    # the festival month (2022-02-01) is forecast above the month after it
    assert result[1]["mean"] > result[2]["mean"]


def test_forecast_refuses_short_history_and_bad_horizon() -> None:
    with pytest.raises(ValueError, match="36 months"):
        forecast.forecast(forecast.synthetic_series(years=2), 3)
    with pytest.raises(ValueError, match="1-6"):
        forecast.forecast(forecast.synthetic_series(years=4), 7)


def test_backtest_beats_seasonal_naive_on_a_festival_series() -> None:
    # six origins two months apart: the held-back windows cover every month of the year
    result = forecast.backtest(forecast.synthetic_series(seed=7, years=6), 6, origins=6)
    assert result["origins"] == 6
    assert result["mase_model"] < 1
    assert result["mase_model"] < result["mase_seasonal_naive"]


def test_forecast_page_from_reported_disputes(world: dict, staff_client: Callable[..., Client]) -> None:
    last = pd.Period(date.today(), freq="M") - 1
    series = forecast.synthetic_series(seed=2, years=4, level=6, start=str(last - 47))
    rows = []
    for month, n in series.items():
        for k in range(int(n)):
            rows.append(
                Dispute(
                    division_id="370102001",
                    type="neighbour" if k % 2 else "labour",
                    reported_on=month.start_time.date().replace(day=1 + k % 28),
                    description="历史纠纷",
                )
            )
    Dispute.objects.bulk_create(rows)
    client = staff_client("370102", (Role.ANALYST,))
    page = client.get("/risk/forecast/?months=2").content.decode()
    assert "回测精度" in page
    assert page.count("<caption>") == 4  # total, 解放路街道, labour, neighbour
    assert "<caption>解放路街道（区划）</caption>" in page
    other = staff_client("370103", (Role.ANALYST,)).get("/risk/forecast/").content.decode()
    assert "历史数据不足" in other
