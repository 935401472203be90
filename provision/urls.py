from django.urls import path

from provision import views

app_name = "provision"

# The library keeps the addresses it had beside support plans.
urlpatterns = [
    path("plans/strategies/", views.strategy_list, name="strategy_list"),
    path("plans/strategies/new/", views.strategy_create, name="strategy_create"),
]
