from django.urls import path

from zhenwu.accounts import manage_views, views

app_name = "accounts"

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/password/", views.password_change, name="password_change"),
    path("accounts/2fa/setup/", views.otp_setup, name="otp_setup"),
    path("accounts/2fa/verify/", views.otp_verify, name="otp_verify"),
    # System admin pages (mounted outside /accounts/ so the account policy middleware applies to them).
    path("manage/users/", manage_views.user_list, name="user_list"),
    path("manage/users/export/", manage_views.user_export, name="user_export"),
    path("manage/users/new/", manage_views.user_create, name="user_create"),
    path("manage/users/<int:pk>/", manage_views.user_detail, name="user_detail"),
    path("manage/users/<int:pk>/edit/", manage_views.user_edit, name="user_edit"),
    path(
        "manage/users/<int:pk>/reset-password/", manage_views.user_reset_password, name="user_reset_password"
    ),
    path("manage/users/<int:pk>/reset-otp/", manage_views.user_reset_otp, name="otp_reset"),
    path("manage/users/<int:pk>/reveal-phone/", manage_views.user_reveal_phone, name="user_reveal_phone"),
    path("manage/users/<int:pk>/memberships/add/", manage_views.membership_add, name="membership_add"),
    path("manage/memberships/<int:pk>/remove/", manage_views.membership_remove, name="membership_remove"),
    path("manage/roles/", manage_views.role_list, name="role_list"),
    path("manage/roles/<int:pk>/edit/", manage_views.role_edit, name="role_edit"),
    path("manage/security/", manage_views.security, name="security"),
    path("manage/security/unlock/<int:pk>/", manage_views.user_unlock, name="user_unlock"),
]
