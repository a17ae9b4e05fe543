from django.urls import path

from igor.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("nytt/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/andra/", views.edit, name="edit"),
    path("<int:pk>/parter/ny/", views.add_party, name="add_party"),
    path("<int:pk>/relationer/ny/", views.relate, name="relate"),
    path("<int:pk>/handelser/ny/", views.add_incident, name="add_incident"),
    path("<int:pk>/handelser/<int:incident_pk>/", views.incident, name="incident"),
    path("<int:pk>/journal/ny/", views.add_journal_entry, name="add_journal_entry"),
]
