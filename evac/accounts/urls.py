from django.urls import path

from evac.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("sign-out-everywhere/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("organisations/", views.organisations, name="organisations"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/key/options/", views.key_sign_in_options, name="key_sign_in_options"),
    path("two-factor/key/", views.key_sign_in, name="key_sign_in"),
    path("security/", views.security, name="security"),
    path("security/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("security/keys/required/", views.security_key_required, name="security_key_required"),
    path("security/keys/options/", views.key_register_options, name="key_register_options"),
    path("security/keys/", views.key_register, name="key_register"),
    path("security/keys/remove/", views.security_key_remove, name="security_key_remove"),
]
