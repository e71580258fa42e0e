from django.urls import path

from graphics import views

urlpatterns = [
    path("graphics", views.GraphicListView.as_view(), name="graphic-list"),
    path("graphics/<int:graphic_id>", views.GraphicDetailView.as_view(), name="graphic-detail"),
    path("graphics/<int:graphic_id>/duplicate", views.GraphicDuplicateView.as_view(), name="graphic-duplicate"),
    path("graphics/<int:graphic_id>/permanent", views.GraphicPermanentDeleteView.as_view(),
         name="graphic-permanent-delete"),
    path("graphics/<int:graphic_id>/view", views.GraphicOverlayView.as_view(), name="graphic-view"),
    path("graphics/<int:graphic_id>/revisions", views.GraphicRevisionListView.as_view(), name="graphic-revisions"),
    path("graphics/<int:graphic_id>/revisions/<int:revision_id>/restore", views.GraphicRevisionRestoreView.as_view(),
         name="graphic-revision-restore"),
    path("graphics/<int:graphic_id>/take", views.GraphicTakeView.as_view(), name="graphic-take"),
    path("graphics/<int:graphic_id>/clear", views.GraphicClearView.as_view(), name="graphic-clear"),
    path("graphics/<int:graphic_id>/overlay-key", views.GraphicOverlayKeyView.as_view(), name="graphic-overlay-key"),
    path("on-air", views.OnAirView.as_view(), name="on-air"),
    path("events", views.EventListView.as_view(), name="event-list"),
    path("lock/status", views.LockListView.as_view(), name="lock-list"),
    path("lock/<int:graphic_id>", views.LockView.as_view(), name="lock"),
    path("lock/<int:graphic_id>/status", views.LockStatusView.as_view(), name="lock-status"),
    path("lock/<int:graphic_id>/refresh", views.LockRefreshView.as_view(), name="lock-refresh"),
    path("lock/<int:graphic_id>/break", views.LockBreakView.as_view(), name="lock-break"),
    path("archive", views.ArchiveListView.as_view(), name="archive-list"),
    path("archive/<int:graphic_id>", views.ArchiveView.as_view(), name="archive"),
    path("archive/<int:graphic_id>/restore", views.ArchiveRestoreView.as_view(), name="archive-restore"),
    path("archive/<int:graphic_id>/permanent", views.GraphicPermanentDeleteView.as_view(),
         name="archive-permanent-delete"),
    path("maintenance/cleanup-locks", views.LockCleanupView.as_view(), name="cleanup-locks"),
]
