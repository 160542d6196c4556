from django.urls import path

from . import staff_views, views

app_name = "training"

urlpatterns = [
    # Public catalogue and registration
    path("pelatihan/", views.catalogue, name="catalogue"),
    path("pelatihan/angkatan/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("pelatihan/angkatan/<int:pk>/daftar/", views.register, name="register"),
    path("pelatihan/tracer/<str:token>/", views.tracer_answer, name="tracer_answer"),
    path("verifikasi/<str:code>/", views.certificate_verify, name="certificate_verify"),
    # The job seeker's own registrations
    path("akun/pelatihan/", views.my_registrations, name="my_registrations"),
    path("akun/pelatihan/<int:pk>/", views.registration_detail, name="registration_detail"),
    path("akun/pelatihan/<int:pk>/konfirmasi/", views.registration_confirm, name="registration_confirm"),
    path("akun/pelatihan/<int:pk>/mundur/", views.registration_decline, name="registration_decline"),
    path("akun/pelatihan/<int:pk>/sertifikat/", views.certificate_download, name="certificate_download"),
    # Staff pages beside the admin
    path("pelatihan/staf/pendaftaran-langsung/", staff_views.walk_in, name="staff_walk_in"),
    path("pelatihan/staf/angkatan/<int:pk>/presensi/", staff_views.attendance, name="staff_attendance"),
    path("pelatihan/staf/alumni/", staff_views.alumni_search, name="staff_alumni"),
    path("pelatihan/staf/alumni/unduh/", staff_views.alumni_export, name="staff_alumni_export"),
    path("pelatihan/staf/pendaftaran/<int:pk>/dokumen/<str:kind>/", staff_views.document, name="staff_document"),
    path("pelatihan/staf/sertifikat/<int:pk>/", staff_views.certificate_download, name="staff_certificate"),
]
