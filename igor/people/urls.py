from django.urls import path

from igor.people import views

app_name = "people"
urlpatterns = [
    path("", views.search, name="search"),
    path("ny/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/andra/", views.edit, name="edit"),
    path("<int:pk>/visa-skyddat/", views.reveal, name="reveal"),
    path("dubbletter/", views.duplicates, name="duplicates"),
    path("dubbletter/sla-ihop/", views.merge, name="merge"),
    path("dubbletter/olika/", views.distinct, name="distinct"),
    path("dubbletter/angra/", views.undo, name="undo_merge"),
    path("larm/", views.alerts, name="alerts"),
]
