from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .forms import EmailAuthenticationForm, EmailPasswordResetForm

account_patterns = [
    path("akun/", views.account_home, name="account_home"),
    path("akun/daftar/", views.account_signup, name="account_signup"),
    path(
        "akun/masuk/",
        auth_views.LoginView.as_view(
            template_name="disnaker/account/login.html",
            authentication_form=EmailAuthenticationForm,
            redirect_authenticated_user=True,
            next_page="account_home",
        ),
        name="account_login",
    ),
    # Django's LogoutView accepts POST only.
    path("akun/keluar/", auth_views.LogoutView.as_view(next_page="home"), name="account_logout"),
    path("akun/profil/", views.account_profile, name="account_profile"),
    # Password reset: Django's views and URL names, Indonesian templates in templates/registration/.
    path(
        "akun/sandi/lupa/",
        auth_views.PasswordResetView.as_view(
            form_class=EmailPasswordResetForm, extra_email_context={"office_name": settings.OFFICE_SHORT_NAME}
        ),
        name="password_reset",
    ),
    path("akun/sandi/lupa/terkirim/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "akun/sandi/atur/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("akun/sandi/selesai/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    *account_patterns,
    path("statistik/", views.statistics, name="statistics"),
    path("statistik/<str:period_key>.csv", views.statistics_csv, name="statistics_csv"),
    path("statistik/<str:period_key>/", views.statistics, name="statistics_detail"),
    path("", include("training.urls")),
    path("", include("lpk_registry.urls")),
    path("", include("placement.urls")),
]
