"""The app's URLs under /board/: a URLconf for the drill-down links' test."""

from django.urls import include, path

urlpatterns = [path("board/", include("smartiberica.urls"))]
