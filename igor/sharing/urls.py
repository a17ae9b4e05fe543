from django.urls import path

from igor.sharing import views

app_name = "sharing"
urlpatterns = [
    path("nodatkomst/", views.break_glass, name="break_glass"),
    path("person/<int:pk>/", views.person_sharing, name="person"),
    path("person/<int:pk>/samtycke/", views.record_consent, name="record_consent"),
    path("person/<int:pk>/lagstod/", views.record_statutory, name="record_statutory"),
    path("person/<int:pk>/blankett.pdf", views.consent_pdf, name="consent_pdf"),
    path("person/<int:pk>/underskrivet/", views.signed_form, name="signed_form"),
    path("person/<int:pk>/register/", views.person_register, name="person_register"),
    path("register/", views.unit_register, name="unit_register"),
    path("godkannanden/", views.approvals, name="approvals"),
    path("orosanmalan/", views.concern_queue, name="concern_queue"),
    path("orosanmalan/ny/<int:pk>/", views.draft_concern, name="draft_concern"),
    path("orosanmalan/<int:pk>/", views.concern, name="concern"),
]
