from django.urls import path

from . import upload_views, views
from .access import LPK_OPERATORS

app_name = "lpk_registry"

urlpatterns = [
    path("lpk/", views.dashboard, name="dashboard"),
    *LPK_OPERATORS.url_patterns(
        login="lpk/masuk/",
        logout="lpk/keluar/",
        set_password="lpk/sandi/<uidb64>/<token>/",
        password_reset="lpk/sandi/lupa/",
    ),
    path("lpk/profil/", views.profile, name="profile"),
    path("lpk/laporan/", views.report_list, name="report_list"),
    path("lpk/laporan/baru/", views.report_create, name="report_create"),
    path("lpk/laporan/<int:pk>/", views.report_detail, name="report_detail"),
    path("lpk/laporan/<int:pk>/ubah/", views.report_edit, name="report_edit"),
    path("lpk/laporan/<int:pk>/kirim/", views.report_submit, name="report_submit"),
    path("lpk/laporan/templat.xlsx", upload_views.template_download, name="report_template"),
    path("lpk/laporan/<int:pk>/unggah/", upload_views.upload, name="report_upload"),
    path("lpk/laporan/<int:pk>/unggah/pratinjau/", upload_views.upload_preview, name="report_upload_preview"),
    path("lpk/laporan/<int:pk>/unggah/simpan/", upload_views.upload_confirm, name="report_upload_confirm"),
]
