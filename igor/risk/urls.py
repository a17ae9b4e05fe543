from django.urls import path

from igor.risk import views

app_name = "risk"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("arenden/<int:pk>/", views.case_risk, name="case"),
    path("arenden/<int:pk>/bedomning/ny/", views.assess, name="assess"),
    path("arenden/<int:pk>/bedomning/extern/", views.record_external, name="record_external"),
    path("arenden/<int:pk>/bedomning/egen/", views.record_victim, name="record_victim"),
    path("arenden/<int:pk>/bedomning/<int:assessment_pk>/", views.assessment, name="assessment"),
    path("arenden/<int:pk>/bedomning/<int:assessment_pk>/skanning/", views.scan, name="scan"),
    path("arenden/<int:pk>/bedomning/<int:assessment_pk>/beslut/", views.decide, name="decide"),
    path("arenden/<int:pk>/sakerhetsplan/<int:person_pk>/", views.plan, name="plan"),
    path("arenden/<int:pk>/sakerhetsplan/<int:person_pk>/ny/", views.plan_edit, name="plan_edit"),
    path("arenden/<int:pk>/sakerhetsplan/<int:person_pk>/pdf/", views.plan_pdf, name="plan_pdf"),
    path("arenden/<int:pk>/skydd/ny/", views.add_measure, name="add_measure"),
    path("arenden/<int:pk>/skydd/<int:measure_pk>/", views.measure, name="measure"),
    path("arenden/<int:pk>/skydd/<int:measure_pk>/overtradelse/", views.breach, name="breach"),
    path("personer/<int:pk>/kontaktvagar/", views.safe_contact, name="safe_contact"),
    path("samrad/", views.conferences, name="conferences"),
    path("samrad/nytt/", views.create_conference, name="create_conference"),
    path("samrad/<int:pk>/", views.conference, name="conference"),
    path("samrad/<int:pk>/dagordning/", views.fill_agenda, name="fill_agenda"),
    path("samrad/<int:pk>/arenden/<int:item_pk>/", views.conference_item, name="conference_item"),
    path(
        "samrad/<int:pk>/arenden/<int:item_pk>/atgard/",
        views.conference_action,
        name="conference_action",
    ),
    path(
        "samrad/<int:pk>/arenden/<int:item_pk>/atgard/klar/",
        views.conference_action_done,
        name="conference_action_done",
    ),
]
