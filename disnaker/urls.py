from django.contrib import admin
from django.urls import include, path

from . import views, views_otp
from .access import JOB_SEEKERS

account_patterns = [
    path("akun/", views.account_home, name="account_home"),
    path("akun/daftar/", views.account_signup, name="account_signup"),
    path("akun/daftar/terkirim/", views.account_signup_sent, name="account_signup_sent"),
    path("akun/daftar/konfirmasi/<uidb64>/<token>/", views.account_confirm, name="account_confirm"),
    path("akun/klaim/kode/kirim/", views.account_claim_send_code, name="account_claim_send_code"),
    path("akun/klaim/kode/", views.account_claim_check_code, name="account_claim_check_code"),
    path("akun/klaim/ktp/", views.account_claim_ktp, name="account_claim_ktp"),
    path("akun/profil/", views.account_profile, name="account_profile"),
    path("akun/riwayat-akses/", views.account_data_access, name="account_data_access"),
    path("akun/data-saya/", views.account_data_download, name="account_data_download"),
    # Login, logout (POST only) and password reset from the portal kit, with Django's URL names.
    *JOB_SEEKERS.url_patterns(
        login="akun/masuk/",
        logout="akun/keluar/",
        password_reset="akun/sandi/lupa/",
        password_reset_done="akun/sandi/lupa/terkirim/",
        set_password="akun/sandi/atur/<uidb64>/<token>/",
        password_reset_complete="akun/sandi/selesai/",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    # The staff's second factor, between the admin's password and its pages (disnaker/second_factor.py).
    path("staf/verifikasi/", views_otp.otp_verify, name="otp_verify"),
    path("staf/verifikasi/aktifkan/", views_otp.otp_enrol, name="otp_enrol"),
    path("admin/", admin.site.urls),
    *account_patterns,
    path("statistik/", views.statistics, name="statistics"),
    path("statistik/<str:period_key>.csv", views.statistics_csv, name="statistics_csv"),
    path("statistik/<str:period_key>/", views.statistics, name="statistics_detail"),
    path("", include("training.urls")),
    path("", include("lpk_registry.urls")),
    path("", include("placement.urls")),
]

# A request that cannot be read (text PostgreSQL cannot store, a broken upload): the portal's page, in Indonesian.
handler400 = "disnaker.views.bad_request"
