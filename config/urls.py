from django.urls import path

from config import views

urlpatterns = [
    path("configuration", views.ConfigurationListView.as_view(), name="configuration-list"),
    path("configuration/bulk-update", views.ConfigurationBulkUpdateView.as_view(),
         name="configuration-bulk-update"),
    path("configuration/category/<str:category>", views.ConfigurationCategoryView.as_view(),
         name="configuration-category"),
    path("configuration/<str:key>", views.ConfigurationDetailView.as_view(),
         name="configuration-detail"),
]
