from django.urls import path

from igor.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("export.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("definitioner/", views.dictionary, name="dictionary"),
    path("studier/", views.studies, name="studies"),
    path("studier/ny/", views.register_study, name="register_study"),
    path("studier/<int:pk>/", views.study, name="study"),
    path("studier/<int:pk>/uttag/<int:extract_pk>/", views.extract, name="extract"),
    path(
        "studier/<int:pk>/uttag/<int:extract_pk>/igen/",
        views.retry_extract,
        name="retry_extract",
    ),
    path(
        "studier/<int:pk>/uttag/<int:extract_pk>/fil/",
        views.download_extract,
        name="download_extract",
    ),
    path("uttagsregister/", views.register, name="register"),
]
