"""Public addresses of the tip line: /t/<unit>/<language>/… (neutral words, one per page)."""

from django.urls import path

from igor.tips import public_views as views

app_name = "tipline"
urlpatterns = [
    path("", views.index, name="index"),
    path("exit/", views.quick_exit, name="exit"),
    path("<slug:unit>/<str:lang>/", views.start, name="start"),
    path("<slug:unit>/<str:lang>/tipsa/", views.tip, name="tip"),
    path("<slug:unit>/<str:lang>/kod/", views.receipt, name="receipt"),
    path("<slug:unit>/<str:lang>/skickat/", views.sent, name="sent"),
    path("<slug:unit>/<str:lang>/kontakt/", views.contact_me, name="contact_me"),
    path("<slug:unit>/<str:lang>/sluta/", views.help_to_stop, name="help_to_stop"),
    path("<slug:unit>/<str:lang>/tack/", views.thanks, name="thanks"),
    path("<slug:unit>/<str:lang>/stod/", views.help_directory, name="help"),
    path("<slug:unit>/<str:lang>/dolj/", views.hide_visit, name="hide"),
    path("<slug:unit>/<str:lang>/svar/", views.code_login, name="code"),
    path("<slug:unit>/<str:lang>/svar/samtal/", views.dialogue, name="dialogue"),
    path(
        "<slug:unit>/<str:lang>/svar/samtal/<int:pk>/radera/",
        views.delete_reply,
        name="delete_reply",
    ),
    path("<slug:unit>/<str:lang>/svar/avsluta/", views.end_dialogue, name="end_dialogue"),
]
