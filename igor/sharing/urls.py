from django.urls import path

from igor.sharing import views

app_name = "sharing"
urlpatterns = [
    path("nodatkomst/", views.break_glass, name="break_glass"),
]
