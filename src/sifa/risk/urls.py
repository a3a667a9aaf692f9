from django.urls import path

from sifa.risk import dispute_views, views

app_name = "risk"
urlpatterns = [
    path("ledgers/", views.ledgers, name="ledgers"),
    path("ledgers/run/", views.run_start, name="run_start"),
    path("runs/<int:run_id>/status/", views.run_status, name="run_status"),
    path("discrepancies/", views.discrepancy_board, name="discrepancies"),
    path("discrepancies/<int:discrepancy_id>/", views.discrepancy_detail, name="discrepancy"),
    path("litigation/", views.litigation_check, name="litigation"),
    path("disputes/", dispute_views.board, name="board"),
    path("disputes/new/", dispute_views.dispute_new, name="dispute_new"),
    path("disputes/<int:dispute_id>/", dispute_views.dispute_detail, name="dispute"),
    path("alerts/<int:alert_id>/respond/", dispute_views.alert_respond, name="alert_respond"),
    path("rules/", dispute_views.rules, name="rules"),
    path("models/", dispute_views.models, name="models"),
    path("forecast/", dispute_views.forecast_view, name="forecast"),
    path("models/<int:model_id>/decide/", dispute_views.model_decide, name="model_decide"),
]
