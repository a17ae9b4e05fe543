from django.urls import path

from igor.support import views

app_name = "support"
urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("kalender/", views.calendar, name="calendar"),
    path("uppgifter/", views.tasks, name="tasks"),
    path("uppgifter/ny/", views.add_task, name="add_task"),
    path("uppgifter/<int:pk>/klar/", views.complete_task, name="complete_task"),
    path("uppgifter/<int:pk>/andra/", views.edit_task, name="edit_task"),
    path("utforare/", views.providers, name="providers"),
    path("utforare/ny/", views.add_provider, name="add_provider"),
    path("utforare/<int:pk>/andra/", views.edit_provider, name="edit_provider"),
    path("arenden/<int:pk>/", views.case, name="case"),
    path("arenden/<int:pk>/visa-adresser/", views.reveal, name="reveal"),
    path("arenden/<int:pk>/uppsok/planera/", views.plan_outreach, name="plan_outreach"),
    path("arenden/<int:pk>/uppsok/ny/", views.record_outreach, name="record_outreach"),
    path("arenden/<int:pk>/uppsok/<int:item_pk>/andra/", views.edit_outreach, name="edit_outreach"),
    path(
        "arenden/<int:pk>/uppsok/<int:item_pk>/avboka/",
        views.cancel_outreach,
        name="cancel_outreach",
    ),
    path("arenden/<int:pk>/remisser/ny/", views.add_referral, name="add_referral"),
    path("arenden/<int:pk>/remisser/<int:item_pk>/", views.referral_step, name="referral_step"),
    path(
        "arenden/<int:pk>/remisser/<int:item_pk>/andra/",
        views.edit_referral,
        name="edit_referral",
    ),
    path("arenden/<int:pk>/insatser/ny/", views.add_intervention, name="add_intervention"),
    path(
        "arenden/<int:pk>/insatser/<int:item_pk>/andra/",
        views.edit_intervention,
        name="edit_intervention",
    ),
    path(
        "arenden/<int:pk>/insatser/<int:item_pk>/avsluta/",
        views.end_intervention,
        name="end_intervention",
    ),
    path("arenden/<int:pk>/transporter/ny/", views.add_transport, name="add_transport"),
    path(
        "arenden/<int:pk>/transporter/<int:item_pk>/",
        views.transport_status,
        name="transport_status",
    ),
    path(
        "arenden/<int:pk>/transporter/<int:item_pk>/andra/",
        views.edit_transport,
        name="edit_transport",
    ),
    path("arenden/<int:pk>/boende/nytt/", views.add_placement, name="add_placement"),
    path(
        "arenden/<int:pk>/boende/<int:item_pk>/utflytt/",
        views.end_placement,
        name="end_placement",
    ),
    path("arenden/<int:pk>/rattsprocess/", views.legal, name="legal"),
    path("arenden/<int:pk>/rattsprocess/datum/", views.add_legal_event, name="add_legal_event"),
    path("arenden/<int:pk>/matning/", views.snapshot, name="snapshot"),
    path("arenden/<int:pk>/avsluta/", views.close, name="close"),
]
