from django.urls import path

from provision.views import catalogue, groups, maps, sessions, strategies

app_name = "provision"

urlpatterns = [
    # The library keeps the addresses it had beside support plans.
    path("plans/strategies/", strategies.strategy_list, name="strategy_list"),
    path("plans/strategies/new/", strategies.strategy_create, name="strategy_create"),
    # Provision mapping (Code of Practice 6.76).
    path("provision/catalogue/", catalogue.catalogue, name="catalogue"),
    path("provision/catalogue/starter/", catalogue.catalogue_starter, name="catalogue_starter"),
    path("provision/catalogue/new/", catalogue.intervention_create, name="intervention_create"),
    path("provision/catalogue/<int:pk>/", catalogue.intervention_edit, name="intervention_edit"),
    path("provision/groups/", groups.group_list, name="group_list"),
    path("provision/groups/new/", groups.group_create, name="group_create"),
    path("provision/groups/<int:pk>/", groups.group_detail, name="group_detail"),
    path("provision/groups/<int:pk>/members/", groups.member_add, name="member_add"),
    path("provision/members/<int:pk>/leave/", groups.member_leave, name="member_leave"),
    path("provision/members/<int:pk>/scores/", groups.member_scores, name="member_scores"),
    path("provision/map/", maps.map_school, name="map"),
    path("provision/map/export.xlsx", maps.map_xlsx, name="map_xlsx"),
    path("provision/map/export.pdf", maps.map_pdf, name="map_pdf"),
    path("provision/map/classes/<int:pk>/", maps.map_class, name="map_class"),
    path("provision/map/classes/<int:pk>/pdf/", maps.map_class_pdf, name="map_class_pdf"),
    path("provision/map/pupils/<int:pk>/", maps.map_pupil, name="map_pupil"),
    path("provision/map/pupils/<int:pk>/costed/", maps.map_pupil_costed, name="map_pupil_costed"),
    path("provision/map/pupils/<int:pk>/costed/pdf/", maps.map_pupil_pdf, name="map_pupil_pdf"),
    path("provision/costs/", maps.cost_settings, name="cost_settings"),
    path("provision/today/", sessions.session_today, name="today"),
    path("provision/groups/<int:pk>/sessions/", sessions.session_log, name="session_log"),
]
