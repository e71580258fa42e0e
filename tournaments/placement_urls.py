from django.urls import path

from tournaments import placement_views as views

# Included by tournaments/urls.py, where the `id` converter is registered.
urlpatterns = [
    path("placements/submissions", views.SubmissionListView.as_view(), name="placement-submissions"),
    path("placements/submissions/<id:submission_id>", views.SubmissionDetailView.as_view(),
         name="placement-submission"),
    path("placements/pending-review", views.PendingReviewView.as_view(),
         name="placement-pending-review"),
    path("placements/validate/<id:submission_id>", views.ValidateView.as_view(),
         name="placement-validate"),
    path("placements/batch-validate", views.BatchValidateView.as_view(),
         name="placement-batch-validate"),
    path("placements/rounds/<id:tournament_id>/<str:round_name>", views.RoundPlacementsView.as_view(),
         name="placement-round"),
    path("placements/confidence-report", views.ConfidenceReportView.as_view(),
         name="placement-confidence-report"),
    path("placements/players/search", views.PlayerSearchView.as_view(),
         name="placement-player-search"),
]
