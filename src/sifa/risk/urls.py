from django.urls import path

from sifa.risk import views

app_name = "risk"
urlpatterns = [
    path("ledgers/", views.ledgers, name="ledgers"),
    path("ledgers/run/", views.run_start, name="run_start"),
    path("runs/<int:run_id>/status/", views.run_status, name="run_status"),
    path("discrepancies/", views.discrepancy_board, name="discrepancies"),
    path("discrepancies/<int:discrepancy_id>/", views.discrepancy_detail, name="discrepancy"),
]
