from __future__ import annotations

from django.urls import path

from . import views

app_name = "links"
urlpatterns = [
    path("<int:link_id>/card/", views.link_card, name="card"),
    path("<int:link_id>/retry/", views.link_retry, name="retry"),
    path("<int:link_id>/embed/", views.link_embed, name="embed"),
    path("<int:link_id>/thumbnail.webp", views.link_thumbnail, name="thumbnail"),
]
