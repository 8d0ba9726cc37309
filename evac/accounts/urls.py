from django.urls import path

from evac.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("organisations/", views.organisations, name="organisations"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
]
