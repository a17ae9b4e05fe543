from django.urls import path

from igor.tips import manage_views, views

app_name = "tips"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/triage/", views.triage, name="triage"),
    path("<int:pk>/sammanfattning/", views.summary, name="summary"),
    path("<int:pk>/personer/", views.link_person, name="link_person"),
    path("<int:pk>/personer/<int:person_pk>/ta-bort/", views.unlink_person, name="unlink_person"),
    path("<int:pk>/arende/", views.link_case, name="link_case"),
    path("<int:pk>/nytt-arende/", views.open_case, name="open_case"),
    path("<int:pk>/utfall/", views.outcome, name="outcome"),
    path("<int:pk>/ateroppna/", views.reopen, name="reopen"),
    path("<int:pk>/meddelande/", views.message, name="message"),
    path("linje/", manage_views.line, name="line"),
    path("linje/texter/", manage_views.texts, name="texts"),
    path("linje/stod/ny/", manage_views.add_help_entry, name="add_help_entry"),
    path("linje/stod/<int:pk>/", manage_views.help_entry, name="help_entry"),
    path("linje/affisch/", manage_views.poster, name="poster"),
]
