from django.urls import path

from igor.accounts import views

app_name = "accounts"
urlpatterns = [
    path("logga-in/", views.login_view, name="login"),
    path("verifiera/", views.verify_view, name="verify"),
    path("logga-ut/", views.logout_view, name="logout"),
    path("roll/", views.acting_role_view, name="acting_role"),
    path("session/", views.session_ping, name="session_ping"),
    path("personal/", views.staff_list, name="staff"),
    path("personal/<int:pk>/avaktivera/", views.deactivate, name="deactivate"),
    path("personal/<int:pk>/avsluta-sessioner/", views.end_sessions, name="end_sessions"),
    path("personal/<int:pk>/autentiserare/", views.issue_authenticator, name="issue_authenticator"),
]
