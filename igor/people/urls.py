from django.urls import path

from igor.people import views

app_name = "people"
urlpatterns = [
    path("", views.search, name="search"),
    path("ny/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/andra/", views.edit, name="edit"),
    path("<int:pk>/visa-skyddat/", views.reveal, name="reveal"),
]
