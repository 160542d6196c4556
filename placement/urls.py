from django.urls import path

from . import upload_views, views, views_ak1, views_company
from .access import COMPANY_HR

app_name = "placement"

urlpatterns = [
    # Public vacancy list (Perpres 57/2023) and the proof-of-reporting check
    path("lowongan/", views.vacancy_list, name="vacancy_list"),
    path("lowongan/<int:pk>/", views.vacancy_detail, name="vacancy_detail"),
    path("bukti-lapor/<str:number>/", views.report_verify, name="report_verify"),
    # Staff: matching candidates for a vacancy
    path("penempatan/staf/lowongan/<int:pk>/kandidat/", views.matching, name="staff_matching"),
    path("penempatan/staf/lowongan/<int:pk>/kandidat/unduh/", views.matching_export, name="staff_matching_export"),
    # The job seeker's AK/1 card
    path("akun/ak1/", views_ak1.ak1_home, name="ak1_home"),
    path("akun/ak1/ajukan/", views_ak1.ak1_apply, name="ak1_apply"),
    path("akun/ak1/<int:pk>/perbaiki/", views_ak1.ak1_revise, name="ak1_revise"),
    path("akun/ak1/<int:pk>/lapor-ulang/", views_ak1.ak1_rereport, name="ak1_rereport"),
    path("akun/ak1/<int:pk>/perpanjang/", views_ak1.ak1_renew, name="ak1_renew"),
    path("akun/ak1/<int:pk>/kartu.pdf", views_ak1.ak1_card_pdf, name="ak1_card_pdf"),
    path("penempatan/staf/ak1/<int:pk>/dokumen/<str:kind>/", views_ak1.staff_document, name="ak1_staff_document"),
    # Company HR portal
    path("perusahaan/", views_company.company_dashboard, name="company_dashboard"),
    path("perusahaan/daftar/", views_company.company_register, name="company_register"),
    *COMPANY_HR.url_patterns(
        login="perusahaan/masuk/",
        logout="perusahaan/keluar/",
        set_password="perusahaan/sandi/<uidb64>/<token>/",
        password_reset="perusahaan/sandi/lupa/",
    ),
    path("perusahaan/pengguna/", views_company.company_users, name="company_users"),
    path("perusahaan/lowongan/", views_company.vacancy_list, name="company_vacancies"),
    path("perusahaan/lowongan/baru/", views_company.vacancy_create, name="company_vacancy_create"),
    path("perusahaan/lowongan/<int:pk>/", views_company.vacancy_detail, name="company_vacancy_detail"),
    path("perusahaan/lowongan/<int:pk>/status/", views_company.vacancy_status, name="company_vacancy_status"),
    path("perusahaan/penempatan/", views_company.placement_list, name="company_placements"),
    path("perusahaan/penempatan/baru/", views_company.placement_create, name="company_placement_create"),
    path("perusahaan/penempatan/templat.xlsx", upload_views.template_download, name="company_placement_template"),
    path("perusahaan/penempatan/unggah/", upload_views.upload, name="company_placement_upload"),
    path(
        "perusahaan/penempatan/unggah/pratinjau/", upload_views.upload_preview, name="company_placement_upload_preview"
    ),
    path("perusahaan/penempatan/unggah/simpan/", upload_views.upload_confirm, name="company_placement_upload_confirm"),
    path("perusahaan/phk/", views_company.layoff_create, name="company_layoff_create"),
    path("perusahaan/bukti/<str:kind>/<int:pk>.pdf", views_company.proof_pdf, name="company_proof_pdf"),
]
