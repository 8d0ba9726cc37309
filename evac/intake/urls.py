from django.urls import path

from evac.intake import pass_views, views

app_name = "intake"

urlpatterns = [
    path("", views.languages, name="languages"),
    path("<slug:lang>/", views.start, name="start"),
    path("<slug:lang>/program/", views.program, name="program"),
    path("<slug:lang>/applicant/", views.applicant, name="applicant"),
    path("<slug:lang>/family/", views.family, name="family"),
    path("<slug:lang>/family/add/", views.member, name="member_add"),
    path("<slug:lang>/family/<int:index>/", views.member, name="member"),
    path("<slug:lang>/family/<int:index>/remove/", views.remove_member, name="member_remove"),
    path("<slug:lang>/employment/", views.employment, name="employment"),
    path("<slug:lang>/contact/", views.contact, name="contact"),
    path("<slug:lang>/review/", views.review, name="review"),
    path("<slug:lang>/done/", views.done, name="done"),
    path("<slug:lang>/discard/", views.discard, name="discard"),
    path("<slug:lang>/status/", views.status, name="status"),
    path("<slug:lang>/passes/", pass_views.passes, name="passes"),
    path("<slug:lang>/passes/pdf/", pass_views.passes_pdf_view, name="passes_pdf"),
    path("<slug:lang>/passes/close/", pass_views.passes_close, name="passes_close"),
]
