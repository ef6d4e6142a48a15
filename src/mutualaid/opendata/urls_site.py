"""The open-data pages and the Open Referral HSDS API (its own conventions, so its own paths under
/api/hsds/, outside the project's /api/v1/)."""

from django.urls import path

from mutualaid.opendata import views

urlpatterns = [
    path("open-data/", views.index, name="opendata_index"),
    path("open-data/hsds.zip", views.dataset, name="opendata_dataset"),
    path("api/hsds/", views.hsds_root, name="hsds_root"),
    path("api/hsds/organizations", views.hsds_organizations, name="hsds_organizations"),
    path("api/hsds/organizations/<str:record_id>", views.hsds_organization, name="hsds_organization"),
    path("api/hsds/services", views.hsds_services, name="hsds_services"),
    path("api/hsds/services/<str:record_id>", views.hsds_service, name="hsds_service"),
    path("api/hsds/service_at_locations", views.hsds_service_at_locations, name="hsds_service_at_locations"),
    path(
        "api/hsds/service_at_locations/<str:record_id>",
        views.hsds_service_at_location,
        name="hsds_service_at_location",
    ),
    path("api/hsds/taxonomies", views.hsds_taxonomies, name="hsds_taxonomies"),
    path("api/hsds/taxonomies/<str:record_id>", views.hsds_taxonomy, name="hsds_taxonomy"),
    path("api/hsds/taxonomy_terms", views.hsds_taxonomy_terms, name="hsds_taxonomy_terms"),
    path("api/hsds/taxonomy_terms/<str:record_id>", views.hsds_taxonomy_term, name="hsds_taxonomy_term"),
]
