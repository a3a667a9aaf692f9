app_name = "reconsideration"
urlpatterns: list = []
